import { readFileSync, existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ConfigError } from './errors.js'
import { configSchema, ORIGIN_PATTERN } from './schema.js'
import { validate } from './validate.js'
import type { MockIdpConfig, ResolvedConfig, TenantConfig, UserConfig } from './types.js'
import { matchesUser } from './users.js'
import { loadProfile, listProfiles, UnknownProfile } from '../profiles/load.js'
import type { Profile } from '../profiles/types.js'
import { packagePath } from '../lib/paths.js'
import { logoutConfigProblems } from './logout.js'
import { checkFault } from '../faults/faults.js'
import { didYouMean } from '../lib/suggest.js'
import { checkProductionAddresses } from '../profiles/production.js'
import { resolveTls } from './tls.js'
import { checkConfig, checkListenHost, checkRedirects, checkRedisUrl, checkUrlSetting, DEFAULT_STORE_PREFIX } from './checks.js'

/** Where to read the config from and what to override. */
export interface LoadOptions {
  /** Path of the config file; default `$MOCKIDP_CONFIG`, then `./mockidp.config.json`, then the built-in default. */
  file?: string
  /** A config object instead of a file (programmatic use). */
  config?: MockIdpConfig
  /** Environment for overrides (`PORT`, `HOST`, `MOCKIDP_CONFIG`, `MOCKIDP_PUBLIC_URL`, `MOCKIDP_BACKCHANNEL_URL`). */
  env?: Record<string, string | undefined>
  port?: number
  host?: string
  /** `--state FILE`: overrides the config's `state.file` (relative to the working directory). */
  stateFile?: string
  /** Serve HTTPS (`--https`); overrides `MOCKIDP_HTTPS` and the config's `tls.enabled`. */
  https?: boolean
  /** Also serve plain HTTP on this port (`--http-port`). */
  httpPort?: number
  /** The CA directory (`--tls-dir`). */
  tlsDir?: string
  /** `--store URL`: a Redis URL; overrides `MOCKIDP_STORE` and the config's `store.redis`. */
  store?: string
}

/** The built-in default config file. */
export const defaultConfigFile = (): string => packagePath('mockidp.config.json')

/** Pick the config file per the documented precedence. */
export function resolveConfigFile(opts: LoadOptions): string {
  const env = opts.env ?? {}
  if (opts.file) return resolve(opts.file)
  if (env.MOCKIDP_CONFIG) return resolve(env.MOCKIDP_CONFIG)
  const local = resolve('mockidp.config.json')
  return existsSync(local) ? local : defaultConfigFile()
}

/** Where a JSON.parse error points: line and column (1-based), and that line with a caret under it. */
export function jsonErrorAt(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message)
  const pos = Math.min(m ? Number(m[1]) : text.length, text.length)
  const before = text.slice(0, pos)
  const line = before.split('\n').length
  const col = pos - before.lastIndexOf('\n')
  const src = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '')
  const what = err.message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')
  return `line ${line}, column ${col}: ${what}\n    ${src}\n    ${' '.repeat(Math.max(0, col - 1))}^`
}

/** Inside the Docker image: it runs as uid 65532, which a mounted file must be readable by. */
const inContainer = (): boolean => process.getuid?.() === 65532 || existsSync('/.dockerenv')

function readConfigFile(file: string): unknown {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM')
      throw new ConfigError(
        inContainer()
          ? `${file}: cannot read the config file (${code}): the container runs as uid 65532, so the mounted file must be readable by it — on the host, chmod a+r the file (and a+rx its directory)`
          : `${file}: cannot read the config file (${code}): it is not readable by this user — chmod a+r it, or pass --config PATH`,
      )
    if (code === 'EISDIR') throw new ConfigError(`${file}: is a directory — pass the config file itself (mockidp.config.json inside it)`)
    throw new ConfigError(`${file}: cannot read the config file (${code ?? (err as Error).message}). Pass --config PATH or set MOCKIDP_CONFIG.`)
  }
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON at ${jsonErrorAt(text, err as Error)}`)
  }
}

const parsePort = (v: string | undefined, what: string): number | undefined => {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${what}: "${v}" is not a port (0-65535)`)
  return n
}

