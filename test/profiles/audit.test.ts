import { describe, expect, it } from 'vitest'
import { authorize, basic, decodeJwt, defaultCfg, makeIdp, pkce, post, TENANTS, type TenantCase } from '../helpers/idp.js'

// The audit's findings that are not refusals (docs/vendors/audit.md): what a vendor grants,
// drops, echoes or adds, checked against the engine's source.

const [genauth, authing, pingone, asgardeo] = TENANTS as [TenantCase, TenantCase, TenantCase, TenantCase]
type Idp = ReturnType<typeof makeIdp>
const SPA = 'http://localhost:5173/callback'
const creds = (t: TenantCase) => ({ client_id: t.clientId, client_secret: t.clientSecret })

async function codeFlow(idp: Idp, t: TenantCase, extra: Record<string, string>): Promise<Record<string, string>> {
  const { code } = await authorize(idp, t, extra)
  const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }))
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, string>
}

describe.each([genauth, authing])('$id: node-oidc-provider v6 scope handling (check_scope.js)', (t) => {
  it('offline_access without prompt=consent is dropped: no refresh token, and the scope says so', async () => {
    const idp = makeIdp()
    const body = await codeFlow(idp, t, { prompt: '' })
    expect(body).not.toHaveProperty('refresh_token')
    expect(body.scope).toBe('openid profile email')
  })

  it('offline_access with prompt=consent gives a refresh token', async () => {
    const idp = makeIdp()
    const body = await codeFlow(idp, t, { prompt: 'consent' })
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(body.scope).toBe('openid profile email offline_access')
  })

  it('offline_access is dropped for a client without the refresh_token grant, even with consent', async () => {
    const cfg = defaultCfg()
    const tenant = cfg.tenants.find((x) => x.id === t.id)!
    tenant.clients[0]!.grantTypes = ['authorization_code']
    const body = await codeFlow(makeIdp(cfg), t, { prompt: 'consent' })
    expect(body).not.toHaveProperty('refresh_token')
    expect(body.scope).toBe('openid profile email')
  })

  it('unknown scopes are dropped silently, known ones (authing_token) kept, in the order asked', async () => {
    const idp = makeIdp()
    const body = await codeFlow(idp, t, { scope: 'openid nonsense profile authing_token weird:scope' })
    expect(body.scope).toBe('openid profile authing_token')
    expect(decodeJwt(body.access_token!).payload.scope).toBe('openid profile authing_token')
  })

  it('an introspected refresh token has no token_type; a public client sees only its own tokens', async () => {
    const idp = makeIdp()
    const body = await codeFlow(idp, t, { prompt: 'consent' })
    const intro = `${t.base}/token/introspection`
    const rt = (await (await idp.request(intro, post({ token: body.refresh_token!, ...creds(t) }))).json()) as Record<string, unknown>
    expect(rt.active).toBe(true)
    expect(rt).not.toHaveProperty('token_type')
    const foreign = (await (await idp.request(intro, post({ token: body.access_token!, client_id: 'spa-client' }))).json()) as Record<string, unknown>
    expect(foreign).toEqual({ active: false })
  })

  it('a client registered for client_secret_basic may send its secret in the body (token_auth.js)', async () => {
    const cfg = defaultCfg()
    cfg.tenants.find((x) => x.id === t.id)!.clients[0]!.tokenEndpointAuthMethod = 'client_secret_basic'
    const res = await makeIdp(cfg).request(t.token, post({ grant_type: 'client_credentials', ...creds(t) }))
    expect(res.status).toBe(200)
    // and no scope: the empty scope is left out (client_credentials.js: scope undefined)
    expect(Object.keys((await res.json()) as object)).toEqual(['access_token', 'expires_in', 'token_type'])
  })
})

