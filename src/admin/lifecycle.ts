import { ConfigError } from '../config/errors.js'
import { epochSeconds } from '../lib/clock.js'
import type { Idp } from '../runtime/idp.js'
import type { Tenant } from '../runtime/tenant.js'
import type { RotationResult } from '../keys/rotation.js'
import { endSessions, type LogoutDelivery } from '../oauth/backchannel-logout.js'
import { NEXT_SIGN_IN_COOKIE, queueSignIn, type NextSignInOptions } from '../runtime/next-sign-in.js'
import { NotFound, requireTenant } from './control.js'

// What changes over a login's lifetime, on demand: signing keys, sessions, tokens, the next sign-in.

/** Options of `rotateKeys()`. */
export interface RotateKeysOptions {
  /** Seconds the old key stays in JWKS and keeps verifying (by the mock's clock); 0 replaces it at once. Default 0. */
  graceSeconds?: number
}

/** Options of `endSessions()`. */
export interface EndSessionsOptions {
  /** Only this user's sessions (sub, username or email); default: every session of the tenant. */
  user?: string
}

/** What `endSessions()` did: how many sessions ended, and each back-channel logout sent with the app's answer. */
export interface EndSessionsResult {
  ended: number
  deliveries: LogoutDelivery[]
}

/** Options of `revokeTokens()`; with neither member, every refresh and opaque access token of the tenant. */
export interface RevokeTokensOptions {
  /** Only this user's tokens (sub, username or email). */
  user?: string
  /** Only tokens issued to this client. */
  clientId?: string
}

/**
 * How many tokens `revokeTokens()` revoked. JWT access tokens are not stored: those issued in the same
 * grant as a revoked refresh or opaque token are revoked with it; others stay valid until `exp`.
 */
export interface RevokeTokensResult {
  refreshTokens: number
  /** Opaque access tokens. */
  accessTokens: number
  /** JWT access tokens of the revoked tokens' grants. */
  jwtAccessTokens: number
}

