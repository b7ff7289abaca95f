import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { makeIdp } from '../helpers/idp.js'

// Hostile input to the vendor APIs (src/vendor-api): never a 5xx, always JSON in the vendor's
// envelope (or the HTML logout pages), and the tenant still signs in afterwards.
const RUNS = Number(process.env.FC_RUNS ?? 300)
const SEED = Number(process.env.FC_SEED ?? 20261201)

const PATHS = ['/api/v2/.well-known', '/api/v3/system', '/api/v3/signin', '/api/v3/signin-by-mobile', '/graphql/v2', '/login/profile/logout', '/api/v2/login/account', '/api/v2/logout', '/cas/session', '/svg-string/guard', '/api/v2/applications/spa-client/public-config', '/api/v2/applications/%E0%A4%A/public-config', '/api/v2/applications/x/components-public-config/guard']
const QUERIES = [
  'mutation loginByUsername($input: LoginByUsernameInput!) { loginByUsername(input: $input) { id } }',
  'mutation loginByEmail($input: LoginByEmailInput!) { loginByEmail(input: $input) { id } }',
  'query checkLoginStatus($token: String) { checkLoginStatus(token: $token) { code } }',
  'query user($id: String) { user(id: $id) { id } }',
  '{ checkLoginStatus { code } }',
  'subscription x { y }',
  'query constructor { x }',
  'mutation __proto__ { x }',
]
const scalar = fc.oneof(
  fc.constantFrom('test1', 'alice@example.com', 'PASSWORD', 'PASSCODE', 'rsa', 'sm2', 'none', '5e37979f7b757ead14c534af', 'spa-client', '64b517f8de3648091654eb4ee9b479d3', 'eyJhbGciOiJSUzI1NiJ9.e30.x', '__proto__', 'constructor', 'http://localhost:3000/'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.base64String({ maxLength: 200 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
)
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthIdentifier: 'json' }, scalar, fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.oneof(fc.constantFrom('connection', 'passwordPayload', 'username', 'email', 'phone', 'account', 'password', 'autoRegister', 'options', 'passwordEncryptType', 'scope', 'client_id', 'client_secret', 'query', 'variables', 'input', 'token', '__proto__'), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 6 }),
})).value
const body = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  fc.record({ query: fc.oneof(fc.constantFrom(...QUERIES), fc.string({ maxLength: 30 })), variables: jsonValue }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 100 }),
  fc.constant('{"a":'),
  // past the 64 KiB body limit (built, not generated: generating 70k characters costs ~100 ms a run)
  fc.tuple(fc.constantFrom('{"query":"', '{"connection":"', 'x'), fc.nat(16)).map(([head, n]) => head + 'a'.repeat(70_000 + n)),
)
const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/graphql+json', 'text/plain', 'application/x-www-form-urlencoded'),
    authorization: fc.oneof(fc.constantFrom('Basic', 'Basic %%%', `Basic ${Buffer.from('5e37979f7b757ead14c534af:x').toString('base64')}`, 'Bearer', 'Bearer a.b.c'), fc.string({ maxLength: 30 })),
    'x-authing-app-id': fc.oneof(fc.constantFrom('5e37979f7b757ead14c534af', 'spa-client'), fc.string({ maxLength: 12 })),
    'x-authing-lang': fc.constantFrom('en-US', 'en', 'zh-CN', '__proto__', 'constructor', ''),
    cookie: fc.constantFrom('mockidp_authing_demo=x', 'mockidp_genauth_demo=%', ''),
  },
  { requiredKeys: [] },
)

describe.each(['/authing/demo', '/genauth/demo'])('hostile input to the vendor API of %s', (base) => {
  it(`never answers 5xx; JSON in Authing's envelopes; sign-in still works after (${RUNS} runs)`, async () => {
    const idp = makeIdp()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), fc.constantFrom('GET', 'POST', 'PUT'), body, headers, fc.string({ maxLength: 30 }), async (path, method, text, h, query) => {
        const res = await idp.request(`${base}${path}?redirect_uri=${encodeURIComponent(query)}`, { method, headers: h as Record<string, string>, ...(method === 'GET' ? {} : { body: text }) })
        expect(res.status).toBeLessThan(500)
        const type = res.headers.get('content-type') ?? ''
        const out = await res.text()
        if (type.startsWith('application/json')) {
          const parsed = JSON.parse(out) as Record<string, unknown>
          // v3 envelope, v2 envelope, GraphQL response, SystemInfoResp, a CAS session, or mockidp's 404
          expect(['statusCode' in parsed, 'code' in parsed, 'errors' in parsed || 'data' in parsed, 'rsa' in parsed, 'session' in parsed, parsed.error === 'not_found'].some(Boolean)).toBe(true)
        } else if (path === '/svg-string/guard') expect(type).toMatch(/^image\/svg\+xml/)
        else if (res.status !== 302) expect(type).toMatch(/^text\/html/)
      }),
      { numRuns: RUNS, seed: SEED },
    )
    const ok = await idp.request(`${base}/api/v3/signin`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-authing-app-id': 'spa-client' }, body: JSON.stringify({ connection: 'PASSWORD', passwordPayload: { username: 'test1', password: 'test1' } }) })
    expect(((await ok.json()) as { statusCode: number }).statusCode).toBe(200)
  }, 120_000)
})

