import { TtlStore } from '../store/ttl-store.js'
import { OAuthError } from '../oauth/errors.js'
import type { Tenant } from './tenant.js'

/** A pushed authorization request (RFC 9126), waiting for the browser to bring its `request_uri`. */
export interface PushedRequestRecord {
  requestUri: string
  serverId: string
  clientId: string
  /** The pushed parameters, as they arrived. */
  params: [string, string][]
  exp: number
}

/** A device authorization (RFC 8628) from issue to token. Times are epoch seconds. */
export interface DeviceRecord {
  deviceCode: string
  userCode: string
  serverId: string
  clientId: string
  scope: string
  exp: number
  /** Seconds the client must wait between polls; raised by each `slow_down` (RFC 8628 §3.5). */
  interval: number
  /** Epoch milliseconds of the last poll. */
  lastPoll?: number
  status: 'pending' | 'approved' | 'denied' | 'consumed'
  /** Set (with status `consumed`) by the one poll that got the tokens. */
  redeemed?: boolean
  sub?: string
  sid?: string
  authTime?: number
}

/** A user code pointing at its device code (the user types the former, the client polls with the latter). */
export interface UserCodeRecord {
  deviceCode: string
  exp: number
}

/** A `response_mode=direct` sign-in waiting for the user's credentials (WSO2 app-native authentication). */
export interface DirectFlowRecord {
  flowId: string
  serverId: string
  /** The authorization request's parameters, as they arrived. */
  params: [string, string][]
  exp: number
}

/** The per-tenant stores of the PAR, device and direct-mode flows. */
export interface FlowStores {
  pushedRequests: TtlStore<PushedRequestRecord>
  directFlows: TtlStore<DirectFlowRecord>
  devices: TtlStore<DeviceRecord>
  userCodes: TtlStore<UserCodeRecord>
}

// Kept beside the tenant rather than on it: created on the first PAR or device request, so a
// tenant that never sees one costs nothing.
const stores = new WeakMap<Tenant, FlowStores>()

/**
 * Keep `s` with `tenant` through its life: a reset (which restarts the id counters) clears pending
 * PAR and device requests with the other issued state; a hot reload hands them to the new tenant.
 */
function watch(tenant: Tenant, s: FlowStores): void {
  tenant.onReset.push(() => {
    for (const store of Object.values(s)) store.clear()
  })
  tenant.onAdopt.push((next) => {
    if (stores.has(next)) return
    stores.set(next, s)
    watch(next, s)
  })
}

/** The tenant's PAR and device-flow stores, created on first use. */
export function flowStores(tenant: Tenant): FlowStores {
  let s = stores.get(tenant)
  if (!s) {
    // authorizations in progress, counted like codes: limits.codes each (never evicted, refused when full)
    const opts = (what: string) => ({
      limit: tenant.limits.codes,
      refuse: (limit: number) =>
        new OAuthError('limit_reached', { detail: `tenant ${tenant.id} holds ${limit} live ${what}, its limit (limits.codes); raise limits.codes in the config, or reset the mock between test runs` }),
    })
    s = {
      pushedRequests: new TtlStore(tenant.clock, opts('pushed authorization requests')),
      directFlows: new TtlStore(tenant.clock, opts('direct-mode sign-ins')),
      devices: new TtlStore(tenant.clock, opts('device authorizations')),
      userCodes: new TtlStore(tenant.clock, opts('device user codes')),
    }
    stores.set(tenant, s)
    watch(tenant, s)
  }
  return s
}
