/**
 * HTTPS at the vendors' production URLs, with real clients trusting only the mock's CA:
 * openid-client (no allowInsecureRequests), oauth4webapi, authing-node-sdk and @asgardeo/node run a
 * code flow against `https://demo.authing.cn/oidc`, `https://demo.genauth.ai/oidc`,
 * `https://auth.pingone.com/<envId>/as` and `https://api.asgardeo.io/t/bifrost/oauth2/token`, those
 * names resolved to the test server by a custom lookup (test/helpers/resolve.ts), never /etc/hosts.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { X509Certificate } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import * as oauth from 'oauth4webapi'
import { AuthenticationClient as AuthingNodeClient } from 'authing-node-sdk'
import { LegacyAsgardeoNodeClient } from '@asgardeo/node'
import { fetch as undiciFetch } from 'undici'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { mapVendorHosts, mappedDispatcher } from '../helpers/resolve.js'

process.env.NO_PROXY = '127.0.0.1,localhost,demo.authing.cn,demo.genauth.ai,auth.pingone.com,api.asgardeo.io'

const ENV_ID = '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
const CB = 'http://localhost:3000/callback'
const tenants = [
  { id: 'authing-demo', issuer: 'https://demo.authing.cn/oidc', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', scope: 'openid profile email offline_access' },
  { id: 'genauth-demo', issuer: 'https://demo.genauth.ai/oidc', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', scope: 'openid profile email offline_access' },
  { id: 'pingone-demo', issuer: `https://auth.pingone.com/${ENV_ID}/as`, clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', scope: 'openid profile email' },
  { id: 'asgardeo-demo', issuer: 'https://api.asgardeo.io/t/bifrost/oauth2/token', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', scope: 'openid profile email' },
]

let tlsDir: string
let idp: MockIdp
let ca: string
let unmap: () => void
beforeAll(async () => {
  tlsDir = join(await mkdtemp(join(tmpdir(), 'mockidp-tls-')), 'tls')
  idp = await startMockIdp({ https: true, tlsDir, env: {} })
  ca = readFileSync(idp.caFile!, 'utf8')
  unmap = mapVendorHosts(idp.port, ca)
}, 30_000)
afterAll(async () => {
  unmap?.()
  await idp?.stop()
  if (tlsDir) await rm(join(tlsDir, '..'), { recursive: true, force: true })
})

/** The authorize redirect, followed as a browser would (login_hint signs test1 in at once). */
async function authorize(url: URL): Promise<URL> {
  url.searchParams.set('login_hint', 'test1')
  const res = await fetch(url, { redirect: 'manual' })
  expect(res.status, await res.clone().text()).toBe(302)
  return new URL(res.headers.get('location')!)
}

