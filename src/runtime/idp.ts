import { createClock, type ControllableClock } from '../lib/clock.js'
import { createIdSource, type IdSource } from '../lib/ids.js'
import type { ResolvedConfig } from '../config/types.js'
import type { Profile } from '../profiles/types.js'
import { Tenant } from './tenant.js'
import { Journal, JOURNAL_SIZE } from '../journal/journal.js'
import { FaultSet } from '../faults/faults.js'
import type { SharedHooks } from './shared-hooks.js'
import type { RedisConnection } from '../store/redis/connection.js'
import type { StoresFactory } from './stores.js'
import { redactUrl } from '../lib/redact-url.js'

/** Everything a running mock holds: config, clock, ids and the tenants. */
export interface Idp {
  config: ResolvedConfig
  clock: ControllableClock
  ids: IdSource
  tenants: Tenant[]
  tenant(id: string): Tenant | undefined
  /** Profiles by vendor name. */
  profiles: Map<string, Profile>
  /** Every request received (ring buffer). */
  journal: Journal
  /** Injected faults. */
  faults: FaultSet
  /** Restore the loaded config and forget every issued code, token and counter, the journal and API-added faults. */
  reset(): void
  /**
   * Swap in a new config (hot reload). Tenants are rebuilt and take over the state of the tenant
   * with the same id and vendor (codes, tokens, sessions, run-time fixtures) except what the new
   * config removes; returns one line per kind of item dropped. The journal and API-added faults stay.
   */
  replace(config: ResolvedConfig, profiles: Map<string, Profile>): string[]
  /** Undo the last `replace` (a reload that could not be applied whole), keeping state made since. */
  rollback(): void
  /** Re-read the config source, when the mock was started from one (set by whoever serves it). */
  reload?: (() => Promise<string[]>) | undefined
  /** Something in the state changed (a state file listens); a no-op without one. */
  changed(): void
  /** Whether something listens to `changed` (the state file). */
  persisted: boolean
  /** Set with a Redis store: journal, faults, fixtures, clock, keys and reloads shared with the other replicas. */
  shared?: SharedHooks | undefined
  /**
   * The Redis that replicas share, when `store.redis` (`--store`, `MOCKIDP_STORE`) is set; made by
   * {@link attachStore} before the mock serves. Absent: everything lives in this process's memory.
   * @internal (kept out of the published declarations: they must not need the optional "redis" package)
   */
  redis?: RedisConnection
  /**
   * Makes each tenant's shared stores, with `redis` (tenants built by a reload use it too).
   * @internal
   */
  stores?: StoresFactory
}

/**
 * Connect the Redis store when the config names one (the client is imported only then). Resolves
 * once Redis answered or after the connect timeout: the mock starts either way, unhealthy until
 * Redis is there. Idempotent.
 */
export async function attachStore(idp: Idp, log?: (line: string) => void): Promise<void> {
  const store = idp.config.redisStore
  if (!store || idp.redis) return
  const [{ connectRedis }, { redisStores }] = await Promise.all([import('../store/redis/connection.js'), import('./redis-stores.js')])
  idp.redis = await connectRedis(store.redis, { prefix: store.prefix, ...(log ? { log } : {}) })
  idp.stores = redisStores(idp.redis, store.redis, { now: () => idp.clock.now() })
  for (const t of idp.tenants) t.useStores(idp.stores)
}

/**
 * Close what a Redis store opened: the shared state, then the connection — the connection even when
 * closing the shared state failed (an open connection keeps the process alive). Idempotent.
 */
export async function closeStore(idp: Idp): Promise<void> {
  try {
    await idp.shared?.close()
  } catch {
    // Redis away: nothing more to say to it
  } finally {
    await idp.redis?.close().catch(() => undefined)
  }
}

const journalSize = (config: ResolvedConfig): number => (config.journal?.enabled === false ? 0 : (config.journal?.size ?? JOURNAL_SIZE))

