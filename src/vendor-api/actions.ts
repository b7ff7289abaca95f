import { createHash, verify } from 'node:crypto'
import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { isHttps } from '../lib/request.js'
import { epochSeconds } from '../lib/clock.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { Client, User } from '../runtime/tenant.js'
import { authenticateClient, secretEquals } from '../oauth/client-auth.js'
import { OAuthError } from '../oauth/errors.js'
import { issueTokens } from '../oauth/issue.js'
import { scopeClaims } from '../oauth/claims.js'
import { decodePayload } from '../oauth/jwt.js'
import { DEFAULT_PASSWORD } from '../oauth/token/password.js'
import { refreshPolicy } from '../oauth/token/refresh-token.js'
import { checkClientScopes, splitScope } from '../oauth/token/index.js'
import { signedOutPage } from '../oauth/end-session.js'
import { postLogoutUris } from '../oauth/logout-uris.js'
import { respondToClient } from '../oauth/redirect.js'
import { errorPage } from '../oauth/pages.js'
import { clearedSessionCookie, currentSession, sessionCookie, sessionHandle } from '../oauth/session.js'
import { formatId } from '../lib/ids.js'
import { readQuery } from '../oauth/params.js'
import { loadKey } from '../keys/keystore.js'
import { ApiError, at, bearerToken, stringAt, type Json } from './request.js'
import { rsaPkcs1Decrypt } from './rsa.js'
import { completeAuthorization, parseAuthorizationRequest, type AuthorizationRequest } from '../oauth/authorize.js'
import { signIn } from '../oauth/sign-in.js'
import { closeDirectFlow, directFailure, openDirectFlow, signedInParams } from '../oauth/direct-mode.js'
import type { ApiActionSpec, ApiSpec } from '../profiles/api.js'

