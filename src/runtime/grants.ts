import type { Clock } from '../lib/clock.js'
import { TtlStore, type TtlStoreOptions } from '../store/ttl-store.js'
import type { FamilyMember, FamilyStore } from '../store/types.js'
import type { AccessRecord, RefreshRecord } from './records.js'

/** What one grant has issued: a code's exchange and every refresh-token rotation after it. */
export interface GrantMembers {
  /** The latest expiry of any member: the grant is forgotten once all of them have expired. */
  exp: number
  refresh: string[]
  access: string[]
  /** JWT access tokens (not stored themselves), with their expiry. */
  jtis: [string, number][]
  /** Set once the family was revoked: a member added later is revoked as it is added. */
  revoked?: boolean
}

/** One token to add to a grant. */
export type GrantMember = FamilyMember

/** How long a family revoked before it had any member stays marked: longer than any request takes. */
const EMPTY_REVOKED_TTL = 24 * 3600

/**
 * The members of each grant ("family"), so that a replayed code or a reused rotated refresh token
 * revokes all of them at once, however the requests interleave (RFC 6749 §4.1.2, §10.4; RFC 9700 §4.14).
 */
export class GrantIndex {
  private readonly store: TtlStore<GrantMembers>

  constructor(clock: Clock, opts: TtlStoreOptions) {
    this.store = new TtlStore(clock, { ...opts, retainMs: 0, retainMax: 0 })
  }

  /** Record that `family` issued `member`. */
  add(family: string, member: GrantMember): void {
    let g = this.store.get(family)
    if (!g) {
      g = { exp: member.exp, refresh: [], access: [], jtis: [] }
      this.store.set(family, g)
    } else if (member.exp > g.exp) {
      g.exp = member.exp
      this.store.set(family, g)
    }
    if (member.kind === 'refresh') g.refresh.push(member.value)
    else if (member.kind === 'access') g.access.push(member.value)
    else g.jtis.push([member.value, member.exp])
  }

  get(family: string): GrantMembers | undefined {
    return this.store.get(family)
  }

  entries(): IterableIterator<[string, GrantMembers]> {
    return this.store.entries()
  }

  restore(family: string, members: GrantMembers): void {
    this.store.set(family, members)
  }

  delete(family: string): boolean {
    return this.store.delete(family)
  }

  get size(): number {
    return this.store.size
  }

  clear(): void {
    this.store.clear()
  }
}

/** The stores a family's members live in (the tenant's own). */
export interface FamilyTargets {
  clock: Clock
  refreshTokens: TtlStore<RefreshRecord>
  accessTokens: TtlStore<AccessRecord>
  revokedJtis: TtlStore<{ exp: number }>
}

/**
 * The in-memory {@link FamilyStore}: members in a {@link GrantIndex}, revocation marks them in the
 * tenant's stores. Synchronous at each call, so a revocation never interleaves with an addition.
 */
export class MemoryFamilies implements FamilyStore {
  constructor(
    private readonly index: GrantIndex,
    private readonly t: FamilyTargets,
  ) {}

  add(family: string, member: FamilyMember): Promise<void> {
    this.index.add(family, member)
    if (this.index.get(family)?.revoked) this.revokeMember(member)
    return Promise.resolve()
  }

  jtis(family: string): Promise<[string, number][]> {
    return Promise.resolve([...(this.index.get(family)?.jtis ?? [])])
  }

  revoke(family: string): Promise<void> {
    let g = this.index.get(family)
    if (!g) {
      // nothing issued yet (a replay racing the winner's issuance): what it issues next is revoked as it is added
      g = { exp: Math.floor(this.t.clock.now() / 1000) + EMPTY_REVOKED_TTL, refresh: [], access: [], jtis: [] }
      this.index.restore(family, g)
    }
    g.revoked = true
    for (const value of g.refresh) this.revokeMember({ kind: 'refresh', value, exp: 0 })
    for (const value of g.access) this.revokeMember({ kind: 'access', value, exp: 0 })
    for (const [value, exp] of g.jtis) this.revokeMember({ kind: 'jti', value, exp })
    return Promise.resolve()
  }

  private revokeMember(m: FamilyMember): void {
    if (m.kind === 'jti') this.t.revokedJtis.set(m.value, { exp: m.exp })
    else {
      const r = (m.kind === 'refresh' ? this.t.refreshTokens : this.t.accessTokens).get(m.value)
      if (r) r.revoked = true
    }
  }
}
