import { afterAll, beforeAll } from 'vitest'
import * as client from 'openid-client'
import { connectMockIdp, startMockIdp, type MockIdp, type RemoteMockIdp } from '../../src/index.js'

/** One mock for the test file, started before its tests and stopped after, with a `connectMockIdp()` handle to it. */
export function mockForFile(): { readonly idp: MockIdp; readonly remote: RemoteMockIdp } {
  const box = {} as { idp: MockIdp; remote: RemoteMockIdp }
  beforeAll(async () => {
    box.idp = await startMockIdp({ env: {} })
    box.remote = connectMockIdp(box.idp.url)
  })
  afterAll(() => box.idp?.stop())
  return box
}

/** A confidential client of a default tenant. */
export interface AppClient {
  id: string
  clientId: string
  secret: string
  redirectUri: string
}

/**
 * Sign `user` in the way an app does with openid-client: discovery, an authorization request with
 * PKCE and `login_hint` (no login page), the code redeemed at the token endpoint.
 */
export async function codeFlow(remote: RemoteMockIdp, app: AppClient, user: string, scope = 'openid profile email', extra: Record<string, string> = {}) {
  const info = await remote.tenant(app.id).info()
  const config = await client.discovery(new URL(info.issuer), app.clientId, undefined, client.ClientSecretBasic(app.secret), { execute: [client.allowInsecureRequests] })
  const verifier = client.randomPKCECodeVerifier()
  const url = client.buildAuthorizationUrl(config, { redirect_uri: app.redirectUri, scope, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', login_hint: user, ...extra })
  const res = await fetch(url, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (res.status !== 302 || !location) throw new Error(`the authorization request for ${user} answered ${res.status}, not a redirect`)
  const tokens = await client.authorizationCodeGrant(config, new URL(location), { pkceCodeVerifier: verifier, idTokenExpected: scope.split(' ').includes('openid') })
  return { info, config, tokens, sub: tokens.claims()?.sub ?? '', cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' }
}
