import { describe, expect, it } from 'vitest'
import { authorize, basic, defaultCfg, makeIdp, pkce, post, TENANTS, type TenantCase } from '../helpers/idp.js'

const [genauth, authing, pingone, asgardeo] = TENANTS as [TenantCase, TenantCase, TenantCase, TenantCase]

/** The exact error each vendor answers for a broken rule: [status, body text]. */
type Expect = [number, string]
const table: Record<string, Record<string, Expect>> = {
  'used code': {
    'authing-demo': [400, '{"error":"invalid_grant","error_description":"grant request is invalid"}'],
    'pingone-demo': [400, '{"error":"invalid_grant","error_description":"The authorization code is invalid or expired."}'],
    'asgardeo-demo': [400, '{"error_description":"Inactive authorization code received from token request","error":"invalid_grant"}'],
  },
  'wrong redirect_uri': {
    'authing-demo': [400, '{"error":"invalid_grant","error_description":"grant request is invalid"}'],
    'pingone-demo': [400, '{"error":"invalid_grant","error_description":"The redirect_uri does not match the authorization request."}'],
    'asgardeo-demo': [400, '{"error_description":"Callback url mismatch","error":"invalid_grant"}'],
  },
  'wrong secret': {
    'authing-demo': [401, '{"error":"invalid_client","error_description":"client authentication failed"}'],
    'pingone-demo': [401, '{"error":"invalid_client","error_description":"Request denied: Invalid client credentials"}'],
    'asgardeo-demo': [401, '{"error_description":"Client credentials are invalid.","error":"invalid_client"}'],
  },
  'wrong PKCE verifier': {
    'authing-demo': [400, '{"error":"invalid_grant","error_description":"grant request is invalid"}'],
    'pingone-demo': [400, '{"error":"invalid_grant","error_description":"PKCE verification failed."}'],
    'asgardeo-demo': [400, '{"error_description":"PKCE validation failed","error":"invalid_grant"}'],
  },
  'expired code': {
    'authing-demo': [400, '{"error":"invalid_grant","error_description":"grant request is invalid"}'],
    'pingone-demo': [400, '{"error":"invalid_grant","error_description":"The authorization code is invalid or expired."}'],
    'asgardeo-demo': [400, '{"error_description":"Expired or Revoked authorization code received from token request","error":"invalid_grant"}'],
  },
  'missing code': {
    'authing-demo': [400, `{"error":"invalid_request","error_description":"missing required parameter 'code'"}`],
    'pingone-demo': [400, '{"error":"invalid_request","error_description":"Missing required parameter: code"}'],
    'asgardeo-demo': [400, '{"error_description":"Missing parameters: code","error":"invalid_request"}'],
  },
}

const vendors = [authing, pingone, asgardeo]
const creds = (t: TenantCase) => ({ client_id: t.clientId, client_secret: t.clientSecret })

describe.each(vendors)('$id token endpoint rules', (t) => {
  const expectError = async (res: Response, rule: string) => {
    const [status, body] = table[rule]![t.id]!
    expect(res.status).toBe(status)
    expect(await res.text()).toBe(body)
  }

  it('a code is single-use', async () => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    const body = { grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }
    expect((await idp.request(t.token, post(body))).status).toBe(200)
    await expectError(await idp.request(t.token, post(body)), 'used code')
  })

  it('redirect_uri must equal the one used at authorize', async () => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    await expectError(await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/other', ...creds(t) })), 'wrong redirect_uri')
  })

  it('a wrong secret is refused (and a Basic one gets WWW-Authenticate)', async () => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: 'nope' }))
    await expectError(res, 'wrong secret')
    const viaBasic = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri }, { authorization: basic(t.clientId, 'nope') }))
    expect(viaBasic.status).toBe(401)
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
  })

  it('a wrong PKCE verifier is refused', async () => {
    const idp = makeIdp()
    const { challenge } = pkce()
    const { code } = await authorize(idp, t, { code_challenge: challenge, code_challenge_method: 'S256' })
    await expectError(await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, code_verifier: pkce().verifier, ...creds(t) })), 'wrong PKCE verifier')
  })

  it('a code expires per the vendor (frozen clock moved past its lifetime)', async () => {
    const idp = makeIdp()
    const ttl = idp.core.tenant(t.id)!.defaultServer.spec.code.ttl
    const { code } = await authorize(idp, t)
    idp.clock.advance(ttl * 1000 - 1000)
    const early = { grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }
    const { code: code2 } = await authorize(idp, t)
    idp.clock.advance(1000)
    await expectError(await idp.request(t.token, post(early)), 'expired code')
    expect((await idp.request(t.token, post({ ...early, code: code2 }))).status).toBe(200)
  })

  it('a missing parameter is named', async () => {
    const idp = makeIdp()
    await expectError(await idp.request(t.token, post({ grant_type: 'authorization_code', redirect_uri: t.redirectUri, ...creds(t) })), 'missing code')
  })
})

