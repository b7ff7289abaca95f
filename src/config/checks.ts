import { existsSync, statSync } from 'node:fs'
import { isIP } from 'node:net'
import type { ClientConfig, MockIdpConfig, TenantConfig } from './types.js'
import { baseUrlProblem, redirectUriProblem } from '../lib/redirect-uri.js'
import { parseInstant } from '../lib/clock.js'
import { matchesUser } from './users.js'

/** Paths of mockidp's own that no tenant may be mounted at: its routes there would never be reached. */
const RESERVED = ['/_mockidp', '/healthz']

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/

/** Why `host` cannot be listened on (an IP address or a host name), naming `what`; undefined when it can. */
export function checkListenHost(host: string, what: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (isIP(bare) !== 0 || HOST_NAME.test(host)) return undefined
  return `${what}: "${host}" is neither an IP address nor a host name (use e.g. "127.0.0.1", "0.0.0.0" for all interfaces, or "localhost")`
}

/** Why a `publicUrl`-like setting is unusable, naming `what`; undefined when it is fine. */
export function checkUrlSetting(url: string, what: string): string | undefined {
  const problem = baseUrlProblem(url)
  return problem === undefined ? undefined : `${what}: "${url}" ${problem}`
}

/** A client's redirect and post-logout redirect URIs, each checked by the one redirect URI rule. */
export function checkRedirects(c: ClientConfig, at: string): string[] {
  const out: string[] = []
  const each = (list: unknown, name: string) => {
    if (!Array.isArray(list)) return
    list.forEach((u, k) => {
      const problem = redirectUriProblem(u)
      if (problem !== undefined) out.push(`${at}.${name}[${k}]: ${JSON.stringify(u)} ${problem}`)
    })
  }
  each(c.redirectUris, 'redirectUris')
  each(c.postLogoutRedirectUris, 'postLogoutRedirectUris')
  const grants = c.grantTypes
  const isPublic = c.tokenEndpointAuthMethod === 'none' || (!c.clientSecret && c.tokenEndpointAuthMethod !== 'private_key_jwt')
  if (isPublic && grants?.includes('client_credentials'))
    out.push(`${at}.grantTypes: a public client (no clientSecret) cannot use "client_credentials", which needs client authentication; give it a clientSecret or remove the grant`)
  return out
}

/** Organizations: unique ids, and members that are users of the tenant (else a switch silently fails). */
function checkOrganizations(t: TenantConfig, at: string): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const users = Array.isArray(t.users) ? t.users : []
  ;(Array.isArray(t.organizations) ? t.organizations : []).forEach((o, k) => {
    if (seen.has(o.id)) out.push(`${at}.organizations[${k}].id: "${o.id}" is used by another organization of this tenant; give each a unique id`)
    seen.add(o.id)
    ;(o.members ?? []).forEach((m, j) => {
      // the same match as at run time (tenant.findUser), so what loads also works
      if (!users.some((u) => matchesUser(u, m)))
        out.push(`${at}.organizations[${k}].members[${j}]: "${m}" is not a user of this tenant (by sub, username, email or phone_number); add the user or fix the name`)
    })
  })
  return out
}

/**
 * Whole-config checks the JSON Schema cannot express; each problem names its JSON path and the fix.
 * `profilesDir` is the resolved `profilesDir`, if any.
 */
export function checkConfig(cfg: MockIdpConfig, profilesDir: string | undefined): string[] {
  const out: string[] = []
  if (cfg.clock !== undefined && cfg.clock !== 'system' && parseInstant(cfg.clock) === undefined)
    out.push(`clock: "${cfg.clock}" is not a real instant (a month 01-12, a day that month has, a time up to 23:59:59), e.g. "2026-01-01T00:00:00Z"`)
  for (const key of ['publicUrl', 'backchannelUrl'] as const) {
    const v = cfg[key]
    if (v !== undefined) {
      const p = checkUrlSetting(v, key)
      if (p) out.push(p)
    }
  }
  if (cfg.host !== undefined) {
    const p = checkListenHost(cfg.host, 'host')
    if (p) out.push(p)
  }
  if (profilesDir !== undefined && (!existsSync(profilesDir) || !statSync(profilesDir).isDirectory()))
    out.push(`profilesDir: "${cfg.profilesDir}" is not a directory (resolved to ${profilesDir}, relative to the config file); create it or fix the path`)
  cfg.tenants.forEach((t, i) => {
    const base = t.basePath
    if (base !== undefined) {
      const hit = RESERVED.find((r) => base === r || base.startsWith(`${r}/`))
      if (hit) out.push(`tenants[${i}].basePath: "${base}" is mockidp's own ${hit === '/_mockidp' ? 'admin API path' : 'health check'}; requests there would never reach the tenant — pick another basePath, e.g. "/${t.id}"`)
    }
    out.push(...checkOrganizations(t, `tenants[${i}]`))
  })
  return out
}

/** Default prefix of every Redis key (`store.prefix`). */
export const DEFAULT_STORE_PREFIX = 'mockidp:'

/** Why `url` is not a Redis URL mockidp can use, naming `what`; undefined when it is fine. */
export function checkRedisUrl(url: string, what: string): string | undefined {
  const fix = 'use redis://host:6379/0 (rediss:// for TLS), e.g. "redis://localhost:6379/0"'
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return `${what}: "${url}" is not a URL — ${fix}`
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `${what}: "${url}" has the scheme "${u.protocol.slice(0, -1)}", not redis or rediss — ${fix}`
  if (!u.hostname) return `${what}: "${url}" names no host — ${fix}`
  const db = u.pathname.replace(/^\//, '')
  if (db !== '' && !/^\d{1,5}$/.test(db)) return `${what}: "${url}" has the path "${u.pathname}"; the path is the database number — ${fix}`
  return undefined
}
