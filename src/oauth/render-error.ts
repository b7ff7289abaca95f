import type { Context } from 'hono'
import { compile } from '../lib/template.js'
import { stringify } from '../lib/json.js'
import type { EndpointName, ErrorSpec, ReasonSpec } from '../profiles/types.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { Env } from '../server/env.js'
import { OAuthError } from './errors.js'

const DEFAULT_STATUS: Record<string, number> = { invalid_client: 401, invalid_token: 401, insufficient_scope: 403, server_error: 500 }

// node-oidc-provider v6 lib/helpers/formatters.js formats lists with Intl.ListFormat('en'):
// "'a' and 'b'", "'a', 'b', and 'c'"
const conjunction = new Intl.ListFormat('en', { type: 'conjunction' })

/** Format a parameter list in the vendor's style (`'a' and 'b'`, `` `a` ``, `a b`). */
function formatList(items: readonly string[], list: ErrorSpec['list']): string {
  const q = items.map((i) => `${list.quote}${i}${list.quote}`)
  if (list.join === 'first') return q[0] ?? ''
  if (list.join === 'and') return conjunction.format(q)
  return q.join(list.join)
}

/** The reason's spec at `endpoint`: the profile's `errors.endpoints` override merged over `reasons`. */
function reasonSpec(errors: ErrorSpec, reason: string, endpoint: EndpointName | undefined): ReasonSpec {
  const spec = errors.reasons[reason] ?? errors.reasons.server_error!
  const over = endpoint === undefined ? undefined : errors.endpoints?.[endpoint]?.[reason]
  return over ? { ...spec, ...over } : spec
}

/** The vendor's error code, status, description and extra members for an OAuthError. */
export function describeError(
  server: ServerRuntime,
  err: OAuthError,
  origin: string,
  endpoint?: EndpointName,
): { error: string; status: number; description: string; spec: ReasonSpec; vars: Record<string, string>; extra: Record<string, string> } {
  const errors = server.spec.errors
  const spec = reasonSpec(errors, err.reason, endpoint)
  const vars: Record<string, string> = { issuer: server.urls(origin).issuer, hostname: hostnameOf(origin) }
  let count = 1
  for (const [k, v] of Object.entries(err.vars)) {
    if (typeof v === 'string') vars[k] = v
    else {
      vars[k] = formatList(v, errors.list)
      vars[k.replace(/s$/, '')] = v[0] ?? ''
      count = v.length
    }
  }
  const template = count > 1 && spec.many ? spec.many : spec.description
  const status = spec.status ?? DEFAULT_STATUS[spec.error] ?? 400
  const description = compile(template)(vars)
  const extra: Record<string, string> = {}
  for (const [k, t] of Object.entries(spec.extra ?? {})) {
    const v = compile(t)({ ...vars, error: spec.error, description })
    if (v) extra[k] = v
  }
  return { error: spec.error, status, description, spec, vars, extra }
}

const hostnameOf = (origin: string): string => {
  try {
    return new URL(origin).hostname
  } catch {
    return 'localhost'
  }
}

/**
 * Turn an error into the vendor's JSON error response: body key order, extra members, status
 * (with the Basic-auth variant) and `WWW-Authenticate`. The one place an OAuthError becomes HTTP.
 */
export function renderError(c: Context<Env>, err: OAuthError): Response {
  const server = c.get('server')
  const { error, status: plain, description, spec, vars, extra } = describeError(server, err, c.get('origin'), c.get('endpoint'))
  const usedBasic = c.get('usedBasic') === true
  const status = usedBasic && spec.basicStatus ? spec.basicStatus : plain
  const errors = server.spec.errors
  const values: Record<string, unknown> = { error, error_description: description }
  const body: Record<string, unknown> = {}
  for (const f of spec.fields ?? errors.fields) if (values[f] !== undefined) body[f] = values[f]
  Object.assign(body, extra)
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...errors.headers }
  for (const [k, t] of Object.entries(spec.headers ?? {})) headers[k] = compile(t)({ ...vars, error, description })
  const www = errors.wwwAuthenticate[error]
  if (www && (www.when === 'always' || usedBasic)) headers['www-authenticate'] = compile(www.value)({ ...vars, error, description })
  return new Response(stringify(body, server.spec.json), { status, headers })
}

/** Whether a thrown value is an OAuthError. */
export const isOAuthError = (e: unknown): e is OAuthError => e instanceof OAuthError
