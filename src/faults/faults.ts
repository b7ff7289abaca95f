import type { EndpointName, Profile } from '../profiles/types.js'

/** How a fault answers. */
export type FaultKind = 'error' | 'status' | 'delay' | 'malformed' | 'drop'

/**
 * A fault to inject: how the next matching requests are answered instead of normally. Scoped to a
 * tenant, and optionally to one endpoint, grant type or client.
 *
 * - `error`: an OAuth error in the vendor's shape — a profile `reason` (e.g. `code_expired`,
 *   worded exactly as the vendor words it), or your own `error` / `description` / `status`;
 * - `status`: a bare HTTP status such as 500 or 503 (`body` optional, plain text);
 * - `delay`: wait `delayMs`, then answer normally;
 * - `malformed`: a JSON content type with a body that is not JSON (`status` default 200);
 * - `drop`: close the connection without answering.
 *
 * `delayMs` also delays any other kind.
 */
export interface FaultConfig {
  /** Tenant id. */
  tenant: string
  endpoint?: EndpointName
  /** Only requests with this `grant_type`. */
  grantType?: string
  /** Only requests from this client (`client_id`, HTTP Basic, client assertion or vendor header). */
  clientId?: string
  /** Answer this many matching requests, then disappear. Default: until cleared. */
  times?: number
  kind: FaultKind
  /** `error`: a reason of the profile's `errors.reasons` table, e.g. `code_expired`, `client_auth_failed`. */
  reason?: string
  /** `error`: the OAuth error code (default: the reason's). */
  error?: string
  /** `error`: the error_description (default: the reason's, or the vendor's wording of `error`). */
  description?: string
  /** `error`, `status`, `malformed`: the HTTP status. */
  status?: number
  /** Wait this long first (required for `delay`). */
  delayMs?: number
  /** `status`, `malformed`: the response body. */
  body?: string
}

/** An active fault. */
export interface Fault extends FaultConfig {
  id: string
  /** `config` faults come back on reset; `api` ones are dropped by it. */
  source: 'config' | 'api'
  /** Requests answered so far. */
  hits: number
}

/** What a fault may need to know of a request. */
export interface RequestFacts {
  grantType: string | undefined
  clientId: string | undefined
}

/**
 * Semantic checks of one fault (the JSON Schema has checked the shapes). `profileOf` finds a tenant's
 * profile by tenant id.
 */
export function checkFault(f: FaultConfig, at: string, profileOf: (tenant: string) => Profile | undefined, tenantIds: readonly string[]): string[] {
  const out: string[] = []
  const profile = profileOf(f.tenant)
  if (!profile) out.push(`${at}.tenant: no tenant "${f.tenant}" (tenants: ${tenantIds.join(', ')})`)
  if (f.kind === 'error') {
    if (f.reason === undefined && f.error === undefined) out.push(`${at}: an "error" fault needs a "reason" (e.g. "code_expired") or an "error" (e.g. "invalid_grant")`)
    if (f.reason !== undefined && profile && !profile.servers.some((s) => Object.hasOwn(s.errors.reasons, f.reason!))) {
      const known = [...new Set(profile.servers.flatMap((s) => Object.keys(s.errors.reasons)))].sort()
      out.push(`${at}.reason: "${f.reason}" is not a reason of profile "${profile.name}" (known: ${known.join(', ')})`)
    }
  }
  if (f.kind === 'status' && f.status === undefined) out.push(`${at}.status: is required for a "status" fault (e.g. 500 or 503)`)
  if (f.kind === 'delay' && f.delayMs === undefined) out.push(`${at}.delayMs: is required for a "delay" fault (milliseconds)`)
  if (f.endpoint !== undefined && profile) {
    const known = [...new Set(profile.servers.flatMap((s) => Object.keys(s.paths)))]
    if (!known.includes(f.endpoint)) out.push(`${at}.endpoint: profile "${profile.name}" has no "${f.endpoint}" endpoint (known: ${known.join(', ')})`)
  }
  return out
}

/** The active faults of a running mock, first match wins. */
export class FaultSet {
  protected list: Fault[] = []
  protected counter = 0

  constructor(fromConfig: readonly FaultConfig[] = []) {
    for (const f of fromConfig) this.add(f, 'config')
  }

  /** Number of active faults (0 keeps the request path free of any fault work). */
  get size(): number {
    return this.list.length
  }

  add(spec: FaultConfig, source: Fault['source']): Fault {
    const fault: Fault = { ...spec, id: `fault-${++this.counter}`, source, hits: 0 }
    this.list.push(fault)
    return fault
  }

  /** Copies of the active faults. */
  all(): Fault[] {
    return this.list.map((f) => ({ ...f }))
  }

  /** Remove one fault by id, or all of them. Returns how many were removed. */
  remove(id?: string): number {
    const before = this.list.length
    this.list = id === undefined ? [] : this.list.filter((f) => f.id !== id)
    return before - this.list.length
  }

  /** Back to the config's faults only (reset). */
  reset(fromConfig: readonly FaultConfig[]): void {
    this.list = []
    for (const f of fromConfig) this.add(f, 'config')
  }

  /** Replace the config's faults, keeping those added through the API (hot reload). */
  replaceConfig(fromConfig: readonly FaultConfig[]): void {
    const api = this.list.filter((f) => f.source === 'api')
    this.list = []
    for (const f of fromConfig) this.add(f, 'config')
    this.list.push(...api)
  }

  /**
   * The first fault matching a request to `tenant`'s `endpoint`, counted as used. `facts` is only
   * called (once) when a candidate filters on grant type or client.
   */
  async take(tenant: string, endpoint: EndpointName, facts: () => Promise<RequestFacts>): Promise<Fault | undefined> {
    let known: RequestFacts | undefined
    for (const f of this.list) {
      if (f.tenant !== tenant || (f.endpoint !== undefined && f.endpoint !== endpoint)) continue
      if (f.grantType !== undefined || f.clientId !== undefined) {
        known ??= await facts()
        if (f.grantType !== undefined && f.grantType !== known.grantType) continue
        if (f.clientId !== undefined && f.clientId !== known.clientId) continue
      }
      if (!this.list.includes(f)) continue // removed while we read the body
      f.hits++
      if (f.times !== undefined && f.hits >= f.times) this.list = this.list.filter((x) => x !== f)
      return f
    }
    return undefined
  }
}
