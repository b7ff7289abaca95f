import type { Context, MiddlewareHandler } from 'hono'
import type { Idp } from '../runtime/idp.js'
import type { Tenant } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { EndpointName } from '../profiles/types.js'
import { backOrigin, frontOrigin, type Mount } from '../server/origin.js'
import type { Env } from '../server/env.js'
import { isFormContentType, readForm, type Params } from '../oauth/params.js'
import { applyFault, type FaultOutcome } from '../faults/apply.js'
import { OAuthError } from '../oauth/errors.js'
import type { Fault, RequestFacts } from '../faults/faults.js'
import { clientGone } from '../server/aborted.js'
import { decodeEntry, type RawEntry } from './journal.js'
import { diagnoseRequest, faultHint } from '../diagnose/hint.js'
import type { RequestLogger } from '../log/request-log.js'

/** Path prefix of the admin API (never journaled, never faulted). */
export const ADMIN_PATH = '/_mockidp'

interface Route {
  server: ServerRuntime
  endpoint: EndpointName
}

/** The form body, read once (the endpoint's own read is cached by `readForm`). */
async function formOf(c: Context): Promise<Params | undefined> {
  if (c.req.method !== 'POST' || !isFormContentType(c.req.header('content-type'))) return undefined
  try {
    return await readForm(c)
  } catch {
    return undefined
  }
}

function basicClientId(header: string | undefined): string | undefined {
  if (!header || !/^basic\s/i.test(header)) return undefined
  const text = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon <= 0) return undefined
  try {
    return decodeURIComponent(text.slice(0, colon).replaceAll('+', ' '))
  } catch {
    return text.slice(0, colon)
  }
}

const headerClientId = (c: Context, server: ServerRuntime): string | undefined => {
  for (const h of server.spec.clientIdHeaders) {
    const v = c.req.header(h)
    if (v) return v
  }
  return undefined
}

/**
 * The one hook of journal and faults: before the endpoint, answer with an injected fault if one
 * matches; after it, record the request in the journal from what is already parsed (the journal
 * decodes and redacts only when read, so the token path pays for a few property reads).
 */
export function observeRequests(
  idp: Idp,
  tenants: readonly Tenant[],
  fallbackHost: string,
  mount: Mount = 'path',
  servers: readonly ServerRuntime[] = tenants.flatMap((t) => (mount === 'host' ? t.hostServers : t.servers)),
  log?: RequestLogger,
): MiddlewareHandler<Env> {
  const routes = new Map<string, Route>()
  for (const server of servers)
    for (const [name, p] of Object.entries(server.paths)) for (const path of Array.isArray(p) ? p : [p]) routes.set(path, { server, endpoint: name as EndpointName })
  const originOf = (c: Context) => frontOrigin(c, idp, fallbackHost, mount)

  return async function observe(c, next) {
    const path = c.req.path
    const t0 = log ? performance.now() : 0
    if (path === '/healthz' || path === ADMIN_PATH || path.startsWith(`${ADMIN_PATH}/`)) return next()
    const route = routes.get(path)
    let form: Params | undefined
    let formRead = false
    let fault: Fault | undefined
    let outcome: FaultOutcome | undefined
    if (route && idp.faults.size > 0 && c.req.method !== 'OPTIONS') {
      const facts = async (): Promise<RequestFacts> => {
        form = await formOf(c)
        formRead = true
        const query = new URL(c.req.url).searchParams
        return {
          grantType: form?.get('grant_type'),
          clientId: form?.get('client_id') ?? query.get('client_id') ?? basicClientId(c.req.header('authorization')) ?? headerClientId(c, route.server),
        }
      }
      fault = await idp.faults.take(route.server.tenant.id, route.endpoint, facts)
      if (fault) {
        // the journal wants the body; read it while the connection is still there
        if (!formRead && idp.journal.enabled && fault.kind !== 'delay') {
          form = await formOf(c)
          formRead = true
        }
        c.set('server', route.server)
        c.set('idp', idp)
        c.set('origin', originOf(c))
        c.set('backOrigin', backOrigin(c, idp, fallbackHost, mount))
        c.set('usedBasic', /^basic\s/i.test(c.req.header('authorization') ?? ''))
        outcome = await applyFault(c, fault)
      }
    }
    const answered = outcome?.res
    if (!answered) await next()

    const journal = idp.journal
    if (journal.enabled || log) {
      if (!formRead && !outcome?.dropped) form = await formOf(c)
      const res = answered ?? c.res
      // a dropped connection and a client that went away mid-request (no error of ours) got no answer: status 0
      const aborted = c.error !== undefined && !(c.error instanceof OAuthError) && clientGone(c)
      const status = outcome?.dropped || aborted ? 0 : res.status
      const thrown = answered || aborted ? undefined : c.error instanceof OAuthError ? c.error : (c.get('refusal') as OAuthError | undefined)
      const raw: Omit<RawEntry, 'seq' | 'at'> = {
        method: c.req.method,
        url: c.req.url,
        path,
        server: route?.server,
        endpoint: route?.endpoint,
        origin: (c.get('origin') as string | undefined) ?? originOf(c),
        status,
        err: thrown ? { reason: thrown.reason, vars: thrown.vars } : answered || !c.error || aborted ? undefined : true,
        location: status >= 300 && status < 400 ? res.headers.get('location') : undefined,
        form,
        authorization: c.req.header('authorization'),
        headerClientId: route && route.server.spec.clientIdHeaders.length ? headerClientId(c, route.server) : undefined,
        fault: fault ? { id: fault.id, kind: fault.kind } : undefined,
        faultError: outcome?.error,
        response: answered ? undefined : (c.get('tokenResponse') as Record<string, unknown> | undefined),
      }
      // the hint is worked out now: the codes and clients it looks at may change before anyone reads it
      if (fault && (outcome?.res || outcome?.dropped)) raw.hint = faultHint(fault)
      // (an error page has worked it out already)
      else if (thrown && route) raw.hint = (c.get('refusalHint') as string | undefined) ?? diagnoseRequest(idp.config, route.server, thrown, form, c.req.url, c.req.header('authorization'))?.hint
      const shared = journal.record(raw)
      if (log) {
        const r = raw as RawEntry
        if (r.at === undefined) Object.assign(r, { seq: 0, at: idp.clock.now() })
        log((r.decoded = decodeEntry(r)), performance.now() - t0)
      }
      // a journal shared through Redis: answer once the entry is there, so any replica's journal read next lists it —
      // unless Redis is already known not to answer (the request has waited its timeout once; the write stays tracked)
      if (shared && idp.redis?.healthy() !== false) await shared
    }
    return answered
  }
}
