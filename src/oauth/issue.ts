import { createHash } from 'node:crypto'
import { epochSeconds } from '../lib/clock.js'
import { formatId, type IdFormat } from '../lib/ids.js'
import type { Client, User } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { AccessRecord, RefreshRecord } from '../runtime/records.js'
import type { FamilyMember, RecordStore } from '../store/types.js'
import { claimFresh } from '../store/claim.js'
import { buildClaims, type ClaimContext } from './claims.js'
import { halfHash, signHs256, signRs256 } from './jwt.js'
import { signInClaims } from '../runtime/next-sign-in.js'

/** What a grant decided; `issueTokens` turns it into the vendor's token response. */
export interface Grant {
  server: ServerRuntime
  origin: string
  client: Client
  /** Absent for client_credentials. */
  user: User | undefined
  scopes: string[]
  /** The value this issuance derives from (code, refresh token, or the request's own inputs), for deterministic ids. */
  parent: string
  nonce?: string | undefined
  authTime?: number | undefined
  sid?: string | undefined
  /** The authorization code, for `c_hash`. */
  code?: string | undefined
  /** Whether to include an id_token (openid scope and the grant allows one). */
  idToken: boolean
  /** The grant the tokens belong to (the code, or the refresh token family), for replay revocation. */
  family?: string | undefined
  /** Refresh token handling: issue a new one, return an existing one unchanged, or none. */
  refresh: { kind: 'new'; family?: string } | { kind: 'keep'; token: string } | { kind: 'none' }
  /** `max_age` was requested at authorize: `auth_time` goes into the id_token whatever the profile lists. */
  authTimeRequired?: boolean | undefined
  /** Per-call claim overrides (minted tokens in tests). */
  extraClaims?: Record<string, unknown>
  /** Issue an access token (default true; `response_type=id_token` issues none). */
  accessToken?: boolean
  /** `state` of an authorization response, for the id_token's `s_hash`. */
  state?: string | undefined
  /** Issued by the authorization endpoint (implicit, hybrid): the id_token uses `authorizationClaims`. */
  frontChannel?: boolean
}

/** Derive a value of `format` for the grant (deterministic; see lib/ids), for a value nothing stores (a jti). */
export function uniqueId(grant: Grant, kind: string, format: IdFormat): string {
  const { server } = grant
  return formatId(server.tenant.ids, [server.tenant.id, server.id, kind, grant.parent], format)
}

/**
 * Derive a value of `format` and store the record `make` builds for it under a key nothing holds
 * (SET NX in Redis). A clash — the same value held already, e.g. by another replica that derived it
 * from identical inputs in the same second — moves on to the next occurrence, as lib/ids counts them.
 */
function claimId<V extends { exp: number }>(grant: Grant, kind: string, format: IdFormat, store: RecordStore<V>, make: (value: string) => V): Promise<string> {
  return claimFresh(store, () => uniqueId(grant, kind, format), make)
}

/**
 * Issue access, id and refresh tokens for a grant and build the response body in the vendor's field
 * order. Each token is stored and registered with its grant before the response is sent; a request
 * racing this one — a replayed code, a reused refresh token, here or on another replica — revokes
 * what is registered, and the family stays marked revoked so that what is registered after is too.
 */
