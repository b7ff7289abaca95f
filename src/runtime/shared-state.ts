import type { Idp } from './idp.js'
import type { SharedHooks } from './shared-hooks.js'
import { SharedBus } from './shared-bus.js'
import { SharedFixtures } from './shared-fixtures.js'
import { SharedConfig } from './shared-config.js'
import { SharedClock } from '../admin/shared-clock.js'
import { RedisFaults } from '../faults/redis-faults.js'
import { RedisJournal } from '../journal/redis-journal.js'

/**
 * Share with the other replicas on `idp.redis` everything beyond tokens that a replica needs to
 * answer as any other would (README: "Several replicas"): the journal, faults, run-time users and
 * clients, the clock, signing keys, queued sign-ins, resets and config reloads. Imported (dynamic
 * import) only when a Redis store is configured; the in-memory default loads none of it.
 */
export async function shareState(idp: Idp, log?: (line: string) => void): Promise<SharedHooks> {
  const redis = idp.redis
  if (!redis) throw new Error('shareState: the mock has no Redis connection')
  const bus = new SharedBus(redis, log)
  const clock = new SharedClock(idp.clock, bus)
  const faults = new RedisFaults(bus)
  const journal = new RedisJournal(idp, bus, { now: () => idp.clock.now() }, idp.journal.capacity)
  const fixtures = new SharedFixtures(idp, bus)
  const config = new SharedConfig(idp, bus, async () => {
    // a reload that changed the config's `clock` setting made the replica a new clock: share that one
    if (idp.clock !== clock) {
      clock.inner = idp.clock
      idp.clock = clock
    }
  })

  // A reset here resets the shared state for all (faults and journal reset through their own
  // shared objects); the others reset their copies when told.
  const resetHere = idp.reset
  idp.reset = () => {
    resetHere()
    void bus.track(fixtures.forget())
    void bus.publish('reset')
  }
  bus.on('reset', () => {
    idp.ids.reset()
    for (const t of idp.tenants) t.resetLocal()
    faults.resetLocal(idp.config.faults ?? [])
    journal.clearLocal()
  })

  // What the others already share: read at start, and again after an outage (changes published
  // meanwhile were not heard). A mock whose Redis is not there yet starts anyway (as the store does)
  // and takes the shared state once it is.
  let started = false
  const sync = async () => {
    await clock.start()
    await faults.start(idp.config.faults ?? [])
    await fixtures.load()
    await config.start()
  }
  // one start at a time (Redis can come and go during the first); each step is safe to run again
  let starting: Promise<void> | undefined
  const first = (): Promise<void> =>
    (starting ??= (async () => {
      await bus.start()
      await journal.start()
      await sync()
      started = true
    })().finally(() => (starting = undefined)))
  const say = log ?? ((line: string) => console.error(line))
  const stopWatching = redis.onStatus((up) => {
    if (up) (started ? sync() : first()).catch((err: unknown) => say(`mockidp: could not take the shared state from Redis: ${(err as Error).message}`))
  })
  if (redis.healthy()) await first()
  else say('mockidp: Redis is not answering yet; this replica takes the shared journal, faults, fixtures, clock and keys once it does')
  idp.clock = clock
  idp.faults = faults
  idp.journal = journal
  const hooks: SharedHooks = {
    fixture: (tenant, kind, key, value) => fixtures.fixture(tenant, kind, key, value),
    keysRotated: (tenant) => fixtures.keysRotated(tenant),
    flush: () => bus.flush(),
    async close() {
      stopWatching()
      await config.settled()
      journal.close()
      await bus.close()
    },
  }
  idp.shared = hooks
  return hooks
}
