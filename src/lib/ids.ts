import { createHmac } from 'node:crypto'
import { urlAlphabet } from 'nanoid'
import type { Clock } from './clock.js'

/**
 * Deterministic identifiers. Every code, opaque token, session and `jti` is an HMAC of the config
 * `seed` over the flow's own inputs, the second it is derived in, and the number of identical
 * derivations before it in that second. So two fresh servers given the same requests give the same
 * values in any order (there is no sequence shared across flows), and a value never repeats within
 * a run: a counter is forgotten only once the clock has left its second, and a clock moved back
 * starts a new epoch instead of revisiting seconds already used.
 */
export interface IdSource {
  /** `length` bytes derived from `seed`, `parts`, the clock's second and the occurrence counter. */
  bytes(parts: readonly string[], length: number): Buffer
  /** `length` bytes derived from `seed` and `parts` alone, whatever the time (rotated signing keys). */
  fixed(parts: readonly string[], length: number): Buffer
  /** Forget all counters and epochs: a reset gives the first values again. */
  reset(): void
  /** The counters in force, for a state file. */
  save(): IdState
  /** Continue from a saved state (a restart with `--state`). */
  restore(state: IdState): void
}

/** The part of an id source that a restart must carry over so no value repeats. */
export interface IdState {
  epoch: number
  second: number
  counters: [string, number][]
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

/** Create the id source for a seed, reading time from `clock`. */
export function createIdSource(seed: string, clock: Clock): IdSource {
  // Counters of the current second only: memory is bounded by the issuance rate, not the run length.
  let counters = new Map<string, number>()
  let second = Number.NEGATIVE_INFINITY
  let epoch = 0
  const tick = (): void => {
    const s = Math.floor(clock.now() / 1000)
    if (s === second) return
    if (s < second) epoch++ // the clock went back: seconds already used must not be revisited
    second = s
    counters = new Map()
  }
  return {
    bytes(parts, length) {
      tick()
      const key = parts.join('\u0000')
      const n = counters.get(key) ?? 0
      counters.set(key, n + 1)
      const prefix = `${key}\u0000${epoch}\u0000${second}\u0000${n}\u0000`
      const out = Buffer.allocUnsafe(length)
      for (let block = 0, filled = 0; filled < length; block++) {
        const h = createHmac('sha256', seed).update(`${prefix}${block}`).digest()
        filled += h.copy(out, filled, 0, Math.min(h.length, length - filled))
      }
      return out
    },
    fixed(parts, length) {
      const out = Buffer.allocUnsafe(length)
      for (let block = 0, filled = 0; filled < length; block++) {
        const h = createHmac('sha256', seed).update(`fixed\u0000${parts.join('\u0000')}\u0000${block}`).digest()
        filled += h.copy(out, filled, 0, Math.min(h.length, length - filled))
      }
      return out
    },
    reset() {
      counters = new Map()
      second = Number.NEGATIVE_INFINITY
      epoch = 0
    },
    save: () => ({ epoch, second: Number.isFinite(second) ? second : 0, counters: [...counters] }),
    restore(state) {
      epoch = state.epoch
      second = state.second
      counters = new Map(state.counters)
      // a restart whose clock is behind the saved second continues in a new epoch
      if (Math.floor(clock.now() / 1000) < second) tick()
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
