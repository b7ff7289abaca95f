import type { Context, Hono, MiddlewareHandler } from 'hono'
import type { Tenant } from '../runtime/tenant.js'
import { ServerRuntime } from '../runtime/server.js'
import { compile } from '../lib/template.js'
import { isAddress, productionAddress, type ProductionAddress } from '../profiles/production.js'
import type { Env } from './env.js'

/**
 * Tenants reached by host name rather than by path: a tenant's own `hosts` (at the profile's
 * `hostPath`) and every tenant's production address (`demo.authing.cn`, `auth.pingone.com/<envId>`,
 * `api.asgardeo.io/t/<org>`, from the profile's `tenant.production`). Routing is by the request's
 * Host (or, for an in-process `fetch(Request)` without one, its URL's host), inside the Hono app,
 * so a socket, an in-process fetch and a request interceptor all reach the same tenant.
 */
export interface HostMount {
  /** Servers answering on this host, with their roots on it (built on first use). */
  servers(): ServerRuntime[]
}

type BuildHostApp = (servers: ServerRuntime[], host: string) => Hono<Env>

const productionCache = new WeakMap<Tenant, ProductionAddress | null>()
const productionServerCache = new WeakMap<Tenant, ServerRuntime[]>()

/** The tenant's production address, if its profile has one and the tenant names its values. */
export function productionOf(t: Tenant): ProductionAddress | undefined {
  let a = productionCache.get(t)
  if (a === undefined) {
    const found = productionAddress(t.profile, t.values)
    a = isAddress(found) ? found : null
    productionCache.set(t, a)
  }
  return a ?? undefined
}

/** The tenant's servers on its production mount (same state as every other mount: it is one tenant). */
export function productionServers(t: Tenant): ServerRuntime[] {
  let servers = productionServerCache.get(t)
  if (!servers) {
    const a = productionOf(t)
    servers = a ? t.profile.servers.map((s) => new ServerRuntime(t, s, t.defaultServer.key, a.root)) : []
    productionServerCache.set(t, servers)
  }
  return servers
}

/** The issuer of the tenant's default server at its production URL, e.g. `https://auth.pingone.com/<envId>/as`. */
export function productionIssuer(t: Tenant): string | undefined {
  const a = productionOf(t)
  return a && compile(t.defaultServer.spec.issuer)({ root: `https://${a.host}${a.root}`, tenant: t.values })
}

/**
 * Every host name served by host: the tenants' `hosts`, then their production hosts. Only names
 * are worked out here; a host's servers are built when a request first asks for it.
 */
export function hostMounts(tenants: readonly Tenant[]): Map<string, HostMount> {
  const byHost = new Map<string, Tenant[]>()
  const explicit = new Map<string, Tenant>()
  for (const t of tenants) for (const h of t.hostServers.length ? t.config.hosts! : []) explicit.set(h.toLowerCase(), t)
  for (const t of tenants) {
    const a = productionOf(t)
    // a tenant's explicit `hosts` entry wins over another tenant's production address
    if (a && !explicit.has(a.host)) byHost.set(a.host, [...(byHost.get(a.host) ?? []), t])
  }
  const mounts = new Map<string, HostMount>()
  for (const [h, t] of explicit) mounts.set(h, { servers: () => t.hostServers })
  for (const [h, ts] of byHost) mounts.set(h, { servers: () => ts.flatMap(productionServers) })
  return mounts
}

/** The production host names of `tenants` (lowercase). */
export function productionHosts(tenants: readonly Tenant[]): Set<string> {
  const out = new Set<string>()
  for (const t of tenants) {
    const a = productionOf(t)
    if (a) out.add(a.host)
  }
  return out
}

/** The host name a request is addressed to: Host without port, lowercased; else the URL's. */
export function requestHostname(c: Context): string {
  const header = c.req.header('host')
  let host = header
  if (!host) {
    const url = c.req.url
    const start = url.indexOf('//') + 2
    const end = url.indexOf('/', start)
    host = url.slice(start, end < 0 ? undefined : end)
  }
  const h = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!
  return h.toLowerCase()
}

/**
 * Middleware handing a request for a host-mounted name to that host's app (built on the first
 * request for it: a start-up pays nothing for production hosts nobody asks for); other requests
 * go on to the path-mounted routes.
 */
export function routeByHost(mounts: Map<string, HostMount>, build: BuildHostApp): MiddlewareHandler<Env> {
  const apps = new Map<string, Hono<Env>>()
  return async function byHost(c, next) {
    const host = requestHostname(c)
    const mount = mounts.get(host)
    if (!mount) return next()
    let app = apps.get(host)
    if (!app) apps.set(host, (app = build(mount.servers(), host)))
    return app.fetch(c.req.raw, c.env)
  }
}