it('the code lifetimes are the documented ones: 600 s GenAuth/Authing, 300 s Asgardeo', () => {
  const idp = makeIdp()
  expect(idp.core.tenant('genauth-demo')!.defaultServer.spec.code.ttl).toBe(600)
  expect(idp.core.tenant('authing-demo')!.defaultServer.spec.code.ttl).toBe(600)
  expect(idp.core.tenant('asgardeo-demo')!.defaultServer.spec.code.ttl).toBe(300)
})

describe('bad requests get OAuth errors, never a 500', () => {
  const cases: [string, TenantCase, RequestInit, number, string][] = [
    ['JSON body', authing, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"authorization_code"}' }, 400, 'invalid_request'],
    ['no content type', pingone, { method: 'POST', body: 'grant_type=authorization_code' }, 400, 'invalid_request'],
    ['text/plain', asgardeo, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }, 400, 'invalid_request'],
    ['duplicated parameter', authing, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=authorization_code&code=a&code=b&client_id=5e37979f7b757ead14c534af&client_secret=64b517f8de3648091654eb4ee9b479d3' }, 400, 'invalid_request'],
    ['duplicated parameter (Asgardeo)', asgardeo, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=x&grant_type=y' }, 400, 'invalid_request'],
    // node-oidc-provider v6: a route without the method is a 404 (initialize_app.js)
    ['GET', genauth, { method: 'GET' }, 404, 'invalid_request'],
    ['unknown grant', authing, post({ grant_type: 'urn:nope', ...creds(authing) }), 400, 'unsupported_grant_type'],
    ['unknown grant (Asgardeo says invalid_request)', asgardeo, post({ grant_type: 'urn:nope', ...creds(asgardeo) }), 400, 'invalid_request'],
    ['missing grant_type', pingone, post({ ...creds(pingone) }), 400, 'invalid_request'],
    ['no client at all', authing, post({ grant_type: 'authorization_code', code: 'x' }), 400, 'invalid_request'],
    ['unknown client', pingone, post({ grant_type: 'authorization_code', code: 'x', client_id: 'who', client_secret: 's' }), 401, 'invalid_client'],
    ['Basic header not base64', asgardeo, post({ grant_type: 'authorization_code' }, { authorization: 'Basic %%%' }), 400, 'invalid_request'],
    ['Basic header without colon', authing, post({ grant_type: 'authorization_code' }, { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }), 400, 'invalid_request'],
    ['two auth methods that disagree', authing, post({ grant_type: 'authorization_code', ...creds(authing) }, { authorization: basic(authing.clientId, 'other-secret') }), 400, 'invalid_request'],
    ['grant not enabled for the client', authing, post({ grant_type: 'client_credentials', client_id: 'spa-client' }), 400, 'unauthorized_client'],
    ['garbage code', genauth, post({ grant_type: 'authorization_code', code: '%%%', redirect_uri: 'x', ...creds(genauth) }), 400, 'invalid_grant'],
    // v6 pkce.js checks a verifier's format even for a code issued without a challenge
    ['short code_verifier', authing, post({ grant_type: 'authorization_code', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', redirect_uri: 'https://baidu.com', code_verifier: 'short', ...creds(authing) }), 400, 'invalid_request'],
  ]
  it.each(cases)('%s', async (_name, t, init, status, error) => {
    const idp = makeIdp()
    const res = await idp.request(t.token, init)
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(((await res.json()) as { error: string }).error).toBe(error)
  })
})

describe('GenAuth OAuth2 family (node-oauth2-server wording)', () => {
  const tok = '/genauth/demo/oauth/token'
  it('401 + Basic realm="Service" for a bad secret via Basic, 400 via the body', async () => {
    const idp = makeIdp()
    const viaBasic = await idp.request(tok, post({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://baidu.com' }, { authorization: basic(genauth.clientId, 'bad') }))
    expect(viaBasic.status).toBe(401)
    expect(viaBasic.headers.get('www-authenticate')).toBe('Basic realm="Service"')
    expect(await viaBasic.text()).toBe('{"error":"invalid_client","error_description":"Invalid client: client is invalid"}')
    const viaBody = await idp.request(tok, post({ grant_type: 'authorization_code', code: 'x', client_id: genauth.clientId, client_secret: 'bad' }))
    expect(viaBody.status).toBe(400)
    expect(viaBody.headers.get('www-authenticate')).toBeNull()
  })
  it('redirect_uri mismatch is invalid_request with backticks', async () => {
    const idp = makeIdp()
    const res = await idp.request(tok, post({ grant_type: 'authorization_code', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', redirect_uri: 'https://evil.example', ...creds(genauth) }))
    expect(await res.text()).toBe('{"error":"invalid_request","error_description":"Invalid request: `redirect_uri` is invalid"}')
  })
  it('a client without the refresh grant gets no refresh_token', async () => {
    const cfg = defaultCfg()
    cfg.tenants[0]!.clients[0]!.grantTypes = ['authorization_code']
    const idp = makeIdp(cfg)
    const res = await idp.request(tok, post({ grant_type: 'authorization_code', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', redirect_uri: 'https://baidu.com', ...creds(genauth) }))
    expect(Object.keys((await res.json()) as object)).toEqual(['access_token', 'token_type', 'expires_in', 'scope'])
  })
})
