import type { ControllableClock } from '../lib/clock.js'
import type { SharedBus } from '../runtime/shared-bus.js'

/** The clock as replicas share it: frozen at `fixed` (epoch ms), or `null` for the wall clock. */
interface ClockSetting {
  fixed: number | null
}

/**
 * A clock that every replica on one Redis reads alike: a set, advance, freeze or return to the wall
 * clock at one replica is written to `<prefix>clock` and published, and the others apply it. Reads
 * stay local (`now()` is on every request's path); a replica that starts later takes the setting
 * from Redis. `inner` is the replica's own clock (a reload may give it a new one).
 */
export class SharedClock implements ControllableClock {
  private readonly key: string

  constructor(
    public inner: ControllableClock,
    private readonly bus: SharedBus,
  ) {
    this.key = bus.key('clock')
    bus.on('clock', (m) => this.apply(m as unknown as ClockSetting))
  }

  /** Take the shared setting, if a replica made one (else this replica's config clock stands). */
  async start(): Promise<void> {
    const text = await this.bus.run(this.bus.client.get(this.key))
    if (text) this.apply(JSON.parse(text) as ClockSetting)
  }

  private apply(s: ClockSetting): void {
    if (s.fixed === null) this.inner.system()
    else if (typeof s.fixed === 'number') this.inner.set(s.fixed)
  }

  private share(): void {
    const setting: ClockSetting = { fixed: this.inner.frozen ? this.inner.now() : null }
    void this.bus.track(this.bus.client.set(this.key, JSON.stringify(setting)))
    void this.bus.publish('clock', { ...setting })
  }

  now(): number {
    return this.inner.now()
  }

  get frozen(): boolean {
    return this.inner.frozen
  }

  set(ms: number): void {
    this.inner.set(ms)
    this.share()
  }

  advance(ms: number): void {
    this.inner.advance(ms)
    this.share()
  }

  system(): void {
    this.inner.system()
    this.share()
  }
}
