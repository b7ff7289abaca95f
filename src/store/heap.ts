/** A binary min-heap of `[expiry, key]` pairs: the next entry to expire is always on top. */
export class ExpiryHeap {
  private readonly exps: number[] = []
  private readonly keys: string[] = []

  get size(): number {
    return this.exps.length
  }

  push(exp: number, key: string): void {
    const { exps, keys } = this
    let i = exps.length
    exps.push(exp)
    keys.push(key)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (exps[parent]! <= exp) break
      exps[i] = exps[parent]!
      keys[i] = keys[parent]!
      i = parent
    }
    exps[i] = exp
    keys[i] = key
  }

  /** The smallest expiry, or `Infinity` when empty. */
  peek(): number {
    return this.exps.length ? this.exps[0]! : Number.POSITIVE_INFINITY
  }

  /** Remove and return the top key (call only when `size > 0`). */
  pop(): string {
    const { exps, keys } = this
    const top = keys[0]!
    const lastExp = exps.pop()!
    const lastKey = keys.pop()!
    const n = exps.length
    if (n) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const r = l + 1
        const c = r < n && exps[r]! < exps[l]! ? r : l
        if (exps[c]! >= lastExp) break
        exps[i] = exps[c]!
        keys[i] = keys[c]!
        i = c
      }
      exps[i] = lastExp
      keys[i] = lastKey
    }
    return top
  }

  clear(): void {
    this.exps.length = 0
    this.keys.length = 0
  }
}
