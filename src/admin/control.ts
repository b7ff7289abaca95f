import { epochSeconds, type Clock } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import { ConfigError } from '../config/errors.js'
import { validate } from '../config/validate.js'
import { clientSchema, codeSchema, faultSchema, issueTokensSchema, journalFilterSchema, userSchema } from '../config/schema.js'
import { checkRedirects } from '../config/checks.js'
import { logoutConfigProblems } from '../config/logout.js'
import type { ClientConfig, UserConfig } from '../config/types.js'
import type { EndpointName, PkceMethod } from '../profiles/types.js'
import type { Idp } from '../runtime/idp.js'
import type { Client, Tenant, User } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { CodeRecord } from '../runtime/records.js'
import { issueTokens, type Grant } from '../oauth/issue.js'
import { refreshPolicy } from '../oauth/token/refresh-token.js'
import { checkFault, type Fault, type FaultConfig } from '../faults/faults.js'
import type { JournalEntry, JournalFilter } from '../journal/journal.js'

/** Something the caller asked for does not exist (HTTP 404 in the admin API). */
export class NotFound extends Error {
  override name = 'NotFound'
}

/** URLs of one server (endpoint family) of a tenant. */
export interface ServerInfo {
  id: string
  issuer: string
  discoveryUrl?: string
  authorizationEndpoint?: string
  tokenEndpoint: string
  userinfoEndpoint?: string
  jwksUri?: string
  introspectionEndpoint?: string
  revocationEndpoint?: string
  endSessionEndpoint?: string
}

/** URLs of a tenant; top-level fields are its default server's. */
export interface TenantInfo extends ServerInfo {
  tenantId: string
  vendor: string
  /** Every server of the tenant, by id (Authing/GenAuth: `oidc` and `oauth`). */
  servers: Record<string, ServerInfo>
  clientIds: string[]
}

/** Options of `issueTokens()`: mint what the token endpoint would answer, without a browser. */
export interface IssueTokensOptions {
  /**
   * Who the tokens are for: a user of the tenant (by sub, username or email), or a user object that
   * exists only in these tokens. Omit for a client's own token (as client_credentials issues).
   */
  user?: string | UserConfig
  /** The client; default: the tenant's first client. */
  clientId?: string
  /** Granted scope (space-separated or a list); default `openid profile email` with a user (the server's default scope where it is not OIDC), none without. */
  scope?: string | string[]
  /** Claims to add to or override in the JWT access token and the id token. */
  claims?: Record<string, unknown>
  /** A different `sub` (the user's other claims are kept). */
  sub?: string
  /** Lifetime in seconds of the access and id tokens; zero or negative gives tokens that expired that long ago. */
  expiresIn?: number
  /** Tokens that expired an hour ago (`expiresIn: -3600`). */
  expired?: boolean
  /** `nonce` claim of the id token. */
  nonce?: string
  /** Which server of the tenant (`oidc` or `oauth` for GenAuth/Authing); default: the profile's default. */
  server?: string
}

/** A token response body, exactly as the tenant's token endpoint would send it (vendor field order). */
export interface TokenResponse {
  access_token: string
  token_type: string
  expires_in: number
  refresh_token?: string
  id_token?: string
  scope?: string
  [member: string]: unknown
}

/** Options of `createCode()`: an authorization code redeemable at the token endpoint. */
export interface CreateCodeOptions {
  /** A user of the tenant, by sub, username or email. */
  user: string
  clientId: string
  /** One of the client's registered redirect URIs; the token request must send the same. */
  redirectUri: string
  /** Granted scope; default `openid`. */
  scope?: string
  nonce?: string
  codeChallenge?: string
  codeChallengeMethod?: PkceMethod
  /** Which server of the tenant; default: the profile's default. */
  server?: string
  /** Seconds until it expires; default: the vendor's code lifetime. */
  ttl?: number
  /** Use this value instead of a generated one (replaces an existing code of that value). */
  code?: string
}

/** How long ago `expired: true` tokens expired: past any clock-skew allowance a client may have. */
export const EXPIRED_AGO = 3600

