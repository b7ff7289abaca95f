import { formatId } from '../lib/ids.js'
import type { Tenant, User } from './tenant.js'

/** Who the next authorization request signs in, without the login page ("sign in as"). */
export interface NextSignInOptions {
  /** A user of the tenant, by sub, username, email or phone number. */
  user: string
  /** Only an authorization request of this client takes it; default: any client's. */
  clientId?: string
  /** Claims added to (or overriding) the id token and JWT access tokens of this sign-in, refreshes included. */
  claims?: Record<string, unknown>
  /** The id token's `amr` (authentication methods), e.g. `["pwd", "mfa"]`. */
  amr?: string[]
  /** The id token's `acr` (authentication context class). */
  acr?: string
  /**
   * Only a request that carries this sign-in's ticket (the `mockidp_next_sign_in` cookie) takes it,
   * so parallel browser tests never take each other's users. Default false: the next matching request.
   */
  ticketOnly?: boolean
}

/** A queued sign-in. */
export interface PendingSignIn {
  ticket: string
  sub: string
  clientId?: string
  claims?: Record<string, unknown>
  ticketOnly: boolean
}

/** Cookie a browser test sets on the mock's host to claim its own queued sign-in. */
export const NEXT_SIGN_IN_COOKIE = 'mockidp_next_sign_in'
/** Queued sign-ins per tenant; past this a new one is refused (none is dropped). */
export const MAX_PENDING_SIGN_INS = 1000

const pending = new WeakMap<Tenant, PendingSignIn[]>()
// claims of sign-ins made this way, by session id: every token of the session carries them
const sessionClaims = new WeakMap<Tenant, Map<string, Record<string, unknown>>>()

/** Who hears of queued, taken and bound sign-ins: the other replicas on one Redis (runtime/shared-fixtures.ts). */
export interface SignInReplication {
  queued(tenant: Tenant, entry: PendingSignIn): void
  taken(tenant: Tenant, ticket: string): void
  bound(tenant: Tenant, sid: string, claims: Record<string, unknown> | undefined): void
  /**
   * Claim a queued sign-in for this replica in one step on the shared store (SET NX): resolves
   * false when another replica took it first, so one queued sign-in signs in exactly once.
   */
  claim(tenant: Tenant, ticket: string): Promise<boolean>
}
// by the tenants' clock: one object per mock, the same for its tenants before and after a reload
const replication = new WeakMap<object, SignInReplication>()

/** Tell `to` of every change to the sign-ins of the tenants reading `clock` (one mock's). */
export function replicateSignIns(clock: object, to: SignInReplication): void {
  replication.set(clock, to)
}

/** Apply another replica's change (never told on). */
export function applySignIn(tenant: Tenant, change: { op: 'queued'; entry: PendingSignIn } | { op: 'taken'; ticket: string } | { op: 'bound'; sid: string; claims?: Record<string, unknown> | undefined }): void {
  if (change.op === 'queued') {
    let queue = pending.get(tenant)
    if (!queue) pending.set(tenant, (queue = []))
    if (!queue.some((p) => p.ticket === change.entry.ticket)) queue.push(change.entry)
  } else if (change.op === 'taken') {
    const queue = pending.get(tenant)
    const i = queue?.findIndex((p) => p.ticket === change.ticket) ?? -1
    if (i >= 0) queue!.splice(i, 1)
  } else keepSessionClaims(tenant, change.sid, change.claims)
}

