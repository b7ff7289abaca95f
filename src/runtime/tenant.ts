import { compile } from '../lib/template.js'
import { formatId } from '../lib/ids.js'
import type { Clock } from '../lib/clock.js'
import type { IdSource } from '../lib/ids.js'
import { loadKey } from '../keys/keystore.js'
import { BoundedStore } from '../store/bounded.js'
import { findUser } from '../config/load.js'
import type { ClientConfig, TenantConfig, UserConfig } from '../config/types.js'
import type { ClientAuthMethod, GrantType, Profile } from '../profiles/types.js'
import type { AccessRecord, CodeRecord, RefreshRecord } from './records.js'
import { ServerRuntime } from './server.js'
import { SessionStore } from './sessions.js'

/** A registered client with its defaults applied. */
export interface Client extends ClientConfig {
  public: boolean
  grantTypes: GrantType[]
}

/** A fixture user. */
export type User = UserConfig

/** Default grants of a client that does not list any. */
export const DEFAULT_GRANTS: GrantType[] = ['authorization_code', 'refresh_token']

/**
 * Capacity of each per-tenant store (codes, refresh tokens, opaque access tokens, sessions); past it
 * the oldest entry is dropped. Tens of thousands of live tokens are more than a test run holds, and
 * a larger store keeps more old garbage alive for V8 to promote (bench/README.md: RSS).
 */
export const STORE_CAPACITY = 20_000

/**
 * One tenant at run time: its profile, clients, users and the in-memory state (codes, tokens).
 */
export class Tenant {
  readonly id: string
  readonly rootPath: string
  /** Tenant values profiles may reference as `${tenant.*}` (envId, org, orgId, region, id). */
  readonly values: Record<string, string>
  /** Servers on the path mount (`basePath`); empty for a host-only tenant. */
  readonly servers: ServerRuntime[]
  readonly defaultServer: ServerRuntime
  /** Servers on the host mount (reached by `hosts`, at the profile's `hostPath`). */
  readonly hostServers: ServerRuntime[]
  clients = new Map<string, Client>()
  users: User[] = []
  readonly codes: BoundedStore<CodeRecord>
  readonly refreshTokens: BoundedStore<RefreshRecord>
  readonly accessTokens: BoundedStore<AccessRecord>
  /** jti of revoked JWT access tokens, until they expire. */
  readonly revokedJtis: BoundedStore<{ exp: number }>
  /** Browser SSO sessions, by cookie handle. */
  readonly sessions: SessionStore

  constructor(
    readonly config: TenantConfig,
    readonly profile: Profile,
    readonly clock: Clock,
    readonly ids: IdSource,
  ) {
    this.id = config.id
    const v: Record<string, string> = { id: config.id }
    for (const k of ['envId', 'org', 'orgId', 'region'] as const) if (config[k] !== undefined) v[k] = config[k]
    this.values = v
    this.rootPath = (config.basePath ?? '') + compile(profile.tenant.path)(v)
    const key = loadKey(profile.key)
    const all = profile.servers.map((s) => new ServerRuntime(this, s, key))
    this.defaultServer = all.find((s) => s.id === profile.defaultServer)!
    this.servers = config.basePath === undefined ? [] : all
    const hostRoot = compile(profile.tenant.hostPath ?? profile.tenant.path)(v)
    this.hostServers = config.hosts?.length ? profile.servers.map((s) => new ServerRuntime(this, s, key, hostRoot)) : []
    this.codes = new BoundedStore(clock, STORE_CAPACITY)
    this.refreshTokens = new BoundedStore(clock, STORE_CAPACITY)
    this.accessTokens = new BoundedStore(clock, STORE_CAPACITY)
    this.revokedJtis = new BoundedStore(clock, STORE_CAPACITY, 0)
    this.sessions = new SessionStore(this.id, clock, ids, STORE_CAPACITY)
    this.loadFixtures()
  }

  /** (Re)load clients, users and fixture codes from the config; forget all issued state. */
  loadFixtures(): void {
    this.clients = new Map(this.config.clients.map((c) => [c.clientId, toClient(c)]))
    this.users = this.config.users.map((u) => ({ ...u }))
    for (const store of [this.codes, this.refreshTokens, this.accessTokens, this.revokedJtis, this.sessions]) store.clear()
    const now = Math.floor(this.clock.now() / 1000)
    for (const c of this.config.codes ?? []) {
      const user = this.findUser(c.user)!
      const rec: CodeRecord = {
        code: c.code,
        serverId: c.server ?? this.defaultServer.id,
        clientId: c.clientId,
        redirectUri: c.redirectUri,
        sub: user.sub,
        scope: c.scope ?? '',
        authTime: now,
        sid: formatId(this.ids, [this.id, 'sid', c.code], { kind: 'uuid', version: 4 }),
        exp: c.ttl ? now + c.ttl : Number.POSITIVE_INFINITY,
        consumed: false,
      }
      if (c.nonce !== undefined) rec.nonce = c.nonce
      if (c.codeChallenge !== undefined) {
        rec.codeChallenge = c.codeChallenge
        rec.codeChallengeMethod = c.codeChallengeMethod ?? 'plain'
      }
      this.codes.pin(c.code, rec)
    }
  }

  /** Find a user by sub, username, email or phone number. */
  findUser(hint: string): User | undefined {
    return findUser(this.users, hint)
  }

  userBySub(sub: string): User | undefined {
    return this.users.find((u) => u.sub === sub)
  }
}

/** Apply a client's defaults. */
export function toClient(c: ClientConfig): Client {
  const method: ClientAuthMethod | undefined = c.tokenEndpointAuthMethod
  return {
    ...c,
    public: method === 'none' || (!c.clientSecret && method !== 'private_key_jwt'),
    grantTypes: c.grantTypes ?? DEFAULT_GRANTS,
  }
}
