import { compile } from '../lib/template.js'
import { formatId } from '../lib/ids.js'
import type { Clock } from '../lib/clock.js'
import type { IdSource } from '../lib/ids.js'
import { loadKey } from '../keys/keystore.js'
import { TtlStore } from '../store/ttl-store.js'
import { OAuthError } from '../oauth/errors.js'
import type { ClientConfig, LimitsConfig, TenantConfig, UserConfig } from '../config/types.js'
import { KeyRing, type KeyRingState } from '../keys/rotation.js'
import { adoptSignIns, forgetSignIns } from './next-sign-in.js'
import { adoptParticipants, forgetParticipants } from './participants.js'
import type { ClientAuthMethod, GrantType, Profile } from '../profiles/types.js'
import type { AccessRecord, CodeRecord, RefreshRecord } from './records.js'
import { ServerRuntime } from './server.js'
import { SessionStore, type SessionRecord } from './sessions.js'
import { GrantIndex, MemoryFamilies, type GrantMembers } from './grants.js'
import { findUser } from './users.js'
import { MemoryRecords } from '../store/memory.js'
import type { FlowRecordStores, StoresFactory, TenantStores } from './stores.js'
import { flowStores } from './flow-stores.js'

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
 * Default per-tenant limits of live entries (README: "State"). Memory is bounded by expiry; these
 * bound it under a flood of long-lived items. Reaching one refuses new issuance with
 * `temporarily_unavailable` naming the setting — it never evicts a live entry.
 */
export const DEFAULT_LIMITS: Required<LimitsConfig> = {
  codes: 100_000,
  refreshTokens: 100_000,
  accessTokens: 100_000,
  sessions: 100_000,
  revocations: 100_000,
}

/** Plain-words names of the stores, for the limit message. */
const STORE_NAMES: Record<keyof LimitsConfig, string> = {
  codes: 'authorization codes',
  refreshTokens: 'refresh tokens',
  accessTokens: 'opaque access tokens',
  sessions: 'SSO sessions',
  revocations: 'revoked JWT access tokens',
}

/** What a tenant needs from the mock around it. */
export interface TenantEnv {
  limits?: LimitsConfig | undefined
  /** Called after every change of state (the state file listens). */
  onChange?: (() => void) | undefined
}

/** Users and clients added, replaced or removed at run time (admin API), kept over a reload. */
export interface RuntimeFixtures {
  /** By sub: the user put at run time, or `null` for one removed. */
  users: Map<string, UserConfig | null>
  /** By clientId: the client put at run time, or `null` for one removed. */
  clients: Map<string, ClientConfig | null>
}

/** A tenant's state as `adopt` reads it: a tenant's own stores, or a state file's contents. */
export interface TenantState {
  runtime: RuntimeFixtures
  codes: { entries(): Iterable<[string, CodeRecord]> }
  refreshTokens: { entries(): Iterable<[string, RefreshRecord]> }
  accessTokens: { entries(): Iterable<[string, AccessRecord]> }
  revokedJtis: { entries(): Iterable<[string, { exp: number }]> }
  grants: { entries(): Iterable<[string, GrantMembers]> }
  sessions: { values(): Iterable<SessionRecord> }
  /** Rotated signing keys, as numbers (absent: the fixture key). */
  signingKeys?: KeyRingState | undefined
}

/**
 * One tenant at run time: its profile, clients, users and state (codes, tokens, sessions).
 */
export class Tenant {
  readonly id: string
  readonly rootPath: string
  /** Tenant values profiles may reference as `${tenant.*}` (envId, org, orgId, region, appDomain, id). */
  readonly values: Record<string, string>
  /** Servers on the path mount (`basePath`); empty for a host-only tenant. */
  readonly servers: ServerRuntime[]
  readonly defaultServer: ServerRuntime
  /** Servers on the host mount (reached by `hosts`, at the profile's `hostPath`). */
  readonly hostServers: ServerRuntime[]
  clients = new Map<string, Client>()
  users: User[] = []
  readonly runtime: RuntimeFixtures = { users: new Map(), clients: new Map() }
  readonly codes: TtlStore<CodeRecord>
  readonly refreshTokens: TtlStore<RefreshRecord>
  readonly accessTokens: TtlStore<AccessRecord>
  /** jti of revoked JWT access tokens, each until the token it revokes expires. */
  readonly revokedJtis: TtlStore<{ exp: number }>
  /** Browser SSO sessions, by cookie handle. */
  readonly sessions: SessionStore
  /** What each grant issued, for replay revocation. */
  readonly grants: GrantIndex
  /**
   * Where the flows keep their state, behind one interface: by default these in-memory stores (the
   * fields above), with `store.redis` the Redis every replica shares ({@link Tenant.useStores}).
   */
  store: TenantStores
  readonly limits: Required<LimitsConfig>
  private readonly changed: () => void
  /** Called by every `loadFixtures()` (a reset): stores kept beside the tenant forget their state too. */
  readonly onReset: (() => void)[] = []
  /** Called by `adopt()` with the tenant taking over (hot reload): stores kept beside the tenant move to it. */
  readonly onAdopt: ((next: Tenant) => void)[] = []
  /** Signing keys: the fixture key until a rotation (keys/rotation.ts). */
  readonly keys: KeyRing