const FIELD: Partial<Record<EndpointName, keyof ServerInfo>> = {
  discovery: 'discoveryUrl',
  authorization: 'authorizationEndpoint',
  token: 'tokenEndpoint',
  userinfo: 'userinfoEndpoint',
  jwks: 'jwksUri',
  introspection: 'introspectionEndpoint',
  revocation: 'revocationEndpoint',
  endSession: 'endSessionEndpoint',
}

/** The tenant of that id, or a NotFound naming the known ones. */
export function requireTenant(idp: Idp, id: string): Tenant {
  const t = idp.tenant(id)
  if (!t) throw new NotFound(`mockidp: no tenant "${id}" (tenants: ${idp.tenants.map((x) => x.id).join(', ')})`)
  return t
}

/** Describe a tenant's URLs as seen from `origin`. */
export function describeTenant(idp: Idp, id: string, origin: string): TenantInfo {
  const t = requireTenant(idp, id)
  const servers: Record<string, ServerInfo> = {}
  for (const s of mounted(t)) {
    const u = s.urls(origin)
    const info: Record<string, string> = { id: s.id, issuer: u.issuer }
    for (const [k, v] of Object.entries(u.url)) {
      const f = FIELD[k as EndpointName]
      if (f && v) info[f] = v
    }
    servers[s.id] = info as unknown as ServerInfo
  }
  return { ...servers[t.defaultServer.id]!, tenantId: t.id, vendor: t.profile.name, servers, clientIds: [...t.clients.keys()] }
}

/** Validate `value` against `schema` (paths below `what`, e.g. `user.sub`); a ConfigError listing every problem. */
function check(value: unknown, schema: unknown, what: string, extra: string[] = []): void {
  const problems = [...validate(value, schema as never, what), ...extra]
  if (problems.length) throw new ConfigError(`invalid ${what || 'options'}:\n  - ${problems.join('\n  - ')}`)
}

/** The servers a tenant is reached through: its path mount, or (a host-only tenant) its host mount. */
export const mounted = (t: Tenant): ServerRuntime[] => (t.servers.length ? t.servers : t.hostServers)

/** A server of the tenant by id; default: the profile's default server. */
export function serverOf(tenant: Tenant, id: string | undefined): ServerRuntime {
  const pool = mounted(tenant)
  const s = pool.find((x) => x.id === (id ?? tenant.defaultServer.id))
  if (!s) throw new ConfigError(`server: "${id}" is not a server of ${tenant.profile.name} (use one of: ${pool.map((x) => x.id).join(', ')})`)
  return s
}

function clientOf(tenant: Tenant, clientId: string | undefined): Client {
  const client = clientId === undefined ? tenant.clients.values().next().value : tenant.clients.get(clientId)
  if (!client) throw new NotFound(`clientId: no client "${clientId ?? ''}" in tenant "${tenant.id}" (clients: ${[...tenant.clients.keys()].join(', ')})`)
  return client
}

function userOf(tenant: Tenant, hint: string): User {
  const user = tenant.findUser(hint)
  if (!user) throw new NotFound(`user: no user "${hint}" in tenant "${tenant.id}" (use a sub, username or email of: ${tenant.users.map((u) => u.username).join(', ')})`)
  return user
}

const scopeList = (scope: string | string[]): string[] => (Array.isArray(scope) ? scope : scope.split(' ')).filter(Boolean)

/**
 * Mint tokens as the token endpoint would (same formats, keys, claims and field order) through the
 * same `issueTokens`. Expired tokens are issued "in the past" through a shifted clock, so every
 * time claim and stored expiry agrees.
 */
