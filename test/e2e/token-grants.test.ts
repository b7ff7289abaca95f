import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthenticationClient as AuthingJsClient } from 'authing-js-sdk'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import defaultConfig from '../../mockidp.config.json' with { type: 'json' }
import type { MockIdpConfig } from '../../src/config/types.js'

// The token-endpoint grants beyond RFC 6749 that the vendors serve: Authing's authing_token (through
// authing-js-sdk's own call), RFC 8693 token exchange (Asgardeo), and Asgardeo's JWT access tokens.
let idp: MockIdp
beforeAll(async () => {
  const config = JSON.parse(JSON.stringify(defaultConfig)) as MockIdpConfig
  const asg = config.tenants.find((t) => t.id === 'asgardeo-demo')!
  // a second Asgardeo app whose "Access token type" is JWT
  asg.clients.push({ ...asg.clients[0]!, clientId: 'asgardeo-jwt-app', name: 'JWT access tokens', accessTokenFormat: 'jwt' })
  idp = await startMockIdp({ config, env: {} })
})
afterAll(() => idp?.stop())

const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields),
})
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
const decode = (jwt: string) => jwt.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>) as [Record<string, unknown>, Record<string, unknown>]

const AUTHING_APP = { appId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3' }
const ASG = { id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', base: '/asgardeo/t/bifrost/oauth2' }
const TX = 'urn:ietf:params:oauth:grant-type:token-exchange'

/** Tokens for test1 by the password grant (both vendors serve it). */
async function passwordTokens(token: string, auth: string, scope = 'openid profile email'): Promise<Record<string, string>> {
  const res = await fetch(`${idp.url}${token}`, form({ grant_type: 'password', username: 'test1', password: 'test1', scope }, { authorization: auth }))
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, string>
}

describe.each(['authing-demo', 'genauth-demo'])('authing_token grant against %s (authing-js-sdk getAccessTokenByIdToken)', (tenant) => {
  const base = tenant === 'authing-demo' ? '/authing/demo' : '/genauth/demo'
  it('is advertised, and trades the tenant\'s id_token for a fresh token set with client_id alone', async () => {
    const disco = (await (await fetch(`${idp.url}${base}/oidc/.well-known/openid-configuration`)).json()) as { grant_types_supported: string[] }
    expect(disco.grant_types_supported).toContain('http://authing.cn/oidc/grant_type/authing_token')
    const { id_token } = await passwordTokens(`${base}/oidc/token`, basic(AUTHING_APP.appId, AUTHING_APP.secret))
    const sdk = new AuthingJsClient({ appId: AUTHING_APP.appId, appHost: `${idp.url}${base}`, redirectUri: 'http://localhost:3000/callback', protocol: 'oidc' } as never)
    const tokens = (await sdk.getAccessTokenByIdToken({ idToken: id_token!, redirectUri: 'http://localhost:3000/callback', scope: 'openid profile' } as never)) as Record<string, unknown>
    expect(Object.keys(tokens)).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type'])
    expect(decode(String(tokens.id_token))[1].sub).toBe(decode(id_token!)[1].sub)
    const me = (await sdk.getUserInfoByAccessToken(String(tokens.access_token))) as Record<string, unknown>
    expect(me.preferred_username).toBe('test1')
  })

  it('refuses a token it did not sign, in oidc-provider v6 words', async () => {
    const res = await fetch(`${idp.url}${base}/oidc/token`, form({ grant_type: 'http://authing.cn/oidc/grant_type/authing_token', client_id: AUTHING_APP.appId, token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', scope: 'openid' }))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'grant request is invalid' })
  })
})

describe('token exchange (RFC 8693) against asgardeo-demo', () => {
  const exchange = (fields: Record<string, string>) => fetch(`${idp.url}${ASG.base}/token`, form({ grant_type: TX, ...fields }, { authorization: basic(ASG.id, ASG.secret) }))

  it('a JWT subject token gets the Asgardeo response shape, with issued_token_type and a refresh token', async () => {
    const { id_token } = await passwordTokens(`${ASG.base}/token`, basic(ASG.id, ASG.secret))
    const res = await exchange({ subject_token: id_token!, subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', requested_token_type: 'urn:ietf:params:oauth:token-type:access_token', scope: 'openid email' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['access_token', 'refresh_token', 'issued_token_type', 'scope', 'token_type', 'expires_in'])
    expect(body).toMatchObject({ issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', scope: 'openid email', token_type: 'Bearer', expires_in: 3600 })
    const me = (await (await fetch(`${idp.url}${ASG.base}/userinfo`, { headers: { authorization: `Bearer ${String(body.access_token)}` } })).json()) as Record<string, unknown>
    expect(me.email).toBe('test1@123.com')
  })

  it('refuses an unsupported subject_token_type and a subject token it cannot verify', async () => {
    const wrongType = await exchange({ subject_token: 'x', subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' })
    expect(wrongType.status).toBe(400)
    expect(await wrongType.json()).toEqual({ error_description: 'Unsupported subject token type', error: 'invalid_request' })
    const forged = await exchange({ subject_token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' })
    expect(forged.status).toBe(400)
    expect(((await forged.json()) as { error: string }).error).toBe('invalid_request')
    const missing = await exchange({ subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' })
    expect(await missing.json()).toEqual({ error_description: 'Missing parameters: subject_token', error: 'invalid_request' })
  })

  it('vendors that do not serve it answer as for any unknown grant', async () => {
    const res = await fetch(`${idp.url}/authing/demo/oidc/token`, form({ grant_type: TX, subject_token: 'x', subject_token_type: 'urn:ietf:params:oauth:token-type:jwt', client_id: AUTHING_APP.appId, client_secret: AUTHING_APP.secret }))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'unsupported grant_type requested' })
  })
})

describe('Asgardeo JWT access tokens (the app option accessTokenFormat: "jwt")', () => {
  it('at+jwt with x5t and kid; the JWTTokenIssuer claim set; accepted by userinfo and introspection', async () => {
    const auth = basic('asgardeo-jwt-app', ASG.secret)
    const { access_token } = await passwordTokens(`${ASG.base}/token`, auth)
    const [header, payload] = decode(access_token!)
    expect(Object.keys(header)).toEqual(['x5t', 'kid', 'typ', 'alg'])
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'RS256' })
    expect(Object.keys(payload)).toEqual(['sub', 'aut', 'aud', 'nbf', 'azp', 'scope', 'iss', 'exp', 'iat', 'jti', 'client_id'])
    expect(payload).toMatchObject({ aut: 'APPLICATION_USER', aud: 'asgardeo-jwt-app', azp: 'asgardeo-jwt-app', client_id: 'asgardeo-jwt-app', iss: idp.tenant('asgardeo-demo').issuer })
    const me = await fetch(`${idp.url}${ASG.base}/userinfo`, { headers: { authorization: `Bearer ${access_token}` } })
    expect(me.status).toBe(200)
    const intro = (await (await fetch(`${idp.url}${ASG.base}/introspect`, form({ token: access_token! }, { authorization: auth }))).json()) as Record<string, unknown>
    expect(intro.active).toBe(true)
    // the other apps keep Asgardeo's default opaque UUID tokens
    const opaque = await passwordTokens(`${ASG.base}/token`, basic(ASG.id, ASG.secret))
    expect(opaque.access_token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})
