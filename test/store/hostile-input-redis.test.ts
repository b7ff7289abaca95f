import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { attachStore, createIdp, type Idp } from '../../src/runtime/idp.js'
import { buildApp } from '../../src/server/app.js'
import { authorize, defaultCfg, ORIGIN, post, TENANTS } from '../helpers/idp.js'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'

// The property test's rule — no 5xx to any input — with the state in a real Redis: an outage is a
// 503, but an input never is. (Fewer runs than test/property: every request is a Redis round trip.)
requireRedis('test/store/hostile-input-redis.test.ts')
const RUNS = Number(process.env.FC_RUNS_REDIS ?? 1000)
const SEED = Number(process.env.FC_SEED ?? 20261123)

const PARAMS = ['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret', 'code_verifier', 'refresh_token', 'scope', 'token', 'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt', 'login_hint', 'max_age', 'id_token_hint', 'post_logout_redirect_uri', 'request_uri', 'device_code', 'user_code', 'mockidp_action', 'mockidp_user']
const value = fc.oneof(
  fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'openid profile', 'S256', 'none', 'login', 'test1', '5e37979f7b757ead14c534af', 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', 'http://localhost:3000/callback', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:request_uri:x', 'approve', '%zz', '\u0000', '*', '[a]', 'a:b:c'),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
)
const formBody = fc.array(fc.tuple(fc.constantFrom(...PARAMS), value), { maxLength: 10 })

function endpoints(t: (typeof TENANTS)[number]): string[] {
  const root = t.token.replace(/\/token$/, '')
  const list = [t.token, t.authorize, t.userinfo, `${root}/introspect`, `${root}/revoke`, `${root}/token/introspection`, `${root}/token/revocation`, `${root}/session/end`, `${root}/signoff`]
  if (t.id === 'asgardeo-demo') list.push('/asgardeo/t/bifrost/oidc/logout', `${root}/par`, `${root}/device_authorize`, '/asgardeo/t/bifrost/authenticationendpoint/device.do')
  if (t.id === 'pingone-demo') list.push(`${root}/par`, `${root}/device_authorization`, '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/device')
  return list
}

let redis: TestRedis
let core: Idp
let request: (path: string, init?: RequestInit) => Promise<Response>
beforeAll(async () => {
  if (!HAVE_REDIS) return
  redis = await startRedis()
  const { config, profiles } = loadConfig({ config: defaultCfg(), env: {}, store: redis.url })
  core = createIdp(config, profiles)
  await attachStore(core, () => {})
  const app = buildApp(core, core.tenants)
  request = async (path, init = {}) => {
    const headers = new Headers(init.headers)
    headers.set('host', new URL(ORIGIN).host)
    return app.request(path, { ...init, headers })
  }
})
afterAll(async () => {
  await core?.redis?.close()
  await redis?.stop()
})

describe.skipIf(!HAVE_REDIS)('hostile input with a Redis store', () => {
  it.each(TENANTS)(`$id: never answers 5xx while Redis is up; a normal flow still works after (${RUNS} runs)`, async (t) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints(t)), fc.constantFrom('GET', 'POST'), formBody, async (path, method, pairs) => {
        const encoded = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
        const res = await request(method === 'GET' ? `${path}?${encoded}` : path, method === 'GET' ? {} : { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encoded })
        expect(res.status).toBeLessThan(500)
        await res.arrayBuffer()
      }),
      { numRuns: RUNS, seed: SEED },
    )
    const { code } = await authorize({ request } as never, t)
    const ok = await request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
    expect(ok.status).toBe(200)
  }, 120_000)
})
