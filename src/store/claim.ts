import type { Expiring, RecordStore } from './types.js'

/**
 * Store the record `make` builds under the first value of `next()` that no record holds: a value
 * already taken (here, or by another replica that derived it from the same inputs in the same
 * second) moves on to the next one `next()` derives. Resolves the value stored.
 */
export async function claimFresh<V extends Expiring>(store: RecordStore<V>, next: () => string, make: (value: string) => V): Promise<string> {
  for (;;) {
    const value = next()
    if (await store.claim(value, make(value))) return value
  }
}
