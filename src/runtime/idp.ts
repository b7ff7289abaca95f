import { createClock, type ControllableClock } from '../lib/clock.js'
import { createIdSource, type IdSource } from '../lib/ids.js'
import type { ResolvedConfig } from '../config/types.js'
import type { Profile } from '../profiles/types.js'
import { Tenant } from './tenant.js'

/** Everything a running mock holds: config, clock, ids and the tenants. */
export interface Idp {
  config: ResolvedConfig
  clock: ControllableClock
  ids: IdSource
  tenants: Tenant[]
  tenant(id: string): Tenant | undefined
  /** Restore the loaded config and forget every issued code, token and counter. */
  reset(): void
}

/** Build the in-memory IdP. `clock` may be injected (tests); by default it follows `config.clock`. */
export function createIdp(config: ResolvedConfig, profiles: Map<string, Profile>, clock?: ControllableClock): Idp {
  const c = clock ?? createClock(config.clock)
  const ids = createIdSource(config.seed)
  const tenants = config.tenants.map((t) => new Tenant(t, profiles.get(t.vendor)!, c, ids))
  const byId = new Map(tenants.map((t) => [t.id, t]))
  return {
    config,
    clock: c,
    ids,
    tenants,
    tenant: (id) => byId.get(id),
    reset() {
      ids.reset()
      for (const t of tenants) t.loadFixtures()
    },
  }
}