/** Queue a sign-in; throws (with the reason) for an unknown user or client, or a full queue. */
export function queueSignIn(tenant: Tenant, opts: NextSignInOptions): PendingSignIn & { user: User } {
  const user = tenant.findUser(opts.user)
  if (!user) throw new RangeError(`no user "${opts.user}" in tenant "${tenant.id}" (users: ${tenant.users.map((u) => u.username).join(', ')})`)
  if (opts.clientId !== undefined && !tenant.clients.has(opts.clientId)) throw new RangeError(`no client "${opts.clientId}" in tenant "${tenant.id}"`)
  let queue = pending.get(tenant)
  if (!queue) pending.set(tenant, (queue = []))
  if (queue.length >= MAX_PENDING_SIGN_INS)
    throw new RangeError(`next-sign-in: ${MAX_PENDING_SIGN_INS} sign-ins are already waiting in tenant "${tenant.id}"; none was taken by an authorization request (reset the mock, or check the app reaches this tenant)`)
  const claims: Record<string, unknown> = { ...opts.claims }
  if (opts.amr !== undefined) claims.amr = opts.amr
  if (opts.acr !== undefined) claims.acr = opts.acr
  if (Object.keys(claims).length) {
    // a session's claims are kept as long as its tokens may refresh (until a reset): bounded by
    // refusing here, clearly, never by forgetting the claims of a live session
    const kept = (sessionClaims.get(tenant)?.size ?? 0) + queue.filter((p) => p.claims).length
    if (kept >= tenant.limits.sessions)
      throw new RangeError(`next-sign-in: tenant "${tenant.id}" keeps the claims of ${kept} "sign in as" sessions, its limit (limits.sessions); raise limits.sessions in the config, or reset the mock between test runs`)
  }
  const ticket = formatId(tenant.ids, [tenant.id, 'next-sign-in', user.sub, opts.clientId ?? ''], { kind: 'random', alphabet: 'base64url', length: 22 })
  const entry: PendingSignIn = { ticket, sub: user.sub, ticketOnly: opts.ticketOnly === true }
  if (opts.clientId !== undefined) entry.clientId = opts.clientId
  if (Object.keys(claims).length) entry.claims = claims
  queue.push(entry)
  replication.get(tenant.clock)?.queued(tenant, entry)
  return { ...entry, user }
}

/**
 * Take the queued sign-in an authorization request of `clientId` matches: the one its `ticket`
 * names, else the oldest that is not ticket-only and is for this client or any.
 */
export async function takeSignIn(tenant: Tenant, clientId: string, ticket: string | undefined): Promise<PendingSignIn | undefined> {
  const fits = (p: PendingSignIn) => p.clientId === undefined || p.clientId === clientId
  for (;;) {
    const queue = pending.get(tenant)
    if (!queue?.length) return undefined
    let i = ticket === undefined ? -1 : queue.findIndex((p) => p.ticket === ticket && fits(p))
    if (i < 0) i = queue.findIndex((p) => !p.ticketOnly && fits(p))
    if (i < 0) return undefined
    const taken = queue.splice(i, 1)[0]!
    const r = replication.get(tenant.clock)
    if (!r) return taken
    // shared: whichever replica claims it first signs in with it; the others move on to the next
    if (await r.claim(tenant, taken.ticket)) {
      r.taken(tenant, taken.ticket)
      return taken
    }
  }
}

/** Remember the claims of a "sign in as" session for its tokens. */
export function bindSessionClaims(tenant: Tenant, sid: string, claims: Record<string, unknown> | undefined): void {
  // (most sign-ins bind nothing: only a change is told)
  if (claims || sessionClaims.get(tenant)?.has(sid)) replication.get(tenant.clock)?.bound(tenant, sid, claims)
  keepSessionClaims(tenant, sid, claims)
}

/** Set (or, with none, forget) the claims of session `sid` here, telling nobody. */
function keepSessionClaims(tenant: Tenant, sid: string, claims: Record<string, unknown> | undefined): void {
  let m = sessionClaims.get(tenant)
  if (!claims) {
    m?.delete(sid)
    return
  }
  if (!m) sessionClaims.set(tenant, (m = new Map()))
  m.set(sid, claims)
}

/** Claims a "sign in as" put on the session `sid`, if any. */
export const signInClaims = (tenant: Tenant, sid: string | undefined): Record<string, unknown> | undefined => (sid === undefined ? undefined : sessionClaims.get(tenant)?.get(sid))

/** Pending sign-ins of a tenant, oldest first. */
export const pendingSignIns = (tenant: Tenant): readonly PendingSignIn[] => pending.get(tenant) ?? []

/** Forget queued sign-ins and their session claims (a reset). */
export function forgetSignIns(tenant: Tenant): void {
  pending.delete(tenant)
  sessionClaims.delete(tenant)
}

/** A reload: the new tenant carries on the old one's queued sign-ins and session claims. */
export function adoptSignIns(to: Tenant, from: Tenant): void {
  const q = pending.get(from)
  const c = sessionClaims.get(from)
  if (q) pending.set(to, q)
  if (c) sessionClaims.set(to, c)
}
