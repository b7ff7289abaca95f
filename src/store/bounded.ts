import type { Clock } from '../lib/clock.js'

/**
 * An in-memory map whose entries expire and whose size is capped, so a long run or a 1M-request
 * benchmark keeps memory flat. Entries stay `retainMs` past their expiry so that an expired value
 * can still be told apart from an unknown one (vendors word those errors differently).
 */
export class BoundedStore<V extends { exp: number }> {
  private readonly map = new Map<string, V>()
  /** Entries that are never swept or evicted (fixture codes from the config). */
  private readonly pinned = new Map<string, V>()

  constructor(
    private readonly clock: Clock,
    readonly capacity = 100_000,
    private readonly retainMs = 10 * 60_000,
  ) {}

  get(key: string): V | undefined {
    return this.map.get(key) ?? this.pinned.get(key)
  }

  has(key: string): boolean {
    return this.map.has(key) || this.pinned.has(key)
  }

  /** Keep `value` until `clear()`, outside the capacity and expiry rules. */
  pin(key: string, value: V): void {
    this.pinned.set(key, value)
  }

  set(key: string, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    this.sweep(4)
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value
      if (oldest !== undefined) this.map.delete(oldest)
    }
  }

  delete(key: string): boolean {
    return this.map.delete(key) || this.pinned.delete(key)
  }

  get size(): number {
    return this.map.size
  }

  values(): IterableIterator<V> {
    return this.map.values()
  }

  clear(): void {
    this.map.clear()
    this.pinned.clear()
  }

  /** Drop up to `max` entries from the oldest end whose retention has passed. */
  sweep(max = Infinity): number {
    const limit = this.clock.now() - this.retainMs
    let dropped = 0
    for (const [k, v] of this.map) {
      if (dropped >= max || v.exp * 1000 > limit) break
      this.map.delete(k)
      dropped++
    }
    return dropped
  }
}
