import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'
import { TENANTS } from '../helpers/idp.js'

// The admin API's bulk operations — revoke a client's tokens, end a user's sessions — and PingOne's
// idpSignoff go through the store, so with Redis they reach what another replica issued.
requireRedis('test/store/bulk-replicas.test.ts')

const ASG = TENANTS.find((t) => t.id === 'asgardeo-demo')!
let redis: TestRedis
let a: MockIdp
let b: MockIdp
beforeAll(async () => {
  if (!HAVE_REDIS) return
  redis = await startRedis()
  a = await startMockIdp({ store: redis.url, env: {} })
  b = await startMockIdp({ store: redis.url, env: {} })
})
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.stop()
})

/** A login at `idp` (login_hint signs test1 in): the code and the SSO session cookie. */
async function signIn(idp: MockIdp, extra: Record<string, string> = {}): Promise<{ code: string; cookie: string }> {
  const q = new URLSearchParams({ response_type: 'code', client_id: ASG.clientId, redirect_uri: ASG.redirectUri, scope: ASG.scope, login_hint: 'test1', ...extra })
  const res = await fetch(`${idp.url}${ASG.authorize}?${q}`, { redirect: 'manual' })
  expect(res.status).toBe(302)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return { code: new URL(res.headers.get('location')!).searchParams.get('code')!, cookie }
}

const redeem = async (idp: MockIdp, code: string) => {
  const res = await fetch(`${idp.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ASG.redirectUri, client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
  expect(res.status).toBe(200)
  return (await res.json()) as { access_token: string; refresh_token?: string }
}

const userinfo = (idp: MockIdp, token: string) => fetch(`${idp.url}${ASG.userinfo}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status)

describe.skipIf(!HAVE_REDIS)('bulk operations over a shared store', () => {
  it("revokeTokens at A revokes the tokens B issued (counted once), and B then refuses them", async () => {
    const tokens = await redeem(b, (await signIn(b)).code)
    expect(await userinfo(a, tokens.access_token)).toBe(200)
    const first = await a.tenant(ASG.id).revokeTokens({ clientId: ASG.clientId })
    // a fresh Redis: exactly what B issued — one opaque access token, and its refresh token
    expect(tokens.refresh_token).toMatch(/^[0-9a-f-]{36}$/)
    expect(first).toEqual({ refreshTokens: 1, accessTokens: 1, jwtAccessTokens: 0 })
    expect(await userinfo(b, tokens.access_token)).toBe(401)
    // revoked already: a second call finds nothing left to revoke, at either replica
    expect(await b.tenant(ASG.id).revokeTokens({ clientId: ASG.clientId })).toEqual({ refreshTokens: 0, accessTokens: 0, jwtAccessTokens: 0 })
  })

  it('endSessions at A ends the session B started: prompt=none at B then answers login_required', async () => {
    const { cookie } = await signIn(b)
    const silent = new URLSearchParams({ response_type: 'code', client_id: ASG.clientId, redirect_uri: ASG.redirectUri, scope: ASG.scope, prompt: 'none' })
    const before = await fetch(`${b.url}${ASG.authorize}?${silent}`, { redirect: 'manual', headers: { cookie } })
    expect(new URL(before.headers.get('location')!).searchParams.get('code')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) // an Asgardeo code
    const ended = await a.tenant(ASG.id).endSessions({ user: 'test1' })
    expect(ended.ended).toBeGreaterThanOrEqual(1)
    const after = await fetch(`${b.url}${ASG.authorize}?${silent}`, { redirect: 'manual', headers: { cookie } })
    expect(new URL(after.headers.get('location')!).searchParams.get('error')).toBe('login_required')
  })
})
