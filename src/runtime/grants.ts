import type { Clock } from '../lib/clock.js'
import { TtlStore, type TtlStoreOptions } from '../store/ttl-store.js'

/** What one grant has issued: a code's exchange and every refresh-token rotation after it. */
export interface GrantMembers {
  /** The latest expiry of any member: the grant is forgotten once all of them have expired. */
  exp: number
  refresh: string[]
  access: string[]
  /** JWT access tokens (not stored themselves), with their expiry. */
  jtis: [string, number][]
}

/** One token to add to a grant. */
export type GrantMember = { kind: 'refresh' | 'access' | 'jti'; value: string; exp: number }

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
