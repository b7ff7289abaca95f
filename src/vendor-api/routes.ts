import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { EndpointName } from '../profiles/types.js'
import { stringify } from '../lib/json.js'
import { renderValue } from '../lib/template.js'
import { ApiError, operationName, readJsonBody, stringAt, type Json } from './request.js'
import { baseVars, logoutAction, signInAction, tokenStatusAction } from './actions.js'
import type { ApiActionSpec, ApiErrorSpec, ApiReason, ApiRouteSpec, ApiSpec } from './types.js'

/** One mounted vendor-API route: its full path, method, and the handler. */
export interface ApiRoute {
  path: string
  method: 'GET' | 'POST'
  cors: boolean
  /** The OAuth endpoint whose errors and page headers it shares (a logout page: `endSession`). */
  endpoint: EndpointName | undefined
  handler: (c: Context<Env>) => Promise<Response>
}

/** Status of a reason a profile leaves unworded. */
const FALLBACK_STATUS: Record<ApiReason, number> = {
  bad_request: 400,
  unknown_client: 400,
  client_auth_failed: 401,
  invalid_credentials: 400,
  unsupported_encryption: 400,
  unsupported: 400,
  no_token: 401,
  invalid_token: 401,
  expired_token: 401,
  unknown_operation: 400,
  unknown_application: 404,
}

/** The routes of a server's vendor API (`ServerSpec.api`), at the server's tenant root. */
export function apiRoutes(server: ServerRuntime): ApiRoute[] {
  const api = server.spec.api
  if (!api) return []
  return api.routes.map((route) => ({
    path: server.rootPath + route.path,
    method: route.method,
    cors: route.cors !== false,
    endpoint: route.action === 'logout' && route.body === undefined ? 'endSession' : undefined,
    handler: (c) => handle(c, server, api, route),
  }))
}

async function handle(c: Context<Env>, server: ServerRuntime, api: ApiSpec, route: ApiRouteSpec): Promise<Response> {
  let spec: ApiActionSpec = route as ApiActionSpec
  try {
    if (route.action === 'logout') return logoutAction(c, server)
    const body = await readJsonBody(c)
    let input: Json = body
    if (route.graphql) {
      const query = stringAt(body, 'query')
      const name = query === undefined ? undefined : operationName(query)
      const op = name === undefined ? undefined : route.graphql[name]
      if (!op) throw new ApiError('unknown_operation', `mockidp serves the GraphQL operations ${Object.keys(route.graphql).join(', ')} here${name ? `, not "${name.slice(0, 60)}"` : ''}`)
      spec = op
      const vars = body.variables
      input = vars !== null && typeof vars === 'object' && !Array.isArray(vars) ? (vars as Json) : {}
    }
    const vars = await run(c, server, api, spec, input, body)
    return json(server, api, 200, renderValue(spec.body ?? {}, vars))
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    const e: ApiErrorSpec = spec.errors?.[err.reason] ?? route.errors?.[err.reason] ?? api.errors[err.reason] ?? { status: FALLBACK_STATUS[err.reason], body: { error: err.reason, message: '${message}' } }
    const res = json(server, api, e.status, renderValue(e.body, { ...baseVars(server, api), message: err.detail }))
    res.headers.set('x-mockidp-reason', headerSafe(err.detail))
    return res
  }
}

async function run(c: Context<Env>, server: ServerRuntime, api: ApiSpec, spec: ApiActionSpec, input: Json, body: Json): Promise<Json> {
  const vars = baseVars(server, api)
  switch (spec.action) {
    case 'signIn':
      return { ...vars, ...(await signInAction(c, server, api, spec, input, body)) }
    case 'tokenStatus':
      return { ...vars, ...tokenStatusAction(c, server, spec, input) }
    case 'refuse':
      throw new ApiError('unsupported', 'mockidp does not serve this API (see the README\'s Frontend SDKs table)')
    default:
      return vars
  }
}

function json(server: ServerRuntime, api: ApiSpec, status: number, body: unknown): Response {
  return new Response(stringify(body, server.spec.json), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...api.headers },
  })
}

/** A header value: printable ASCII only (a detail may quote a user's input). */
const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 300)
