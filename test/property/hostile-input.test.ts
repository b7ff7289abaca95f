import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { authorize, makeIdp, post, TENANTS } from '../helpers/idp.js'

// Seeded so a failure reproduces; FC_RUNS / FC_SEED run it longer or elsewhere:
//   FC_RUNS=20000 FC_SEED=7 npx vitest run test/property
const RUNS = Number(process.env.FC_RUNS ?? 1500)
const SEED = Number(process.env.FC_SEED ?? 20261123)

const PARAMS = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'code_verifier', 'refresh_token', 'scope', 'username', 'password', 'token', 'token_type_hint', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'response_mode', 'prompt', 'login_hint', 'max_age', 'access_token', 'client_assertion', 'client_assertion_type', 'id_token_hint', 'post_logout_redirect_uri', 'request_uri', 'device_code', 'user_code', 'subject_token', 'subject_token_type', 'requested_token_type', 'switching_organization', 'mockidp_action', 'mockidp_user']
const value = fc.oneof(
  fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'password', 'openid profile', 'S256', 'plain', 'none', 'login', 'test1', '5e37979f7b757ead14c534af', 'spa-client', 'http://localhost:3000/callback', '61yhuOVrgyhKlFTU~bnEKA_fnnz', 'eyJhbGciOiJub25lIn0.e30.', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange', 'http://authing.cn/oidc/grant_type/authing_token', 'organization_switch', '5f0c5e6a-2b7d-4a39-9c1e-7d3b2a8f4e61', 'direct', 'urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:request_uri:x', 'id_token token', 'code id_token', 'id_token', 'form_post', 'approve', 'deny', '%', '%zz', '\u0000', '<script>'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ minLength: 2000, maxLength: 5000 }),
)
const formBody = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 10 })), value), { maxLength: 12 })
const contentType = fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=ISO-8859-1', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', undefined)
const authHeader = fc.option(
  fc.oneof(
    fc.constantFrom('Basic', 'Basic ', 'Basic %%%', `Basic ${Buffer.from(':').toString('base64')}`, `Basic ${Buffer.from('a').toString('base64')}`, 'Bearer', 'Bearer x.y.z', 'Negotiate abc'),
    fc.string({ maxLength: 30 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
    fc.string({ maxLength: 30 }).map((s) => `Bearer ${s}`),
  ),
  { nil: undefined },
)

function endpoints(t: (typeof TENANTS)[number]): string[] {
  const root = t.token.replace(/\/token$/, '')
  const list = [t.token, t.authorize, t.userinfo, t.discovery, `${root}/jwks`, `${root}/introspect`, `${root}/revoke`, `${root}/token/introspection`, `${root}/token/revocation`, `${root}/.well-known/jwks.json`, `${root}/session/end`, `${root}/signoff`]
  if (t.id === 'genauth-demo') list.push('/genauth/demo/oauth/token', '/genauth/demo/oauth/auth', '/genauth/demo/oauth/me')
  if (t.id === 'asgardeo-demo') list.push('/asgardeo/t/bifrost/oidc/logout', `${root}/par`, `${root}/device_authorize`, '/asgardeo/t/bifrost/authenticationendpoint/device.do')
  if (t.id === 'pingone-demo') list.push(`${root}/par`, `${root}/device_authorization`, `${root}/idpSignoff`, '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/device')
  return list
}

describe.each(TENANTS)('hostile input to $id', (t) => {
  it(`never answers 5xx; JSON errors are in the vendor's shape; a normal flow still works after (${RUNS} runs)`, async () => {
    const idp = makeIdp()
    const server = idp.core.tenant(t.id)!.defaultServer
    const errorFields = new Set([...server.spec.errors.fields, 'scope', 'state'])
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints(t)), fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), formBody, contentType, authHeader, fc.boolean(), async (path, method, pairs, ct, auth, inQuery) => {
        const encoded = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
        const headers: Record<string, string> = {}
        if (ct) headers['content-type'] = ct
        if (auth) headers.authorization = auth
        const withBody = method !== 'GET' && !inQuery
        const url = inQuery || method === 'GET' ? `${path}?${encoded}` : path
        const res = await idp.request(url, { method, headers, ...(withBody ? { body: ct === 'application/json' ? JSON.stringify(Object.fromEntries(pairs)) : encoded } : {}) })
        expect(res.status).toBeLessThan(500)
        const type = res.headers.get('content-type') ?? ''
        const text = await res.text()
        if (type.startsWith('application/json') && res.status >= 400) {
          const body = JSON.parse(text) as Record<string, unknown>
          expect(typeof body.error).toBe('string')
          for (const k of Object.keys(body)) expect(errorFields.has(k) || k === 'error').toBe(true)
        }
      }),
      { numRuns: RUNS, seed: SEED },
    )
    // still serves a normal flow
    const { code } = await authorize(idp, t)
    const ok = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
    expect(ok.status).toBe(200)
  }, 120_000)
})
