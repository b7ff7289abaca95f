import { InputError } from './input-error.js'
/**
 * The only source of time in mockidp. Handlers read `clock.now()`; nothing else calls `Date.now()`.
 * A frozen clock makes every JWT byte-identical across runs, and can be moved by tests.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** A clock that can be frozen, set and advanced (tests, `"clock": "<ISO instant>"`). */
export interface ControllableClock extends Clock {
  /** Stop the clock at `ms` (epoch milliseconds); a system clock becomes frozen. */
  set(ms: number): void
  /** Move the clock forward by `ms` milliseconds (freezes a system clock at now + ms). */
  advance(ms: number): void
  /** Follow the wall clock again. */
  system(): void
  /** True when the clock does not move by itself. */
  readonly frozen: boolean
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))$/

/**
 * Epoch milliseconds of an ISO 8601 / RFC 3339 instant such as `2026-01-01T00:00:00Z`, or undefined
 * when it is none — strictly: `2026-02-30T00:00:00Z` or `24:00` are refused, where `Date.parse`
 * would roll them over into another day.
 */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text)
  if (!m) return undefined
  const [y, mo, d, h, mi, sec = 0, , , oh = 0, om = 0] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => (m[i] === undefined || i === 7 || i === 8 ? undefined : Number(m[i])))
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate()
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > days || h! > 23 || mi! > 59 || sec > 59 || oh > 23 || om > 59) return undefined
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

/** Largest epoch milliseconds a JavaScript Date holds (±100,000,000 days, ECMA-262 §21.4.1.1). */
export const MAX_TIME_MS = 8.64e15

function checkMs(ms: unknown, what: string, min: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < min || ms > MAX_TIME_MS)
    throw new InputError(`${what}: expected a finite number of milliseconds${min === 0 ? ' since the epoch' : ''} (|ms| ≤ 8.64e15), got ${typeof ms === 'number' ? String(ms) : typeof ms}`)
  return ms
}

/**
 * Build the clock for a config value: `"system"` follows the wall clock, an ISO instant freezes it there.
 * Either can later be set or advanced.
 */
export function createClock(setting: 'system' | string = 'system'): ControllableClock {
  let fixed: number | undefined = setting === 'system' ? undefined : parseInstant(setting)
  if (setting !== 'system' && fixed === undefined) throw new InputError(`clock: "${setting}" is not a real instant (e.g. "2026-01-01T00:00:00Z")`)
  return {
    now: () => fixed ?? Date.now(),
    set(ms) {
      fixed = checkMs(ms, 'clock.set(ms)', 0)
    },
    advance(ms) {
      const next = (fixed ?? Date.now()) + checkMs(ms, 'clock.advance(ms)', -MAX_TIME_MS)
      if (next < 0 || next > MAX_TIME_MS) throw new InputError(`clock.advance(ms): ${ms} ms would move the clock outside the range a Date can hold`)
      fixed = next
    },
    system() {
      fixed = undefined
    },
    get frozen() {
      return fixed !== undefined
    },
  }
}

/** Whole seconds since the epoch, as JWT `iat`/`exp` use. */
export const epochSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000)
