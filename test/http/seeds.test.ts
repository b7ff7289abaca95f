import { describe, expect, it } from 'vitest'
import { decodeJwt, makeIdp } from '../helpers/idp.js'

// The vendors' documentation examples (the "seeds" listed in docs/vendors/*.md), replayed with only the host changed.
const form = { 'content-type': 'application/x-www-form-urlencoded' }
const body = (f: Record<string, string>) => new URLSearchParams(f).toString()

describe('the docs examples work with only the host changed', () => {
  it('seed 000 — GenAuth OAuth2 client_secret_post: 40-hex tokens, 3599, scope user, exact key order', async () => {
    const idp = makeIdp()
    const res = await idp.request('/genauth/demo/oauth/token', { method: 'POST', headers: form, body: body({ code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3', grant_type: 'authorization_code', redirect_uri: 'https://baidu.com' }) })
    expect(res.status).toBe(200)
    expect(res.headers.get('pragma')).toBe('no-cache')
    const json = (await res.json()) as Record<string, unknown>
    expect(Object.keys(json)).toEqual(['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope'])
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'user' })
    expect(json.access_token).toMatch(/^[0-9a-f]{40}$/)
    expect(json.refresh_token).toMatch(/^[0-9a-f]{40}$/)
  })

  it('seed 000 — GenAuth OAuth2 client_secret_basic', async () => {
    const idp = makeIdp()
    const auth = `Basic ${Buffer.from('5e37979f7b757ead14c534af:64b517f8de3648091654eb4ee9b479d3').toString('base64')}`
    const res = await idp.request('/genauth/demo/oauth/token', { method: 'POST', headers: { ...form, authorization: auth }, body: body({ grant_type: 'authorization_code', redirect_uri: 'https://baidu.com', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz' }) })
    expect(res.status).toBe(200)
  })

  it('seed 001 — Authing OIDC: key order, JWT access token claims, id_token with scope claims, 43-char refresh', async () => {
    const idp = makeIdp()
    const res = await idp.request('/authing/demo/oidc/token', { method: 'POST', headers: form, body: body({ code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3', grant_type: 'authorization_code', redirect_uri: 'https://baidu.com' }) })
    const json = (await res.json()) as Record<string, string>
    expect(Object.keys(json)).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type'])
    expect(json.scope).toBe('openid profile email phone offline_access')
    expect(json.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const at = decodeJwt(json.access_token!)
    expect(Object.keys(at.header)).toEqual(['alg', 'typ', 'kid'])
    expect(Object.keys(at.payload)).toEqual(['jti', 'sub', 'iat', 'exp', 'scope', 'iss', 'aud'])
    expect(at.payload.jti).toMatch(/^[A-Za-z0-9_-]{21}$/)
    const id = decodeJwt(json.id_token!).payload
    expect(id).toMatchObject({ preferred_username: 'test1', email: 'test1@123.com', email_verified: false, birthdate: null, aud: '5e37979f7b757ead14c534af', iss: 'http://localhost:9000/authing/demo/oidc' })
    expect(id).not.toHaveProperty('nonce')
    expect(Object.keys(id).slice(-4)).toEqual(['aud', 'exp', 'iat', 'iss'])
  })

  it('seed 003 — PingOne client_secret_post at /{envId}/as/token', async () => {
    const idp = makeIdp()
    const base = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
    const authz = await idp.request(`${base}/authorize?response_type=code&client_id=6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid%20profile&login_hint=test1`)
    const code = new URL(authz.headers.get('location')!).searchParams.get('code')!
    const res = await idp.request(`${base}/token`, { method: 'POST', headers: form, body: body({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/callback', client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', client_secret: 'pingone-demo-secret' }) })
    const json = (await res.json()) as Record<string, string>
    expect(Object.keys(json)).toEqual(['access_token', 'token_type', 'expires_in', 'scope', 'refresh_token', 'id_token'])
    const id = decodeJwt(json.id_token!).payload
    expect(id).toMatchObject({ env: '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60', 'p1.region': 'NA', amr: ['pwd'], acr: 'Single_Factor' })
    expect(decodeJwt(json.access_token!).payload.aud).toEqual(['https://api.pingone.com'])
  })

  it('seed 004 — Asgardeo, both client auth methods: UUID tokens, hash key order, x5t/kid header, escaped slashes', async () => {
    const idp = makeIdp()
    const reqs: RequestInit[] = [
      { method: 'POST', headers: form, body: body({ code: '97c85a59-a758-3a56-95cd-e71a505b493d', grant_type: 'authorization_code', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', redirect_uri: 'https://myfirstwebapp.io/login' }) },
      { method: 'POST', headers: { ...form, authorization: 'Basic ejhSQjZ5c2REWmhlNFFPMHpKQVF6S2JpNlA0YTp6MEM3OXpsb3B4OGk3QnlPdzhLMTVBOWRwbFlh' }, body: body({ code: '97c85a59-a758-3a56-95cd-e71a505b493d', grant_type: 'authorization_code', redirect_uri: 'https://myfirstwebapp.io/login' }) },
    ]
    for (const init of reqs) {
      idp.core.reset()
      const res = await idp.request('/asgardeo/t/bifrost/oauth2/token', init)
      expect(res.status).toBe(200)
      const json = (await res.json()) as Record<string, string>
      expect(Object.keys(json)).toEqual(['access_token', 'refresh_token', 'scope', 'id_token', 'token_type', 'expires_in'])
      expect(json.access_token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      const [h, p] = json.id_token!.split('.')
      expect(Object.keys(JSON.parse(Buffer.from(h!, 'base64url').toString()))).toEqual(['x5t', 'kid', 'alg'])
      const raw = Buffer.from(p!, 'base64url').toString()
      expect(raw).toContain('"iss":"http:\\/\\/localhost:9000\\/asgardeo\\/t\\/bifrost\\/oauth2\\/token"')
      const id = JSON.parse(raw) as Record<string, unknown>
      expect(Object.keys(id).slice(0, 6)).toEqual(['isk', 'at_hash', 'aud', 'c_hash', 'sub', 'nbf'])
      expect(id.azp).toBe('z8RB6ysdDZhe4QO0zJAQzKbi6P4a')
      expect(id.isk).toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it('fixture codes are single-use and come back after a reset', async () => {
    const idp = makeIdp()
    const init = () => ({ method: 'POST', headers: form, body: body({ code: '97c85a59-a758-3a56-95cd-e71a505b493d', grant_type: 'authorization_code', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', redirect_uri: 'https://myfirstwebapp.io/login' }) })
    expect((await idp.request('/asgardeo/t/bifrost/oauth2/token', init())).status).toBe(200)
    expect((await idp.request('/asgardeo/t/bifrost/oauth2/token', init())).status).toBe(400)
    idp.core.reset()
    expect((await idp.request('/asgardeo/t/bifrost/oauth2/token', init())).status).toBe(200)
  })
})
