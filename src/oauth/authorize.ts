import type { Context } from 'hono'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import type { Env } from '../server/env.js'
import type { PkceMethod } from '../profiles/types.js'
import type { Client, User } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { CodeRecord } from '../runtime/records.js'
import { OAuthError, NOT_REDIRECTABLE } from './errors.js'
import { readForm, readQuery, type Params } from './params.js'
import { respondToClient, type ResponseMode } from './redirect.js'
import { describeError } from './render-error.js'
import { errorPage } from './pages.js'
import { checkClientScopes, splitScope } from './token/index.js'
import { signIn } from './sign-in.js'
import { sessionState } from './check-session.js'
import { checkResponseType, defaultResponseMode, normalizeResponseType } from './response-type.js'
import { consumePushedRequest, resolvePushedRequest } from './pushed-request.js'
import { frontChannelParams } from './implicit.js'
import { grantScopes, promptSet } from './scope-policy.js'
import { pkceFormatProblem } from './pkce.js'
import { isRedirectUri } from '../lib/redirect-uri.js'
import { rememberParticipant } from './backchannel-logout.js'
import { directSuccess, startDirectFlow } from './direct-mode.js'
import { claimFresh } from '../store/claim.js'

/** A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  client: Client
  redirectUri: string
  /** `response_type`, normalized (sorted values). */
  responseType: string
  responseMode: ResponseMode
  state: string | undefined
  scopes: string[]
  nonce: string | undefined
  codeChallenge: string | undefined
  codeChallengeMethod: PkceMethod | undefined
  params: Params
}

/**
 * The authorization endpoint. Client and redirect_uri are checked first and never redirected on
 * failure (an error page instead); every later error goes back to the client with `state`.
 */
export async function authorizationEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  let req: AuthorizationRequest | undefined
  try {
    const raw = c.req.method === 'POST' ? await readForm(c) : readQuery(c)
    const params = await resolvePushedRequest(server, raw)
    const checked = parseAuthorizationRequest(server, params, { pushed: false, onRedirectable: (r) => (req = r) })
    // response_mode=direct: the user signs in through the API (the `authenticate` route) with a
    // password, never by the login page's fields sent along
    if (checked.responseMode === 'direct') return await startDirectFlow(c, checked)
    return await signIn(c, checked, completeAuthorization)
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err
    if (!req || NOT_REDIRECTABLE.has(err.reason)) return errorPage(c, err)
    return redirectError(c, req, err)
  }
}

/**
 * Check an authorization request's parameters (here, or pushed to the PAR endpoint). Client and
 * redirect URI come first; `onRedirectable` then receives the request, so that later errors can be
 * sent back to the client. `pushed`: the request arrived at the PAR endpoint.
 */
export function parseAuthorizationRequest(
  server: ServerRuntime,
  params: Params,
  opts: { pushed: boolean; onRedirectable?: (req: AuthorizationRequest) => void },
): AuthorizationRequest {
  const { client, redirectUri } = checkClient(server, params)
  const responseType = normalizeResponseType(params.get('response_type') ?? '')
  const fallbackMode = defaultResponseMode(responseType)
  const mode = (params.get('response_mode') ?? fallbackMode) as ResponseMode
  const modeOk = server.spec.authorization.responseModes.includes(mode)
  const req: AuthorizationRequest = {
    client,
    redirectUri,
    responseType,
    responseMode: modeOk ? mode : fallbackMode,
    state: params.get('state'),
    scopes: [],
    nonce: params.get('nonce'),
    codeChallenge: params.get('code_challenge'),
    codeChallengeMethod: undefined,
    params,
  }
  opts.onRedirectable?.(req)
  if (!modeOk) throw new OAuthError('unsupported_response_mode')
  checkRequest(server, req, opts.pushed)
  return req
}

/** Resolve the client and the redirect URI; failures here are shown, never redirected. */
function checkClient(server: ServerRuntime, params: Params): { client: Client; redirectUri: string } {
  const clientId = params.get('client_id')
  if (!clientId) throw new OAuthError('authz_missing_client_id')
  const client = server.tenant.clients.get(clientId)
  if (!client) throw new OAuthError('authz_unknown_client', { client_id: clientId })
  let redirectUri = params.get('redirect_uri')
  if (redirectUri === undefined) {
    // RFC 6749 §3.1.2.3: optional when exactly one redirect URI is registered
    if (client.redirectUris.length !== 1) throw new OAuthError('authz_redirect_uri_mismatch', { client_id: clientId })
    redirectUri = client.redirectUris[0]!
  } else if (!client.redirectUris.includes(redirectUri)) {
    throw new OAuthError('authz_redirect_uri_mismatch', { client_id: clientId })
  }
  // registered URIs were checked when registered; checked again where a browser is sent to one
  if (!isRedirectUri(redirectUri)) throw new OAuthError('authz_redirect_uri_mismatch', { client_id: clientId })
  return { client, redirectUri }
}