  constructor(
    readonly config: TenantConfig,
    readonly profile: Profile,
    readonly clock: Clock,
    readonly ids: IdSource,
    env: TenantEnv = {},
  ) {
    this.id = config.id
    const v: Record<string, string> = { id: config.id }
    for (const k of ['envId', 'org', 'orgId', 'region', 'appDomain'] as const) if (config[k] !== undefined) v[k] = config[k]
    this.values = v
    this.rootPath = (config.basePath ?? '') + compile(profile.tenant.path)(v)
    this.keys = new KeyRing(loadKey(profile.key), this.id, profile, clock, ids, env.onChange)
    const all = profile.servers.map((s) => new ServerRuntime(this, s))
    this.defaultServer = all.find((s) => s.id === profile.defaultServer)!
    this.servers = config.basePath === undefined ? [] : all
    const hostRoot = compile(profile.tenant.hostPath ?? profile.tenant.path)(v)
    this.hostServers = config.hosts?.length ? profile.servers.map((s) => new ServerRuntime(this, s, hostRoot)) : []
    this.limits = { ...DEFAULT_LIMITS, ...env.limits }
    this.changed = env.onChange ?? (() => {})
    const opts = (store: keyof LimitsConfig) => ({ limit: this.limits[store], refuse: (limit: number) => this.limitReached(store, limit), onChange: env.onChange })
    this.codes = new TtlStore(clock, opts('codes'))
    this.refreshTokens = new TtlStore(clock, opts('refreshTokens'))
    this.accessTokens = new TtlStore(clock, opts('accessTokens'))
    this.revokedJtis = new TtlStore(clock, { ...opts('revocations'), retainMs: 0, retainMax: 0 })
    this.sessions = new SessionStore(this.id, clock, ids, opts('sessions'))
    // a grant's index lives as long as its longest-lived token: as many as the token stores hold
    this.grants = new GrantIndex(clock, { ...opts('refreshTokens'), limit: this.limits.refreshTokens + this.limits.accessTokens })
    this.store = this.memoryStores()
    this.loadFixtures()
  }

  /** The in-memory {@link TenantStores}: thin wrappers over this tenant's own stores. */
  private memoryStores(): TenantStores {
    let flows: FlowRecordStores | undefined
    return {
      kind: 'memory',
      codes: new MemoryRecords(this.codes),
      refreshTokens: new MemoryRecords(this.refreshTokens),
      accessTokens: new MemoryRecords(this.accessTokens),
      revokedJtis: new MemoryRecords(this.revokedJtis),
      sessions: new MemoryRecords(this.sessions.local),
      families: new MemoryFamilies(this.grants, this),
      assertRoom: (refresh, access) => {
        if (refresh) this.refreshTokens.assertRoom()
        if (access) this.accessTokens.assertRoom()
      },
      flows: () => {
        if (flows) return flows
        const f = flowStores(this)
        return (flows = { pushedRequests: new MemoryRecords(f.pushedRequests), directFlows: new MemoryRecords(f.directFlows), devices: new MemoryRecords(f.devices), userCodes: new MemoryRecords(f.userCodes) })
      },
      // a reset clears the stores themselves (loadFixtures)
      clear: () => Promise.resolve(),
    }
  }

  /**
   * Keep state in shared stores (Redis) from now on. The config's fixture codes are put there
   * unless a replica already did (a code another replica redeemed stays redeemed).
   */
  useStores(factory: StoresFactory): void {
    this.store = factory(this.id)
    this.sessions.backend = this.store.sessions
    this.putFixtureCodes()
  }

