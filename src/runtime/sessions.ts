import { epochSeconds, type Clock } from '../lib/clock.js'
import { formatId, type IdSource } from '../lib/ids.js'
import { TtlStore, type TtlStoreOptions } from '../store/ttl-store.js'
import { MemoryRecords } from '../store/memory.js'
import type { RecordStore } from '../store/types.js'
import { claimFresh } from '../store/claim.js'

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
  /** The in-memory store (what a state file saves and a reload carries over). */
  readonly local: TtlStore<SessionRecord>
  /** Where sessions are found and started: `local`, or the shared store of a Redis-backed tenant. */
  backend: RecordStore<SessionRecord>
  /** Hears each session `find()` drops because it expired (back-channel logout on expiry). */
  onExpire: ((session: SessionRecord) => void) | undefined

  constructor(
    private readonly tenantId: string,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    opts: TtlStoreOptions,
  ) {
    this.local = new TtlStore(clock, { ...opts, retainMs: 0, retainMax: 0 })
    this.backend = new MemoryRecords(this.local)
  }

  /** Start a session for `sub` that authenticated now (its handle claimed: never one another replica holds). */
  async start(sub: string, sid: string): Promise<SessionRecord> {
    const now = epochSeconds(this.clock)
    const rec = (handle: string): SessionRecord => ({ handle, sid, sub, authTime: now, exp: now + SESSION_TTL })
    return rec(await claimFresh(this.backend, () => formatId(this.ids, [this.tenantId, 'session', sid], { kind: 'random', alphabet: 'base64url', length: 43 }), rec))
  }

  /** The live session behind a cookie value, if any. */
  async find(handle: string | undefined): Promise<SessionRecord | undefined> {
    if (!handle) return undefined
    const rec = await this.backend.get(handle)
    if (!rec) return undefined
    if (rec.exp <= epochSeconds(this.clock)) {
      await this.backend.delete(handle)
      this.onExpire?.(rec)
      return undefined
    }
    return rec
  }

  /** End a session (logout, or a new login in the same browser). */
  end(handle: string | undefined): Promise<boolean> {
    return handle ? this.backend.delete(handle) : Promise.resolve(false)
  }

  /** Put back a session read from a state file or carried over a reload. */
  restore(rec: SessionRecord): void {
    this.local.set(rec.handle, rec)
  }

  /** Every session of the tenant, wherever they are kept (a shared store: every replica's). */
  all(): AsyncIterable<SessionRecord> {
    return this.backend.scan()
  }

  /** The sessions held in memory (a Redis-backed tenant holds none here). */
  values(): IterableIterator<SessionRecord> {
    return this.local.values()
  }

  get size(): number {
    return this.local.size
  }

  clear(): void {
    this.local.clear()
  }
}
