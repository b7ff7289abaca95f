import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthenticationClient as AuthingNodeClient } from 'authing-node-sdk'
import { AuthenticationClient as AuthingJsClient } from 'authing-js-sdk'
import { LegacyAsgardeoNodeClient, getUserInfo } from '@asgardeo/node'
import { startMockIdp, type MockIdp } from '../../src/index.js'

// The vendors' own SDKs from npm, unmodified, against the mock. The Authing SDKs use axios, which
// honours HTTP(S)_PROXY: keep loopback direct.
process.env.NO_PROXY = '127.0.0.1,localhost'

let idp: MockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
})
afterAll(() => idp?.stop())

type Method = 'client_secret_post' | 'client_secret_basic' | 'none'
const CONFIDENTIAL = { appId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', redirectUri: 'http://localhost:3000/callback', logout: 'http://localhost:3000/' }
const PUBLIC = { appId: 'spa-client', secret: undefined, redirectUri: 'http://localhost:5173/callback', logout: 'http://localhost:5173/' }
const matrix: [string, Method][] = []
for (const tenant of ['authing-demo', 'genauth-demo']) for (const m of ['client_secret_post', 'client_secret_basic', 'none'] as Method[]) matrix.push([tenant, m])

/** Follow an authorize URL (signing in test1 via login_hint) and return the callback URL. */
async function signIn(url: string): Promise<URL> {
  const u = new URL(url)
  u.searchParams.set('login_hint', 'test1')
  const res = await fetch(u, { redirect: 'manual' })
  expect(res.status, await res.clone().text()).toBe(302)
  return new URL(res.headers.get('location')!)
}

/** Follow a logout URL and return where it sends the browser. */
async function logout(url: string): Promise<string | null> {
  const res = await fetch(url, { redirect: 'manual' })
  return res.headers.get('location')
}

describe.each(matrix)('authing-node-sdk against %s with %s', (tenantId, method) => {
  it('code exchange, refresh, userinfo, id_token verification, introspection, revocation, logout', async () => {
    const app = method === 'none' ? PUBLIC : CONFIDENTIAL
    const base = tenantId.startsWith('authing') ? '/authing/demo' : '/genauth/demo'
    const client = new AuthingNodeClient({
      appId: app.appId,
      ...(app.secret ? { appSecret: app.secret } : {}),
      appHost: `${idp.url}${base}`,
      redirectUri: app.redirectUri,
      logoutRedirectUri: app.logout,
      scope: 'openid profile email offline_access',
      protocol: 'oidc',
      tokenEndPointAuthMethod: method,
      introspectionEndPointAuthMethod: method,
      revocationEndPointAuthMethod: method,
    } as never)
    const verifier = client.generateCodeChallenge()
    const challenge = client.getCodeChallengeDigest({ codeChallenge: verifier, method: 'S256' })
    const { url } = client.buildAuthorizeUrl({ state: 'st-1', nonce: 'n-1' })
    const callback = await signIn(method === 'none' ? `${url}&code_challenge=${challenge}&code_challenge_method=S256` : url)
    expect(callback.searchParams.get('state')).toBe('st-1')
    const code = callback.searchParams.get('code')!
    const tokens = (await client.getAccessTokenByCode(code, method === 'none' ? { codeVerifier: verifier } : undefined)) as unknown as Record<string, string>
    expect(tokens.refresh_token).toBeTypeOf('string')
    const claims = (await client.parseIDToken(tokens.id_token!)) as Record<string, unknown>
    expect(claims.nonce).toBe('n-1')
    const refreshed = (await client.getNewAccessTokenByRefreshToken(tokens.refresh_token!)) as Record<string, string>
    const me = (await client.getUserInfoByAccessToken(refreshed.access_token!, { method: 'GET', tokenPlace: 'header' } as never)) as Record<string, unknown>
    expect(me.sub).toBe(claims.sub)
    expect(me.email).toBe('test1@123.com')
    const intro = (await client.introspectToken(refreshed.access_token!)) as Record<string, unknown>
    expect(intro.active).toBe(true)
    expect(await client.revokeToken(refreshed.access_token!)).toBe(true)
    expect(((await client.introspectToken(refreshed.access_token!)) as Record<string, unknown>).active).toBe(false)
    const logoutUrl = client.buildLogoutUrl({ idToken: tokens.id_token, redirectUri: app.logout, state: 'bye' } as never) as string
    expect(await logout(logoutUrl)).toBe(`${app.logout}?state=bye`)
  })
})

describe.each(matrix)('authing-js-sdk against %s with %s', (tenantId, method) => {
  it('code exchange, refresh, userinfo, introspection, revocation, logout', async () => {
    const app = method === 'none' ? PUBLIC : CONFIDENTIAL
    const base = tenantId.startsWith('authing') ? '/authing/demo' : '/genauth/demo'
    const client = new AuthingJsClient({
      appId: app.appId,
      ...(app.secret ? { secret: app.secret } : {}),
      appHost: `${idp.url}${base}`,
      redirectUri: app.redirectUri,
      protocol: 'oidc',
      tokenEndPointAuthMethod: method,
      introspectionEndPointAuthMethod: method,
      revocationEndPointAuthMethod: method,
    } as never)
    const verifier = client.generateCodeChallenge()
    const challenge = client.getCodeChallengeDigest({ codeChallenge: verifier, method: 'S256' })
    const url = client.buildAuthorizeUrl({ scope: 'openid profile email offline_access', state: 'st-2', nonce: 'n-2', codeChallenge: challenge, codeChallengeMethod: 'S256' } as never) as string
    const callback = await signIn(url)
    const tokens = (await client.getAccessTokenByCode(callback.searchParams.get('code')!, { codeVerifier: verifier })) as Record<string, string>
    const refreshed = (await client.getNewAccessTokenByRefreshToken(tokens.refresh_token!)) as Record<string, string>
    const me = (await client.getUserInfoByAccessToken(refreshed.access_token!)) as Record<string, unknown>
    expect(me.preferred_username).toBe('test1')
    const intro = (await client.introspectToken(refreshed.access_token!)) as Record<string, unknown>
    expect(intro.active).toBe(true)
    await client.revokeToken(refreshed.access_token!)
    expect(((await client.introspectToken(refreshed.access_token!)) as Record<string, unknown>).active).toBe(false)
    const logoutUrl = client.buildLogoutUrl({ expert: true, idToken: tokens.id_token, redirectUri: app.logout } as never) as string
    expect(await logout(logoutUrl)).toBe(app.logout)
  })
})

describe('@asgardeo/node against asgardeo-demo', () => {
  it('sign-in with PKCE, id_token validation against the JWKS, refresh, userinfo, sign-out, revoke', async () => {
    const baseUrl = `${idp.url}/asgardeo/t/bifrost`
    const auth = new LegacyAsgardeoNodeClient<Record<string, unknown>>()
    await auth.initialize({
      baseUrl,
      clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a',
      clientSecret: 'z0C79zlopx8i7ByOw8K15A9dplYa',
      afterSignInUrl: 'http://localhost:3000/callback',
      afterSignOutUrl: 'http://localhost:3000/',
      scopes: ['openid', 'profile', 'email'],
    } as never)
    const session = 'session-1'
    let authorizeUrl = ''
    await auth.signIn((u: string) => {
      authorizeUrl = u
    }, session)
    expect(authorizeUrl).toContain(`${baseUrl}/oauth2/authorize`)
    const cb = await signIn(authorizeUrl)
    expect(cb.searchParams.get('session_state')).toMatch(/^[0-9a-f]{64}\.[0-9a-f]{8}$/)
    const tokens = (await auth.signIn(() => undefined, session, cb.searchParams.get('code')!, cb.searchParams.get('session_state')!, cb.searchParams.get('state')!)) as Record<string, string>
    expect(tokens.idToken).toBeTypeOf('string')
    const claims = await auth.decodeJwtToken<{ sub: string; iss: string }>(tokens.idToken!)
    expect(claims.iss).toBe(`${baseUrl}/oauth2/token`)
    const refreshed = (await auth.refreshAccessToken(session)) as Record<string, string>
    expect(refreshed.accessToken).not.toBe(tokens.accessToken)
    const me = (await getUserInfo({ url: `${baseUrl}/oauth2/userinfo`, headers: { Authorization: `Bearer ${refreshed.accessToken}` } } as never)) as unknown as Record<string, unknown>
    expect(JSON.stringify(me)).toContain(claims.sub)
    const logoutUrl = await auth.signOut(session)
    expect(logoutUrl).toContain(`${baseUrl}/oidc/logout`)
    expect(await logout(logoutUrl)).toMatch(/^http:\/\/localhost:3000\/(\?state=.*)?$/)
    await auth.revokeAccessToken(session)
  })
})
