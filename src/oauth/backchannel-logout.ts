import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import type { Idp } from '../runtime/idp.js'
import type { Tenant } from '../runtime/tenant.js'
import type { SessionRecord } from '../runtime/sessions.js'
import type { ServerRuntime } from '../runtime/server.js'
import { signRs256 } from './jwt.js'
import { addParticipant, hasParticipants, sessionParticipants, takeParticipants, type Participant } from '../runtime/participants.js'

/** Why a session ended: the user logged out at the app, an admin ended it, it expired, or a new sign-in in the same browser replaced it. */
export type LogoutReason = 'logout' | 'admin' | 'expiry' | 'replaced'

/** One back-channel logout POST and how the app answered it. */
export interface LogoutDelivery {
  clientId: string
  /** The client's `backchannelLogoutUri`. */
  url: string
  sid: string
  sub: string
  reason: LogoutReason
  /** The app's HTTP status; 0 when it could not be reached in time. */
  status: number
  /** Why it failed: a network error, a timeout, or a non-2xx answer. */
  error?: string
}

/** How long an app has to answer a back-channel logout POST. */
export const DELIVERY_TIMEOUT_MS = 5000
/** Lifetime of a logout token (Back-Channel Logout 1.0 §2.4 asks for a short one; WSO2's default LogoutTokenExpiration is 120 s). */
const LOGOUT_TOKEN_TTL = 120
/** The logout event (Back-Channel Logout 1.0 §2.4). */
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/**
 * Remember that `clientId` signed in with session `sid` (Back-Channel Logout 1.0 §2.3, "Remembering
 * Logged-In RPs"), when the client asked to hear about logouts.
 */
export async function rememberParticipant(server: ServerRuntime, sid: string, clientId: string, origin: string): Promise<void> {
  const tenant = server.tenant
  const client = tenant.clients.get(clientId)
  if (!client?.backchannelLogoutUri && !client?.frontchannelLogoutUri) return
  watchExpiry(tenant)
  const mount = tenant.hostServers.includes(server) ? 'host' : 'path'
  // shared between replicas with the store: the session may end at another one
  if (tenant.store.participants) await tenant.store.participants.add(sid, clientId, { serverId: server.id, mount, origin })
  else addParticipant(tenant, sid, clientId, { server, serverId: server.id, mount, origin })
}

/** A session found expired on a later request ends like any other (idempotent; after a reload too). */
export function watchExpiry(tenant: Tenant): void {
  tenant.sessions.onExpire ??= (s) => void notifySessionEnded(tenant, s, 'expiry')
}

/** The server a participant's tokens came from, on the tenant as it is now (a reload rebuilds servers). */
const serverOf = (tenant: Tenant, p: Participant): ServerRuntime | undefined =>
  p.server?.tenant === tenant ? p.server : (p.mount === 'path' ? tenant.servers : tenant.hostServers).concat(tenant.servers, tenant.hostServers).find((s) => s.id === p.serverId)

/** The clients of a session with a front-channel logout URI, and the URL each iframe loads. */
export async function frontchannelTargets(tenant: Tenant, sid: string): Promise<{ clientId: string; url: string }[]> {
  const out: { clientId: string; url: string }[] = []
  const all = tenant.store.participants ? await tenant.store.participants.list(sid) : sessionParticipants(tenant, sid)
  for (const [clientId, p] of all ?? []) {
    const client = tenant.clients.get(clientId)
    const server = serverOf(tenant, p)
    if (!client?.frontchannelLogoutUri || !server) continue
    const url = new URL(client.frontchannelLogoutUri)
    // Front-Channel Logout 1.0 §2: `iss` and `sid` when the client registered session_required
    if (client.frontchannelLogoutSessionRequired) {
      url.searchParams.set('iss', server.urls(p.origin).issuer)
      url.searchParams.set('sid', sid)
    }
    out.push({ clientId, url: url.href })
  }
  return out
}

/**
 * A session has ended: POST a logout token to every client of the session that registered a
 * back-channel logout URI, record each delivery in the journal, and forget the session's clients
 * (front-channel targets must be read before). Never throws; resolves when every app answered or
 * timed out.
 */
export async function notifySessionEnded(tenant: Tenant, session: SessionRecord, reason: LogoutReason, journal?: Idp['journal']): Promise<LogoutDelivery[]> {
  // in memory taken at the call, before anything is awaited
  const clients = tenant.store.participants ? await sharedParticipants(tenant, session.sid) : takeParticipants(tenant, session.sid)
  if (!clients) return []
  const sends: Promise<LogoutDelivery>[] = []
  for (const [clientId, p] of clients) {
    const client = tenant.clients.get(clientId)
    const server = serverOf(tenant, p)
    if (client?.backchannelLogoutUri && server) sends.push(deliver(server, p.origin, clientId, client.backchannelLogoutUri, session, reason, journal ?? journals.get(tenant)))
  }
  return Promise.all(sends)
}