  /** Put the config's codes in a shared store (commands on one connection run in order: after a clear sent before). */
  private putFixtureCodes(): void {
    for (const rec of this.fixtureCodes())
      this.store.codes.claim(rec.code, rec).catch((err: unknown) => console.error(`mockidp: tenant ${this.id}: could not store fixture code ${rec.code}: ${(err as Error).message}`))
  }

  private limitReached(store: keyof LimitsConfig, limit: number): OAuthError {
    const detail = `tenant ${this.id} holds ${limit} live ${STORE_NAMES[store]}, its limit (limits.${store}); raise limits.${store} in the config, or reset the mock between test runs`
    const err = new OAuthError('limit_reached', { detail })
    err.message = `mockidp: ${detail}` // what a programmatic caller (createCode, issueTokens) reads
    return err
  }

  /** (Re)load clients, users and fixture codes from the config; forget all issued state and run-time fixtures. */
  loadFixtures(): void {
    this.resetLocal()
    for (const store of [this.codes, this.refreshTokens, this.accessTokens, this.revokedJtis, this.sessions, this.grants]) store.clear()
    if (this.store.kind === 'memory') for (const rec of this.fixtureCodes()) this.codes.set(rec.code, rec)
    else {
      // a reset forgets the shared state too: every replica sees it
      this.store.clear().catch((err: unknown) => console.error(`mockidp: tenant ${this.id}: could not clear the shared store: ${(err as Error).message}`))
      this.putFixtureCodes()
    }
  }

  /**
   * A reset another replica made (it cleared the shared store and wrote the fixture codes): forget
   * this replica's own copies only — run-time fixtures, rotated keys, queued sign-ins — leaving the
   * shared store alone (clearing it again could drop what was issued since).
   */
  resetLocal(): void {
    this.runtime.users.clear()
    this.runtime.clients.clear()
    this.applyFixtures()
    for (const reset of this.onReset) reset()
    this.keys.reset()
    forgetSignIns(this)
    forgetParticipants(this)
  }

  /** The config's fixture codes as fresh records. */
  private fixtureCodes(): CodeRecord[] {
    const now = Math.floor(this.clock.now() / 1000)
    return (this.config.codes ?? []).map((c) => {
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
      return rec
    })
  }

  /** Clients and users: the config's, with the run-time changes over them (a change the state file must hear of). */
  private applyFixtures(): void {
    this.changed()
    const clients = new Map(this.config.clients.map((c) => [c.clientId, toClient(c)]))
    for (const [id, c] of this.runtime.clients) c ? clients.set(id, toClient(c)) : clients.delete(id)
    this.clients = clients
    const users = new Map(this.config.users.map((u) => [u.sub, { ...u }]))
    for (const [sub, u] of this.runtime.users) u ? users.set(sub, { ...u }) : users.delete(sub)
    this.users = [...users.values()]
  }

  /** Add or replace a client at run time (kept over a reload). Returns whether it replaced one. */
  putClient(client: ClientConfig): boolean {
    const replaced = this.clients.has(client.clientId)
    this.runtime.clients.set(client.clientId, { ...client })
    this.applyFixtures()
    return replaced
  }

  /** Remove a client at run time (also over a reload). Returns whether there was one. */
  deleteClient(clientId: string): boolean {
    if (!this.clients.has(clientId)) return false
    this.runtime.clients.set(clientId, null)
    this.applyFixtures()
    return true
  }

  /** Add or replace a user (by sub) at run time. Returns whether it replaced one. */
  putUser(user: UserConfig): boolean {
    const replaced = this.users.some((u) => u.sub === user.sub)
    this.runtime.users.set(user.sub, { ...user })
    this.applyFixtures()
    return replaced
  }

  /** Remove a user at run time. Returns whether there was one. */
  deleteUser(sub: string): boolean {
    if (!this.users.some((u) => u.sub === sub)) return false
    this.runtime.users.set(sub, null)
    this.applyFixtures()
    return true
  }

  /** Find a user by sub, username, email or phone number. */
  findUser(hint: string): User | undefined {
    return findUser(this.users, hint)
  }

  userBySub(sub: string): User | undefined {
    return this.users.find((u) => u.sub === sub)
  }