/** Build the in-memory IdP. `clock` may be injected (tests); by default it follows `config.clock`. */
export function createIdp(config: ResolvedConfig, profiles: Map<string, Profile>, clock?: ControllableClock): Idp {
  // ids and stores read the idp's current clock, which a reload may replace
  const now = { now: () => idp.clock.now() }
  const env = () => ({ limits: idp.config.limits, onChange: () => idp.changed() })
  const build = (cfg: ResolvedConfig, pr: Map<string, Profile>) =>
    cfg.tenants.map((t) => {
      const tenant = new Tenant(t, pr.get(t.vendor)!, now, idp.ids, env())
      if (idp.stores) tenant.useStores(idp.stores)
      return tenant
    })
  let byId = new Map<string, Tenant>()
  let previous: Pick<Idp, 'config' | 'clock' | 'ids' | 'profiles' | 'tenants'> | undefined
  const idp: Idp = {
    config,
    clock: clock ?? createClock(config.clock),
    ids: createIdSource(config.seed, { now: () => idp.clock.now() }),
    tenants: [],
    profiles,
    journal: new Journal({ now: () => idp.clock.now() }, journalSize(config)),
    faults: new FaultSet(config.faults ?? []),
    tenant: (id) => byId.get(id),
    persisted: false,
    changed() {},
    reset() {
      idp.ids.reset()
      for (const t of idp.tenants) t.loadFixtures()
      idp.faults.reset(idp.config.faults ?? [])
      idp.journal.clear()
    },
    replace(next, nextProfiles) {
      previous = { config: idp.config, clock: idp.clock, ids: idp.ids, profiles: idp.profiles, tenants: idp.tenants }
      // build everything first: a tenant that fails to build leaves the running one untouched
      const nextClock = next.clock === idp.config.clock ? idp.clock : createClock(next.clock)
      // the same seed keeps its counters, so no value issued before the reload comes again
      const nextIds = next.seed === idp.config.seed ? idp.ids : createIdSource(next.seed, { now: () => idp.clock.now() })
      const old = idp.tenants
      Object.assign(idp, { config: next, clock: nextClock, ids: nextIds, profiles: nextProfiles })
      let tenants: Tenant[]
      try {
        tenants = build(next, nextProfiles)
      } catch (err) {
        Object.assign(idp, previous)
        throw err
      }
      const dropped: string[] = []
      for (const t of tenants) {
        const was = old.find((o) => o.id === t.id)
        if (!was) continue
        if (was.profile.name !== t.profile.name) {
          dropped.push(`${t.id}: all state (its vendor changed from ${was.profile.name} to ${t.profile.name})`)
          continue
        }
        for (const line of t.adopt(was)) dropped.push(`${t.id}: ${line}`)
      }
      for (const o of old) if (!tenants.some((t) => t.id === o.id)) dropped.push(`${o.id}: all state (the tenant was removed)`)
      idp.tenants = tenants
      byId = new Map(tenants.map((t) => [t.id, t]))
      idp.faults.replaceConfig(next.faults ?? [])
      idp.changed()
      return dropped
    },
    rollback() {
      if (!previous) return
      const failed = idp.tenants
      Object.assign(idp, previous)
      previous = undefined
      // whatever was issued meanwhile on the abandoned tenants comes back with the old ones
      for (const t of idp.tenants) {
        const f = failed.find((x) => x.id === t.id && x.profile.name === t.profile.name)
        if (f) t.adopt(f)
      }
      byId = new Map(idp.tenants.map((t) => [t.id, t]))
      idp.faults.replaceConfig(idp.config.faults ?? [])
    },
  }
  idp.tenants = build(config, profiles)
  byId = new Map(idp.tenants.map((t) => [t.id, t]))
  return idp
}

/** The store's part of a health answer: healthy unless a shared store is unreachable. */
export function storeHealth(idp: Idp): { healthy: boolean; report: { kind: 'memory' } | { kind: 'redis'; healthy: boolean; url: string; prefix: string } } {
  const r = idp.redis
  if (!r) return { healthy: true, report: { kind: 'memory' } }
  const healthy = r.healthy()
  return { healthy, report: { kind: 'redis', healthy, url: redactUrl(idp.config.redisStore!.redis), prefix: r.prefix } }
}

