/**
 * The store interface every flow uses, whether state lives in this process's memory (the default,
 * src/store/memory.ts) or in a Redis that several replicas share (src/store/redis/records.ts). Each
 * operation a flow needs to be atomic is ONE method here, done in one step by the store itself
 * (synchronously in memory, one command or Lua script in Redis), never a read-then-write by the caller.
 */

import type { Expiring } from './ttl-store.js'

export type { Expiring }

/** One kind of record of one tenant (codes, refresh tokens, sessions …), keyed by its value. */
export interface RecordStore<V extends Expiring> {
  /** The record (in memory also a recently expired one, so "expired" can be told from "unknown"). */
  get(key: string): Promise<V | undefined>
  /**
   * Store `value` under a key no record holds yet (Redis: SET NX with PX from `exp`); resolves false
   * when the key is taken, and the caller derives the next value. Refuses (throws `limit_reached`)
   * when the store is full.
   */
  claim(key: string, value: V): Promise<boolean>
  /** Store `value` under `key`, replacing what was there. */
  put(key: string, value: V): Promise<void>
  /** Remove a record; resolves whether there was one. */
  delete(key: string): Promise<boolean>
  /**
   * Atomically: unless the record's `unless` member is already true, merge `patch` into it. Resolves
   * the record AS IT WAS before (undefined: no record). The one caller that sees `unless` false won:
   * that is how a code is redeemed, or a rotating refresh token used, exactly once.
   */
  mark(key: string, unless: keyof V & string, patch: Partial<V>): Promise<V | undefined>
  /** Atomically read and remove (Redis GETDEL): a single-use value (a PAR request_uri). */
  take(key: string): Promise<V | undefined>
  /**
   * Every record held (in memory the live ones; in Redis a SCAN of the kind's keys): what the admin
   * API's bulk operations — end a user's sessions, revoke a client's tokens — go through, so that
   * they reach every replica's records, not only this process's. O(records), as a bulk change may be.
   */
  scan(): AsyncIterable<V>
}

/** One token to add to a grant ("family"). */
export type FamilyMember = { kind: 'refresh' | 'access' | 'jti'; value: string; exp: number }

/**
 * The members of each grant, so that a replayed code or a reused rotated refresh token revokes all
 * of them at once, however the requests interleave (RFC 6749 §4.1.2, §10.4; RFC 9700 §4.14).
 */
export interface FamilyStore {
  /**
   * Record that `family` issued `member`. A family already revoked revokes the member at once, so
   * a token issued while a replay revokes its family (on another replica, say) is revoked too.
   */
  add(family: string, member: FamilyMember): Promise<void>
  /** Revoke every member (refresh and opaque access tokens marked revoked, JWT jtis recorded), and mark the family revoked. */
  revoke(family: string): Promise<void>
  /** The family's JWT access tokens (not stored themselves) with their expiry, for a revocation by user or client. */
  jtis(family: string): Promise<[string, number][]>
}
