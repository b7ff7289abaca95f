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

/**
 * Build the clock for a config value: `"system"` follows the wall clock, an ISO instant freezes it there.
 * Either can later be set or advanced.
 */
export function createClock(setting: 'system' | string = 'system'): ControllableClock {
  let fixed: number | undefined = setting === 'system' ? undefined : Date.parse(setting)
  return {
    now: () => fixed ?? Date.now(),
    set(ms) {
      fixed = ms
    },
    advance(ms) {
      fixed = (fixed ?? Date.now()) + ms
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