/**
 * Read, validate and resolve the configuration. Every problem is reported at once, each naming the
 * file and the JSON path, e.g. `tenants[1].vendor: unknown profile "pingon" (known: …)`.
 */
export function loadConfig(opts: LoadOptions = {}): { config: ResolvedConfig; profiles: Map<string, Profile> } {
  const env = opts.env ?? {}
  const source = opts.config ? '(inline config)' : resolveConfigFile(opts)
  const raw = opts.config ?? readConfigFile(source)
  const problems = validate(raw, configSchema as never)
  if (problems.length) throw configProblems(source, problems)
  const cfg = raw as MockIdpConfig
  const baseDir = opts.config ? process.cwd() : dirname(source)
  const profileDirs = [packagePath('fixtures/profiles')]
  if (cfg.profilesDir) profileDirs.push(resolve(baseDir, cfg.profilesDir))

  const profiles = new Map<string, Profile>()
  const semantic: string[] = checkConfig(cfg, profileDirs[1])
  cfg.tenants.forEach((t, i) => {
    try {
      if (!profiles.has(t.vendor)) profiles.set(t.vendor, loadProfile(t.vendor, profileDirs))
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      semantic.push(
        err instanceof UnknownProfile && err.profile === t.vendor
          ? unknownVendor(i, t.vendor, listProfiles(profileDirs))
          : `tenants[${i}].vendor: ${err.message}`,
      )
      return
    }
    semantic.push(...checkTenant(t, i, profiles.get(t.vendor)!))
  })
  semantic.push(...checkUnique(cfg.tenants))
  semantic.push(...checkProductionAddresses(cfg.tenants, (v) => profiles.get(v)))
  const vendorOf = new Map(cfg.tenants.map((t) => [t.id, t.vendor]))
  ;(cfg.faults ?? []).forEach((f, i) => semantic.push(...checkFault(f, `faults[${i}]`, (id) => profiles.get(vendorOf.get(id) ?? ''), [...vendorOf.keys()])))
  if (semantic.length) throw configProblems(source, semantic)

  const host = opts.host ?? env.HOST ?? cfg.host ?? '127.0.0.1'
  const overrides = [
    checkListenHost(host, opts.host !== undefined ? 'host (option)' : env.HOST !== undefined ? 'HOST (environment)' : 'host'),
    env.MOCKIDP_PUBLIC_URL ? checkUrlSetting(env.MOCKIDP_PUBLIC_URL, 'MOCKIDP_PUBLIC_URL (environment)') : undefined,
    env.MOCKIDP_BACKCHANNEL_URL ? checkUrlSetting(env.MOCKIDP_BACKCHANNEL_URL, 'MOCKIDP_BACKCHANNEL_URL (environment)') : undefined,
    ...storeProblems(cfg, opts, env),
  ].filter((p): p is string => p !== undefined)
  if (overrides.length) throw configProblems(source, overrides)
  const config: ResolvedConfig = {
    ...cfg,
    seed: cfg.seed ?? 'mockidp',
    port: opts.port ?? parsePort(env.PORT, 'PORT') ?? cfg.port ?? 9000,
    host,
    clock: cfg.clock ?? 'system',
    source,
    profileDirs,
  }
  const envOrigin = (name: 'MOCKIDP_PUBLIC_URL' | 'MOCKIDP_BACKCHANNEL_URL') => {
    const v = env[name]
    if (v && !ORIGIN.test(v)) throw new ConfigError(`${name}: "${v}" is not an origin — use http(s)://host[:port] with no path, e.g. "http://localhost:9000"`)
    return v
  }
  const publicUrl = envOrigin('MOCKIDP_PUBLIC_URL') || cfg.publicUrl
  if (publicUrl) config.publicUrl = publicUrl.replace(/\/+$/, '')
  // --state and MOCKIDP_STATE are relative to the working directory, state.file to the config file
  const stateFile = opts.stateFile ?? env.MOCKIDP_STATE
  if (stateFile) config.stateFile = resolve(stateFile)
  else if (cfg.state?.file) config.stateFile = resolve(baseDir, cfg.state.file)
  const backchannelUrl = envOrigin('MOCKIDP_BACKCHANNEL_URL') || cfg.backchannelUrl
  if (backchannelUrl) config.backchannelUrl = backchannelUrl.replace(/\/+$/, '')
  const tls = resolveTls(cfg.tls, opts, env, baseDir)
  if (tls) config.https = tls
  const redis = opts.store || env.MOCKIDP_STORE || cfg.store?.redis
  if (redis) {
    config.redisStore = { redis, prefix: cfg.store?.prefix ?? DEFAULT_STORE_PREFIX }
    if (config.stateFile) {
      const file = opts.stateFile ? '--state' : env.MOCKIDP_STATE ? 'MOCKIDP_STATE' : 'state.file'
      const store = opts.store ? '--store' : env.MOCKIDP_STORE ? 'MOCKIDP_STORE' : 'store.redis'
      throw configProblems(source, [
        `state.file and store.redis (here ${file} and ${store}): a state file keeps one process's state, while with a Redis store the state already lives in Redis and outlives every replica — remove ${file}, or remove ${store} to keep state in a file`,
      ])
    }
  }
  if (env.MOCKIDP_ADMIN_TOKEN) config.admin = { ...cfg.admin, token: env.MOCKIDP_ADMIN_TOKEN }
  return { config, profiles }
}