// Asgardeo's APIs (SCIM, branding, organizations, app-native /oauth2/authn) and the organization_switch grant
const ASG = '/asgardeo/t/bifrost'
const ASG_PATHS = ['/scim2/Me', '/o/scim2/Me', '/scim2/Schemas', '/o/scim2/Schemas', '/api/server/v1/branding-preference/resolve', '/api/server/v1/branding-preference/logo.svg', '/api/users/v1/me/organizations', '/oauth2/authn']
const ORG_IDS = ['5f0c5e6a-2b7d-4a39-9c1e-7d3b2a8f4e61', 'c2d9e4b7-8a16-4f0e-b5c3-1e6f9a7d2b84', '13a9526a-63fb-4710-beea-fceebfb3833b', '__proto__', '']

describe('hostile input to Asgardeo\'s APIs and the organization_switch grant', () => {
  it(`never answers 5xx; SCIM errors or Asgardeo JSON; a switch still works after (${RUNS} runs)`, async () => {
    const idp = makeIdp()
    const tok = await idp.request(`${ASG}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('z8RB6ysdDZhe4QO0zJAQzKbi6P4a:z0C79zlopx8i7ByOw8K15A9dplYa').toString('base64')}` }, body: 'grant_type=password&username=alice%40bifrost.com&password=alice&scope=openid' })
    const live = ((await tok.json()) as { access_token: string }).access_token
    const token = fc.oneof(fc.constant(live), fc.constantFrom('', 'a.b.c', '0b7e7f0e-6f6a-3c59-a9f1-6c0f5b0c0b5e', '%zz'), fc.string({ maxLength: 40 }))
    const api = fc.record({ kind: fc.constant('api' as const), path: fc.constantFrom(...ASG_PATHS), method: fc.constantFrom('GET', 'POST', 'DELETE'), auth: fc.oneof(token.map((t) => `Bearer ${t}`), fc.string({ maxLength: 30 })), query: fc.string({ maxLength: 30 }), text: body })
    const grant = fc.record({
      kind: fc.constant('grant' as const),
      fields: fc.record({ grant_type: fc.constantFrom('organization_switch', 'organization_switch '), client_id: fc.constantFrom('spa-client', 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', '', 'nope'), token, switching_organization: fc.oneof(fc.constantFrom(...ORG_IDS), fc.string({ maxLength: 40 })), scope: fc.oneof(fc.constantFrom('openid', 'openid profile email', ''), fc.string({ maxLength: 20 })) }, { requiredKeys: [] }),
    })
    const direct = (extra: string) => idp.request(`${ASG}/oauth2/authorize`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `client_id=spa-client&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A5173%2Fcallback&scope=openid&response_mode=direct&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256${extra}` })
    const flowId = ((await (await direct('')).json()) as { flowId: string }).flowId
    const authn = fc.record({
      kind: fc.constant('authn' as const),
      body: fc.record({ flowId: fc.oneof(fc.constant(flowId), scalar), selectedAuthenticator: fc.oneof(fc.record({ authenticatorId: fc.oneof(fc.constant('QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM'), scalar), params: fc.oneof(fc.record({ username: fc.oneof(fc.constantFrom('alice@bifrost.com', 'test1'), scalar), password: fc.oneof(fc.constantFrom('x', 'alice'), scalar) }, { requiredKeys: [] }), jsonValue) }, { requiredKeys: [] }), jsonValue) }, { requiredKeys: [] }),
    })
    await fc.assert(
      fc.asyncProperty(fc.oneof(api, grant, authn), async (req) => {
        let res: Response
        if (req.kind === 'authn') {
          res = await idp.request(`${ASG}/oauth2/authn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req.body) })
        } else if (req.kind === 'api') {
          res = await idp.request(`${ASG}${req.path}?locale=${encodeURIComponent(req.query)}`, { method: req.method, headers: { authorization: req.auth, 'content-type': 'application/json' }, ...(req.method === 'GET' ? {} : { body: req.text }) })
        } else {
          const form = new URLSearchParams(Object.entries(req.fields).filter((e): e is [string, string] => e[1] !== undefined)).toString()
          res = await idp.request(`${ASG}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })
        }
        expect(res.status).toBeLessThan(500)
        const type = res.headers.get('content-type') ?? ''
        const out = await res.text()
        if (type.startsWith('image/svg+xml')) return
        expect(type).toMatch(/^application\/json/)
        const parsed = JSON.parse(out) as Record<string, unknown>
        if (res.status === 401 && req.kind === 'api' && req.path.includes('scim2')) expect(parsed.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error'])
        if (req.kind === 'grant' && res.status !== 200) expect(typeof parsed.error).toBe('string')
        if (req.kind === 'authn') expect(res.status === 200 ? typeof parsed.flowStatus : parsed.code).toMatch(/^(string|ABA-6000[12])$/)
      }),
      { numRuns: RUNS, seed: SEED },
    )
    const ok = await idp.request(`${ASG}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=organization_switch&client_id=spa-client&token=${live}&switching_organization=${ORG_IDS[0]}&scope=openid` })
    expect(ok.status).toBe(200)
    const fresh = ((await (await direct('&state=after')).json()) as { flowId: string }).flowId
    const signedIn = await idp.request(`${ASG}/oauth2/authn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flowId: fresh, selectedAuthenticator: { authenticatorId: 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM', params: { username: 'alice@bifrost.com', password: 'alice' } } }) })
    expect(((await signedIn.json()) as { flowStatus: string }).flowStatus).toBe('SUCCESS_COMPLETED')
  }, 120_000)
})