export async function mintTokens(idp: Idp, tenantId: string, opts: IssueTokensOptions, origin: string): Promise<TokenResponse> {
  check(opts, issueTokensSchema, '')
  const tenant = requireTenant(idp, tenantId)
  let server = serverOf(tenant, opts.server)
  let client = clientOf(tenant, opts.clientId)
  let user: User | undefined
  if (typeof opts.user === 'string') user = userOf(tenant, opts.user)
  else if (opts.user !== undefined) {
    check(opts.user, userSchema, 'user')
    user = opts.user
  }
  if (opts.sub !== undefined) user = { ...(user ?? { username: opts.sub }), sub: opts.sub }
  const scopes = scopeList(opts.scope ?? (user ? (server.spec.openid ? 'openid profile email' : server.spec.authorization.defaultScope) : ''))

  const expiresIn = opts.expired ? -EXPIRED_AGO : opts.expiresIn
  if (expiresIn !== undefined) {
    if (client.accessTokenTtl !== undefined) {
      const { accessTokenTtl: _own, ...rest } = client
      client = rest
    }
    const spec = server.spec
    const ttl = expiresIn > 0 ? expiresIn : spec.accessToken.ttl
    const shiftMs = expiresIn > 0 ? 0 : (expiresIn - ttl) * 1000
    const clock: Clock = { now: () => tenant.clock.now() + shiftMs }
    const shifted = Object.create(tenant, { clock: { value: clock } }) as Tenant
    const over = { ...spec, accessToken: { ...spec.accessToken, ttl }, ...(spec.idToken ? { idToken: { ...spec.idToken, ttl } } : {}) }
    server = Object.create(server, { spec: { value: over }, tenant: { value: shifted } }) as ServerRuntime
  }
  const now = epochSeconds(server.tenant.clock)
  const scope = scopes.join(' ')
  const parent = `api\u0000${client.clientId}\u0000${user?.sub ?? ''}\u0000${scope}`
  const grant: Grant = {
    server,
    origin,
    client,
    user,
    scopes,
    parent,
    nonce: opts.nonce,
    authTime: user ? now : undefined,
    sid: user ? formatId(tenant.ids, [tenant.id, 'sid', parent], { kind: 'uuid', version: 4 }) : undefined,
    idToken: user !== undefined && scopes.includes('openid'),
    refresh: user && refreshPolicy(server, client, scopes) ? { kind: 'new' } : { kind: 'none' },
  }
  if (opts.claims && Object.keys(opts.claims).length) grant.extraClaims = opts.claims
  return (await issueTokens(grant)) as TokenResponse
}

/** Store an authorization code redeemable at the token endpoint; returns it. */
export function createCode(idp: Idp, tenantId: string, opts: CreateCodeOptions): string {
  const tenant = requireTenant(idp, tenantId)
  check(opts, { ...codeSchema, required: codeSchema.required.filter((k) => k !== 'code') }, '')
  const server = serverOf(tenant, opts.server)
  const client = clientOf(tenant, opts.clientId)
  if (!client.redirectUris.includes(opts.redirectUri))
    throw new ConfigError(`redirectUri: "${opts.redirectUri}" is not one of ${client.clientId}'s redirectUris (${client.redirectUris.join(', ')})`)
  const user = userOf(tenant, opts.user)
  const scope = opts.scope ?? 'openid'
  const parts = [tenant.id, server.id, 'code', 'api', client.clientId, user.sub, opts.redirectUri, scope, opts.nonce ?? '', opts.codeChallenge ?? '']
  let code = opts.code
  if (code === undefined) {
    do code = formatId(tenant.ids, parts, server.spec.code.format)
    while (tenant.codes.has(code))
  }
  const now = epochSeconds(tenant.clock)
  const rec: CodeRecord = {
    code,
    serverId: server.id,
    clientId: client.clientId,
    redirectUri: opts.redirectUri,
    sub: user.sub,
    scope,
    authTime: now,
    sid: formatId(tenant.ids, [tenant.id, 'sid', ...parts], { kind: 'uuid', version: 4 }),
    exp: now + (opts.ttl ?? server.spec.code.ttl),
    consumed: false,
  }
  if (opts.nonce !== undefined) rec.nonce = opts.nonce
  if (opts.codeChallenge !== undefined) {
    rec.codeChallenge = opts.codeChallenge
    rec.codeChallengeMethod = opts.codeChallengeMethod ?? 'plain'
  }
  // synchronous by contract: in memory the code is stored now (a full store throws here); in Redis the
  // write is sent now, unawaited. Commands on one connection run in order, so this process's next
  // request finds the code; a replica given identical inputs in the same second derives the same code
  // with the same record, so a plain SET (no NX) is safe.
  tenant.store.codes.put(code, rec).catch((err: unknown) => console.error(`mockidp: createCode: the code ${code} for tenant ${tenant.id} was NOT stored in Redis (${(err as Error).message}); redeeming it will fail`))
  return code
}

