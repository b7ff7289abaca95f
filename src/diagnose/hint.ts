import type { MockIdpConfig } from '../config/types.js'
import type { Reason } from '../oauth/errors.js'
import type { Client, Tenant } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import { postLogoutUris } from '../oauth/logout-uris.js'
import { nearest } from '../lib/suggest.js'

/** What `diagnose()` needs: the refusal, the request's (non-secret) parameters and the config. */
export interface HintContext {
  reason: Reason
  vars: Readonly<Record<string, string | readonly string[]>>
  server: ServerRuntime
  /** The running config: JSON paths are counted in it. */
  config: MockIdpConfig
  /** A request parameter (form first, then query). Only non-secret ones are ever echoed. */
  param(name: string): string | undefined
  /** The Authorization header's scheme, lowercased (`basic`, `bearer`), if one was sent. */
  authScheme?: string | undefined
}

/** Why a request was refused, for people: a one-line hint and, for error pages, the details behind it. */
export interface Diagnosis {
  /** One sentence in mockidp's words: what was wrong and how to fix it (never a secret). */
  hint: string
  /** Non-secret parameters of the request that matter here, as sent. */
  sent: [string, string][]
  /** What the config has instead, e.g. the client's registered redirect URIs. */
  registered?: { label: string; values: string[] }
  /** JSON path of the config entry to change, e.g. `tenants[1].clients[1].redirectUris`. */
  path?: string
  /** A JSON fragment to paste at `path`. */
  snippet?: string
}

const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : 'none')
/** `"key": [ … ]`, pretty-printed, to paste over a member of the config. */
const member = (key: string, value: unknown): string => `${JSON.stringify(key)}: ${JSON.stringify(value, null, 2)}`

/** `tenants[i]` of a tenant in the running config. */
function tenantPath(config: MockIdpConfig, tenant: Tenant): string {
  const i = config.tenants.findIndex((t) => t.id === tenant.id)
  return i === -1 ? `the tenant "${tenant.id}"` : `tenants[${i}]`
}

/** `tenants[i].clients[j]`, or undefined for a client added at run time (admin API). */
function clientPath(config: MockIdpConfig, tenant: Tenant, clientId: string): string | undefined {
  const i = config.tenants.findIndex((t) => t.id === tenant.id)
  const j = i === -1 ? -1 : config.tenants[i]!.clients.findIndex((c) => c.clientId === clientId)
  return j === -1 ? undefined : `tenants[${i}].clients[${j}]`
}

/** The place to change a client's setting, in words and as a JSON path. */
function where(ctx: HintContext, client: Client, key: string): { words: string; path: string | undefined } {
  const p = clientPath(ctx.config, ctx.server.tenant, client.clientId)
  return p ? { words: `${p}.${key}`, path: `${p}.${key}` } : { words: `"${key}" of client ${client.clientId} (added at run time: upsert it again with the admin API)`, path: undefined }
}

const clientIdOf = (ctx: HintContext): string | undefined => {
  const v = ctx.vars.client_id
  return typeof v === 'string' && v ? v : ctx.param('client_id')
}

function unknownClient(ctx: HintContext, clientId: string): Diagnosis {
  const tenant = ctx.server.tenant
  const known = [...tenant.clients.keys()]
  const near = nearest(clientId, known)
  const tp = tenantPath(ctx.config, tenant)
  return {
    hint: `client_id ${clientId} is not a client of tenant ${tenant.id}${near ? ` — did you mean ${near}?` : ''} (clients: ${list(known)}) — fix client_id, or register it in ${tp}.clients`,
    sent: [['client_id', clientId]],
    registered: { label: `clients of ${tenant.id}`, values: known },
    path: `${tp}.clients`,
    snippet: JSON.stringify({ clientId, redirectUris: ctx.param('redirect_uri') ? [ctx.param('redirect_uri')] : [] }, null, 2),
  }
}

/** Parameters worth showing for an authorization or logout request (none of them secret). */
const SHOWN = ['client_id', 'redirect_uri', 'response_type', 'scope', 'response_mode', 'code_challenge_method', 'post_logout_redirect_uri', 'prompt']
const sentOf = (ctx: HintContext): [string, string][] => SHOWN.flatMap((k) => (ctx.param(k) === undefined ? [] : [[k, ctx.param(k)!] as [string, string]]))

