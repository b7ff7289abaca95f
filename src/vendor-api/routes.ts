import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { isHttps } from '../lib/request.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { EndpointName } from '../profiles/types.js'
import { stringify } from '../lib/json.js'
import { renderValue } from '../lib/template.js'
import { clearedSessionCookie } from '../oauth/session.js'
import { ApiError, operationName, readJsonBody, stringAt, type Json } from './request.js'
import { applicationAction, authenticateAction, baseVars, endSession, sessionAction, logoutAction, signInAction, tokenStatusAction } from './actions.js'
import { userOrganizations } from '../runtime/organizations.js'
import type { User } from '../runtime/tenant.js'
import type { ApiActionSpec, ApiErrorSpec, ApiReason, ApiRouteSpec, ApiSpec } from '../profiles/api.js'

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
  no_session: 200,
  unknown_operation: 400,
  unknown_application: 404,
  unknown_flow: 400,
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
    if (route.action === 'logout') {
      // a navigation (the hosted logout page), or an API call answering `body` (Authing's /api/v2/logout)
      if (route.body === undefined) return logoutAction(c, server)
      await endSession(c, server)
      const res = json(server, api, 200, renderValue(expand(route.body, api), baseVars(c, server, api)))
      res.headers.append('set-cookie', clearedSessionCookie(server, isHttps(c)))
      return res
    }
    const body = await readJsonBody(c)
    if (route.action === 'authenticate') return await authenticateAction(c, server, spec, body)
    let input: Json = body
    if (route.graphql) {
      const query = stringAt(body, 'query')
      const name = query === undefined ? undefined : operationName(query)
      const op = name !== undefined && Object.hasOwn(route.graphql, name) ? route.graphql[name] : undefined
      if (!op) throw new ApiError('unknown_operation', `mockidp serves the GraphQL operations ${Object.keys(route.graphql).join(', ')} here${name ? `, not "${name.slice(0, 60)}"` : ''}`)
      spec = op
      const vars = body.variables
      input = vars !== null && typeof vars === 'object' && !Array.isArray(vars) ? (vars as Json) : {}
    }
    const vars = await run(c, server, api, spec, input, body)
    if (route.contentType) return withCookies(vars, new Response(String(renderValue(spec.body ?? '', vars)), { status: 200, headers: { 'content-type': route.contentType, 'cache-control': 'no-store', ...api.headers } }))
    return withCookies(vars, json(server, api, 200, renderValue(expand(spec.body ?? {}, api), vars)))
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    const e: ApiErrorSpec = spec.errors?.[err.reason] ?? route.errors?.[err.reason] ?? api.errors[err.reason] ?? { status: FALLBACK_STATUS[err.reason], body: { error: err.reason, message: '${message}' } }
    const res = json(server, api, e.status, renderValue(expand(localised(c, api, e), api), { ...baseVars(c, server, api), message: err.detail }))
    res.headers.set('x-mockidp-reason', headerSafe(err.detail))
    return res
  }
}

async function run(c: Context<Env>, server: ServerRuntime, api: ApiSpec, spec: ApiActionSpec, input: Json, body: Json): Promise<Json> {
  const vars = baseVars(c, server, api)
  switch (spec.action) {
    case 'signIn':
      return { ...vars, ...(await signInAction(c, server, api, spec, input, body)) }
    case 'tokenStatus':
      return { ...vars, ...(await tokenStatusAction(c, server, spec, input)) }
    case 'organizations': {
      const status = await tokenStatusAction(c, server, spec, input)
      const orgs = userOrganizations(server.tenant, status.user as User)
      const item = expand(spec.item ?? {}, api)
      return { ...vars, ...status, organizations: orgs.map((organization) => renderValue(item, { ...vars, organization })) }
    }
    case 'session':
      return { ...vars, ...(await sessionAction(c, server)) }
    case 'application':
      return { ...vars, ...applicationAction(c, server, spec) }
    case 'refuse':
      throw new ApiError('unsupported', 'mockidp does not serve this API (see the README\'s Frontend SDKs table)')
    default:
      return vars
  }
}

/** The response, with the cookies the action set (`vars.setCookie`: a started SSO session). */
function withCookies(vars: Json, res: Response): Response {
  if (Array.isArray(vars.setCookie)) for (const v of vars.setCookie) res.headers.append('set-cookie', String(v))
  return res
}

function json(server: ServerRuntime, api: ApiSpec, status: number, body: unknown): Response {
  return new Response(stringify(body, server.spec.json), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...api.headers },
  })
}

/** A header value: printable ASCII only (a detail may quote a user's input). */
const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 300)

/** Replace `{"$use": name}` members with the API's fragments (a fragment may use others). */
function expand(value: unknown, api: ApiSpec, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => expand(v, api, depth))
  if (value === null || typeof value !== 'object') return value
  const obj = value as Json
  const use = obj.$use
  if (typeof use === 'string' && Object.keys(obj).length === 1 && depth < 8) return expand(api.fragments && Object.hasOwn(api.fragments, use) ? api.fragments[use] : null, api, depth + 1)
  const out: Json = {}
  for (const [k, v] of Object.entries(obj)) out[k] = expand(v, api, depth)
  return out
}

/** An error's body in the request's language (`langHeader`: `en-US`, then `en`), else its default body. */
function localised(c: Context<Env>, api: ApiSpec, e: ApiErrorSpec): unknown {
  const lang = api.langHeader && e.byLanguage ? c.req.header(api.langHeader)?.trim() : undefined
  if (!lang) return e.body
  const bodies = e.byLanguage!
  const hit = Object.hasOwn(bodies, lang) ? bodies[lang] : Object.hasOwn(bodies, lang.split('-')[0]!) ? bodies[lang.split('-')[0]!] : undefined
  return hit ?? e.body
}
