import { describe, expect, it } from 'vitest'
import { authorize, basic, makeIdp, pkce, post, TENANTS, type TenantCase } from '../helpers/idp.js'

// The strictness guard: for each refusal a vendor's engine makes (docs/vendors/audit.md names the
// source of each), mockidp refuses too, with the same status, body and the headers that matter.
// A row that starts to pass is leniency creeping back.

type Idp = ReturnType<typeof makeIdp>

/** What a refusal looks like on the wire: a JSON error, or an authorization error redirect. */
interface Refusal {
  status: number
  /** Exact body (JSON), or the redirect's query parameters without `state`. */
  body: Record<string, unknown>
  headers?: Record<string, string | RegExp>
}

interface Row {
  name: string
  run: (idp: Idp) => Response | Promise<Response>
  expect: Refusal
}

const [genauth, authing, pingone, asgardeo] = TENANTS as [TenantCase, TenantCase, TenantCase, TenantCase]
const SPA = 'http://localhost:5173/callback'

/** The outcome of a request in Refusal terms. */
async function outcome(res: Response): Promise<Refusal & { raw: Response }> {
  if (res.status === 302) {
    const q = new URL(res.headers.get('location')!).searchParams
    q.delete('state')
    return { status: 302, body: Object.fromEntries(q), raw: res }
  }
  const text = await res.text()
  if (/^text\/html/.test(res.headers.get('content-type') ?? '') && text.startsWith('<')) return { status: res.status, body: {}, raw: res }
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, raw: res }
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const creds = (t: TenantCase) => ({ client_id: t.clientId, client_secret: t.clientSecret })
const authorizeUrl = (t: TenantCase, q: Record<string, string>) => `${t.authorize}?${new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: t.scope, login_hint: 'test1', state: 's', ...t.authParams, ...q })}`

/** Tokens from the code flow of the tenant's confidential client. */
async function tokens(idp: Idp, t: TenantCase, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const { code } = await authorize(idp, t, extra)
  const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }))
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, string>
}

/** A used authorization code (the exchange succeeded once). */
async function usedCode(idp: Idp, t: TenantCase): Promise<string> {
  const { code } = await authorize(idp, t)
  expect((await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }))).status).toBe(200)
  return code
}

/** A code of the public client `spa-client` with an S256 challenge. */
async function spaCode(idp: Idp, t: TenantCase) {
  const p = pkce()
  const { code } = await authorize(idp, { ...t, clientId: 'spa-client', redirectUri: SPA }, { code_challenge: p.challenge, code_challenge_method: 'S256' })
  return { code, verifier: p.verifier }
}

