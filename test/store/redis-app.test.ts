import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'
import { TENANTS } from '../helpers/idp.js'

// startMockIdp({ store }) in process against a real redis-server: what lands in Redis, and how.
requireRedis('test/store/redis-app.test.ts')

const ASG = TENANTS.find((t) => t.id === 'asgardeo-demo')!
let redis: TestRedis
let raw: ReturnType<typeof createClient>
beforeAll(async () => {
  if (!HAVE_REDIS) return
  redis = await startRedis()
  raw = createClient({ url: redis.url })
  await raw.connect()
})
afterAll(async () => {
  await raw?.close()
  await redis?.stop()
})

const codeAt = async (idp: MockIdp): Promise<string> => {
  const q = new URLSearchParams({ response_type: 'code', client_id: ASG.clientId, redirect_uri: ASG.redirectUri, scope: ASG.scope, login_hint: 'test1' })
  const res = await fetch(`${idp.url}${ASG.authorize}?${q}`, { redirect: 'manual' })
  return new URL(res.headers.get('location')!).searchParams.get('code')!
}

describe.skipIf(!HAVE_REDIS)('a Redis-backed mock', () => {
  it('stores a code under mockidp:<tenant>:code: with PX = the profile\'s code lifetime (Asgardeo: 300 s)', async () => {
    const idp = await startMockIdp({ store: redis.url, env: {} })
    try {
      const code = await codeAt(idp)
      expect(code).toMatch(/^[0-9a-f-]{36}$/)
      const ttl = await raw.pTTL(`mockidp:asgardeo-demo:code:${code}`)
      expect(ttl).toBeGreaterThan(298_000)
      expect(ttl).toBeLessThanOrEqual(300_000)
      // nothing of the tenant lives outside its prefix; beside the tenants' keys only what replicas
      // share beyond tokens (runtime/shared-state.ts: journal, faults, clock, keys, config, fixtures)
      const keys = await raw.keys('*')
      expect(keys.length).toBeGreaterThan(0)
      for (const k of keys) expect(k).toMatch(/^mockidp:([a-z]+-demo:(code|session|rt|at|jti|fam|famx|par|device|usercode|direct|signin):|(journal|journal:seq|faults|clock|keys|config|fixtures:[a-z]+-demo)$)/)
      expect(keys).toContain(`mockidp:asgardeo-demo:code:${code}`)
    } finally {
      await idp.stop()
    }
  })

  it('store.prefix keeps two deployments apart in one Redis; a reset clears only its own', async () => {
    const teamA = await startMockIdp({ store: redis.url, config: { store: { prefix: 'team-a:' } } as never, env: {} })
    const teamB = await startMockIdp({ store: redis.url, config: { store: { prefix: 'team-b:' } } as never, env: {} })
    try {
      const code = await codeAt(teamA)
      expect(await raw.exists(`team-a:asgardeo-demo:code:${code}`)).toBe(1)
      // team B's mock does not know team A's code
      const res = await fetch(`${teamB.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ASG.redirectUri, client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
      expect(res.status).toBe(400)
      const other = await codeAt(teamB)
      teamA.reset()
      // reset() deletes in the background: wait for it rather than a fixed time
      await expect.poll(() => raw.exists(`team-a:asgardeo-demo:code:${code}`), { timeout: 5000 }).toBe(0)
      expect(await raw.exists(`team-b:asgardeo-demo:code:${other}`)).toBe(1)
    } finally {
      await Promise.all([teamA.stop(), teamB.stop()])
    }
  })

  it('a write Redis refuses at its maxmemory is limit_reached (429 temporarily_unavailable naming maxmemory), not an eviction', async () => {
    const idp = await startMockIdp({ store: redis.url, env: {} })
    await raw.configSet('maxmemory', '1')
    try {
      const q = new URLSearchParams({ response_type: 'code', client_id: ASG.clientId, redirect_uri: ASG.redirectUri, scope: ASG.scope, login_hint: 'test1', state: 'full' })
      const res = await fetch(`${idp.url}${ASG.authorize}?${q}`, { redirect: 'manual' })
      const loc = new URL(res.headers.get('location')!)
      expect([loc.searchParams.get('error'), loc.searchParams.get('state')]).toEqual(['temporarily_unavailable', 'full'])
      expect(loc.searchParams.get('error_description')).toMatch(/refused the write: it holds its maxmemory .*nothing live was evicted/)
      const tok = await fetch(`${idp.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
      const body = (await tok.json()) as Record<string, string>
      expect([tok.status, body.error]).toEqual([429, 'temporarily_unavailable'])
      expect(body.error_description).toContain('maxmemory')
    } finally {
      await raw.configSet('maxmemory', '0')
      await idp.stop()
    }
  })

  it('createCode stays synchronous: the write goes out at once, the next request redeems it, and another replica then finds it used', async () => {
    const one = await startMockIdp({ store: redis.url, env: {} })
    const two = await startMockIdp({ store: redis.url, env: {} })
    try {
      const code = one.tenant(ASG.id).createCode({ clientId: ASG.clientId, redirectUri: ASG.redirectUri, user: 'test1', scope: 'openid' })
      expect(typeof code).toBe('string')
      const redeem = (idp: MockIdp) =>
        fetch(`${idp.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ASG.redirectUri, client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
      // this process's next command comes after the write on the same connection: redeemable at once
      const first = await redeem(one)
      expect([first.status, await first.text()]).toEqual([200, expect.stringContaining('access_token')])
      const again = await redeem(two)
      expect([again.status, ((await again.json()) as Record<string, string>).error]).toEqual([400, 'invalid_grant'])
    } finally {
      await Promise.all([one.stop(), two.stop()])
    }
  })

  it('config codes are shared: one redeemed at one mock is used at the other, and a second mock starting does not bring it back', async () => {
    const config = { tenants: [{ id: ASG.id, codes: [{ code: 'fixture-code-1', clientId: ASG.clientId, redirectUri: ASG.redirectUri, user: 'test1', scope: 'openid' }] }] } as never
    const one = await startMockIdp({ store: redis.url, config, env: {} })
    try {
      const redeem = (idp: MockIdp) =>
        fetch(`${idp.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'fixture-code-1', redirect_uri: ASG.redirectUri, client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
      expect((await redeem(one)).status).toBe(200)
      const two = await startMockIdp({ store: redis.url, config, env: {} })
      try {
        expect((await redeem(two)).status).toBe(400)
        // a reset starts the shared state over: the fixture code is usable again, everywhere
        two.reset()
        expect((await redeem(one)).status).toBe(200)
      } finally {
        await two.stop()
      }
    } finally {
      await one.stop()
    }
  })

  it('a start that fails (a busy port) closes its Redis connections: none is left behind', async () => {
    // a Redis of its own: no connection of another test's mock still closing is counted
    const own = await startRedis()
    const probe = createClient({ url: own.url })
    await probe.connect()
    const clients = async () => String(await probe.sendCommand(['CLIENT', 'LIST'])).trim().split('\n').length
    const busy = await startMockIdp({ env: {} })
    try {
      expect(await clients()).toBe(1)
      await expect(startMockIdp({ store: own.url, port: busy.port, env: {} })).rejects.toThrow(/EADDRINUSE|in use/)
      await expect.poll(clients, { timeout: 5000 }).toBe(1) // the probe's own
    } finally {
      await busy.stop()
      await probe.close()
      await own.stop()
    }
  })

  it('a hung Redis (paused: no reset, no reply) is answered within the timeout, never a hang; health turns 503 and back', async () => {
    const idp = await startMockIdp({ store: redis.url, env: {} })
    try {
      const code = await codeAt(idp)
      await redis.pause()
      const t0 = Date.now()
      const res = await fetch(`${idp.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ASG.redirectUri, client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
      const body = (await res.json()) as Record<string, string>
      expect([res.status, body.error]).toEqual([503, 'temporarily_unavailable'])
      expect(body.error_description).toContain('it did not answer within 1000 ms')
      expect(Date.now() - t0).toBeLessThan(1800)
      expect((await fetch(`${idp.url}/healthz`)).status).toBe(503)
      await redis.resume()
      // the code was never redeemed: once Redis answers it still can be
      const ok = await fetch(`${idp.url}${ASG.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: ASG.redirectUri, client_id: ASG.clientId, client_secret: ASG.clientSecret }) })
      expect(ok.status).toBe(200)
      expect((await fetch(`${idp.url}/healthz`)).status).toBe(200)
    } finally {
      await redis.resume()
      await idp.stop()
    }
  })
})