/** Template variables every action offers. */
export function baseVars(c: Context<Env>, server: ServerRuntime, api: ApiSpec): Json {
  const tenant = server.tenant
  const vars: Json = {
    tenant: tenant.values,
    /** The tenant's root URL on the browser-facing origin (Authing's `appHost`). */
    appHost: c.get('origin') + server.rootPath,
    brand: { name: tenant.profile.displayName, logoText: tenant.profile.brand.logoText, color: tenant.profile.brand.color, colorHex: tenant.profile.brand.color.replace(/^#/, '') },
    // a stable 24-hex id for the tenant where a vendor shows one (Authing's userPoolId)
    pool: createHash('sha256').update(`mockidp pool ${tenant.id}`).digest('hex').slice(0, 24),
  }
  if (api.passwordKey) vars.passwordKey = { pem: passwordKeyPem(api.passwordKey) }
  return vars
}

const pemCache = new Map<string, string>()
function passwordKeyPem(name: string): string {
  let pem = pemCache.get(name)
  if (pem === undefined) pemCache.set(name, (pem = loadKey(name).publicKey.export({ type: 'spki', format: 'pem' }).toString()))
  return pem
}

/** The user's claims of every scope the profile knows: a vendor API's user object shows them all. */
function allClaims(server: ServerRuntime, user: User): Json {
  const out: Json = {}
  scopeClaims(server.tenant.profile, user, Object.keys(server.tenant.profile.claims.scopes), out)
  return out
}

/** The client a request names (client-id header, or body `client_id`), authenticated when the action asks for it. */
async function resolveClient(c: Context<Env>, server: ServerRuntime, spec: ApiActionSpec, body: Json): Promise<Client> {
  const tenant = server.tenant
  if (spec.clientAuth) {
    const params = new Map<string, string>()
    for (const k of ['client_id', 'client_secret']) {
      const v = stringAt(body, k)
      if (v !== undefined && v !== '') params.set(k, v)
    }
    try {
      return (await authenticateClient(c, server, params)).client
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err
      const id = typeof err.vars.client_id === 'string' ? err.vars.client_id : undefined
      if (err.reason === 'no_client_auth') throw new ApiError('unknown_client', `no application named: send the app id in ${server.spec.clientIdHeaders[0] ?? 'client_id'} or client_id`)
      if (err.reason === 'unknown_client') throw new ApiError('unknown_client', `tenant "${tenant.id}" has no application "${id}"`)
      throw new ApiError('client_auth_failed', `application "${id ?? '?'}" did not authenticate (${err.reason.replaceAll('_', ' ')}): a confidential app sends client_id and client_secret in the body or HTTP Basic`)
    }
  }
  let id: string | undefined
  for (const h of server.spec.clientIdHeaders) id ||= c.req.header(h)
  id ||= stringAt(body, 'client_id')
  if (!id) {
    const first = tenant.clients.values().next().value
    if (!first) throw new ApiError('unknown_client', `tenant "${tenant.id}" has no applications`)
    return first
  }
  const client = tenant.clients.get(id)
  if (!client) throw new ApiError('unknown_client', `tenant "${tenant.id}" has no application "${id}"`)
  return client
}

/** The password as the user typed it, decrypting it where the vendor's SDK encrypted it. */
function plainPassword(api: ApiSpec, spec: ApiActionSpec, input: Json, password: string): string {
  const enc = spec.input?.encryption
  const kind = enc === undefined ? 'none' : enc === 'rsa' ? 'rsa' : String(at(input, enc.path) ?? 'none').toLowerCase()
  if (kind === 'sm2') throw new ApiError('unsupported_encryption', 'mockidp does not emulate SM2 password encryption; use RSA or none')
  if (kind !== 'rsa') return password
  if (!api.passwordKey) throw new ApiError('unsupported_encryption', 'this profile has no password key for RSA-encrypted passwords')
  const plain = rsaPkcs1Decrypt(loadKey(api.passwordKey).privateKey, password)
  if (plain === undefined) throw new ApiError('invalid_credentials', 'the password is not an RSA (PKCS#1 v1.5) ciphertext of the public key this tenant serves')
  return plain
}

/**
 * `signIn`: a password sign-in answered with tokens, as vendors' own login APIs do it
 * (Authing `/api/v3/signin`, GraphQL `loginByUsername`). The tokens are the server's usual ones.
 */
export async function signInAction(c: Context<Env>, server: ServerRuntime, api: ApiSpec, spec: ApiActionSpec, input: Json, body: Json): Promise<Json> {
  const tenant = server.tenant
  const want = spec.input?.require
  if (want) {
    const v = stringAt(input, want.path)
    if (v === undefined || !want.values.includes(v)) throw new ApiError('unsupported', `mockidp signs in with ${want.path} ${want.values.join(' or ')} only${v === undefined ? '' : `, not "${v.slice(0, 40)}"`}`)
  }
  const account = accountOf(input, spec)
  const password = stringAt(input, spec.input?.password)
  if (account === undefined || !password) throw new ApiError('bad_request', `a password sign-in needs ${spec.input?.password ?? 'a password'} and one of ${(spec.input?.account ?? []).join(', ')}`)
  const client = await resolveClient(c, server, spec, body)
  const plain = plainPassword(api, spec, input, password)
  const user = tenant.findUser(account)
  if (!user) throw new ApiError('invalid_credentials', `tenant "${tenant.id}" has no user "${account.slice(0, 80)}"`)
  if (!secretEquals(plain, user.password ?? DEFAULT_PASSWORD)) throw new ApiError('invalid_credentials', `wrong password for user "${user.username}"`)
  const scopes = splitScope(stringAt(input, spec.input?.scope) ?? spec.defaultScope ?? server.spec.authorization.defaultScope)
  try {
    checkClientScopes(client, scopes)
  } catch (err) {
    if (err instanceof OAuthError) throw new ApiError('bad_request', `application "${client.clientId}" may not ask for scope ${String(err.vars.scope)}`)
    throw err
  }
  const now = epochSeconds(tenant.clock)
  // a browser sign-in also starts the tenant's SSO session, as the hosted login does: /oidc/auth and
  // /cas/session then see the user, and the logout page ends it
  let sid = `api-${user.sub}`
  const setCookie: string[] = []
  if (spec.startSession) {
    await tenant.sessions.end(sessionHandle(c))
    sid = formatId(tenant.ids, [tenant.id, 'sid', user.sub], { kind: 'uuid', version: 4 })
    setCookie.push(sessionCookie(server, await tenant.sessions.start(user.sub, sid), isHttps(c)))
  }
  const tokens = await issueTokens({
    server,
    origin: c.get('origin'),
    client,
    user,
    scopes,
    parent: `api\u0000${c.req.path}\u0000${client.clientId}\u0000${user.sub}\u0000${scopes.join(' ')}`,
    authTime: now,
    sid,
    idToken: scopes.includes('openid'),
    refresh: refreshPolicy(server, client, scopes) ? { kind: 'new' } : { kind: 'none' },
  })
  // the times of the token the user now holds, read back from it: recomputing them here could differ
  // by a second from what issueTokens stamped, and would miss the client's own lifetime
  const held = String(tokens.id_token ?? tokens.access_token)
  const stamped = held.includes('.') ? decodeSegment(held.split('.')[1]!) : null
  const iat = typeof stamped?.iat === 'number' ? stamped.iat : now
  const exp = typeof stamped?.exp === 'number' ? stamped.exp : iat + (typeof tokens.expires_in === 'number' ? tokens.expires_in : server.spec.accessToken.ttl)
  return {
    setCookie,
    tokens,
    user,
    claims: allClaims(server, user),
    client: { id: client.clientId, name: client.name ?? client.clientId },
    iat,
    exp,
    now: new Date(iat * 1000).toISOString(),
    expiresAt: new Date(exp * 1000).toISOString(),
    // the token the user now holds, as vendor user objects show it (Authing's `token`, `tokenExpiredAt`)
    session: { token: held, issuedAt: new Date(iat * 1000).toISOString(), expiresAt: new Date(exp * 1000).toISOString() },
  }
}

/** A JWT segment's JSON object, or null. */
function decodeSegment(segment: string): Json | null {
  try {
    const v = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null
  } catch {
    return null
  }
}

/** The account a sign-in names: the first of the action's `input.account` paths that holds a string. */
function accountOf(input: Json, spec: ApiActionSpec): string | undefined {
  for (const p of spec.input?.account ?? []) {
    const v = stringAt(input, p)
    if (v) return v
  }
  return undefined
}

/**
 * `tokenStatus`: whether a token this server issued (an id token or a JWT or opaque access token)
 * is good: `no_token`, `invalid_token` (not ours, revoked) or `expired_token`, else its payload.
 */
export async function tokenStatusAction(c: Context<Env>, server: ServerRuntime, spec: ApiActionSpec, input: Json): Promise<Json> {
  const tenant = server.tenant
  const token = stringAt(input, spec.input?.token) || bearerToken(c.req.header('authorization'))
  if (!token) throw new ApiError('no_token', 'no token: pass one, or send Authorization: Bearer <token>')
  const now = epochSeconds(tenant.clock)
  const parts = token.split('.')
  let payload: Json
  if (parts.length === 3) {
    const header = decodeSegment(parts[0]!)
    const p = decodePayload(token)
    const signed = header?.alg === 'RS256' && p !== null && verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), server.key.publicKey, Buffer.from(parts[2]!, 'base64url'))
    if (!signed) throw new ApiError('invalid_token', `the token is not signed by tenant "${tenant.id}"`)
    if (typeof p.exp !== 'number' || p.exp <= now) throw new ApiError('expired_token', 'the token has expired')
    if (typeof p.jti === 'string' && (await tenant.store.revokedJtis.get(p.jti)) !== undefined) throw new ApiError('invalid_token', 'the token was revoked')
    payload = p
  } else {
    const rec = await tenant.store.accessTokens.get(token)
    if (!rec || rec.revoked) throw new ApiError('invalid_token', `tenant "${tenant.id}" did not issue this token, or it was revoked`)
    if (rec.exp <= now) throw new ApiError('expired_token', 'the token has expired')
    payload = { sub: rec.sub, aud: rec.clientId, iat: rec.iat, exp: rec.exp, scope: rec.scope }
  }
  const user = typeof payload.sub === 'string' ? tenant.userBySub(payload.sub) : undefined
  if (!user) throw new ApiError('invalid_token', 'the token has no user of this tenant')
  const iso = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : null)
  return { token: { ...payload, raw: token }, user, claims: allClaims(server, user), session: { token, issuedAt: iso(payload.iat), expiresAt: iso(payload.exp) } }
}

