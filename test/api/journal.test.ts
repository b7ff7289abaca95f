import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { startMockIdp, connectMockIdp, type MockIdp, type RemoteMockIdp } from '../../src/index.js'
import { AUTHING, ASGARDEO, basic, formPost, pkce } from './helpers.js'

let idp: MockIdp
let remote: RemoteMockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
  remote = connectMockIdp(idp.url)
})
afterAll(() => idp?.stop())
beforeEach(() => idp.reset())

describe('request journal', () => {
  it('decodes each request: tenant, endpoint, grant, client, client-auth method, PKCE, status, error', async () => {
    const t = idp.tenant('authing-demo')
    const { verifier, challenge } = pkce()
    const authorize = `${t.authorizationEndpoint}?${new URLSearchParams({ response_type: 'code', client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', scope: 'openid', login_hint: 'test1', code_challenge: challenge, code_challenge_method: 'S256', state: 's' })}`
    const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!
    const ok = await fetch(t.tokenEndpoint, formPost({ grant_type: 'authorization_code', code, client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', code_verifier: verifier }))
    expect(ok.status).toBe(200)
    await fetch(t.tokenEndpoint, formPost({ grant_type: 'client_credentials' }, { authorization: basic(AUTHING.clientId, 'wrong') }))
    await fetch(t.tokenEndpoint, formPost({ grant_type: 'authorization_code', code: 'nope', client_id: AUTHING.clientId, client_secret: AUTHING.secret, redirect_uri: AUTHING.redirectUri }))
    // an authorize error goes back to the client: read from the redirect
    await fetch(`${t.authorizationEndpoint}?${new URLSearchParams({ response_type: 'token', client_id: AUTHING.clientId, redirect_uri: AUTHING.redirectUri, scope: 'openid', state: 's' })}`, { redirect: 'manual' })
    await fetch(`${idp.url}/no/such/path`)

    const entries = idp.journal()
    expect(entries.map(({ seq: _s, time: _t, query: _q, form: _f, authorization: _a, response: _r, tokens: _k, ...e }) => e)).toEqual([
      { method: 'GET', path: '/authing/demo/oidc/auth', tenant: 'authing-demo', server: 'oidc', endpoint: 'authorization', clientId: 'spa-client', pkce: true, status: 302 },
      { method: 'POST', path: '/authing/demo/oidc/token', tenant: 'authing-demo', server: 'oidc', endpoint: 'token', grantType: 'authorization_code', clientId: 'spa-client', clientAuthMethod: 'none', pkce: true, status: 200 },
      { method: 'POST', path: '/authing/demo/oidc/token', tenant: 'authing-demo', server: 'oidc', endpoint: 'token', grantType: 'client_credentials', clientId: AUTHING.clientId, clientAuthMethod: 'client_secret_basic', status: 401, error: 'invalid_client', errorDescription: 'client authentication failed', hint: `the client secret sent (client_secret_basic) does not match client ${AUTHING.clientId}'s — use the clientSecret at tenants[1].clients[0].clientSecret` },
      { method: 'POST', path: '/authing/demo/oidc/token', tenant: 'authing-demo', server: 'oidc', endpoint: 'token', grantType: 'authorization_code', clientId: AUTHING.clientId, clientAuthMethod: 'client_secret_post', pkce: false, status: 400, error: 'invalid_grant', errorDescription: 'grant request is invalid', hint: "the code is unknown to authing-demo's oidc server — it was issued by another tenant or server, mistyped, or forgotten by a restart or reset" },
      { method: 'GET', path: '/authing/demo/oidc/auth', tenant: 'authing-demo', server: 'oidc', endpoint: 'authorization', clientId: AUTHING.clientId, pkce: false, status: 302, error: 'unsupported_response_type', errorDescription: expect.any(String), hint: expect.stringMatching(/^response_type token is not supported by Authing here \(supported: [^)]*\bcode\b[^)]*\) — use response_type=code$/) },
      { method: 'GET', path: '/no/such/path', status: 404 },
    ])
    // the token endpoint's answer: no token in it, each JWT decoded and checked against the tenant's key
    expect(entries[1]!.response).toEqual({ access_token: '[redacted]', token_type: 'Bearer', expires_in: expect.any(Number), id_token: '[redacted]', scope: 'openid' })
    expect(Object.keys(entries[1]!.tokens ?? {}).sort()).toEqual(['access_token', 'id_token'])
    expect(entries[1]!.tokens!.id_token!.signature).toBe('valid')
    expect(entries[1]!.tokens!.id_token!.payload.aud).toBe('spa-client')
    expect(entries[0]!.seq).toBeLessThan(entries[1]!.seq)
    expect(entries[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(entries[1]!.form).toMatchObject({ grant_type: 'authorization_code', client_id: 'spa-client', code, code_verifier: '[redacted]' })
    expect(entries[2]!.authorization).toBe('Basic [redacted]')
  })

  it('redacts every secret: client_secret, code_verifier, password, tokens, assertions and the Authorization header', async () => {
    const t = idp.tenant('authing-demo')
    const secrets: string[] = [AUTHING.secret]
    const auth = { authorization: basic(AUTHING.clientId, AUTHING.secret) }
    const { verifier, challenge } = pkce()
    secrets.push(verifier, basic(AUTHING.clientId, AUTHING.secret).slice(6))
    const code = t.createCode({ user: 'test1', clientId: AUTHING.clientId, redirectUri: AUTHING.redirectUri, scope: 'openid offline_access', codeChallenge: challenge, codeChallengeMethod: 'S256' })
    const tokens = (await (await fetch(t.tokenEndpoint, formPost({ grant_type: 'authorization_code', code, redirect_uri: AUTHING.redirectUri, code_verifier: verifier }, auth))).json()) as Record<string, string>
    secrets.push(tokens.access_token!, tokens.refresh_token!, tokens.id_token!)
    const refreshed = (await (await fetch(t.tokenEndpoint, formPost({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: AUTHING.clientId, client_secret: AUTHING.secret }))).json()) as Record<string, string>
    secrets.push(refreshed.access_token!)
    await fetch(t.tokenEndpoint, formPost({ grant_type: 'password', username: 'test1', password: 'test1-secret-password' }, auth))
    secrets.push('test1-secret-password')
    await fetch(t.userinfoEndpoint!, { headers: { authorization: `Bearer ${refreshed.access_token}` } })
    await fetch(`${t.userinfoEndpoint}?access_token=${refreshed.access_token}`)
    await fetch(t.introspectionEndpoint!, formPost({ token: refreshed.access_token!, token_type_hint: 'access_token' }, auth))
    await fetch(t.revocationEndpoint!, formPost({ token: tokens.refresh_token!, token_type_hint: 'refresh_token' }, auth))
    // client_secret_jwt: the assertion is a credential too
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(AUTHING.clientId).setSubject(AUTHING.clientId).setAudience(t.tokenEndpoint).setIssuedAt().setExpirationTime('1m').setJti('j1').sign(new TextEncoder().encode(AUTHING.secret))
    secrets.push(assertion)
    await fetch(t.tokenEndpoint, formPost({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }))
    // the login page form
    await fetch(`${t.authorizationEndpoint}?${new URLSearchParams({ response_type: 'code', client_id: AUTHING.clientId, redirect_uri: AUTHING.redirectUri, scope: 'openid' })}`, formPost({ mockidp_action: 'login', mockidp_username: 'test1', mockidp_password: 'test1-secret-password' }))

    const entries = idp.journal()
    expect(entries.length).toBeGreaterThanOrEqual(9)
    const dump = JSON.stringify(entries) + JSON.stringify(await remote.journal())
    for (const s of secrets) expect(dump).not.toContain(s)
    expect(dump).not.toMatch(/"(client_secret|code_verifier|password|mockidp_password|refresh_token|access_token|token|client_assertion)":"(?!\[redacted\])/)
    const jwt = entries.find((e) => e.form?.client_assertion)!
    expect(jwt).toMatchObject({ clientAuthMethod: 'client_secret_jwt', clientId: AUTHING.clientId, form: { client_assertion: '[redacted]', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' } })
    expect(entries.find((e) => e.endpoint === 'introspection')).toMatchObject({ clientAuthMethod: 'client_secret_basic', form: { token: '[redacted]', token_type_hint: 'access_token' } })
    expect(entries.find((e) => e.endpoint === 'userinfo' && e.query.access_token)!.query).toEqual({ access_token: '[redacted]' })
  })

  it('filters, limit, since; clearJournal', async () => {
    for (const id of ['authing-demo', 'asgardeo-demo', 'asgardeo-demo']) await fetch(idp.tenant(id).discoveryUrl!)
    await fetch(idp.tenant('asgardeo-demo').tokenEndpoint, formPost({ grant_type: 'client_credentials' }, { authorization: basic(ASGARDEO.clientId, ASGARDEO.secret) }))
    expect(idp.journal({ tenant: 'asgardeo-demo' })).toHaveLength(3)
    expect(idp.journal({ tenant: 'asgardeo-demo', endpoint: 'discovery' })).toHaveLength(2)
    expect(idp.journal({ grantType: 'client_credentials', clientId: ASGARDEO.clientId, method: 'post', status: 200 })).toHaveLength(1)
    expect(idp.journal({ error: 'invalid_grant' })).toHaveLength(0)
    const all = idp.journal()
    expect(idp.journal({ limit: 2 })).toEqual(all.slice(-2))
    expect(idp.journal({ since: all[1]!.seq })).toEqual(all.slice(2))
    expect(idp.journal({ fault: true })).toEqual([])
    idp.clearJournal()
    expect(idp.journal()).toEqual([])
    await fetch(idp.tenant('asgardeo-demo').discoveryUrl!)
    expect(idp.journal()[0]!.seq).toBeGreaterThan(all.at(-1)!.seq) // sequence numbers are never reused
  })

  it('admin twin: GET and DELETE /_mockidp/journal (admin calls themselves are not journaled)', async () => {
    await fetch(idp.tenant('pingone-demo').discoveryUrl!)
    await fetch(idp.tenant('pingone-demo').jwksUri!)
    expect((await remote.journal()).map((e) => e.endpoint)).toEqual(['discovery', 'jwks'])
    const res = await fetch(`${idp.url}/_mockidp/journal?tenant=pingone-demo&endpoint=jwks&status=200&limit=5`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(((await res.json()) as { entries: unknown[] }).entries).toEqual(idp.journal({ endpoint: 'jwks' }))
    await remote.clearJournal()
    expect(await remote.journal()).toEqual([])
    expect(idp.journal()).toEqual([])
  })

  it('is a ring buffer: only the last `journal.size` requests are kept', async () => {
    const mock = await startMockIdp({ env: {}, config: { journal: { size: 3 } } })
    try {
      for (let i = 0; i < 5; i++) await fetch(`${mock.url}/x${i}`)
      expect(mock.journal().map((e) => e.path)).toEqual(['/x2', '/x3', '/x4'])
    } finally {
      await mock.stop()
    }
  })
})
