import { compile } from '../lib/template.js'
import type { Profile, ProductionSpec } from './types.js'

/** Where a tenant lives on the vendor's production service: host name and path of its root. */
export interface ProductionAddress {
  /** Lowercase host name, e.g. `demo.authing.cn`, `auth.pingone.com`. */
  host: string
  /** Path of the tenant's root on that host (`""`, `/<envId>`, `/t/<org>`). */
  root: string
}

/** Why a tenant has no production address although its vendor has one. */
export type ProductionProblem = { param: string; message: string }

const VARS = /\$\{([A-Za-z0-9_]+)\}/g

/**
 * The tenant's production address from its profile's `tenant.production` and its values
 * (`appDomain`, `envId`, `region`, `org` …): `lookup` tables turn a value into a host part
 * (PingOne's region code into its top-level domain). `undefined` when the profile has no
 * production mount or a value it needs is not set; a problem when a value has no entry in a lookup.
 */
export function productionAddress(profile: Profile, values: Readonly<Record<string, string>>): ProductionAddress | ProductionProblem | undefined {
  const spec: ProductionSpec | undefined = profile.tenant.production
  if (!spec) return undefined
  const vars: Record<string, string> = { ...values }
  for (const [name, table] of Object.entries(spec.lookup ?? {})) {
    const from = values[table.from]
    if (from === undefined) {
      if (table.default !== undefined) vars[name] = table.default
      continue
    }
    const hit = table.values[from]
    if (hit === undefined) return { param: table.from, message: `"${from}" has no ${profile.displayName} production domain (known: ${Object.keys(table.values).join(', ')})` }
    vars[name] = hit
  }
  const needed = [...`${spec.host}${spec.path}`.matchAll(VARS)].map((m) => m[1]!)
  if (needed.some((n) => vars[n] === undefined || vars[n] === '')) return undefined
  return { host: compile(spec.host)(vars).toLowerCase(), root: compile(spec.path)(vars) }
}

/** Type guard: an address, not a problem. */
export const isAddress = (a: ProductionAddress | ProductionProblem | undefined): a is ProductionAddress => a !== undefined && 'host' in a

/** The values a tenant config gives its profile's templates (as `Tenant.values`). */
export function tenantValues(t: { id: string; envId?: string; org?: string; orgId?: string; region?: string; appDomain?: string }): Record<string, string> {
  const v: Record<string, string> = { id: t.id }
  for (const k of ['envId', 'org', 'orgId', 'region', 'appDomain'] as const) if (t[k] !== undefined) v[k] = t[k]
  return v
}

/**
 * Config problems of the production mount: a value with no production domain, and two tenants at
 * the same production URL (same host and root) — each names the JSON path and the fix.
 */
export function checkProductionAddresses(tenants: readonly { id: string; vendor: string }[], profileOf: (vendor: string) => Profile | undefined): string[] {
  const out: string[] = []
  const seen = new Map<string, number>()
  tenants.forEach((t, i) => {
    const profile = profileOf(t.vendor)
    if (!profile) return
    const a = productionAddress(profile, tenantValues(t))
    if (a === undefined) return
    if (!isAddress(a)) {
      out.push(`tenants[${i}].${a.param}: ${a.message}`)
      return
    }
    const key = `${a.host}${a.root}`
    const other = seen.get(key)
    if (other !== undefined) out.push(`tenants[${i}]: its production URL https://${key} is also tenants[${other}]'s; give one of them another ${a.root ? 'value' : 'appDomain'}`)
    else seen.set(key, i)
  })
  return out
}