/**
 * `logout`: a hosted sign-out page (Authing's `/login/profile/logout?redirect_uri=…`): ends the
 * browser's session, then redirects to `redirect_uri` when one of the tenant's apps registered it
 * (a post-logout URI, else a redirect URI or its origin), or shows the signed-out page.
 */
export async function logoutAction(c: Context<Env>, server: ServerRuntime): Promise<Response> {
  const tenant = server.tenant
  let target: string | undefined
  try {
    target = readQuery(c).get('redirect_uri')
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(c, err)
    throw err
  }
  if (target !== undefined && ![...tenant.clients.values()].some((client) => postLogoutUris(client).includes(target))) {
    return errorPage(c, new OAuthError('end_session_bad_redirect'))
  }
  const ended = await endSession(c, server)
  if (target === undefined) return signedOutPage(c, ended)
  const res = respondToClient(target, 'query', [])
  res.headers.append('set-cookie', clearedSessionCookie(server, isHttps(c)))
  return res
}

/**
 * `authenticate`: the second leg of a `response_mode=direct` sign-in (WSO2 app-native
 * authentication). The flow's authorization request is checked again, the password verified, and
 * the sign-in completed as the login page completes it (an SSO session, the code); a wrong password
 * answers the profile's failure body and leaves the flow open.
 */