  /**
   * Refuse now, before a grant changes anything (a code consumed, a refresh token used), when the
   * tokens it would issue do not fit: a refused request must leave its code or token usable.
   */
  assertRoomForTokens(server: ServerRuntime, refresh: boolean): void {
    this.store.assertRoom(refresh, server.spec.accessToken.format !== 'jwt')
  }

  /** Revoke every token a grant issued (refresh tokens, opaque and JWT access tokens). */
  revokeGrant(family: string): Promise<void> {
    return this.store.families.revoke(family)
  }

  /**
   * Take over the state of the tenant this one replaces (hot reload), or of a state file: codes,
   * tokens, sessions and run-time fixtures, except what the new config no longer allows (a removed
   * client, user or server). Returns one line per kind of item dropped, for the log.
   */
  adopt(old: TenantState): string[] {
    const dropped = new Map<string, number>()
    const drop = (what: string) => dropped.set(what, (dropped.get(what) ?? 0) + 1)
    for (const [k, v] of old.runtime.users) this.runtime.users.set(k, v)
    for (const [k, v] of old.runtime.clients) this.runtime.clients.set(k, v)
    this.applyFixtures()
    if (old instanceof Tenant) for (const move of old.onAdopt) move(this)
    const serverIds = new Set(this.profile.servers.map((s) => s.id))
    const why = (r: { clientId: string; serverId: string; sub?: string | undefined }): string | undefined => {
      if (!serverIds.has(r.serverId)) return `server ${r.serverId} is gone`
      if (!this.clients.has(r.clientId)) return `client ${r.clientId} is gone`
      if (r.sub !== undefined && r.sub !== r.clientId && !this.userBySub(r.sub)) return `user ${r.sub} is gone`
      return undefined
    }
    // a store the new config limits more tightly may not take everything: what does not fit is dropped and said
    const keep = <V extends { exp: number }>(store: TtlStore<V>, k: string, v: V, what: string) => {
      try {
        store.set(k, v)
      } catch (err) {
        if (!(err instanceof OAuthError)) throw err
        drop(`${what} (over the new limit)`)
      }
    }
    const pinned = new Set((this.config.codes ?? []).map((c) => c.code))
    for (const [k, r] of old.codes.entries()) {
      if (!Number.isFinite(r.exp)) {
        // a fixture code: the new config's own copy stands, remembering whether it was used
        const mine = pinned.has(k) ? this.codes.get(k) : undefined
        if (mine) mine.consumed ||= r.consumed
        else drop('authorization codes (removed from the config)')
        continue
      }
      const w = why(r)
      // a used code (or refresh token) that goes is no loss: the report counts only usable ones
      if (w) !r.consumed && drop(`authorization codes (${w})`)
      else keep(this.codes, k, r, 'authorization codes')
    }
    for (const [k, r] of old.refreshTokens.entries()) {
      const w = why(r)
      if (w) !r.used && !r.revoked && drop(`refresh tokens (${w})`)
      else keep(this.refreshTokens, k, r, 'refresh tokens')
    }
    for (const [k, r] of old.accessTokens.entries()) {
      const w = why(r)
      if (w) !r.revoked && drop(`access tokens (${w})`)
      else keep(this.accessTokens, k, r, 'access tokens')
    }
    // revocations stay whatever else changes: a revoked token must not come back
    for (const [k, r] of old.revokedJtis.entries()) keep(this.revokedJtis, k, r, 'revocations')
    for (const [k, g] of old.grants.entries()) this.grants.restore(k, g)
    for (const s of old.sessions.values()) {
      if (!this.userBySub(s.sub)) drop(`SSO sessions (user ${s.sub} is gone)`)
      else {
        try {
          this.sessions.restore(s)
        } catch (err) {
          if (!(err instanceof OAuthError)) throw err
          drop('SSO sessions (over the new limit)')
        }
      }
    }
    // rotated keys (re-derived from their numbers), queued sign-ins and who took part in each session
    const keysLost = old.signingKeys && this.keys.restore(old.signingKeys)
    if (keysLost) drop(keysLost)
    if (old instanceof Tenant) {
      adoptSignIns(this, old)
      adoptParticipants(this, old)
    }
    return [...dropped].map(([what, n]) => `${n} ${what}`)
  }

  /** The signing key ring as numbers (see `TenantState.signingKeys`). */
  get signingKeys(): KeyRingState {
    return this.keys.snapshot()
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