/** Add a user, or replace the one with the same `sub`. Returns whether it replaced one. */
export function upsertUser(idp: Idp, tenantId: string, user: UserConfig): boolean {
  const tenant = requireTenant(idp, tenantId)
  check(user, userSchema, 'user')
  const other = tenant.users.find((u) => u.username === user.username && u.sub !== user.sub)
  if (other) throw new ConfigError(`invalid user:\n  - user.username: "${user.username}" is already the username of user "${other.sub}"; give each user its own`)
  const replaced = tenant.putUser(user)
  idp.shared?.fixture(tenant.id, 'user', user.sub, user)
  return replaced
}

/** Remove a user by sub, username or email. Returns whether there was one. */
export function removeUser(idp: Idp, tenantId: string, hint: string): boolean {
  const tenant = requireTenant(idp, tenantId)
  const user = tenant.findUser(hint)
  if (user === undefined || !tenant.deleteUser(user.sub)) return false
  idp.shared?.fixture(tenant.id, 'user', user.sub, null)
  return true
}

/** Add a client, or replace the one with the same `clientId`. Returns whether it replaced one. */
export function upsertClient(idp: Idp, tenantId: string, client: ClientConfig): boolean {
  const tenant = requireTenant(idp, tenantId)
  check(client, clientSchema, 'client')
  const m = client.tokenEndpointAuthMethod
  const problems: string[] = checkRedirects(client, 'client')
  if (m && !tenant.servers.some((s) => s.spec.clientAuthMethods.includes(m))) problems.push(`client.tokenEndpointAuthMethod: ${tenant.profile.name} does not support "${m}"`)
  if (m && m !== 'none' && m !== 'private_key_jwt' && !client.clientSecret) problems.push(`client.clientSecret: is required with tokenEndpointAuthMethod "${m}"`)
  if (m === 'none' && client.clientSecret) problems.push('client.clientSecret: a client with tokenEndpointAuthMethod "none" has no secret; remove it')
  if (m === 'private_key_jwt' && !client.jwks) problems.push('client.jwks: is required with tokenEndpointAuthMethod "private_key_jwt"')
  problems.push(...logoutConfigProblems(client, tenant.profile, 'client'))
  if (problems.length) throw new ConfigError(`invalid client:\n  - ${problems.join('\n  - ')}`)
  const replaced = tenant.putClient(client)
  idp.shared?.fixture(tenant.id, 'client', client.clientId, client)
  return replaced
}

/** Remove a client. Returns whether there was one. */
export function removeClient(idp: Idp, tenantId: string, clientId: string): boolean {
  if (!requireTenant(idp, tenantId).deleteClient(clientId)) return false
  idp.shared?.fixture(tenantId, 'client', clientId, null)
  return true
}

/** The journal entries a filter selects; a filter of the wrong shape is an error naming the member. */
export function journalEntries(idp: Idp, filter: JournalFilter = {}): JournalEntry[] {
  check(filter, journalFilterSchema, 'filter')
  return idp.journal.entries(filter)
}

/** Validate and activate a fault. */
export function injectFault(idp: Idp, spec: FaultConfig): Fault {
  check(spec, faultSchema, 'fault')
  const problems = checkFault(spec, 'fault', (id) => idp.tenant(id)?.profile, idp.tenants.map((t) => t.id))
  if (problems.length) throw new ConfigError(`invalid fault:\n  - ${problems.join('\n  - ')}`)
  return idp.faults.add({ ...spec }, 'api')
}