export async function authenticateAction(c: Context<Env>, server: ServerRuntime, spec: ApiActionSpec, body: Json): Promise<Response> {
  const tenant = server.tenant
  const direct = server.spec.authorization.direct
  const flowId = stringAt(body, spec.input?.flow) ?? ''
  const flow = direct && flowId ? await openDirectFlow(server, flowId) : undefined
  if (!direct || !flow) throw new ApiError('unknown_flow', `tenant "${tenant.id}" has no open sign-in flow "${flowId.slice(0, 80)}" (unknown, expired after ${direct?.ttl ?? 0} s, or already completed): start again with response_mode=direct at the authorization endpoint`)
  const picked = stringAt(body, spec.input?.authenticator)
  if (picked !== direct.authenticator.id) throw new ApiError('unknown_flow', `this flow offers only the authenticator "${direct.authenticator.id}" (username and password), not "${(picked ?? '').slice(0, 80)}"`)
  const account = accountOf(body, spec)
  const password = stringAt(body, spec.input?.password)
  if (!account || password === undefined) throw new ApiError('bad_request', `a password sign-in needs ${(spec.input?.account ?? ['an account']).join(' or ')} and ${spec.input?.password ?? 'a password'}`)
  const user = tenant.findUser(account)
  if (!user || !secretEquals(password, user.password ?? DEFAULT_PASSWORD)) {
    const res = directFailure(c, server, flow.flowId)
    const why = user ? `wrong password for user "${user.username}"` : `tenant "${tenant.id}" has no user "${account.slice(0, 80)}"`
    res.headers.set('x-mockidp-reason', why.replace(/[^\x20-\x7e]/g, '?'))
    return res
  }
  let req: AuthorizationRequest
  try {
    req = parseAuthorizationRequest(server, signedInParams(flow, user), { pushed: false })
  } catch (err) {
    if (err instanceof OAuthError) throw new ApiError('unknown_flow', `the flow's authorization request is no longer valid (${err.reason.replaceAll('_', ' ')}): start again`)
    throw err
  }
  // of two submissions racing (here or at another replica) only one signs in
  if (!(await closeDirectFlow(server, flow.flowId))) throw new ApiError('unknown_flow', `the sign-in flow "${flow.flowId.slice(0, 80)}" was completed by another request meanwhile: start again with response_mode=direct at the authorization endpoint`)
  return signIn(c, req, completeAuthorization)
}

/** `application`: the public view of a registered client (Authing Guard's public-config is one). */
export function applicationAction(c: Context<Env>, server: ServerRuntime, spec: ApiActionSpec): Json {
  const tenant = server.tenant
  const id = c.req.param(spec.input?.application ?? 'appId') ?? ''
  const client = tenant.clients.get(id)
  if (!client) throw new ApiError('unknown_application', `tenant "${tenant.id}" has no application "${id.slice(0, 80)}" (its apps: ${[...tenant.clients.keys()].join(', ')})`)
  const application = {
    id: client.clientId,
    name: client.name ?? client.clientId,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: postLogoutUris(client),
    grantTypes: client.grantTypes,
    public: client.public,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod ?? (client.public ? 'none' : 'client_secret_post'),
  }
  return { application }
}

/** `session`: the browser's SSO session (the tenant's session cookie) and its user; none is `no_session`. */
export async function sessionAction(c: Context<Env>, server: ServerRuntime): Promise<Json> {
  const session = await currentSession(c)
  const user = session && server.tenant.userBySub(session.sub)
  if (!session || !user) throw new ApiError('no_session', `no signed-in session with tenant "${server.tenant.id}" in this browser`)
  const iso = (v: number) => new Date(v * 1000).toISOString()
  return { user, claims: allClaims(server, user), sso: { sid: session.sid, authTime: iso(session.authTime), expiresAt: iso(session.exp) } }
}

/** End the browser's SSO session (its cookie's record); whether there was one. */
export function endSession(c: Context<Env>, server: ServerRuntime): Promise<boolean> {
  return server.tenant.sessions.end(sessionHandle(c))
}
