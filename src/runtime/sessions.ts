import { epochSeconds, type Clock } from '../lib/clock.js'
import { formatId, type IdSource } from '../lib/ids.js'
import { TtlStore, type TtlStoreOptions } from '../store/ttl-store.js'

/** A browser's single sign-on session with a tenant. Times are epoch seconds. */
export interface SessionRecord {
  /** The cookie value; never the `sid`, which travels in id tokens. */
  handle: string
  /** OIDC session id: the id token's `sid` and the base of `session_state`. */
  sid: string
  sub: string
  /** When the user last authenticated: the id token's `auth_time`, what `max_age` is measured against. */
  authTime: number
  exp: number
}

/** How long a session lives on the server (oidc-provider's default); the cookie itself ends with the browser. */
export const SESSION_TTL = 14 * 24 * 3600

/**
 * The SSO sessions of one tenant, keyed by cookie handle. A handle is derived from its session's
 * `sid` (itself derived from the sign-in's own inputs), so two fresh servers hand out the same
 * cookies for the same logins, in whatever order they arrive.
 */
export class SessionStore {
  private readonly store: TtlStore<SessionRecord>
  /** Hears each session `find()` drops because it expired (back-channel logout on expiry). */
  onExpire: ((session: SessionRecord) => void) | undefined

  constructor(
    private readonly tenantId: string,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    opts: TtlStoreOptions,
  ) {
    this.store = new TtlStore(clock, { ...opts, retainMs: 0, retainMax: 0 })
  }

  /** Start a session for `sub` that authenticated now. */
  start(sub: string, sid: string): SessionRecord {
    const now = epochSeconds(this.clock)
    let handle: string
    do handle = formatId(this.ids, [this.tenantId, 'session', sid], { kind: 'random', alphabet: 'base64url', length: 43 })
    while (this.store.has(handle))
    const rec: SessionRecord = { handle, sid, sub, authTime: now, exp: now + SESSION_TTL }
    this.store.set(handle, rec)
    return rec
  }

  /** The live session behind a cookie value, if any. */
  find(handle: string | undefined): SessionRecord | undefined {
    if (!handle) return undefined
    const rec = this.store.get(handle)
    if (!rec) return undefined
    if (rec.exp <= epochSeconds(this.clock)) {
      this.store.delete(handle)
      this.onExpire?.(rec)
      return undefined
    }
    return rec
  }

  /** End a session (logout, or a new login in the same browser). */
  end(handle: string | undefined): boolean {
    return handle ? this.store.delete(handle) : false
  }

  /** Put back a session read from a state file or carried over a reload. */
  restore(rec: SessionRecord): void {
    this.store.set(rec.handle, rec)
  }

  values(): IterableIterator<SessionRecord> {
    return this.store.values()
  }

  get size(): number {
    return this.store.size
  }

  clear(): void {
    this.store.clear()
  }
}
