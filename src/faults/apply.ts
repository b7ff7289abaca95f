import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { compile } from '../lib/template.js'
import { stringify } from '../lib/json.js'
import { OAuthError, type Reason } from '../oauth/errors.js'
import { describeError, renderError } from '../oauth/render-error.js'
import type { Env } from '../server/env.js'
import type { Fault } from './faults.js'

/** What a fault answered, for the journal. */
export interface FaultOutcome {
  /** The response, or undefined to go on normally (`delay`). */
  res: Response | undefined
  dropped: boolean
  error?: { error: string; description: string | undefined }
}

const DEFAULT_STATUS: Record<string, number> = { invalid_client: 401, invalid_token: 401, insufficient_scope: 403, server_error: 500 }
/** Header that tells @hono/node-server the response was already dealt with. */
const ALREADY_SENT = 'x-hono-already-sent'
const MALFORMED = '{"mockidp": "malformed response'

/** Statuses whose responses have no body (Fetch Standard "null body status"): a fault answers them empty. */
const NULL_BODY = new Set([204, 205, 304])
const bodyFor = (status: number, body: string): string | null => (NULL_BODY.has(status) ? null : body)

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** An OAuth error in the vendor's shape: a profile reason as is, or with the fault's own code, wording or status. */
function errorResponse(c: Context<Env>, fault: Fault): FaultOutcome {
  const server = c.get('server')
  const errors = server.spec.errors
  if (fault.reason !== undefined && fault.error === undefined && fault.description === undefined) {
    const err = new OAuthError(fault.reason as Reason)
    const d = describeError(server, err, c.get('origin'))
    let res = renderError(c, err)
    if (fault.status !== undefined) res = new Response(NULL_BODY.has(fault.status) ? null : res.body, { status: fault.status, headers: res.headers })
    return { res, dropped: false, error: { error: d.error, description: d.description } }
  }
  const reason = fault.reason ?? Object.keys(errors.reasons).find((k) => errors.reasons[k]!.error === fault.error)
  const d = reason === undefined ? undefined : describeError(server, new OAuthError(reason as Reason), c.get('origin'))
  const error = fault.error ?? d!.error
  const description = fault.description ?? d?.description
  const status = fault.status ?? d?.status ?? DEFAULT_STATUS[error] ?? 400
  const values: Record<string, unknown> = { error, error_description: description }
  const body: Record<string, unknown> = {}
  for (const f of errors.fields) if (values[f] !== undefined) body[f] = values[f]
  const vars = { ...(d?.vars ?? {}), error, description: description ?? '' }
  if (d && d.error === error) {
    for (const [k, t] of Object.entries(d.spec.extra ?? {})) {
      const v = compile(t)(vars)
      if (v) body[k] = v
    }
  }
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...errors.headers }
  const www = errors.wwwAuthenticate[error]
  if (www && (www.when === 'always' || c.get('usedBasic'))) headers['www-authenticate'] = compile(www.value)(vars)
  return { res: new Response(bodyFor(status, stringify(body, server.spec.json)), { status, headers }), dropped: false, error: { error, description } }
}

/** Close the client's connection without an answer. */
function drop(c: Context<Env>): FaultOutcome {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming?.socket) return { res: Response.error(), dropped: true } // in-process app.request(): a network error
  incoming.socket.destroy()
  return { res: new Response(null, { headers: { [ALREADY_SENT]: 'true' } }), dropped: true }
}

/** Answer a request with `fault` (the tenant's `server`, `origin` and `usedBasic` are set on `c`). */
export async function applyFault(c: Context<Env>, fault: Fault): Promise<FaultOutcome> {
  if (fault.delayMs) await sleep(fault.delayMs)
  switch (fault.kind) {
    case 'delay':
      return { res: undefined, dropped: false }
    case 'error':
      return errorResponse(c, fault)
    case 'status': {
      const status = fault.status ?? 500
      return { res: new Response(bodyFor(status, fault.body ?? STATUS_CODES[status] ?? 'Error'), { status, headers: { 'content-type': 'text/plain; charset=utf-8' } }), dropped: false }
    }
    case 'malformed':
      return { res: new Response(bodyFor(fault.status ?? 200, fault.body ?? MALFORMED), { status: fault.status ?? 200, headers: { 'content-type': 'application/json; charset=utf-8' } }), dropped: false }
    case 'drop':
      return drop(c)
  }
}
