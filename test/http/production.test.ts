import { describe, expect, it } from 'vitest'
import { makeIdp, defaultCfg } from '../helpers/idp.js'

const ENV_ID = '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'

describe('production mount, in process (no socket): routing by the request URL\'s host', () => {
  const { app } = makeIdp(defaultCfg())
  const get = (url: string) => app.fetch(new Request(url))

  it.each([
    ['https://demo.authing.cn/oidc', 'https://demo.authing.cn/oidc/token'],
    ['https://demo.genauth.ai/oidc', 'https://demo.genauth.ai/oidc/token'],
    [`https://auth.pingone.com/${ENV_ID}/as`, `https://auth.pingone.com/${ENV_ID}/as/token`],
    ['https://api.asgardeo.io/t/bifrost/oauth2/token', 'https://api.asgardeo.io/t/bifrost/oauth2/token'],
  ])('fetch(new Request("%s/.well-known/openid-configuration")) answers with the production issuer', async (issuer, token) => {
    const res = await get(`${issuer}/.well-known/openid-configuration`)
    expect(res.status).toBe(200)
    const d = (await res.json()) as Record<string, string>
    expect([d.issuer, d.token_endpoint]).toEqual([issuer, token])
  })

  it('keeps the envId on PingOne\'s production host (unlike a custom-domain `hosts` mount) and 404s other paths there', async () => {
    expect((await get(`https://auth.pingone.com/${ENV_ID}/as/jwks`)).status).toBe(200)
    expect((await get('https://auth.pingone.com/as/jwks')).status).toBe(404)
    expect((await get('https://auth.pingone.com/00000000-0000-4000-8000-000000000000/as/jwks')).status).toBe(404)
    // the path mount is not on a production host, and the production paths are not on other hosts
    expect((await get('https://demo.authing.cn/authing/demo/oidc/.well-known/openid-configuration')).status).toBe(404)
    expect((await get('http://localhost:9000/oidc/.well-known/openid-configuration')).status).toBe(404)
  })

  it('a code issued at the production URL is redeemed there, as the same tenant (one state)', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: '5e37979f7b757ead14c534af', redirect_uri: 'http://localhost:3000/callback', scope: 'openid', login_hint: 'test1' })
    const authz = await get(`https://demo.authing.cn/oidc/auth?${q}`)
    const code = new URL(authz.headers.get('location')!).searchParams.get('code')!
    const tok = await app.fetch(
      new Request('https://demo.authing.cn/oidc/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/callback', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3' }),
      }),
    )
    const body = (await tok.json()) as { id_token: string }
    expect(JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString()).iss).toBe('https://demo.authing.cn/oidc')
  })

  it('a tenant without appDomain has no production mount', async () => {
    const cfg = defaultCfg()
    delete cfg.tenants[1]!.appDomain
    const other = makeIdp(cfg)
    expect((await other.app.fetch(new Request('https://demo.authing.cn/oidc/.well-known/openid-configuration'))).status).toBe(404)
    expect((await other.app.fetch(new Request('https://demo.genauth.ai/oidc/.well-known/openid-configuration'))).status).toBe(200)
  })
})
