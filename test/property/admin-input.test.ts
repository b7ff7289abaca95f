import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, InputError, NotFound, type MockIdp } from '../../src/index.js'
import { ADMIN_PATH } from '../../src/journal/observe.js'
import { makeIdp } from '../helpers/idp.js'

// The admin HTTP API and the programmatic API get the same treatment as the OAuth endpoints in
// hostile-input.test.ts: random shapes and hostile values, seeded so a failure reproduces
// (FC_RUNS=20000 FC_SEED=7 npx vitest run test/property). Never a 5xx, never a raw TypeError, and
// every refusal names where the problem is (a JSON path, the argument, or the missing thing).
const RUNS = Number(process.env.FC_RUNS ?? 600)
const SEED = Number(process.env.FC_SEED ?? 20261201)

const KEYS = ['user', 'clientId', 'scope', 'claims', 'sub', 'expiresIn', 'expired', 'nonce', 'server', 'redirectUri', 'codeChallenge', 'codeChallengeMethod', 'ttl', 'code', 'username', 'password', 'email', 'redirectUris', 'postLogoutRedirectUris', 'clientSecret', 'tokenEndpointAuthMethod', 'grantTypes', 'jwks', 'tenant', 'endpoint', 'kind', 'status', 'delayMs', 'times', 'reason', 'error', 'body', '__proto__', 'constructor']
const hostile = fc.oneof(
  fc.constantFrom('test1', 'alice', '5e37979f7b757ead14c534af', 'authing-demo', 'http://localhost:3000/callback', 'javascript:alert(1)', 'http://', 'http://[::1/cb', 'openid', 'S256', 'token', 'status', 'error', 'drop', 'delay', 'oidc', 'none', '', '\u0000', '%zz', '../../etc/passwd'),
  fc.constantFrom(0, -1, 1, 99, 100, 101, 204, 304, 503, 599, 600, 1e300, -1e300, 0.5, Number.MAX_SAFE_INTEGER),
  fc.constantFrom(null, true, false, [], {}, [1], ['openid', 5], { keys: 'x' }),
  fc.string({ maxLength: 20 }),
  fc.integer(),
)
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...KEYS), hostile, { maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
)
const segment = fc.oneof(fc.constantFrom('authing-demo', 'pingone-demo', 'nope', 'test1', 'fault-1', '5e37979f7b757ead14c534af', '%00', '..'), fc.string({ maxLength: 8 }).map(encodeURIComponent))
const ROUTES = ['/health', '/reset', '/reload', '/tenants', '/tenants/:t', '/tenants/:t/users', '/tenants/:t/users/:x', '/tenants/:t/clients', '/tenants/:t/clients/:x', '/tenants/:t/codes', '/tenants/:t/tokens', '/journal', '/faults', '/faults/:x', '/nope']
const query = fc.dictionary(fc.constantFrom('tenant', 'endpoint', 'status', 'limit', 'since', 'fault', 'method', 'clientId'), fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('-1', 'NaN', '1e400', 'true', '0')), { maxKeys: 4 })

/** A refusal names where: `path: …` (a JSON path, an argument) or what is missing (`no tenant "x"`). */
const PATH = String.raw`(\(root\)|[\w$-]+)(\.[\w$-]+|\(\w+\)|\[(\d+|"(?:[^"\\]|\\.)*")\])*`
const NAMES_WHERE = new RegExp(String.raw`(^|\n {2}- )${PATH}: |no (tenant|user|client|fault|admin endpoint|mockidp endpoint)\b|this mock was not started from a config file|larger than \d+ bytes|Content-Type: application/json`)

describe('hostile input to the admin HTTP API', () => {
  it(`never answers 5xx; every error is { error, error_description } naming where (${RUNS} runs)`, async () => {
    const idp = makeIdp()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), segment, segment, fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), body, query, fc.boolean(), async (route, t, x, method, payload, q, asText) => {
        const path = `${ADMIN_PATH}${route.replace(':t', t).replace(':x', x)}${Object.keys(q).length ? `?${new URLSearchParams(q)}` : ''}`
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        const withBody = method !== 'GET' && method !== 'DELETE'
        const res = await idp.request(path, { method, headers, ...(withBody ? { body: asText ? (JSON.stringify(payload) ?? '').slice(0, -1) : JSON.stringify(payload) } : {}) })
        expect(res.status, `${method} ${path} ${JSON.stringify(payload)}`).toBeLessThan(500)
        if (res.status >= 400 && res.status !== 405) {
          const e = (await res.json()) as { error: unknown; error_description: unknown }
          expect(typeof e.error).toBe('string')
          expect(typeof e.error_description).toBe('string')
          expect(e.error_description as string, `${method} ${path} ${JSON.stringify(payload)}`).toMatch(NAMES_WHERE)
        } else await res.arrayBuffer()
      }),
      { numRuns: RUNS, seed: SEED },
    )
    // and it still works
    const ok = await idp.request(`${ADMIN_PATH}/tenants/authing-demo/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"test1"}' })
    expect(ok.status).toBe(200)
  }, 120_000)
})

describe('hostile input to the programmatic API', () => {
  let idp: MockIdp
  beforeAll(async () => {
    idp = await startMockIdp({ env: {}, config: { clock: '2026-01-01T00:00:00Z' } })
  })
  afterAll(() => idp?.stop())

  const calls: Record<string, (arg: unknown) => unknown> = {
    issueTokens: (a) => idp.tenant('authing-demo').issueTokens(a as never),
    createCode: (a) => idp.tenant('authing-demo').createCode(a as never),
    upsertUser: (a) => idp.tenant('pingone-demo').upsertUser(a as never),
    upsertClient: (a) => idp.tenant('pingone-demo').upsertClient(a as never),
    injectFault: (a) => idp.injectFault(a as never),
    journal: (a) => idp.journal(a as never),
    clockAdvance: (a) => idp.clock.advance(a as never),
    clockSet: (a) => idp.clock.set(a as never),
  }

  it(`throws only InputError or NotFound, naming where; never a TypeError (${RUNS} runs)`, async () => {
    const now = idp.clock.now()
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(calls)), fc.oneof(body, hostile), async (name, arg) => {
        let err: unknown
        try {
          await calls[name]!(arg)
        } catch (e) {
          err = e
        }
        if (name.startsWith('clock')) idp.clock.set(now)
        if (err === undefined) return
        expect(err instanceof InputError || err instanceof NotFound, `${name}(${JSON.stringify(arg)}) threw ${String(err)}`).toBe(true)
        expect((err as Error).message, `${name}(${JSON.stringify(arg)})`).toMatch(NAMES_WHERE)
      }),
      { numRuns: RUNS, seed: SEED },
    )
    idp.reset()
    idp.clearFaults()
    expect((await idp.tenant('authing-demo').issueTokens({ user: 'test1' })).token_type).toBe('Bearer')
  }, 120_000)
})
