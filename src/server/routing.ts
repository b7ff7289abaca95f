import { Hono } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'
import type { Idp } from '../runtime/idp.js'
import type { Tenant } from '../runtime/tenant.js'
import type { Env } from './env.js'
import { buildApp, hostRouter } from './app.js'
import { productionHosts } from './hosts.js'
import type { RequestLogger } from '../log/request-log.js'

/** A tenant group's key: its own `port`, or `undefined` for the main mount. */
export type GroupKey = number | undefined

/**
 * Which app answers which request, built from `idp.tenants` (again on each hot reload): one app per
 * port group, and one per tenant reached by host name, chosen by the Host header before any routing.
 * Shared by the socket server and the in-process engine, so that both answer the same bytes.
 */
export interface Routing {
  /** Tenants per port group; the main group (`undefined`) is always there. */
  groups: Map<GroupKey, Tenant[]>
  /** Apps of host-mounted tenants, by lowercased host name. */
  hosts: Map<string, Hono<Env>>
  /** The app of each port group. */
  apps: Map<GroupKey, Hono<Env>>
}

/** The host name of a Host header, without port, lowercased. */
export function hostnameOf(host: string | undefined | null): string {
  if (!host) return ''
  const h = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!
  return h.toLowerCase()
}

/** Build the routing; `fallbackHost(key)` is the Host a group's app assumes when a request has none. */
export function buildRouting(idp: Idp, fallbackHost: (key: GroupKey) => string, log?: RequestLogger): Routing {
  const groups = new Map<GroupKey, Tenant[]>([[undefined, []]])
  for (const t of idp.tenants) groups.set(t.config.port, [...(groups.get(t.config.port) ?? []), t])
  const hosts = new Map<string, Hono<Env>>()
  for (const t of idp.tenants) {
    if (!t.hostServers.length) continue
    const hostApp = buildApp(idp, [t], t.config.hosts![0]!, 'host', undefined, log)
    for (const h of t.config.hosts!) hosts.set(h.toLowerCase(), hostApp)
  }
  // the tenants' production hosts (demo.authing.cn, auth.pingone.com …): one small app for all of
  // them, building each host's own app on its first request, so a start pays only for names
  const production = [...productionHosts(idp.tenants)].filter((h) => !hosts.has(h))
  if (production.length) {
    const router = hostRouter(idp, log)!
    const lazy = new Hono<Env>({ router: new TrieRouter() })
    lazy.use(router)
    for (const h of production) hosts.set(h, lazy)
  }
  const apps = new Map<GroupKey, Hono<Env>>()
  for (const [key, tenants] of groups) apps.set(key, buildApp(idp, tenants, fallbackHost(key), 'path', undefined, log))
  return { groups, hosts, apps }
}

/** The app for a request: its host's, else its port group's, else the main one. */
export function pick<T>(routing: { hosts: Map<string, T>; apps: Map<GroupKey, T> }, host: string | undefined | null, key: GroupKey): T {
  const byHost = routing.hosts.size === 0 ? undefined : routing.hosts.get(hostnameOf(host))
  return byHost ?? routing.apps.get(key) ?? routing.apps.get(undefined)!
}