function checkRequest(server: ServerRuntime, req: AuthorizationRequest, pushed: boolean): void {
  const { params, client } = req
  const spec = server.spec.authorization
  if (!params.get('response_type')) throw new OAuthError('authz_missing_parameter', { params: ['response_type'] })
  checkResponseType(server, client, req.responseType, req.responseMode, req.nonce)
  // RFC 9126 §5: a client registered to push its requests may not send them any other way
  if (!pushed && client.parRequired && server.spec.par && !params.has('request_uri')) throw new OAuthError('par_required')
  req.scopes = grantScopes(spec.scopePolicy, client, splitScope(params.get('scope') ?? spec.defaultScope), { prompt: promptSet(params.get('prompt')), responseType: req.responseType })
  if (spec.requireOpenidScope && !req.scopes.includes('openid')) throw new OAuthError('authz_openid_required')
  checkClientScopes(client, req.scopes, 'authz_invalid_scope')
  if (req.codeChallenge !== undefined) {
    const rule = pkceFormatProblem(req.codeChallenge)
    if (rule !== undefined) throw new OAuthError('authz_invalid_challenge', { param: 'code_challenge', rule })
    const method = params.get('code_challenge_method') ?? 'plain'
    if (!server.spec.pkce.methods.includes(method as PkceMethod)) throw new OAuthError('authz_invalid_challenge_method')
    req.codeChallengeMethod = method as PkceMethod
  } else if ((client.public || client.pkceRequired) && req.responseType.split(' ').includes('code')) {
    throw new OAuthError('authz_pkce_required')
  }
}

/**
 * Answer the request for `user`: a code, and for implicit and hybrid response types the tokens
 * the authorization endpoint issues itself.
 */
export async function completeAuthorization(c: Context<Env>, req: AuthorizationRequest, user: User, session: { sid: string; authTime: number }): Promise<Response> {
  const server = c.get('server')
  const types = req.responseType.split(' ')
  const out: [string, string][] = []
  await rememberParticipant(server, session.sid, req.client.clientId, c.get('origin'))
  const code = types.includes('code') ? await issueCode(c, req, user, session) : undefined
  if (code !== undefined) out.push(['code', code])
  if (types.includes('token') || types.includes('id_token')) out.push(...(await frontChannelParams(c, req, user, session, code)))
  if (req.state !== undefined) out.push(['state', req.state])
  for (const [k, v] of server.extraRedirectParams({ session_state: sessionState(req.client.clientId, new URL(req.redirectUri).origin, session.sid) })) out.push([k, v])
  await consumePushedRequest(server, req.params)
  const order = server.spec.authorization.frontChannelFields
  if (order && out.length > 1) out.sort(([a], [b]) => rank(order, a) - rank(order, b))
  if (req.responseMode === 'direct') return directSuccess(server, out)
  return respondToClient(req.redirectUri, req.responseMode, out)
}

const rank = (order: readonly string[], key: string): number => {
  const i = order.indexOf(key)
  return i === -1 ? order.length : i
}

/** Store an authorization code for the request and return it. */
async function issueCode(c: Context<Env>, req: AuthorizationRequest, user: User, session: { sid: string; authTime: number }): Promise<string> {
  const server = c.get('server')
  const tenant = server.tenant
  const scope = req.scopes.join(' ')
  const parts = [tenant.id, server.id, 'code', req.client.clientId, user.sub, req.redirectUri, scope, req.nonce ?? '', req.codeChallenge ?? '', session.sid]
  const exp = epochSeconds(tenant.clock) + server.spec.code.ttl
  return claimFresh(tenant.store.codes, () => formatId(tenant.ids, parts, server.spec.code.format), (code) => codeRecord(server.id, code, req, user, session, scope, exp))
}

/** The record of a code issued for an authorization request. */
function codeRecord(serverId: string, code: string, req: AuthorizationRequest, user: User, session: { sid: string; authTime: number }, scope: string, exp: number): CodeRecord {
  const rec: CodeRecord = {
    code,
    serverId,
    clientId: req.client.clientId,
    redirectUri: req.redirectUri,
    sub: user.sub,
    scope,
    authTime: session.authTime,
    sid: session.sid,
    exp,
    consumed: false,
  }
  if (req.nonce !== undefined) rec.nonce = req.nonce
  if (req.params.has('max_age')) rec.authTimeRequired = true
  if (req.codeChallenge !== undefined) {
    rec.codeChallenge = req.codeChallenge
    rec.codeChallengeMethod = req.codeChallengeMethod ?? 'plain'
  }
  return rec
}

/** Send an authorization error back to the client (RFC 6749 §4.1.2.1). */
export function redirectError(c: Context<Env>, req: AuthorizationRequest, err: OAuthError): Response {
  const { error, description, extra } = describeError(c.get('server'), err, c.get('origin'))
  c.set('refusal', err)
  const out: [string, string][] = [
    ['error', error],
    ['error_description', description],
    ...Object.entries(extra), // node-oidc-provider's err_out: `scope` on invalid_scope
  ]
  if (req.state !== undefined) out.push(['state', req.state])
  return respondToClient(req.redirectUri, req.responseMode, out)
}