const ORIGIN = new RegExp(ORIGIN_PATTERN)

/** `tenants[i].vendor` naming no profile: the known ones, and the nearest. */
const unknownVendor = (i: number, vendor: string, known: string[]): string => `tenants[${i}].vendor: unknown profile "${vendor}" (known: ${known.join(', ')})${didYouMean(vendor, known)}`

/** Names of the shared keys that have keys below them (`<prefix><name>:…`), which a tenant id must not be. */
const SHARED_KEY_NAMES = new Set(['journal', 'fixtures'])

/** `store.redis`, `--store` and `MOCKIDP_STORE`, each named as the user wrote it. */
function storeProblems(cfg: MockIdpConfig, opts: LoadOptions, env: Record<string, string | undefined>): string[] {
  const out: string[] = []
  const check = (url: string | undefined, what: string) => {
    const p = url === undefined ? undefined : checkRedisUrl(url, what)
    if (p) out.push(p)
  }
  check(cfg.store?.redis, 'store.redis')
  if (opts.store !== undefined) check(opts.store, '--store')
  else if (env.MOCKIDP_STORE) check(env.MOCKIDP_STORE, 'MOCKIDP_STORE (environment)')
  if (cfg.store?.prefix !== undefined && !cfg.store.redis && !opts.store && !env.MOCKIDP_STORE)
    out.push('store.prefix: is used only with a Redis store; add store.redis (e.g. "redis://localhost:6379/0"), or remove store.prefix')
  else if (cfg.store?.redis || opts.store || env.MOCKIDP_STORE) {
    // a tenant's keys are <prefix><id>:…, beside the replicas' own <prefix>journal:seq and <prefix>fixtures:…
    // — a reset of such a tenant would delete them
    ;(Array.isArray(cfg.tenants) ? cfg.tenants : []).forEach((t, i) => {
      if (SHARED_KEY_NAMES.has(t?.id)) out.push(`tenants[${i}].id: "${t.id}" is the name of the replicas' own keys in Redis (${[...SHARED_KEY_NAMES].join(', ')}); give the tenant another id`)
    })
  }
  return out
}

function configProblems(source: string, problems: string[]): ConfigError {
  return new ConfigError(`invalid config ${source}:\n  - ${problems.join('\n  - ')}`)
}

const hasUser = (users: readonly UserConfig[], hint: string): boolean => users.some((u) => matchesUser(u, hint))

