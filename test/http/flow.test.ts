import { describe, expect, it } from 'vitest'
import { authorize, basic, decodeJwt, makeIdp, ORIGIN, pkce, post, TENANTS } from '../helpers/idp.js'

describe.each(TENANTS)('$id: authorize → token → refresh → userinfo', (t) => {
  it('redirects to the registered redirect_uri with a code and the exact state', async () => {
    const idp = makeIdp()
    const { location } = await authorize(idp, t, { state: 'a b+c/d?=&é' })
    expect(`${location.origin}${location.pathname}`).toBe(t.redirectUri)
    expect(location.searchParams.get('state')).toBe('a b+c/d?=&é')
  })

  it('exchanges the code with client_secret_post, refreshes, and serves userinfo', async () => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const tokens = (await res.json()) as Record<string, string>
    expect(tokens.token_type).toBe('Bearer')
    expect(typeof tokens.refresh_token).toBe('string')
    const id = decodeJwt(tokens.id_token!).payload
    expect(id.iss).toBe(`${ORIGIN}${t.base.replace(/\/oauth2$/, '/oauth2/token')}`)
    expect(id.aud).toBe(t.clientId)
    expect(id.sub).toBe(idp.core.tenant(t.id)!.findUser('test1')!.sub)

    const refreshed = await idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: t.clientId, client_secret: t.clientSecret }))
    expect(refreshed.status).toBe(200)
    const r = (await refreshed.json()) as Record<string, string>
    expect(r.access_token).not.toBe(tokens.access_token)
    expect(typeof r.id_token).toBe('string')

    const info = await idp.request(t.userinfo, { headers: { authorization: `Bearer ${r.access_token}` } })
    expect(info.status).toBe(200)
    const claims = (await info.json()) as Record<string, unknown>
    expect(claims.sub).toBe(id.sub)
    expect(claims.email).toBe('test1@123.com')
  })

  it('accepts client_secret_basic, raw and form-urlencoded (RFC 6749 §2.3.1)', async () => {
    const idp = makeIdp()
    for (const [id, secret] of [
      [t.clientId, t.clientSecret],
      [encodeURIComponent(t.clientId).replaceAll('-', '%2D'), encodeURIComponent(t.clientSecret).replaceAll('-', '%2D')],
    ] as const) {
      const { code } = await authorize(idp, t)
      const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri }, { authorization: basic(id, secret) }))
      expect(res.status, await res.clone().text()).toBe(200)
    }
  })

  it('lets the public spa-client use none + PKCE S256 and plain', async () => {
    const idp = makeIdp()
    const spa = { ...t, clientId: 'spa-client', redirectUri: 'http://localhost:5173/callback' }
    const { verifier, challenge } = pkce()
    const s256 = await authorize(idp, spa, { code_challenge: challenge, code_challenge_method: 'S256' })
    const ok = await idp.request(t.token, post({ grant_type: 'authorization_code', code: s256.code, redirect_uri: spa.redirectUri, client_id: 'spa-client', code_verifier: verifier }))
    expect(ok.status).toBe(200)
    const plain = await authorize(idp, spa, { code_challenge: verifier, code_challenge_method: 'plain' })
    const ok2 = await idp.request(t.token, post({ grant_type: 'authorization_code', code: plain.code, redirect_uri: spa.redirectUri, client_id: 'spa-client', code_verifier: verifier }))
    expect(ok2.status).toBe(200)
  })

  it('refuses a public client that sends no PKCE at authorize (redirect with invalid_request)', async () => {
    const idp = makeIdp()
    const q = new URLSearchParams({ response_type: 'code', client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', scope: t.scope, login_hint: 'test1', state: 's1' })
    const res = await idp.request(`${t.authorize}?${q}`)
    expect(res.status).toBe(302)
    const loc = new URL(res.headers.get('location')!)
    expect(loc.searchParams.get('error')).toBe('invalid_request')
    expect(loc.searchParams.get('state')).toBe('s1')
  })
})

describe('refresh token rules per vendor', () => {
  it('GenAuth/Authing OIDC issue a refresh token only with offline_access', async () => {
    for (const t of TENANTS.slice(0, 2)) {
      const idp = makeIdp()
      const { code } = await authorize(idp, { ...t, scope: 'openid profile' })
      const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
      const body = (await res.json()) as Record<string, unknown>
      expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type'])
    }
  })

  it('PingOne and Asgardeo issue one whenever the client has the refresh grant, and none without it', async () => {
    for (const t of TENANTS.slice(2)) {
      const withGrant = makeIdp()
      const a = await authorize(withGrant, { ...t, scope: 'openid' })
      const res = await withGrant.request(t.token, post({ grant_type: 'authorization_code', code: a.code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
      expect(((await res.json()) as Record<string, unknown>).refresh_token).toBeTypeOf('string')

      const cfg = (await import('../helpers/idp.js')).defaultCfg()
      const tenant = cfg.tenants.find((x) => x.id === t.id)!
      tenant.clients[0]!.grantTypes = ['authorization_code']
      const without = makeIdp(cfg)
      const b = await authorize(without, { ...t, scope: 'openid' })
      const res2 = await without.request(t.token, post({ grant_type: 'authorization_code', code: b.code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
      const body = (await res2.json()) as Record<string, unknown>
      expect(body.access_token).toBeTypeOf('string')
      expect(body).not.toHaveProperty('refresh_token')
    }
  })

  it('rotating vendors refuse a refresh token used twice; Authing keeps returning the same one', async () => {
    const cases: [string, boolean][] = [['authing-demo', false], ['pingone-demo', true], ['asgardeo-demo', true]]
    for (const [id, rotates] of cases) {
      const t = TENANTS.find((x) => x.id === id)!
      const idp = makeIdp()
      const { code } = await authorize(idp, t)
      const first = (await (await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))).json()) as Record<string, string>
      const creds = { client_id: t.clientId, client_secret: t.clientSecret }
      const second = (await (await idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...creds }))).json()) as Record<string, string>
      if (rotates) expect(second.refresh_token).not.toBe(first.refresh_token)
      else expect(second.refresh_token).toBe(first.refresh_token)
      const again = await idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: first.refresh_token, ...creds }))
      expect(again.status).toBe(rotates ? 400 : 200)
    }
  })
})