/** Rows of node-oidc-provider v6.31.1, the engine of Authing's and GenAuth's /oidc. */
function oidcProviderRows(t: TenantCase): Row[] {
  const revoke = `${t.base}/token/revocation`
  const userinfo = t.userinfo
  const issuer = `http://localhost:9000${t.base}`
  return [
    { name: 'JSON token request', run: (idp) => idp.request(t.token, json({ grant_type: 'client_credentials', ...creds(t) })), expect: { status: 400, body: { error: 'invalid_request', error_description: 'only application/x-www-form-urlencoded content-type bodies are supported on POST /token' } } },
    { name: 'JSON revocation request', run: (idp) => idp.request(revoke, json({ token: 'x', ...creds(t) })), expect: { status: 400, body: { error: 'invalid_request', error_description: 'only application/x-www-form-urlencoded content-type bodies are supported on POST /token/revocation' } } },
    // lib/actions/token.js: client authentication comes first, then grant_type
    { name: 'no Content-Type: read as an empty body (so no client authentication)', run: (idp) => idp.request(t.token, { method: 'POST' }), expect: { status: 400, body: { error: 'invalid_request', error_description: 'no client authentication mechanism provided' } } },
    { name: 'no Content-Type, Basic credentials: the missing grant_type', run: (idp) => idp.request(t.token, { method: 'POST', headers: { authorization: basic(t.clientId, t.clientSecret) } }), expect: { status: 400, body: { error: 'invalid_request', error_description: "missing required parameter 'grant_type'" } } },
    { name: 'repeated grant_type', run: (idp) => idp.request(t.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=a&grant_type=b&client_id=${t.clientId}&client_secret=${t.clientSecret}` }), expect: { status: 400, body: { error: 'invalid_request', error_description: "'grant_type' parameter must not be provided twice" } } },
    { name: 'GET /token', run: (idp) => idp.request(t.token), expect: { status: 404, body: { error: 'invalid_request', error_description: 'unrecognized route or not allowed method (GET on /token)' } } },
    { name: 'a verifier for a code issued without a challenge', run: async (idp) => { const { code } = await authorize(idp, t); return idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, code_verifier: 'a'.repeat(43), ...creds(t) })) }, expect: { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } } },
    { name: 'unsupported grant_type', run: (idp) => idp.request(t.token, post({ grant_type: 'urn:x', ...creds(t) })), expect: { status: 400, body: { error: 'unsupported_grant_type', error_description: 'unsupported grant_type requested' } } },
    { name: 'wrong secret over Basic', run: (idp) => idp.request(t.token, post({ grant_type: 'client_credentials' }, { authorization: basic(t.clientId, 'nope') })), expect: { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' }, headers: { 'www-authenticate': `Basic realm="${issuer}", error="invalid_client", error_description="client authentication failed"` } } },
    { name: 'unknown client', run: (idp) => idp.request(t.token, post({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' })), expect: { status: 401, body: { error: 'invalid_client', error_description: 'client authentication failed' } } },
    { name: 'used code', run: async (idp) => idp.request(t.token, post({ grant_type: 'authorization_code', code: await usedCode(idp, t), redirect_uri: t.redirectUri, ...creds(t) })), expect: { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } } },
    { name: 'code_verifier too short', run: async (idp) => { const { code } = await spaCode(idp, t); return idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: SPA, client_id: 'spa-client', code_verifier: 'short' })) }, expect: { status: 400, body: { error: 'invalid_request', error_description: 'code_verifier must be a string with a minimum length of 43 characters' } } },
    { name: 'code_verifier with a bad character', run: async (idp) => { const { code } = await spaCode(idp, t); return idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: SPA, client_id: 'spa-client', code_verifier: `${'a'.repeat(43)}!` })) }, expect: { status: 400, body: { error: 'invalid_request', error_description: 'code_verifier must only contain [a-Z] / [0-9] / "-" / "." / "_" / "~"' } } },
    { name: 'refresh asking for more scope', run: async (idp) => idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: (await tokens(idp, t)).refresh_token!, scope: 'openid address phone', ...creds(t) })), expect: { status: 400, body: { error: 'invalid_scope', error_description: 'refresh token missing requested scopes', scope: 'address phone' } } },
    { name: 'userinfo without a token', run: (idp) => idp.request(userinfo), expect: { status: 400, body: { error: 'invalid_request', error_description: 'no access token provided' }, headers: { 'www-authenticate': `Bearer realm="${issuer}"` } } },
    { name: 'userinfo with an unknown token', run: (idp) => idp.request(userinfo, { headers: { authorization: 'Bearer nope' } }), expect: { status: 401, body: { error: 'invalid_token', error_description: 'invalid token provided' }, headers: { 'www-authenticate': /^Bearer realm=".+", error="invalid_token"/ } } },
    { name: 'userinfo with the token in two places', run: async (idp) => { const at = (await tokens(idp, t)).access_token!; return idp.request(`${userinfo}?access_token=${at}`, { headers: { authorization: `Bearer ${at}` } }) }, expect: { status: 400, body: { error: 'invalid_request', error_description: 'access token must only be provided using one mechanism' } } },
    { name: 'userinfo with a Basic header', run: (idp) => idp.request(userinfo, { headers: { authorization: basic('a', 'b') } }), expect: { status: 400, body: { error: 'invalid_request', error_description: 'authorization header scheme must be `Bearer`' } } },
    { name: 'userinfo with a token lacking openid', run: async (idp) => { const cc = await idp.request(t.token, post({ grant_type: 'client_credentials', ...creds(t) })); return idp.request(userinfo, { headers: { authorization: `Bearer ${((await cc.json()) as Record<string, string>).access_token}` } }) }, expect: { status: 401, body: { error: 'invalid_token', error_description: 'invalid token provided' } } },
    { name: "revoking another client's token", run: async (idp) => { const { code, verifier } = await spaCode(idp, t); const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: SPA, client_id: 'spa-client', code_verifier: verifier })); const at = ((await res.json()) as Record<string, string>).access_token!; return idp.request(revoke, post({ token: at, ...creds(t) })) }, expect: { status: 400, body: { error: 'invalid_request', error_description: 'this token does not belong to you' } } },
    { name: 'authorize: redirect_uri not registered (an error page)', run: (idp) => idp.request(authorizeUrl(t, { redirect_uri: 'https://evil.example/cb' })), expect: { status: 400, body: {} } },
    { name: 'authorize: prompt=none with another prompt', run: (idp) => idp.request(authorizeUrl(t, { prompt: 'none login' })), expect: { status: 302, body: { error: 'invalid_request', error_description: 'prompt none must only be used alone' } } },
    { name: 'authorize: code_challenge too short', run: (idp) => idp.request(authorizeUrl(t, { code_challenge: 'abc', code_challenge_method: 'S256' })), expect: { status: 302, body: { error: 'invalid_request', error_description: 'code_challenge must be a string with a minimum length of 43 characters' } } },
    { name: 'authorize: unknown response_mode', run: (idp) => idp.request(authorizeUrl(t, { response_mode: 'bogus' })), expect: { status: 302, body: { error: 'unsupported_response_mode', error_description: 'unsupported response_mode requested' } } },
    { name: 'authorize: bad max_age', run: (idp) => idp.request(authorizeUrl(t, { max_age: '-1' })), expect: { status: 302, body: { error: 'invalid_request', error_description: 'invalid max_age parameter value' } } },
  ]
}

/** Rows of WSO2 Identity Server (wso2-extensions/identity-inbound-auth-oauth HEAD), Asgardeo's engine. */
function wso2Rows(t: TenantCase): Row[] {
  const revoke = `${t.base}/revoke`
  const introspect = `${t.base}/introspect`
  const realm = 'Basic realm=localhost'
  return [
    { name: 'unknown client', run: (idp) => idp.request(t.token, post({ grant_type: 'client_credentials', client_id: 'nope', client_secret: 'x' })), expect: { status: 401, body: { error_description: 'Client credentials are invalid.', error: 'invalid_client' }, headers: { 'www-authenticate': realm } } },
    { name: 'no client at all', run: (idp) => idp.request(t.token, post({ grant_type: 'client_credentials' })), expect: { status: 401, body: { error_description: 'Client ID not found in the request.', error: 'invalid_client' } } },
    { name: 'JSON body credentials are not seen', run: (idp) => idp.request(t.token, json({ grant_type: 'client_credentials', ...creds(t) })), expect: { status: 401, body: { error_description: 'Client ID not found in the request.', error: 'invalid_client' } } },
    { name: 'malformed JSON', run: (idp) => idp.request(t.token, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(t.clientId, t.clientSecret) }, body: '{"grant_type":' }), expect: { status: 400, body: { error_description: 'Malformed or unsupported request payload', error: 'invalid_request' } } },
    { name: 'repeated parameters', run: (idp) => idp.request(t.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=a&grant_type=b' }), expect: { status: 400, body: { error_description: 'Invalid request with repeated parameters.', error: 'invalid_request' } } },
    { name: 'unsupported grant_type (invalid_request, not unsupported_grant_type)', run: (idp) => idp.request(t.token, post({ grant_type: 'urn:x', ...creds(t) })), expect: { status: 400, body: { error_description: 'Unsupported grant_type value', error: 'invalid_request' } } },
    { name: 'used code', run: async (idp) => idp.request(t.token, post({ grant_type: 'authorization_code', code: await usedCode(idp, t), redirect_uri: t.redirectUri, ...creds(t) })), expect: { status: 400, body: { error_description: 'Inactive authorization code received from token request', error: 'invalid_grant' } } },
    { name: 'revocation without a token', run: (idp) => idp.request(revoke, post({ ...creds(t) })), expect: { status: 400, body: { error_description: 'Invalid revocation request', error: 'invalid_request' }, headers: { 'content-type': 'application/json' } } },
    { name: 'revocation with a wrong secret (text/html, as WSO2 sends it)', run: (idp) => idp.request(revoke, post({ token: 'x', client_id: t.clientId, client_secret: 'nope' })), expect: { status: 401, body: { error_description: 'Client Authentication failed.', error: 'invalid_client' }, headers: { 'content-type': 'text/html', 'www-authenticate': realm } } },
    { name: 'revocation by an unknown client', run: (idp) => idp.request(revoke, post({ token: 'x', client_id: 'nope', client_secret: 'x' })), expect: { status: 401, body: { error_description: 'Client Authentication failed.', error: 'invalid_client' }, headers: { 'content-type': 'text/html' } } },
    { name: 'introspection without a token', run: (idp) => idp.request(introspect, post({ ...creds(t) })), expect: { status: 400, body: { error: 'Invalid input' } } },
    { name: 'userinfo without any header', run: (idp) => idp.request(t.userinfo), expect: { status: 400, body: { error_description: 'Authorization or Content-Type header is missing', error: 'invalid_request' } } },
    { name: 'userinfo with a Basic header', run: (idp) => idp.request(t.userinfo, { headers: { authorization: basic('a', 'b') } }), expect: { status: 400, body: { error_description: 'Bearer token missing', error: 'invalid_request' } } },
    { name: 'authorize: code_challenge not RFC 7636', run: (idp) => idp.request(authorizeUrl(t, { code_challenge: 'abc', code_challenge_method: 'S256' })), expect: { status: 302, body: { error: 'invalid_request', error_description: 'Code challenge used is not up to RFC 7636 specifications.' } } },
  ]
}

/** Rows for PingOne: its refusals as the profile words them (texts unpublished, VENDORS §5). */
function pingoneRows(t: TenantCase): Row[] {
  return [
    { name: 'JSON token request', run: (idp) => idp.request(t.token, json({ grant_type: 'client_credentials', ...creds(t) })), expect: { status: 400, body: { error: 'invalid_request', error_description: 'the request body could not be parsed' } } },
    { name: 'password grant (PingOne has none)', run: (idp) => idp.request(t.token, post({ grant_type: 'password', username: 'test1', password: 'test1', ...creds(t) })), expect: { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' } } },
    { name: 'wrong secret', run: (idp) => idp.request(t.token, post({ grant_type: 'client_credentials', client_id: t.clientId, client_secret: 'nope' })), expect: { status: 401, body: { error: 'invalid_client', error_description: 'Request denied: Invalid client credentials' } } },
    { name: 'used code', run: async (idp) => idp.request(t.token, post({ grant_type: 'authorization_code', code: await usedCode(idp, t), redirect_uri: t.redirectUri, ...creds(t) })), expect: { status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code is invalid or expired.' } } },
    {
      name: 'a reused refresh token (replay protection)',
      run: async (idp) => {
        const rt = (await tokens(idp, t)).refresh_token!
        expect((await idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: rt, ...creds(t) }))).status).toBe(200)
        return idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: rt, ...creds(t) }))
      },
      expect: { status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' } },
    },
    { name: 'the login page refuses framing', run: (idp) => idp.request(authorizeUrl(t, { login_hint: '' })), expect: { status: 200, body: {}, headers: { 'x-frame-options': 'DENY' } } },
  ]
}

const guard: [TenantCase, Row[]][] = [
  [genauth, oidcProviderRows(genauth)],
  [authing, oidcProviderRows(authing)],
  [asgardeo, wso2Rows(asgardeo)],
  [pingone, pingoneRows(pingone)],
]

describe.each(guard)('strictness guard: $id refuses what its vendor refuses', (_t, rows) => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const idp = makeIdp()
    const got = await outcome(await row.run(idp))
    const want = row.expect
    // an HTML page (error page, login page) compares as an empty body: status and headers count
    expect({ status: got.status, body: got.body }).toEqual({ status: want.status, body: want.body })
    for (const [k, v] of Object.entries(want.headers ?? {})) {
      if (typeof v === 'string') expect(got.raw.headers.get(k), k).toBe(v)
      else expect(got.raw.headers.get(k), k).toMatch(v)
    }
  })
})
