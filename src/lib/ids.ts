import { createHmac } from 'node:crypto'
import { urlAlphabet } from 'nanoid'

/**
 * Deterministic identifiers. Every code, opaque token and `jti` is an HMAC of the config `seed` over
 * the request's own inputs plus the number of identical requests that came before, so two fresh
 * servers given the same requests give byte-identical values, and unrelated requests never shift
 * each other's values (there is no global sequence).
 */
export interface IdSource {
  /** `length` bytes derived from `seed`, `parts` and the per-`parts` occurrence counter. */
  bytes(parts: readonly string[], length: number): Buffer
  /** Forget all counters (a reset restores the first values again). */
  reset(): void
}

/** How a derived value is spelled on the wire. */
export type IdFormat =
  | { kind: 'random'; alphabet: 'hex' | 'base64url' | 'nanoid' | 'alnum'; length: number }
  | { kind: 'uuid'; version: 3 | 4 }

const ALPHABETS = {
  hex: '0123456789abcdef',
  base64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  nanoid: urlAlphabet,
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
} as const

// Counters are bounded: past this many distinct input sets the oldest is forgotten. A forgotten
// counter restarts at 0, so its first value can recur; the stores refuse a value that is still live
// (see `issueUnique` callers), which keeps that safe.
const MAX_COUNTERS = 50_000

/** Create the id source for a seed. */
export function createIdSource(seed: string): IdSource {
  const counters = new Map<string, number>()
  return {
    bytes(parts, length) {
      const key = parts.join('\u0000')
      const n = counters.get(key) ?? 0
      if (n === 0 && counters.size >= MAX_COUNTERS) {
        const oldest = counters.keys().next().value
        if (oldest !== undefined) counters.delete(oldest)
      }
      counters.set(key, n + 1)
      const out = Buffer.allocUnsafe(length)
      for (let block = 0, filled = 0; filled < length; block++) {
        const h = createHmac('sha256', seed).update(`${key}\u0000${n}\u0000${block}`).digest()
        filled += h.copy(out, filled, 0, Math.min(h.length, length - filled))
      }
      return out
    },
    reset() {
      counters.clear()
    },
  }
}

/** Spell derived bytes in a wire format. */
export function formatId(ids: IdSource, parts: readonly string[], format: IdFormat): string {
  if (format.kind === 'uuid') {
    const b = ids.bytes(parts, 16)
    b[6] = (b[6]! & 0x0f) | (format.version << 4)
    b[8] = (b[8]! & 0x3f) | 0x80
    const h = b.toString('hex')
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }
  const alphabet = ALPHABETS[format.alphabet]
  if (format.alphabet === 'hex') return ids.bytes(parts, Math.ceil(format.length / 2)).toString('hex').slice(0, format.length)
  const b = ids.bytes(parts, format.length)
  let s = ''
  // 64-character alphabets map a byte's low 6 bits without bias; alnum's slight bias is harmless here.
  for (let i = 0; i < format.length; i++) s += alphabet[b[i]! % alphabet.length]
  return s
}
