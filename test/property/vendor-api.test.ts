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
