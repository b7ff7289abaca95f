import type { Tenant } from './tenant.js'
import type { ServerRuntime } from './server.js'

/**
 * The clients that signed in with each SSO session (Back-Channel Logout 1.0 §2.3, "Remembering
 * Logged-In RPs"), kept beside the session store: only sessions of clients with a logout URI need
 * it. By sid, then client id: which server (and mount) issued the client's tokens, and the origin it
 * saw the issuer at, so a logout token names the same `iss`.
 */
export interface Participant {
  /** The server itself, while its tenant lives (a reload finds the new one by `serverId` and `mount`). */
  server?: ServerRuntime
  serverId: string
  mount: 'path' | 'host'
  origin: string
}

const bySession = new WeakMap<Tenant, Map<string, Map<string, Participant>>>()
/** As many sessions as a tenant may hold at most (limits.sessions default). */
const MAX_SESSIONS = 100_000

/** The participants of every session of a tenant (created on first use). */
export function participantsOf(tenant: Tenant): Map<string, Map<string, Participant>> {
  let m = bySession.get(tenant)
  if (!m) bySession.set(tenant, (m = new Map()))
  return m
}

/** Whether any session of the tenant has participants (nothing to do otherwise). */
export const hasParticipants = (tenant: Tenant): boolean => (bySession.get(tenant)?.size ?? 0) > 0

/** Record that `clientId` signed in with session `sid`. */
export function addParticipant(tenant: Tenant, sid: string, clientId: string, p: Participant): void {
  const all = participantsOf(tenant)
  let clients = all.get(sid)
  if (!clients) {
    all.set(sid, (clients = new Map()))
    // sessions end, expire or are dropped with their tenant; past the session limit the oldest record goes
    if (all.size > MAX_SESSIONS) all.delete(all.keys().next().value!)
  }
  clients.set(clientId, p)
}

/** Take (and forget) the participants of a session that ended. */
export function takeParticipants(tenant: Tenant, sid: string): Map<string, Participant> | undefined {
  const all = bySession.get(tenant)
  const clients = all?.get(sid)
  if (clients) all!.delete(sid)
  return clients
}

/** The participants of a live session, without forgetting them (front-channel logout reads them first). */
export const sessionParticipants = (tenant: Tenant, sid: string): Map<string, Participant> | undefined => bySession.get(tenant)?.get(sid)

/** A reload: the new tenant carries on the old one's records. */
export function adoptParticipants(to: Tenant, from: Tenant): void {
  const old = bySession.get(from)
  if (old) bySession.set(to, old)
}

/** A reset: forget them all. */
export const forgetParticipants = (tenant: Tenant): boolean => bySession.delete(tenant)
