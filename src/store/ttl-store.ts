import type { Clock } from '../lib/clock.js'
import { ExpiryHeap } from './heap.js'

/** What a store holds: anything with an expiry in epoch seconds (`Infinity`: until reset). */
export interface Expiring {
  exp: number
}

/** Options of a {@link TtlStore}. */
export interface TtlStoreOptions {
  /** Most live entries held at once; past it `set` refuses (throws what `refuse` returns). */
  limit: number
  /** Builds the error thrown when the limit is reached. */
  refuse: (limit: number) => Error
  /**
   * How long an expired entry is still found by `get` (so that "expired" can be told apart from
   * "unknown"; vendors word those differently). Best effort: at most `retainMax` of them are kept.
   */
  retainMs?: number
  retainMax?: number
  /** Called after every change (persistence listens). */
  onChange?: (() => void) | undefined
}

/**
 * An in-memory map whose entries live until they expire, are deleted or the store is cleared —
 * never evicted while live. Memory is bounded by expiry (expired entries are swept from a heap
 * ordered by expiry, a few per write) and by `limit`, which refuses new entries when reached.
 */
export class TtlStore<V extends Expiring> {
  private readonly live = new Map<string, V>()
  private readonly heap = new ExpiryHeap()
  /** Recently expired entries, oldest first; found by `get`, not counted towards the limit. */
  private readonly expired = new Map<string, V>()
  private readonly retainMs: number
  private readonly retainMax: number

  constructor(
    private readonly clock: Clock,
    private readonly opts: TtlStoreOptions,
  ) {
    this.retainMs = opts.retainMs ?? 10 * 60_000
    this.retainMax = opts.retainMax ?? 10_000
  }

  /** The entry, live or recently expired. */
  get(key: string): V | undefined {
    return this.live.get(key) ?? this.expired.get(key)
  }

  has(key: string): boolean {
    return this.live.has(key) || this.expired.has(key)
  }

  /**
   * Store `value` under `key` (replacing what was there). Throws the store's refusal when `limit`
   * live entries are held and none of them has expired.
   */
  set(key: string, value: V): void {
    const nowMs = this.clock.now()
    this.sweep(nowMs, 4)
    if (!this.live.has(key) && this.live.size >= this.opts.limit) {
      this.sweep(nowMs, Infinity)
      if (this.live.size >= this.opts.limit) throw this.opts.refuse(this.opts.limit)
    }
    this.expired.delete(key)
    this.live.set(key, value)
    if (Number.isFinite(value.exp)) this.heap.push(value.exp, key)
    this.opts.onChange?.()
  }

  /** Throw the refusal now if a new entry would not fit (so a caller can check before it changes anything). */
  assertRoom(): void {
    if (this.live.size < this.opts.limit) return
    this.sweep(this.clock.now(), Infinity)
    if (this.live.size >= this.opts.limit) throw this.opts.refuse(this.opts.limit)
  }

  delete(key: string): boolean {
    const had = this.live.delete(key) || this.expired.delete(key)
    if (had) this.opts.onChange?.()
    return had
  }

  /** Live entries (and any not yet swept since they expired). */
  get size(): number {
    return this.live.size
  }

  get limit(): number {
    return this.opts.limit
  }

  /** Entries not yet swept, oldest first. */
  values(): IterableIterator<V> {
    return this.live.values()
  }

  entries(): IterableIterator<[string, V]> {
    return this.live.entries()
  }

  clear(): void {
    this.live.clear()
    this.expired.clear()
    this.heap.clear()
    this.opts.onChange?.()
  }

  /**
   * Move up to `max` entries whose expiry has passed out of the live set, and forget retained ones
   * past their retention. Returns how many left the live set.
   */
  sweep(nowMs = this.clock.now(), max = Infinity): number {
    const now = nowMs / 1000
    let moved = 0
    while (moved < max && this.heap.size && this.heap.peek() <= now) {
      const exp = this.heap.peek()
      const key = this.heap.pop()
      const v = this.live.get(key)
      // the heap may hold stale pairs: the key was deleted, replaced, or given a later expiry
      if (!v || v.exp !== exp) {
        if (v && Number.isFinite(v.exp) && v.exp > exp) this.heap.push(v.exp, key)
        continue
      }
      this.live.delete(key)
      this.expired.set(key, v)
      moved++
    }
    const forgetBefore = now - this.retainMs / 1000
    for (const [k, v] of this.expired) {
      if (this.expired.size <= this.retainMax && v.exp > forgetBefore) break
      this.expired.delete(k)
    }
    return moved
  }
}
