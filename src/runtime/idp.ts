import { createClock, type ControllableClock } from '../lib/clock.js'
import { createIdSource, type IdSource } from '../lib/ids.js'
import type { ResolvedConfig } from '../config/types.js'
import type { Profile } from '../profiles/types.js'
import { Tenant } from './tenant.js'
import { Journal, JOURNAL_SIZE } from '../journal/journal.js'
import { FaultSet } from '../faults/faults.js'

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
  /** Swap in a new config (hot reload): tenants are rebuilt; the journal and API-added faults stay. */
  replace(config: ResolvedConfig, profiles: Map<string, Profile>): void
  /** Re-read the config source, when the mock was started from one (set by whoever serves it). */
  reload?: (() => Promise<void>) | undefined
}

const journalSize = (config: ResolvedConfig): number => (config.journal?.enabled === false ? 0 : (config.journal?.size ?? JOURNAL_SIZE))

/** Build the in-memory IdP. `clock` may be injected (tests); by default it follows `config.clock`. */
export function createIdp(config: ResolvedConfig, profiles: Map<string, Profile>, clock?: ControllableClock): Idp {
  const c = clock ?? createClock(config.clock)
  const build = (cfg: ResolvedConfig, pr: Map<string, Profile>, clk: ControllableClock, ids: IdSource) => cfg.tenants.map((t) => new Tenant(t, pr.get(t.vendor)!, clk, ids))
  let byId = new Map<string, Tenant>()
  const idp: Idp = {
    config,
    clock: c,
    ids: createIdSource(config.seed),
    tenants: [],
    profiles,
    journal: new Journal({ now: () => idp.clock.now() }, journalSize(config)),
    faults: new FaultSet(config.faults ?? []),
    tenant: (id) => byId.get(id),
    reset() {
      idp.ids.reset()
      for (const t of idp.tenants) t.loadFixtures()
      idp.faults.reset(idp.config.faults ?? [])
      idp.journal.clear()
    },
    replace(next, nextProfiles) {
      // build everything first: a tenant that fails to build leaves the running one untouched
      const clock = next.clock === idp.config.clock ? idp.clock : createClock(next.clock)
      const ids = createIdSource(next.seed)
      const tenants = build(next, nextProfiles, clock, ids)
      Object.assign(idp, { config: next, clock, ids, profiles: nextProfiles, tenants })
      byId = new Map(tenants.map((t) => [t.id, t]))
      idp.faults.replaceConfig(next.faults ?? [])
    },
  }
  idp.tenants = build(config, profiles, idp.clock, idp.ids)
  byId = new Map(idp.tenants.map((t) => [t.id, t]))
  return idp
}
