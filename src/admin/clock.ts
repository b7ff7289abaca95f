import { ConfigError } from '../config/errors.js'
import type { Idp } from '../runtime/idp.js'
import { expireSessions } from '../oauth/backchannel-logout.js'

/** The mock's clock as the admin API reports it. */
export interface ClockState {
  /** The mock's current time (ISO 8601). */
  now: string
  /** True when the clock stands still (frozen, set or advanced); false when it follows the wall clock. */
  frozen: boolean
}

/**
 * One change to the mock's clock; exactly one member. `advance`: a duration — seconds as a number,
 * or a string such as `"90s"`, `"15m"`, `"1h"`, `"2d"`, `"1h30m"` (negative moves it back); it
 * freezes a running clock at the new time. `set`: an ISO 8601 instant to freeze at. `freeze: true`:
 * stop at the current time. `system: true`: follow the wall clock again.
 */
export interface ClockChange {
  advance?: number | string
  set?: string
  freeze?: true
  system?: true
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
/** A hundred years: past it a duration is a typo (and would overflow `Date`). */
const MAX_MS = 100 * 365 * 86_400_000

/** Milliseconds of a duration (`3600`, `"3600"`, `"1h"`, `"1h30m"`, `"-5m"`); a ConfigError naming `at` otherwise. */
export function parseDuration(value: unknown, at: string): number {
  const bad = () =>
    new ConfigError(`${at}: ${JSON.stringify(value)} is not a duration; use seconds (3600) or a string such as "90s", "15m", "1h", "2d" or "1h30m"`)
  let ms: number
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw bad()
    ms = value * 1000
  } else if (typeof value === 'string') {
    const s = value.trim()
    if (/^-?\d+(\.\d+)?$/.test(s)) ms = Number(s) * 1000
    else {
      const m = /^(-?)((?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+)$/.exec(s)
      if (!m) throw bad()
      ms = 0
      for (const [, n, unit] of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) ms += Number(n) * UNIT_MS[unit!]!
      if (m[1]) ms = -ms
    }
  } else throw bad()
  if (Math.abs(ms) > MAX_MS) throw new ConfigError(`${at}: ${JSON.stringify(value)} is more than 100 years`)
  return Math.round(ms)
}

/** Epoch milliseconds of an ISO 8601 instant with a date and a time; a ConfigError naming `at` otherwise. */
export function parseInstant(value: unknown, at: string): number {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN
  if (!Number.isFinite(ms)) throw new ConfigError(`${at}: ${JSON.stringify(value)} is not an ISO 8601 instant such as "2030-01-01T00:00:00Z"`)
  if (ms < 0 || ms > Date.parse('9999-12-31T23:59:59Z')) throw new ConfigError(`${at}: ${JSON.stringify(value)} is outside 1970–9999`)
  return ms
}

/** The clock's reading. */
export function clockState(idp: Idp): ClockState {
  return { now: new Date(idp.clock.now()).toISOString(), frozen: idp.clock.frozen }
}

/**
 * Apply one change to the mock's clock and return its new reading. Sessions the new time has
 * expired are ended, with their back-channel logouts sent (awaited), as a real IdP's expiry would.
 */
export async function changeClock(idp: Idp, change: ClockChange): Promise<ClockState> {
  if (change === null || typeof change !== 'object' || Array.isArray(change)) throw new ConfigError('clock: the body must be a JSON object such as {"advance":"1h"}')
  const known = ['advance', 'set', 'freeze', 'system']
  const keys = Object.keys(change)
  const unknown = keys.filter((k) => !known.includes(k))
  if (unknown.length) throw new ConfigError(`clock.${unknown[0]}: unknown member; use one of ${known.map((k) => `"${k}"`).join(', ')}`)
  if (keys.length !== 1) throw new ConfigError(`clock: give exactly one of ${known.map((k) => `"${k}"`).join(', ')} (got ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'none'})`)
  const clock = idp.clock
  if (change.advance !== undefined) {
    const ms = parseDuration(change.advance, 'clock.advance')
    const next = clock.now() + ms
    if (next < 0 || next > Date.parse('9999-12-31T23:59:59Z')) throw new ConfigError(`clock.advance: ${JSON.stringify(change.advance)} moves the clock outside 1970–9999`)
    clock.advance(ms)
  } else if (change.set !== undefined) clock.set(parseInstant(change.set, 'clock.set'))
  else if (change.freeze !== undefined) {
    if (change.freeze !== true) throw new ConfigError('clock.freeze: must be true (use {"system": true} to let the clock run again)')
    clock.set(clock.now())
  } else {
    if (change.system !== true) throw new ConfigError('clock.system: must be true')
    clock.system()
  }
  await expireSessions(idp)
  return clockState(idp)
}