/** A queued "sign in as": its ticket, and the cookie that claims it from a browser. */
export interface NextSignInResult {
  ticket: string
  /** The user's `sub`. */
  user: string
  clientId?: string
  /** Set this cookie on the mock's host to claim this sign-in (see `NextSignInOptions.ticketOnly`). */
  cookie: { name: string; value: string }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

function only(body: unknown, what: string, allowed: string[]): Record<string, unknown> {
  if (body === undefined) return {}
  if (!isObject(body)) throw new ConfigError(`${what}: the body must be a JSON object`)
  const extra = Object.keys(body).filter((k) => !allowed.includes(k))
  if (extra.length) throw new ConfigError(`${what}.${extra[0]}: unknown member (known: ${allowed.join(', ')})`)
  return body
}

function optionalString(body: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = body[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || v === '') throw new ConfigError(`${what}.${key}: must be a non-empty string`)
  return v
}

function userSub(tenant: Tenant, hint: string | undefined): string | undefined {
  if (hint === undefined) return undefined
  const u = tenant.findUser(hint)
  if (!u) throw new NotFound(`no user "${hint}" in tenant "${tenant.id}"`)
  return u.sub
}

/**
 * Rotate a tenant's signing key: new tokens are signed with a new key (derived from the seed and
 * the rotation count, in the vendor's kid style), the old one stays in JWKS for `graceSeconds`.
 */
export function rotateKeys(idp: Idp, tenantId: string, opts: RotateKeysOptions = {}): RotationResult {
  const tenant = requireTenant(idp, tenantId)
  const body = only(opts, 'keys/rotate', ['graceSeconds'])
  const g = body.graceSeconds ?? 0
  if (typeof g !== 'number' || !Number.isInteger(g) || g < 0 || g > 10 * 365 * 86400)
    throw new ConfigError(`keys/rotate.graceSeconds: ${JSON.stringify(g)} must be a whole number of seconds from 0 (replace at once) to ten years`)
  const result = tenant.keys.rotate(g)
  idp.shared?.keysRotated(tenant.id)
  return result
}

/** End the tenant's sessions (a user's, or all), sending back-channel logouts; resolves once every app answered. */
export async function endTenantSessions(idp: Idp, tenantId: string, opts: EndSessionsOptions = {}): Promise<EndSessionsResult> {
  const tenant = requireTenant(idp, tenantId)
  const body = only(opts, 'sessions/end', ['user'])
  return endSessions(idp, tenant, userSub(tenant, optionalString(body, 'user', 'sessions/end')))
}

/**
 * Revoke refresh tokens and opaque access tokens of a user, a client, or both: the token,
 * introspection and userinfo endpoints then answer as the vendor does for a revoked token.
 */
export async function revokeTokens(idp: Idp, tenantId: string, opts: RevokeTokensOptions = {}): Promise<RevokeTokensResult> {
  const tenant = requireTenant(idp, tenantId)
  const body = only(opts, 'revoke', ['user', 'clientId'])
  const sub = userSub(tenant, optionalString(body, 'user', 'revoke'))
  const clientId = optionalString(body, 'clientId', 'revoke')
  if (clientId !== undefined && !tenant.clients.has(clientId)) throw new NotFound(`no client "${clientId}" in tenant "${tenant.id}"`)
  const fits = (r: { sub?: string | undefined; clientId: string }) => (sub === undefined || r.sub === sub) && (clientId === undefined || r.clientId === clientId)
  const out: RevokeTokensResult = { refreshTokens: 0, accessTokens: 0, jwtAccessTokens: 0 }
  const families = new Set<string>()
  // through the store (a shared one: every replica's tokens); each mark is one step, so a token
  // revoked meanwhile by another request is counted once
  const store = tenant.store
  for await (const r of store.refreshTokens.scan()) {
    if (!fits(r)) continue
    families.add(r.family)
    const was = await store.refreshTokens.mark(r.token, 'revoked', { revoked: true })
    if (was && !was.revoked) out.refreshTokens++
  }
  for await (const a of store.accessTokens.scan()) {
    if (!fits(a)) continue
    if (a.family !== undefined) families.add(a.family)
    const was = await store.accessTokens.mark(a.token, 'revoked', { revoked: true })
    if (was && !was.revoked) out.accessTokens++
  }
  // the grants' JWT access tokens (their jti) go with them, as a replayed code revokes them
  const now = epochSeconds(tenant.clock)
  for (const family of families) {
    for (const [jti, exp] of await store.families.jtis(family)) {
      if (exp > now && (await store.revokedJtis.claim(jti, { exp }))) out.jwtAccessTokens++
    }
  }
  return out
}

/** Queue who the next matching authorization request signs in, without the login page. */
export function nextSignIn(idp: Idp, tenantId: string, opts: NextSignInOptions): NextSignInResult {
  const tenant = requireTenant(idp, tenantId)
  const body = only(opts, 'next-sign-in', ['user', 'clientId', 'claims', 'amr', 'acr', 'ticketOnly'])
  const user = optionalString(body, 'user', 'next-sign-in')
  if (user === undefined) throw new ConfigError('next-sign-in.user: is required (a sub, username or email of the tenant)')
  const clientId = optionalString(body, 'clientId', 'next-sign-in')
  if (body.claims !== undefined && !isObject(body.claims)) throw new ConfigError('next-sign-in.claims: must be an object of claim names to values')
  if (body.amr !== undefined && (!Array.isArray(body.amr) || !body.amr.every((x) => typeof x === 'string' && x !== '')))
    throw new ConfigError('next-sign-in.amr: must be a list of strings such as ["pwd", "mfa"]')
  const acr = optionalString(body, 'acr', 'next-sign-in')
  if (body.ticketOnly !== undefined && typeof body.ticketOnly !== 'boolean') throw new ConfigError('next-sign-in.ticketOnly: must be true or false')
  const o: NextSignInOptions = { user }
  if (clientId !== undefined) o.clientId = clientId
  if (body.claims !== undefined) o.claims = body.claims as Record<string, unknown>
  if (body.amr !== undefined) o.amr = body.amr as string[]
  if (acr !== undefined) o.acr = acr
  if (body.ticketOnly !== undefined) o.ticketOnly = body.ticketOnly as boolean
  let queued
  try {
    queued = queueSignIn(tenant, o)
  } catch (err) {
    if (err instanceof RangeError) throw /^no /.test(err.message) ? new NotFound(err.message) : new ConfigError(err.message)
    throw err
  }
  const out: NextSignInResult = { ticket: queued.ticket, user: queued.sub, cookie: { name: NEXT_SIGN_IN_COOKIE, value: queued.ticket } }
  if (queued.clientId !== undefined) out.clientId = queued.clientId
  return out
}
