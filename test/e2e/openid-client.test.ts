import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { startMockIdp, type MockIdp } from '../../src/index.js'

let idp: MockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
})
afterAll(() => idp?.stop())

const cases = [
  { tenant: 'genauth-demo', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', scope: 'openid profile email offline_access', params: { prompt: 'consent' } },
  { tenant: 'authing-demo', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', scope: 'openid profile email offline_access', params: { prompt: 'consent' } },
  { tenant: 'pingone-demo', clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', scope: 'openid profile email' },
  { tenant: 'asgardeo-demo', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', scope: 'openid profile email' },
]

// node-oidc-provider v6 grants offline_access (a refresh token) only with prompt=consent, so the
// Authing/GenAuth cases ask for it as an app must in production.
/** Follow the non-interactive authorize redirect like a browser would, returning the callback URL. */
async function runAuthorize(url: URL): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' })
  expect(res.status).toBe(302)
  return new URL(res.headers.get('location')!)
}

describe.each(cases)('openid-client against $tenant', (c) => {
  const auths = [
    ['client_secret_post', () => client.ClientSecretPost(c.secret)],
    ['client_secret_basic', () => client.ClientSecretBasic(c.secret)],
  ] as const

  it.each(auths)('discovery, PKCE code flow, id_token validation, refresh, userinfo (%s)', async (_name, auth) => {
    const info = idp.tenant(c.tenant)
    const config = await client.discovery(new URL(info.issuer), c.clientId, undefined, auth(), { execute: [client.allowInsecureRequests] })
    expect(config.serverMetadata().issuer).toBe(info.issuer)
    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://localhost:3000/callback',
      scope: c.scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      login_hint: 'test1',
      ...('params' in c ? c.params : {}),
    })
    const callback = await runAuthorize(url)
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true })
    const claims = tokens.claims()!
    expect(claims.iss).toBe(info.issuer)
    expect(claims.nonce).toBe(nonce)
    expect(tokens.refresh_token).toBeTypeOf('string')

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.access_token).toBeTypeOf('string')
    const user = await client.fetchUserInfo(config, refreshed.access_token, claims.sub)
    expect(user.sub).toBe(claims.sub)
    expect(user.email).toBe('test1@123.com')
  })

  it('public client: none + PKCE', async () => {
    const info = idp.tenant(c.tenant)
    const config = await client.discovery(new URL(info.issuer), 'spa-client', undefined, client.None(), { execute: [client.allowInsecureRequests] })
    const verifier = client.randomPKCECodeVerifier()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://localhost:5173/callback',
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      login_hint: 'test1',
    })
    const tokens = await client.authorizationCodeGrant(config, await runAuthorize(url), { pkceCodeVerifier: verifier })
    expect(tokens.claims()!.aud).toBe('spa-client')
  })
})

describe('openid-client: JWT client auth, introspection, revocation, end-session', () => {
  it.each([
    ['pingone-demo', 'client_secret_jwt'],
    ['pingone-demo', 'private_key_jwt'],
    ['asgardeo-demo', 'private_key_jwt'],
  ] as const)('%s with %s', async (tenantId, method) => {
    const { generateKeyPair, exportJWK } = await import('jose')
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
    // real time: openid-client signs assertions and checks id_tokens against its own clock
    const cfg = (await import('../helpers/idp.js')).defaultCfg({ clock: 'system' })
    const tenant = cfg.tenants.find((t) => t.id === tenantId)!
    const base = tenant.clients[0]!
    if (method === 'private_key_jwt') {
      tenant.clients.push({ clientId: 'jwt-client', redirectUris: base.redirectUris, tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }] }, grantTypes: ['authorization_code', 'refresh_token'] })
    }
    const own = await startMockIdp({ config: cfg, env: {} })
    try {
      const info = own.tenant(tenantId)
      const clientId = method === 'private_key_jwt' ? 'jwt-client' : base.clientId
      const auth = method === 'private_key_jwt' ? client.PrivateKeyJwt({ key: privateKey, kid: 'k1' }) : client.ClientSecretJwt(base.clientSecret!)
      const config = await client.discovery(new URL(info.issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] })
      const verifier = client.randomPKCECodeVerifier()
      const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://localhost:3000/callback', scope: 'openid email', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', login_hint: 'test1' })
      const tokens = await client.authorizationCodeGrant(config, await runAuthorize(url), { pkceCodeVerifier: verifier })
      const intro = await client.tokenIntrospection(config, tokens.access_token)
      expect(intro.active).toBe(true)
      await client.tokenRevocation(config, tokens.access_token)
      expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false)
      const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:3000/callback', state: 'bye' })
      const res = await fetch(end, { redirect: 'manual' })
      expect(res.headers.get('location')).toBe('http://localhost:3000/callback?state=bye')
    } finally {
      await own.stop()
    }
  })
})
