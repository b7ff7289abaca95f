import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { startMockIdp, type MockIdp } from '../../src/index.js'

let idp: MockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
})
afterAll(() => idp?.stop())

const pingone = { tenant: 'pingone-demo', clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret' }
const asgardeo = { tenant: 'asgardeo-demo', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' }

const discover = (c: typeof pingone) =>
  client.discovery(new URL(idp.tenant(c.tenant).issuer), c.clientId, undefined, client.ClientSecretBasic(c.secret), { execute: [client.allowInsecureRequests] })

describe('openid-client: Pushed Authorization Requests (RFC 9126)', () => {
  it.each([pingone, asgardeo])('$tenant: PAR → authorize with request_uri → code → tokens; the request_uri is single-use', async (c) => {
    const config = await discover(c)
    expect(config.serverMetadata().pushed_authorization_request_endpoint).toMatch(/\/(as|oauth2)\/par$/)
    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      login_hint: 'test1',
    })
    // the browser carries only client_id and request_uri
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
    const res = await fetch(url, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const callback = new URL(res.headers.get('location')!)
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true })
    expect(tokens.claims()!.sub).toBeTypeOf('string')
    expect(tokens.claims()!.nonce).toBe(nonce)

    const again = await fetch(url, { redirect: 'manual' })
    expect(again.status).toBe(400)
    expect(await again.text()).toContain('invalid_request_uri')
  })
})

describe('openid-client: device authorization grant (RFC 8628)', () => {
  it.each([pingone, asgardeo])(
    '$tenant: device authorization → user approves on the verification page → polling yields tokens',
    async (c) => {
      const config = await discover(c)
      const device = await client.initiateDeviceAuthorization(config, { scope: 'openid profile email' })
      expect(device.interval).toBe(5)
      expect(device.expires_in).toBe(600)
      expect(device.verification_uri_complete).toBe(`${device.verification_uri}?user_code=${encodeURIComponent(device.user_code)}`)

      const polling = client.pollDeviceAuthorizationGrant(config, device)
      // the user, on another device: the complete URI shows the code to confirm and the test users
      const page = await fetch(device.verification_uri_complete!)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain(device.user_code)
      const form = /<li><form method="post" action="([^"]+)">([\s\S]*?)<button[^>]*data-user="test1"/.exec(html)!
      const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))]))
      const approved = await fetch(new URL(form[1]!, device.verification_uri), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) })
      expect(approved.status).toBe(200)
      expect(await approved.text()).toContain('Device connected')

      const tokens = await polling
      expect(tokens.access_token).toBeTypeOf('string')
      const claims = tokens.claims()!
      expect(claims.iss).toBe(idp.tenant(c.tenant).issuer)
      const user = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
      expect(user.email).toBe('test1@123.com')
    },
    30_000,
  )
})

describe('openid-client: hybrid flow (code id_token), c_hash checked by the client', () => {
  const authing = { tenant: 'authing-demo', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3' }
  it.each([authing, asgardeo])('$tenant', async (c) => {
    const config = await discover(c)
    client.useCodeIdTokenResponseType(config)
    const nonce = client.randomNonce()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'http://localhost:3000/callback', scope: 'openid profile email', nonce, state, login_hint: 'test1', response_mode: 'fragment' })
    expect(url.searchParams.get('response_type')).toBe('code id_token')
    const res = await fetch(url, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const callback = new URL(res.headers.get('location')!)
    expect(callback.hash).toContain('id_token=')
    const tokens = await client.authorizationCodeGrant(config, callback, { expectedNonce: nonce, expectedState: state })
    expect(tokens.claims()!.nonce).toBe(nonce)
    expect(tokens.access_token).toBeTypeOf('string')
  })
})