describe('SDK headers that name the client', () => {
  async function spaRefreshToken(idp: Idp, t: TenantCase): Promise<string> {
    const p = pkce()
    const { code } = await authorize(idp, { ...t, clientId: 'spa-client', redirectUri: SPA }, { code_challenge: p.challenge, code_challenge_method: 'S256', prompt: 'consent' })
    const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: SPA, client_id: 'spa-client', code_verifier: p.verifier }))
    return ((await res.json()) as Record<string, string>).refresh_token!
  }

  it("GenAuth honours x-genauth-app-id (GenAuth's SDKs) and x-authing-app-id", async () => {
    const idp = makeIdp()
    for (const header of ['x-genauth-app-id', 'x-authing-app-id']) {
      const rt = await spaRefreshToken(idp, genauth)
      const res = await idp.request(genauth.token, post({ grant_type: 'refresh_token', refresh_token: rt }, { [header]: 'spa-client' }))
      expect(res.status, header).toBe(200)
    }
  })

  it('Authing honours x-authing-app-id only', async () => {
    const idp = makeIdp()
    const rt = await spaRefreshToken(idp, authing)
    const res = await idp.request(authing.token, post({ grant_type: 'refresh_token', refresh_token: rt }, { 'x-genauth-app-id': 'spa-client' }))
    expect([res.status, await res.json()]).toEqual([400, { error: 'invalid_request', error_description: 'no client authentication mechanism provided' }])
    expect((await idp.request(authing.token, post({ grant_type: 'refresh_token', refresh_token: rt }, { 'x-authing-app-id': 'spa-client' }))).status).toBe(200)
  })

  it('the CORS preflight allows the GenAuth header', async () => {
    const idp = makeIdp()
    const res = await idp.request(genauth.token, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } })
    expect(res.headers.get('access-control-allow-headers')).toContain('x-genauth-app-id')
  })
})

describe('asgardeo-demo: WSO2 Identity Server token, revocation and scope handling', () => {
  it('accepts a JSON token request authenticated with HTTP Basic (OAuth2TokenEndpoint @Consumes application/json)', async () => {
    const idp = makeIdp()
    const res = await idp.request(asgardeo.token, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(asgardeo.clientId, asgardeo.clientSecret) }, body: JSON.stringify({ grant_type: 'client_credentials', scope: 'internal_login' }) })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Record<string, unknown>).scope).toBe('internal_login')
  })

  it('leaves an empty scope out of the token response instead of sending ""', async () => {
    const idp = makeIdp()
    const res = await idp.request(asgardeo.token, post({ grant_type: 'client_credentials', ...creds(asgardeo) }))
    const body = (await res.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['access_token', 'token_type', 'expires_in'])
  })

  it('a successful revocation is 200, empty, with application/json and no-cache headers (handleRevokeResponse)', async () => {
    const idp = makeIdp()
    const { access_token } = await codeFlow(idp, asgardeo, {})
    const res = await idp.request(`${asgardeo.base}/revoke`, post({ token: access_token!, ...creds(asgardeo) }))
    expect([res.status, await res.text(), res.headers.get('content-type'), res.headers.get('cache-control'), res.headers.get('pragma')]).toEqual([200, '', 'application/json', 'no-store', 'no-cache'])
  })
})

