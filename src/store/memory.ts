import type { TtlStore } from './ttl-store.js'
import type { Expiring, RecordStore } from './types.js'

/**
 * A {@link RecordStore} over an in-memory {@link TtlStore}. Every method does its whole work
 * synchronously, when called — a `mark` cannot interleave with anything — and resolves with the
 * result; a refusal (a full store) is thrown at the call, as `TtlStore.set` throws it.
 */
export class MemoryRecords<V extends Expiring> implements RecordStore<V> {
  constructor(readonly local: TtlStore<V>) {}

  get(key: string): Promise<V | undefined> {
    return Promise.resolve(this.local.get(key))
  }

  claim(key: string, value: V): Promise<boolean> {
    if (this.local.has(key)) return Promise.resolve(false)
    this.local.set(key, value)
    return Promise.resolve(true)
  }

  put(key: string, value: V): Promise<void> {
    this.local.set(key, value)
    return Promise.resolve()
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.local.delete(key))
  }

  mark(key: string, unless: keyof V & string, patch: Partial<V>): Promise<V | undefined> {
    const rec = this.local.get(key)
    if (!rec) return Promise.resolve(undefined)
    const was = { ...rec }
    // in place: callers holding the record (and the state file) see the change
    if (!rec[unless]) Object.assign(rec, patch)
    return Promise.resolve(was)
  }

  async *scan(): AsyncIterable<V> {
    // a copy: the caller may change the store as it goes
    for (const v of [...this.local.values()]) yield v
  }

  take(key: string): Promise<V | undefined> {
    const rec = this.local.get(key)
    if (rec) this.local.delete(key)
    return Promise.resolve(rec)
  }
}