/** Take a session's participants from the shared store; an outage is logged, not thrown (nobody to answer). */
async function sharedParticipants(tenant: Tenant, sid: string): Promise<Map<string, Participant> | undefined> {
  try {
    return await tenant.store.participants!.take(sid)
  } catch (err) {
    console.error(`mockidp: back-channel logouts of session ${sid} (tenant ${tenant.id}) not sent: ${(err as Error).message}`)
    return undefined
  }
}

// The journal of the mock a tenant belongs to, for deliveries started without one at hand (expiry).
const journals = new WeakMap<Tenant, Idp['journal']>()

async function deliver(server: ServerRuntime, origin: string, clientId: string, url: string, session: SessionRecord, reason: LogoutReason, journal: Idp['journal'] | undefined): Promise<LogoutDelivery> {
  const tenant = server.tenant
  const now = epochSeconds(tenant.clock)
  const out: LogoutDelivery = { clientId, url, sid: session.sid, sub: session.sub, reason, status: 0 }
  try {
    // Back-Channel Logout 1.0 §2.4: iss, aud, iat, exp, jti, events, sub and sid; never a nonce. In
    // the order WSO2 builds them (identity-inbound-auth-oauth oidc-session DefaultLogoutTokenBuilder.buildJwtToken)
    const claims = {
      sub: session.sub,
      iss: server.urls(origin).issuer,
      aud: clientId,
      jti: formatId(tenant.ids, [tenant.id, 'logout-jti', session.sid, clientId], { kind: 'uuid', version: 4 }),
      events: { [LOGOUT_EVENT]: {} },
      exp: now + LOGOUT_TOKEN_TTL,
      iat: now,
      sid: session.sid,
    }
    const header = server.idHeaderB64 ?? tenant.servers.concat(tenant.hostServers).find((s) => s.idHeaderB64)?.idHeaderB64
    if (!header) throw new Error(`${tenant.profile.displayName} signs no id tokens to model a logout token on`)
    const token = await signRs256(header, claims, server.key.privateKey, server.spec.json)
    // §2.5: a form POST; the app answers 200 (or 204), 400 when it could not log out
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
      body: new URLSearchParams({ logout_token: token }).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    })
    await res.arrayBuffer().catch(() => undefined)
    out.status = res.status
    if (res.status < 200 || res.status > 299) out.error = `the app answered ${res.status}`
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } }
    out.error = e.name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS} ms` : (e.cause?.code ?? e.cause?.message ?? e.message)
  }
  journal?.recordDelivery({
    method: 'POST',
    path: url,
    tenant: tenant.id,
    server: server.id,
    clientId,
    status: out.status,
    ...(out.error === undefined ? {} : { error: 'delivery_failed', errorDescription: out.error }),
    query: {},
    form: { logout_token: '[redacted]' },
    delivery: { kind: 'backchannel_logout', url, sid: session.sid, sub: session.sub, reason },
  })
  if (out.error !== undefined) console.error(`mockidp: back-channel logout to ${clientId} at ${url} failed: ${out.error}`)
  return out
}

/** Let deliveries started by a session found expired reach the mock's journal. */
export function attachJournal(idp: Idp, tenants: readonly Tenant[]): void {
  for (const t of tenants) {
    journals.set(t, idp.journal)
    if (hasParticipants(t)) watchExpiry(t)
  }
}

/** End sessions of a tenant (all, or one user's), with their back-channel logouts; resolves to what was sent. */
export async function endSessions(idp: Idp, tenant: Tenant, sub?: string): Promise<{ ended: number; deliveries: LogoutDelivery[] }> {
  const ending: SessionRecord[] = []
  for await (const s of tenant.sessions.all()) {
    // ended in one step: a session another request (or replica) ends meanwhile is counted once
    if ((sub === undefined || s.sub === sub) && (await tenant.sessions.end(s.handle))) ending.push(s)
  }
  const deliveries = (await Promise.all(ending.map((s) => notifySessionEnded(tenant, s, 'admin', idp.journal)))).flat()
  return { ended: ending.length, deliveries }
}

/** End every session the mock's clock has expired, with their back-channel logouts (after a clock change). */
export async function expireSessions(idp: Idp): Promise<LogoutDelivery[]> {
  const now = epochSeconds(idp.clock)
  const sends: Promise<LogoutDelivery[]>[] = []
  for (const tenant of idp.tenants) {
    for await (const s of tenant.sessions.all()) {
      if (s.exp > now) continue
      if (!(await tenant.sessions.end(s.handle))) continue
      sends.push(notifySessionEnded(tenant, s, 'expiry', idp.journal))
    }
  }
  return (await Promise.all(sends)).flat()
}

/**
 * End the tenant's expired sessions at the old end of its store before a new one is stored (the
 * store's own sweep would drop them without a word).
 */
export function expireOldestSessions(tenant: Tenant): void {
  if (!hasParticipants(tenant)) return
  const now = epochSeconds(tenant.clock)
  const expired: SessionRecord[] = []
  for (const s of tenant.sessions.values()) {
    if (s.exp > now) break
    expired.push(s)
  }
  for (const s of expired) {
    tenant.sessions.end(s.handle)
    void notifySessionEnded(tenant, s, 'expiry')
  }
}
