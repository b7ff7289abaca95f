import type { Context } from 'hono'
import { compile } from '../lib/template.js'
import { stringify } from '../lib/json.js'
import type { ErrorSpec, ReasonSpec } from '../profiles/types.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { Env } from '../server/env.js'
import { OAuthError } from './errors.js'

const DEFAULT_STATUS: Record<string, number> = { invalid_client: 401, invalid_token: 401, insufficient_scope: 403, server_error: 500 }

/** Format a parameter list in the vendor's style (`'a' and 'b'`, `` `a` ``, `a b`). */
function formatList(items: readonly string[], list: ErrorSpec['list']): string {
  const q = items.map((i) => `${list.quote}${i}${list.quote}`)
  if (list.join === 'first') return q[0] ?? ''
  if (list.join === 'and') return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`
  return q.join(list.join)
}

/** The vendor's error code, status and description for an OAuthError. */
export function describeError(server: ServerRuntime, err: OAuthError, origin: string): { error: string; status: number; description: string; spec: ReasonSpec; vars: Record<string, string> } {
  const errors = server.spec.errors
  const spec = errors.reasons[err.reason] ?? errors.reasons.server_error!
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
  return { error: spec.error, status, description: compile(template)(vars), spec, vars }
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
  const { error, status: plain, description, spec, vars } = describeError(server, err, c.get('origin'))
  const usedBasic = c.get('usedBasic') === true
  const status = usedBasic && spec.basicStatus ? spec.basicStatus : plain
  const errors = server.spec.errors
  const values: Record<string, unknown> = { error, error_description: description }
  const body: Record<string, unknown> = {}
  for (const f of errors.fields) if (values[f] !== undefined) body[f] = values[f]
  for (const [k, t] of Object.entries(spec.extra ?? {})) {
    const v = compile(t)({ ...vars, error, description })
    if (v) body[k] = v
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...errors.headers }
  const www = errors.wwwAuthenticate[error]
  if (www && (www.when === 'always' || usedBasic)) headers['www-authenticate'] = compile(www.value)({ ...vars, error, description })
  return new Response(stringify(body, server.spec.json), { status, headers })
}

/** Whether a thrown value is an OAuthError. */
export const isOAuthError = (e: unknown): e is OAuthError => e instanceof OAuthError