/** How the request authenticated its client, from what it sent (never the values). */
function methodSent(ctx: HintContext): string {
  if (ctx.authScheme === 'basic') return 'client_secret_basic'
  if (ctx.param('client_assertion') !== undefined) return 'a client_assertion (client_secret_jwt or private_key_jwt)'
  if (ctx.param('client_secret') !== undefined) return 'client_secret_post'
  return 'none (no secret)'
}

/**
 * Why a request was refused, in plain words with the fix: the redirect URI that would have matched,
 * the JSON path of the config entry to change, the nearest known client. Built from the vendor-neutral
 * reason, the request's non-secret parameters and the running config; it never changes the response.
 */
export function diagnose(ctx: HintContext): Diagnosis | undefined {
  const { server, reason } = ctx
  const tenant = server.tenant
  const vendor = tenant.profile.displayName
  const clientId = clientIdOf(ctx)
  const client = clientId === undefined ? undefined : tenant.clients.get(clientId)
  const sent = sentOf(ctx)
  const multi = tenant.profile.servers.length > 1
  const simple = (hint: string): Diagnosis => ({ hint, sent })
  const needClient = (f: (c: Client) => Diagnosis): Diagnosis | undefined => (client ? f(client) : clientId ? unknownClient(ctx, clientId) : undefined)

  switch (reason) {
    case 'authz_missing_client_id':
      return { ...simple(`the authorization request has no client_id — send one of tenant ${tenant.id}'s clients (${list([...tenant.clients.keys()])})`), registered: { label: `clients of ${tenant.id}`, values: [...tenant.clients.keys()] } }
    case 'authz_unknown_client':
    case 'unknown_client':
      return clientId ? { ...unknownClient(ctx, clientId), sent: sent.length ? sent : [['client_id', clientId]] } : undefined
    case 'authz_redirect_uri_mismatch':
      return needClient((c) => {
        const sentUri = ctx.param('redirect_uri')
        const w = where(ctx, c, 'redirectUris')
        const base = { sent, registered: { label: `redirectUris of ${c.clientId}`, values: c.redirectUris }, ...(w.path ? { path: w.path } : {}) }
        if (sentUri === undefined)
          return { ...base, hint: `the authorization request has no redirect_uri and client ${c.clientId} has ${c.redirectUris.length} registered (${list(c.redirectUris)}) — send one of them as redirect_uri` }
        return {
          ...base,
          hint: `redirect_uri ${sentUri} is not registered for client ${c.clientId} (registered: ${list(c.redirectUris)}) — add it to ${w.words}`,
          snippet: member('redirectUris', [...c.redirectUris, sentUri]),
        }
      })
    case 'end_session_bad_redirect': {
      const target = ctx.param('post_logout_redirect_uri') ?? ''
      if (!client) {
        const how = clientId ? `client_id ${clientId} is not a client of tenant ${tenant.id}` : 'the request names no client (no client_id, and no id_token_hint whose aud names one)'
        return { ...simple(`post_logout_redirect_uri ${target} cannot be checked: ${how} — send client_id (or id_token_hint) of a registered client`), registered: { label: `clients of ${tenant.id}`, values: [...tenant.clients.keys()] } }
      }
      const allowed = postLogoutUris(client)
      const w = where(ctx, client, 'postLogoutRedirectUris')
      const byDefault = client.postLogoutRedirectUris ? '' : ', by default its redirect URIs and their origins'
      return {
        hint: `post_logout_redirect_uri ${target} is not registered for client ${client.clientId} (registered${byDefault}: ${list(allowed)}) — add it to ${w.words}`,
        sent,
        registered: { label: `post-logout redirect URIs of ${client.clientId}${client.postLogoutRedirectUris ? '' : ' (by default: its redirect URIs and their origins)'}`, values: allowed },
        ...(w.path ? { path: w.path } : {}),
        snippet: member('postLogoutRedirectUris', [...(client.postLogoutRedirectUris ?? allowed), target]),
      }
    }
    case 'authz_missing_parameter':
    case 'missing_parameter': {
      const params = ctx.vars.params
      const names = typeof params === 'string' ? [params] : [...(params ?? [])]
      return simple(`required parameter${names.length > 1 ? 's' : ''} ${list(names)} missing — add ${names.map((n) => (n === 'response_type' ? 'response_type=code' : n)).join(', ')} to the request`)
    }
    case 'unsupported_response_type':
      return simple(`response_type ${ctx.param('response_type')} is not supported by ${vendor} here (supported: ${list(server.spec.authorization.responseTypes)}) — use response_type=code`)
    case 'unsupported_response_mode':
      return simple(`response_mode ${ctx.param('response_mode')} is not supported by ${vendor} (supported: ${list(server.spec.authorization.responseModes)})`)
    case 'authz_unauthorized_client':
      return needClient((c) => {
        const w = where(ctx, c, 'grantTypes')
        return { hint: `client ${c.clientId} may not use the authorization code flow (grantTypes: ${list(c.grantTypes)}) — add "authorization_code" to ${w.words}`, sent, ...(w.path ? { path: w.path } : {}), snippet: member('grantTypes', [...c.grantTypes, 'authorization_code']) }
      })
    case 'authz_openid_required':
      return simple(`${vendor} requires the openid scope on this endpoint (scope sent: ${ctx.param('scope') ?? 'none'}) — add openid to scope`)
    case 'authz_invalid_scope':
    case 'invalid_scope':
      return needClient((c) => {
        const w = where(ctx, c, 'scopes')
        return simple(`scope ${String(ctx.vars.scope ?? ctx.param('scope') ?? '')} is not allowed for client ${c.clientId}${c.scopes ? ` (allowed: ${list(c.scopes)})` : ''} — request fewer scopes, or add them to ${w.words}`)
      })
    case 'authz_pkce_required':
      return needClient((c) =>
        simple(`client ${c.clientId} ${c.public ? 'is public (no clientSecret)' : 'has pkceRequired'}, so the authorization request must carry PKCE — send code_challenge (base64url SHA-256 of a random code_verifier) and code_challenge_method=S256`),
      )
    case 'authz_invalid_challenge_method':
      return simple(`code_challenge_method ${ctx.param('code_challenge_method') ?? 'plain (the default when it is omitted)'} is not supported by ${vendor} (supported: ${list(server.spec.pkce.methods)}) — send code_challenge_method=S256`)
    case 'login_required':
      return simple(`prompt=none, but this browser has no session with tenant ${tenant.id} — sign in once without prompt=none, send login_hint, or set ${tenantPath(ctx.config, tenant)}.autoLogin`)
    case 'invalid_parameter':
      return simple(`parameter ${String(ctx.vars.param ?? '')} has a value ${vendor} does not accept${ctx.vars.param && ctx.param(String(ctx.vars.param)) !== undefined && !/assertion/.test(String(ctx.vars.param)) ? ` (${ctx.param(String(ctx.vars.param))})` : ''}`)
    case 'duplicate_parameter':
      return simple(`parameter ${list(typeof ctx.vars.params === 'string' ? [ctx.vars.params] : [...(ctx.vars.params ?? [])])} was sent more than once — send each parameter once`)
    case 'invalid_method':
      return simple('the token endpoint takes POST only — send the request as POST with a form body')
    case 'invalid_content_type':
    case 'invalid_body':
      return simple('the body must be application/x-www-form-urlencoded (not JSON or multipart) — send a form body, e.g. URLSearchParams')
    case 'body_too_large':
      return simple('the request body is over 64 KiB — no OAuth request needs that much')
    case 'missing_grant_type':
      return simple('the token request has no grant_type — send grant_type=authorization_code (or refresh_token, client_credentials …)')
    case 'unsupported_grant_type':
      return simple(`grant_type ${String(ctx.vars.grant_type ?? ctx.param('grant_type'))} is not supported by ${vendor} ${multi ? `(${server.id}) ` : ''}(supported: ${list(server.spec.grants)})`)
    case 'unauthorized_grant':
      return needClient((c) => {
        const g = String(ctx.vars.grant_type ?? ctx.param('grant_type'))
        if (g === 'client_credentials' && c.public) return simple(`client ${c.clientId} is public (no clientSecret): client_credentials needs a confidential client — use a client with a clientSecret`)
        const w = where(ctx, c, 'grantTypes')
        return { hint: `client ${c.clientId} may not use grant_type ${g} (grantTypes: ${list(c.grantTypes)}) — add "${g}" to ${w.words}`, sent, ...(w.path ? { path: w.path } : {}), snippet: member('grantTypes', [...c.grantTypes, g]) }
      })
    case 'no_client_auth':
      return simple('the request names no client — send client_id (with client_secret, HTTP Basic or a client_assertion for a confidential client)')
    case 'multiple_client_auth':
      return simple('the client authenticated in more than one way (HTTP Basic, client_secret in the body, client_assertion), or with two different client ids — use exactly one method')
    case 'malformed_client_auth':
      return simple(ctx.authScheme === 'basic' ? 'the Authorization header is not valid Basic credentials — send base64(urlencode(client_id) + ":" + urlencode(client_secret))' : 'the client_assertion is not a well-formed JWT')
    case 'client_auth_failed':
      return needClient((c) => {
        const how = methodSent(ctx)
        if (how.startsWith('a client_assertion')) return simple(`the client_assertion of client ${c.clientId} failed verification (signature, iss/sub, aud, exp) — sign it with ${c.jwks ? 'a key of its jwks' : 'its clientSecret'} and set aud to the token endpoint`)
        const w = where(ctx, c, 'clientSecret')
        return { hint: `the client secret sent (${how}) does not match client ${c.clientId}'s — use the clientSecret at ${w.words}`, sent: [['client_id', c.clientId]], ...(w.path ? { path: w.path } : {}) }
      })
    case 'auth_method_mismatch':
      return needClient((c) => {
        const expected = c.tokenEndpointAuthMethod ?? (c.public ? 'none' : list(server.secretMethods))
        const w = where(ctx, c, 'tokenEndpointAuthMethod')
        return simple(`client ${c.clientId} authenticated with ${methodSent(ctx)}, but it is registered for ${expected}${c.tokenEndpointAuthMethod ? ` (${w.words})` : c.public ? ' (public: it has no clientSecret; send client_id only, with PKCE)' : ''}`)
      })
    case 'code_not_found':
      return simple(`the code is unknown to ${multi ? `${tenant.id}'s ${server.id} server` : `tenant ${tenant.id}`} — it was issued by another tenant or server, mistyped, or forgotten by a restart or reset`)
    case 'code_expired':
      return simple(`the code has expired (codes live ${server.spec.code.ttl} s on ${vendor}) — redeem it sooner, or start a new authorization`)
    case 'code_used':
      return simple('the code was already redeemed (codes are single-use) — start a new authorization; a second redemption often means the callback ran twice')
    case 'code_client_mismatch': {
      return simple(`the code was issued to client ${str(ctx.vars.issued_to) ?? '(another client)'}, but client ${clientId ?? '(none)'} redeemed it — redeem it with the client that asked for it`)
    }
    case 'redirect_uri_mismatch': {
      const sentUri = ctx.param('redirect_uri')
      const issuedFor = str(ctx.vars.issued_for)
      const expected = issuedFor ? ` (${issuedFor})` : ''
      return simple(sentUri === undefined ? `${vendor} requires redirect_uri at the token endpoint — send the one the authorization request used${expected}` : `redirect_uri ${sentUri} is not the one the code was issued for${expected} — send the authorization request's redirect_uri`)
    }
    case 'pkce_required':
      return simple(`client ${clientId ?? ''} must use PKCE, but the code was issued without a code_challenge — send code_challenge and code_challenge_method=S256 in the authorization request`)
    case 'pkce_verifier_missing': {
      return simple(`the code was issued with a code_challenge (${str(ctx.vars.challenge_method) ?? 'PKCE'}), but the token request has no code_verifier — send the code_verifier the challenge was made from`)
    }
    case 'pkce_verifier_invalid':
      return simple('code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1) — e.g. base64url of 32 random bytes')
    case 'pkce_failed': {
      const method = str(ctx.vars.challenge_method)
      if (method === 'none') return simple('a code_verifier was sent, but the code was issued without a code_challenge — send code_challenge in the authorization request, or no code_verifier here')
      return simple(`code_verifier does not match the code's code_challenge (${method === 'plain' ? 'plain: code_verifier must equal it' : 'S256: base64url(SHA-256(code_verifier)) must equal it'}) — send the verifier this flow's challenge was made from`)
    }
    case 'refresh_not_found':
      return simple(`the refresh token is unknown or revoked on ${tenant.id} — it was issued elsewhere, revoked, or forgotten by a restart or reset`)
    case 'refresh_expired':
      return simple('the refresh token has expired — sign in again')
    case 'refresh_client_mismatch':
      return simple(`the refresh token belongs to another client than ${clientId ?? 'the one that sent it'} — refresh with the client it was issued to`)
    case 'refresh_reused':
      return simple(`this refresh token was already used and ${vendor} rotates refresh tokens: the reuse revoked its whole family — keep the refresh_token of each response and send the latest`)
    case 'invalid_user_credentials': {
      const username = ctx.param('username') ?? String(ctx.vars.username ?? '')
      const user = tenant.findUser(username)
      const tp = tenantPath(ctx.config, tenant)
      if (!user) {
        const names = tenant.users.map((u) => u.username)
        const near = nearest(username, names)
        return simple(`no user ${username} in tenant ${tenant.id}${near ? ` — did you mean ${near}?` : ''} (users: ${list(names)}; see ${tp}.users)`)
      }
      const j = ctx.config.tenants.find((t) => t.id === tenant.id)?.users.findIndex((u) => u.sub === user.sub) ?? -1
      return simple(`wrong password for user ${user.username} — use the password at ${j === -1 ? `${tp}.users` : `${tp}.users[${j}].password`} (default "password" when it has none)`)
    }
    case 'invalid_token':
      return simple(`the access token is not one ${tenant.id}${multi ? ` (${server.id})` : ''} issued and still honours — it expired, was revoked, comes from another tenant or server, or was forgotten by a restart or reset`)
    case 'missing_token':
      return simple('no access token — send Authorization: Bearer <access_token>')
    case 'insufficient_scope':
      return simple('the access token was issued without the openid scope — request scope=openid')
    case 'authz_unauthorized_response_type':
      return needClient((c) => {
        const w = where(ctx, c, 'grantTypes')
        return { hint: `response_type ${String(ctx.vars.response_type ?? ctx.param('response_type'))} returns tokens from the authorization endpoint, which needs the implicit grant, and client ${c.clientId} does not have it (grantTypes: ${list(c.grantTypes)}) — use response_type=code, or add "implicit" to ${w.words}`, sent, ...(w.path ? { path: w.path } : {}), snippet: member('grantTypes', [...c.grantTypes, 'implicit']) }
      })
    case 'authz_response_mode_not_allowed':
      return simple(`response_type ${String(ctx.vars.response_type ?? ctx.param('response_type'))} returns tokens, which must not travel in the query — use response_mode=fragment or form_post`)
    case 'invalid_request_uri':
      return simple('the request_uri is unknown, expired or belongs to another client — push the request again (pushed authorization requests are single-use and short-lived) and send the new request_uri with the same client_id')
    case 'request_uri_not_supported':
      return simple(`${vendor} does not support request_uri on this server (no pushed authorization requests here) — send the parameters in the authorization request itself`)
    case 'par_required':
      return needClient((c) => {
        const w = where(ctx, c, 'parRequired')
        return simple(`client ${c.clientId} requires pushed authorization requests — POST the parameters to the PAR endpoint first and send its request_uri here, or set ${w.words} to false`)
      })
    case 'par_request_uri_not_allowed':
      return simple('a pushed authorization request must not itself carry request_uri — send the authorization parameters instead')
    case 'device_unauthorized_client':
      return needClient((c) => {
        const w = where(ctx, c, 'grantTypes')
        const g = 'urn:ietf:params:oauth:grant-type:device_code'
        return { hint: `client ${c.clientId} may not use the device flow — add "${g}" to ${w.words}`, sent, ...(w.path ? { path: w.path } : {}), snippet: member('grantTypes', [...c.grantTypes, g]) }
      })
    case 'device_code_not_found':
      return simple(`the device_code is unknown to ${tenant.id}, belongs to another client, or was already redeemed — start a new device authorization`)
    case 'authorization_pending':
      return simple('the user has not approved the device yet — keep polling at the interval the device authorization answered (this is normal, not a failure)')
    case 'slow_down':
      return simple('the device polled faster than its interval — wait the interval (now 5 s longer) between polls')
    case 'access_denied':
      return simple('the user denied the request on the verification page — start again if that was not meant')
    case 'expired_token':
      return simple('the device code has expired before the user approved it — start a new device authorization')
    case 'subject_token_invalid':
      return simple(`the subject_token is not a token ${tenant.id} issued and still honours (expired, revoked, another tenant, or forgotten by a restart or reset) — exchange a live access token`)
    case 'unsupported_token_type': {
      const t = ctx.vars.subject_token_type ?? ctx.vars.requested_token_type
      return simple(`token type ${String(t ?? '')} is not supported by ${vendor}'s token exchange — use urn:ietf:params:oauth:token-type:access_token`)
    }
    case 'authing_token_invalid':
      return simple(`the token sent to the authing_token grant is not one ${tenant.id} issued and still honours — send a live Authing token of this user pool`)
    case 'organization_switch_invalid_token':
      return simple(`the token sent to the organization_switch grant is not a live access token ${tenant.id} issued (expired, revoked, an id_token, or forgotten by a restart or reset) — send the current access token as token`)
    case 'organization_switch_denied':
      return simple(`user ${String(ctx.vars.user ?? '')} is not a member of organization "${String(ctx.vars.organization ?? '')}" of ${tenant.id} — switch to one of the tenant's organizations[] that lists the user in members (or has no members list)`)
    case 'malformed_body':
      return simple('the JSON body is not a JSON object — send an object of parameters, or a form body (application/x-www-form-urlencoded)')
    case 'refresh_invalid_scope':
      return simple(`scope ${String(ctx.vars.scope ?? '')} was not granted with this refresh token — a refresh may only ask for the original scope or less`)
    case 'multiple_tokens':
      return simple(`the access token was sent in more than one place (Authorization header, query, body) and ${vendor} takes exactly one — send it once, as Authorization: Bearer <access_token>`)
    case 'malformed_token_header':
      return simple('the Authorization header is not "Bearer <access_token>" — send exactly that scheme and one token')
    case 'revoke_foreign_token':
      return simple(`the token was issued to another client than the one revoking it, which ${vendor} refuses — revoke it with the client it was issued to`)
    case 'authz_invalid_challenge':
      return simple(`code_challenge does not have the form ${vendor} requires (${String(ctx.vars.rule ?? 'base64url, 43-128 characters')}) — send base64url(SHA-256(code_verifier)) without padding, with code_challenge_method=S256`)
    case 'prompt_none_combined':
      return simple('prompt=none cannot be combined with another prompt value — send prompt=none alone, or drop it')
    case 'end_session_bad_hint':
      return simple(`id_token_hint is not an ID token ${vendor} issued to this client (unsigned, tampered, from another tenant, or its aud is not the client_id sent) — send the id_token the app received at sign-in, unchanged`)
    case 'id_token_logout_not_allowed':
      return needClient((c) => {
        const w = where(ctx, c, 'idTokenLogout')
        return simple(`client ${c.clientId} may not end sessions with an ID token alone — set ${w.words} to true (on ${vendor}, the application setting that allows it), or send the user to the end-session endpoint instead`)
      })
    case 'limit_reached':
      return simple(String(ctx.vars.detail ?? 'a configured limit was reached — raise it in limits, or reset the mock between test runs')) // the detail already names the setting and the fix
    case 'store_unavailable':
      return simple(`${String(ctx.vars.detail ?? 'the shared store (Redis) is unreachable')} (README: Several replicas — check that Redis is up and reachable from this replica; mockidp reconnects by itself, and /healthz answers 503 until it has)`)
    case 'not_found':
      return simple(`${vendor} has no such endpoint here`)
    case 'server_error':
      return simple('mockidp failed unexpectedly; the server log has the stack — please report it')
  }
  return undefined
}

/**
 * {@link diagnose} for a request as it came: each parameter from its form, else its query. Never
 * throws: a hint must never turn a refusal into a 500.
 */
export function diagnoseRequest(
  config: MockIdpConfig,
  server: ServerRuntime,
  err: { reason: Reason; vars: HintContext['vars'] },
  form: { get(name: string): string | undefined } | undefined,
  url: string,
  authorization?: string,
): Diagnosis | undefined {
  let query: URLSearchParams | undefined
  try {
    return diagnose({
      reason: err.reason,
      vars: err.vars,
      server,
      config,
      param: (k) => form?.get(k) ?? (query ??= new URL(url).searchParams).get(k) ?? undefined,
      authScheme: authorization?.split(' ')[0]?.toLowerCase(),
    })
  } catch {
    return undefined
  }
}

/** A single string var of an error (what the failing check knew), if it has one. */
const str = (v: string | readonly string[] | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** A hint for a request answered by an injected fault. */
export const faultHint = (fault: { id: string; kind: string }): string =>
  `answered by injected fault ${fault.id} (${fault.kind}), not by the endpoint — remove it with DELETE /_mockidp/faults/${fault.id} or idp.clearFaults('${fault.id}')`