export async function issueTokens(grant: Grant): Promise<Record<string, unknown>> {
  const { server, client, user } = grant
  const tenant = server.tenant
  const spec = server.spec
  const now = epochSeconds(tenant.clock)
  const { issuer } = server.urls(grant.origin)
  const scope = grant.scopes.join(' ')
  const jwtAt = client.accessTokenFormat === 'jwt' && spec.jwtAccessToken !== undefined
  const at = jwtAt ? spec.jwtAccessToken! : spec.accessToken
  const atTtl = client.accessTokenTtl ?? at.ttl
  const atExp = now + atTtl

  let refreshToken: string | undefined
  let family = grant.family
  const r = grant.refresh
  const store = tenant.store
  // each token is registered with its family as it is made; awaited together before the answer (in
  // memory done at the call; in Redis one connection keeps their order, so nothing waits on a round trip)
  const registering: Promise<void>[] = []
  const register = (member: FamilyMember): void => {
    const p = store.families.add(family!, member)
    p.catch(() => undefined) // rejected before it is awaited below: not an unhandled rejection
    registering.push(p)
  }
  if (r.kind === 'keep') refreshToken = r.token
  else if (r.kind === 'new' && user) {
    const rt = spec.refreshToken
    const make = (token: string): RefreshRecord => {
      const rec: RefreshRecord = {
        token,
        serverId: server.id,
        clientId: client.clientId,
        sub: user.sub,
        scope,
        authTime: grant.authTime ?? now,
        sid: grant.sid ?? '',
        exp: now + rt.ttl,
        used: false,
        family: family ?? r.family ?? token,
        revoked: false,
      }
      if (grant.nonce !== undefined) rec.nonce = grant.nonce
      if (grant.authTimeRequired) rec.authTimeRequired = true
      return rec
    }
    refreshToken = await claimId(grant, 'rt', rt.format, store.refreshTokens, make)
    family ??= r.family ?? refreshToken
    register({ kind: 'refresh', value: refreshToken, exp: now + rt.ttl })
  }

  // per-call overrides (minted tokens), else what a "sign in as" put on the session
  const extraClaims = grant.extraClaims ?? signInClaims(tenant, grant.sid)
  const base: ClaimContext = {
    iss: issuer,
    sub: user?.sub ?? client.clientId,
    aud: client.clientId,
    azp: client.clientId,
    client_id: client.clientId,
    scope,
    iat: now,
    nbf: now,
    auth_time: grant.authTime,
    sid: grant.sid,
    tenant: tenant.values,
    user,
  }

  let accessToken: string | undefined
  if (grant.accessToken === false) accessToken = undefined
  else if (at.format === 'jwt') {
    const jti = uniqueId(grant, 'jti', at.jti ?? { kind: 'random', alphabet: 'nanoid', length: 21 })
    if (family !== undefined) register({ kind: 'jti', value: jti, exp: atExp })
    const claims = buildClaims(tenant.profile, at.claims, at.values, { ...base, exp: atExp, jti }, [])
    if (extraClaims) Object.assign(claims, extraClaims)
    accessToken = await signRs256(jwtAt ? server.jwtAccessHeaderB64! : server.accessHeaderB64!, claims, server.key.privateKey, spec.json)
  } else {
    const make = (token: string): AccessRecord => {
      const rec: AccessRecord = { token, serverId: server.id, clientId: client.clientId, scope, iat: now, exp: atExp, revoked: false }
      if (user) rec.sub = user.sub
      if (grant.sid !== undefined) rec.sid = grant.sid
      if (family !== undefined) rec.family = family
      return rec
    }
    accessToken = await claimId(grant, 'at', at.format, store.accessTokens, make)
    if (family !== undefined) register({ kind: 'access', value: accessToken, exp: atExp })
  }

  let idToken: string | undefined
  const it = spec.idToken
  if (grant.idToken && it && spec.openid && user) {
    const ctx: ClaimContext = {
      ...base,
      exp: now + it.ttl,
      nonce: grant.nonce,
      at_hash: accessToken === undefined ? undefined : halfHash(accessToken),
      c_hash: grant.code === undefined ? undefined : halfHash(grant.code),
      s_hash: grant.state === undefined ? undefined : halfHash(grant.state),
      jti: it.jti ? uniqueId(grant, 'idjti', it.jti) : undefined,
      isk: grant.sid === undefined ? undefined : sessionKey(grant.sid),
    }
    const claims = buildClaims(tenant.profile, (grant.frontChannel && it.authorizationClaims) || it.claims, it.values, ctx, grant.scopes)
    if (grant.authTimeRequired && claims.auth_time === undefined && grant.authTime !== undefined) claims.auth_time = grant.authTime
    if (extraClaims) Object.assign(claims, extraClaims)
    idToken =
      client.idTokenSigningAlg === 'HS256' && client.clientSecret
        ? signHs256(claims, client.clientSecret, spec.json)
        : await signRs256(server.idHeaderB64!, claims, server.key.privateKey, spec.json)
  }

  const values: Record<string, unknown> = {
    access_token: accessToken,
    token_type: accessToken === undefined ? undefined : spec.tokenResponse.tokenType,
    expires_in: accessToken === undefined ? undefined : atTtl + at.expiresInSkew,
    refresh_token: refreshToken,
    id_token: idToken,
    scope: accessToken === undefined || (scope === '' && spec.tokenResponse.emptyScope === 'omit') ? undefined : scope,
  }
  const body: Record<string, unknown> = {}
  for (const f of spec.tokenResponse.fields) if (values[f] !== undefined) body[f] = values[f]
  await Promise.all(registering)
  return body
}

/** WSO2's `isk` (IdP session key): 64 hex characters derived from the session. */
const sessionKey = (sid: string): string => createHash('sha256').update(sid).digest('hex')