describe('the development CA', () => {
  it('is made once in --tls-dir, with the key private; a second start reuses CA and leaf, creating nothing', async () => {
    expect(idp.caFile).toBe(join(tlsDir, 'ca.pem'))
    expect(idp.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(statSync(join(tlsDir, 'ca-key.pem')).mode & 0o077).toBe(0)
    const caCert = new X509Certificate(ca)
    expect(caCert.ca).toBe(true)
    const before = readdirSync(tlsDir).sort().map((f) => [f, statSync(join(tlsDir, f)).mtimeMs])
    const again = await startMockIdp({ https: true, tlsDir, env: {} })
    try {
      expect(readFileSync(again.caFile!, 'utf8')).toBe(ca)
      expect(readdirSync(tlsDir).sort().map((f) => [f, statSync(join(tlsDir, f)).mtimeMs])).toEqual(before)
    } finally {
      await again.stop()
    }
    const leafFile = readdirSync(tlsDir).find((f) => f.startsWith('leaf-'))!
    const leaf = new X509Certificate(readFileSync(join(tlsDir, leafFile), 'utf8'))
    expect(leaf.checkIssued(caCert) && leaf.verify(caCert.publicKey)).toBe(true)
    for (const name of ['DNS:localhost', 'DNS:*.localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'DNS:demo.authing.cn', 'DNS:demo.genauth.ai', 'DNS:auth.pingone.com', 'DNS:api.asgardeo.io'])
      expect(leaf.subjectAltName!.split(', ')).toContain(name)
  })

  it('a client that does not trust it gets a TLS error, and plain HTTP on the TLS port gets no answer', async () => {
    const untrusted = mappedDispatcher(idp.port) // default trust store, same name mapping
    const err = await undiciFetch('https://demo.authing.cn/oidc/.well-known/openid-configuration', { dispatcher: untrusted }).then(
      () => undefined,
      (e: Error & { cause?: { code?: string } }) => e,
    )
    expect(err?.cause?.code).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/)
    await untrusted.close()
    await expect(fetch(`http://127.0.0.1:${idp.port}/healthz`)).rejects.toThrow()
  })
})

describe.each(tenants)('$id at its production URL over HTTPS', (t) => {
  it('discovery: the issuer and every advertised URL are the production ones, byte for byte', async () => {
    const res = await fetch(`${t.issuer}/.well-known/openid-configuration`)
    expect(res.status).toBe(200)
    const disco = (await res.json()) as Record<string, unknown>
    expect(disco.issuer).toBe(t.issuer)
    const origin = new URL(t.issuer).origin
    const root = t.issuer.slice(0, t.issuer.lastIndexOf(t.id === 'asgardeo-demo' ? '/oauth2/token' : t.id === 'pingone-demo' ? '/as' : '/oidc'))
    const urls = Object.entries(disco).filter(([k, v]) => typeof v === 'string' && (k.endsWith('_endpoint') || k.endsWith('_uri') || k.endsWith('_iframe')))
    expect(urls.length).toBeGreaterThanOrEqual(4)
    for (const [k, v] of urls) expect(v, k).toMatch(new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/`))
    expect(origin).toBe(`https://${new URL(t.issuer).hostname}`)
  })

  it('openid-client (no allowInsecureRequests): code flow with PKCE, id_token validated, userinfo', async () => {
    const config = await client.discovery(new URL(t.issuer), t.clientId, undefined, client.ClientSecretPost(t.secret))
    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: t.scope, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce, state: 'st' })
    expect(url.origin).toBe(new URL(t.issuer).origin)
    const tokens = await client.authorizationCodeGrant(config, await authorize(url), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: 'st', idTokenExpected: true })
    expect(tokens.claims()!.iss).toBe(t.issuer)
    const me = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)
    expect(me.email).toBe('test1@123.com')
  })

  it('oauth4webapi: discovery, code flow, id_token validated against the production issuer', async () => {
    const issuer = new URL(t.issuer)
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc' }))
    const c: oauth.Client = { client_id: t.clientId }
    const auth = oauth.ClientSecretBasic(t.secret)
    const verifier = oauth.generateRandomCodeVerifier()
    const url = new URL(as.authorization_endpoint!)
    for (const [k, v] of Object.entries({ client_id: t.clientId, redirect_uri: CB, response_type: 'code', scope: t.scope, state: 'st', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) url.searchParams.set(k, v)
    const params = oauth.validateAuthResponse(as, c, await authorize(url), 'st')
    const res = await oauth.authorizationCodeGrantRequest(as, c, auth, params, CB, verifier)
    const result = await oauth.processAuthorizationCodeResponse(as, c, res, { requireIdToken: true })
    expect(oauth.getValidatedIdTokenClaims(result)!.iss).toBe(t.issuer)
    const info = await oauth.processUserInfoResponse(as, c, oauth.getValidatedIdTokenClaims(result)!.sub, await oauth.userInfoRequest(as, c, result.access_token))
    expect(info.email).toBe('test1@123.com')
  })
})

describe('the vendors\' Node SDKs with their production config', () => {
  it.each([
    ['https://demo.authing.cn', 'https://demo.authing.cn/oidc'],
    ['https://demo.genauth.ai', 'https://demo.genauth.ai/oidc'],
  ])('authing-node-sdk with appHost %s: code exchange, id_token, userinfo', async (appHost, issuer) => {
    const sdk = new AuthingNodeClient({ appId: '5e37979f7b757ead14c534af', appSecret: '64b517f8de3648091654eb4ee9b479d3', appHost, redirectUri: CB, scope: 'openid profile email offline_access', protocol: 'oidc' } as never)
    const { url } = sdk.buildAuthorizeUrl({ state: 'st', nonce: 'n' })
    expect(url.startsWith(`${issuer}/auth?`)).toBe(true)
    const code = (await authorize(new URL(url))).searchParams.get('code')!
    const tokens = (await sdk.getAccessTokenByCode(code)) as unknown as Record<string, string>
    const claims = (await sdk.parseIDToken(tokens.id_token!)) as Record<string, unknown>
    expect([claims.iss, claims.nonce]).toEqual([issuer, 'n'])
    const me = (await sdk.getUserInfoByAccessToken(tokens.access_token!, { method: 'GET', tokenPlace: 'header' } as never)) as Record<string, unknown>
    expect(me.email).toBe('test1@123.com')
  })

  it('@asgardeo/node with baseUrl https://api.asgardeo.io/t/bifrost: sign-in, id_token checked against the JWKS, refresh', async () => {
    const baseUrl = 'https://api.asgardeo.io/t/bifrost'
    const auth = new LegacyAsgardeoNodeClient<Record<string, unknown>>()
    await auth.initialize({ baseUrl, clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', clientSecret: 'z0C79zlopx8i7ByOw8K15A9dplYa', afterSignInUrl: CB, afterSignOutUrl: 'http://localhost:3000/', scopes: ['openid', 'profile', 'email'] } as never)
    let authorizeUrl = ''
    await auth.signIn((u: string) => void (authorizeUrl = u), 's1')
    expect(authorizeUrl.startsWith(`${baseUrl}/oauth2/authorize?`)).toBe(true)
    const cb = await authorize(new URL(authorizeUrl))
    const tokens = (await auth.signIn(() => undefined, 's1', cb.searchParams.get('code')!, cb.searchParams.get('session_state')!, cb.searchParams.get('state')!)) as Record<string, string>
    const claims = await auth.decodeJwtToken<{ iss: string }>(tokens.idToken!)
    expect(claims.iss).toBe(`${baseUrl}/oauth2/token`)
    const refreshed = (await auth.refreshAccessToken('s1')) as Record<string, string>
    expect(refreshed.accessToken).not.toBe(tokens.accessToken)
  })
})

describe('HTTPS session cookies and plain HTTP beside HTTPS', () => {
  it('a sign-in over TLS sets Secure; SameSite=None; over --http-port the same tenant sets Lax', async () => {
    const both = await startMockIdp({ https: true, httpPort: 0, tlsDir, env: {} })
    try {
      expect(both.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const q = new URLSearchParams({ response_type: 'code', client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })
      const login = (origin: string) =>
        fetch(`${origin}/authing/demo/oidc/auth`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...Object.fromEntries(q), mockidp_action: 'login', mockidp_username: 'test1', mockidp_password: 'test1' }) })
      const secure = await login(both.url.replace("127.0.0.1", "localhost"))
      expect(secure.headers.get('set-cookie')).toMatch(/^mockidp_authing_demo=[^;]+; Path=\/authing\/demo; HttpOnly; Secure; SameSite=None$/)
      const plain = await login(both.httpUrl!)
      expect(plain.headers.get('set-cookie')).toMatch(/^mockidp_authing_demo=[^;]+; Path=\/authing\/demo; HttpOnly; SameSite=Lax$/)
      const disco = (await (await fetch(`${both.httpUrl}/authing/demo/oidc/.well-known/openid-configuration`)).json()) as { issuer: string }
      expect(disco.issuer).toBe(`${both.httpUrl}/authing/demo/oidc`)
    } finally {
      await both.stop()
    }
  })
})