describe('pingone-demo: token claims, introspection, page headers', () => {
  it('the access token carries env and org but not p1.region; the id_token keeps p1.region', async () => {
    const idp = makeIdp()
    const body = await codeFlow(idp, pingone, {})
    const at = decodeJwt(body.access_token!).payload
    expect(at).toMatchObject({ env: '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60' })
    expect(at).not.toHaveProperty('p1.region')
    expect(decodeJwt(body.id_token!).payload['p1.region']).toBe('NA')
  })

  it("introspection's aud is the access token's own aud", async () => {
    const idp = makeIdp()
    const { access_token } = await codeFlow(idp, pingone, {})
    const res = await idp.request(`${pingone.base}/introspect`, post({ token: access_token!, ...creds(pingone) }))
    const body = (await res.json()) as Record<string, unknown>
    expect(body.active).toBe(true)
    expect(body.aud).toEqual(decodeJwt(access_token!).payload.aud)
    expect(body.aud).toEqual(['https://api.pingone.com'])
  })

  it('every HTML page refuses framing (X-Frame-Options: DENY); JSON answers carry no such header', async () => {
    const idp = makeIdp()
    const q = (extra: Record<string, string>) => new URLSearchParams({ response_type: 'code', client_id: pingone.clientId, redirect_uri: pingone.redirectUri, scope: 'openid', ...extra })
    const login = await idp.request(`${pingone.authorize}?${q({})}`)
    const error = await idp.request(`${pingone.authorize}?${q({ redirect_uri: 'https://evil.example/' })}`)
    const formPost = await idp.request(`${pingone.authorize}?${q({ login_hint: 'test1', response_mode: 'form_post' })}`)
    for (const res of [login, error, formPost]) {
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    }
    expect((await idp.request(pingone.discovery)).headers.get('x-frame-options')).toBeNull()
  })

  it('other vendors set no page headers (a generic profile option, empty by default)', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${asgardeo.authorize}?${new URLSearchParams({ response_type: 'code', client_id: asgardeo.clientId, redirect_uri: asgardeo.redirectUri, scope: 'openid' })}`)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('x-frame-options')).toBeNull()
  })
})


describe('asgardeo-demo: PKCE as WSO2 checks it (OAuth2Util.validatePKCE)', () => {
  it('a code_verifier sent for a code issued without a challenge is not looked at', async () => {
    const idp = makeIdp()
    const { code } = await authorize(idp, asgardeo)
    const res = await idp.request(asgardeo.token, post({ grant_type: 'authorization_code', code, redirect_uri: asgardeo.redirectUri, code_verifier: 'not-even-valid', ...creds(asgardeo) }))
    expect(res.status).toBe(200)
  })
})

describe('revocation takes what the engine takes with it', () => {
  const active = async (idp: Idp, t: TenantCase, path: string, token: string) =>
    ((await (await idp.request(path, post({ token, ...creds(t) }))).json()) as { active: boolean }).active

  it.each([genauth, authing])('$id: revoking the refresh token revokes its grant, the access token too (v6 revocation.js revokeGrant)', async (t) => {
    const idp = makeIdp()
    const { access_token, refresh_token } = await codeFlow(idp, t, { prompt: 'consent' })
    const intro = `${t.base}/token/introspection`
    expect(await active(idp, t, intro, access_token!)).toBe(true)
    expect((await idp.request(`${t.base}/token/revocation`, post({ token: refresh_token!, ...creds(t) }))).status).toBe(200)
    expect([await active(idp, t, intro, refresh_token!), await active(idp, t, intro, access_token!)]).toEqual([false, false])
  })

  it.each([genauth, authing])('$id: revoking the access token leaves the refresh token', async (t) => {
    const idp = makeIdp()
    const { access_token, refresh_token } = await codeFlow(idp, t, { prompt: 'consent' })
    const intro = `${t.base}/token/introspection`
    expect((await idp.request(`${t.base}/token/revocation`, post({ token: access_token!, ...creds(t) }))).status).toBe(200)
    expect([await active(idp, t, intro, access_token!), await active(idp, t, intro, refresh_token!)]).toEqual([false, true])
  })

  it('asgardeo-demo: revoking either token of the pair revokes both (DefaultOAuth2RevocationProcessor)', async () => {
    const intro = `${asgardeo.base}/introspect`
    for (const which of ['access_token', 'refresh_token'] as const) {
      const idp = makeIdp()
      const tokens = await codeFlow(idp, asgardeo, {})
      expect((await idp.request(`${asgardeo.base}/revoke`, post({ token: tokens[which]!, ...creds(asgardeo) }))).status).toBe(200)
      expect([await active(idp, asgardeo, intro, tokens.access_token!), await active(idp, asgardeo, intro, tokens.refresh_token!)], which).toEqual([false, false])
    }
  })
})