function checkTenant(t: TenantConfig, i: number, profile: Profile): string[] {
  const out: string[] = []
  const at = `tenants[${i}]`
  for (const p of profile.tenant.params) {
    const v = (t as unknown as Record<string, unknown>)[p.name]
    if (v === undefined) {
      if (!p.optional) out.push(`${at}.${p.name}: is required for vendor "${t.vendor}" (${p.hint ?? 'see the profile'})`)
    } else if (p.pattern && !new RegExp(p.pattern).test(String(v))) {
      out.push(`${at}.${p.name}: "${String(v)}" is not valid (${p.hint ?? p.pattern})`)
    }
  }
  if (t.basePath === undefined && !t.hosts?.length) out.push(`${at}.basePath: is required unless the tenant lists hosts (e.g. "basePath": "/${t.id}")`)
  const serverIds = profile.servers.map((s) => s.id)
  const clientIds = new Set<string>()
  t.clients.forEach((c, j) => {
    if (clientIds.has(c.clientId)) out.push(`${at}.clients[${j}].clientId: "${c.clientId}" is used twice in this tenant`)
    clientIds.add(c.clientId)
    const m = c.tokenEndpointAuthMethod
    if (m && !profile.servers.some((s) => s.clientAuthMethods.includes(m)))
      out.push(`${at}.clients[${j}].tokenEndpointAuthMethod: ${t.vendor} does not support "${m}"`)
    if (m && m !== 'none' && m !== 'private_key_jwt' && !c.clientSecret)
      out.push(`${at}.clients[${j}].clientSecret: is required with tokenEndpointAuthMethod "${m}"`)
    if (m === 'none' && c.clientSecret) out.push(`${at}.clients[${j}].clientSecret: a client with tokenEndpointAuthMethod "none" has no secret; remove it`)
    if (m === 'private_key_jwt' && !c.jwks) out.push(`${at}.clients[${j}].jwks: is required with tokenEndpointAuthMethod "private_key_jwt"`)
    out.push(...logoutConfigProblems(c, profile, `${at}.clients[${j}]`))
  })
  t.clients.forEach((c, j) => out.push(...checkRedirects(c, `${at}.clients[${j}]`)))
  const subs = new Set<string>()
  const usernames = new Map<string, number>()
  t.users.forEach((u, j) => {
    if (subs.has(u.sub)) out.push(`${at}.users[${j}].sub: "${u.sub}" is used twice in this tenant`)
    subs.add(u.sub)
    const k = usernames.get(u.username)
    if (k !== undefined) out.push(`${at}.users[${j}].username: "${u.username}" is already the username of ${at}.users[${k}]; sign-in by username would pick one of them, so give each user its own`)
    else usernames.set(u.username, j)
  })
  if (t.autoLogin !== undefined && !hasUser(t.users, t.autoLogin))
    out.push(`${at}.autoLogin: no user "${t.autoLogin}" in this tenant (use a sub, username or email of tenants[${i}].users)`)
  ;(t.codes ?? []).forEach((c, j) => {
    const p = `${at}.codes[${j}]`
    const client = t.clients.find((x) => x.clientId === c.clientId)
    if (!client) out.push(`${p}.clientId: no client "${c.clientId}" in this tenant`)
    else if (!client.redirectUris.includes(c.redirectUri))
      out.push(`${p}.redirectUri: "${c.redirectUri}" is not one of ${c.clientId}'s redirectUris (${client.redirectUris.join(', ')})`)
    if (!hasUser(t.users, c.user)) out.push(`${p}.user: no user "${c.user}" in this tenant (use a sub, username or email)`)
    if (c.server !== undefined && !serverIds.includes(c.server)) out.push(`${p}.server: "${c.server}" is not a server of ${t.vendor} (use one of: ${serverIds.join(', ')})`)
  })
  return out
}

function checkUnique(tenants: TenantConfig[]): string[] {
  const out: string[] = []
  const ids = new Map<string, number>()
  const bases = new Map<string, number>()
  const hosts = new Map<string, number>()
  tenants.forEach((t, i) => {
    if (ids.has(t.id)) out.push(`tenants[${i}].id: "${t.id}" is already used by tenants[${ids.get(t.id)}]`)
    ids.set(t.id, i)
    if (t.basePath !== undefined) {
      const key = `${t.port ?? ''}|${t.basePath}|${t.envId ?? ''}|${t.org ?? ''}`
      if (bases.has(key)) out.push(`tenants[${i}].basePath: "${t.basePath}" collides with tenants[${bases.get(key)}]; give each tenant its own basePath`)
      bases.set(key, i)
    }
    for (const h of t.hosts ?? []) {
      if (hosts.has(h)) out.push(`tenants[${i}].hosts: "${h}" is already used by tenants[${hosts.get(h)}]`)
      hosts.set(h, i)
    }
  })
  return out
}
