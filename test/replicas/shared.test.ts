// Two mocks on one real redis-server answer as one: what a replica shares beyond tokens — the
// journal, faults, run-time users and clients, the clock, signing keys, resets and config reloads
// (README: "Several replicas"). Each replica is a startMockIdp with the same config file and seed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createClient } from 'redis'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'

requireRedis('test/replicas/shared.test.ts')

const DEFAULT_CONFIG = new URL('../../mockidp.config.json', import.meta.url)
const AUTHING = '/authing/demo/oidc'
const CLIENT = '5e37979f7b757ead14c534af'
const SECRET = '64b517f8de3648091654eb4ee9b479d3'
const json = { 'content-type': 'application/json' }

describe.skipIf(!HAVE_REDIS)('replicas on one Redis share more than tokens', () => {
  let redis: TestRedis
  let dir: string
  let file: string
  const running: MockIdp[] = []

  const start = async (configFile = file) => {
    const idp = await startMockIdp({ configFile, store: redis.url, env: {} })
    running.push(idp)
    return idp
  }
  const pair = async () => [await start(), await start()] as const
  const admin = (idp: MockIdp, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    fetch(`${idp.url}/_mockidp${path}`, { method, headers: json, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })

  beforeAll(async () => {
    redis = await startRedis()
    dir = mkdtempSync(join(tmpdir(), 'mockidp-replicas-'))
    file = join(dir, 'mockidp.config.json')
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(DEFAULT_CONFIG, 'utf8')), seed: 'replicas', clock: '2026-01-01T00:00:00Z' }, null, 2))
  })
  afterEach(async () => {
    for (const idp of running.splice(0)) await idp.stop()
    const c = createClient({ url: redis.url })
    await c.connect()
    await c.flushAll()
    await c.close()
  })
  afterAll(async () => {
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it("the journal of A lists B's requests, in one sequence, over HTTP, programmatically and live in the console stream", async () => {
    const [a, b] = await pair()
    // the console's live list at A, open before B is asked anything
    const events = await fetch(`${a.url}/_mockidp/journal/events`)
    const reader = events.body!.getReader()
    await fetch(`${a.url}${AUTHING}/.well-known/openid-configuration`)
    const refused = await fetch(`${b.url}${AUTHING}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT}:${SECRET}`).toString('base64')}` },
      body: 'grant_type=authorization_code&code=nope&redirect_uri=https%3A%2F%2Fbaidu.com',
    })
    expect(refused.status).toBe(400)
    const { entries } = (await (await admin(a, '/journal')).json()) as { entries: Record<string, unknown>[] }
    expect(entries.map((e) => [e.seq, e.method, e.endpoint, e.status])).toEqual([
      [1, 'GET', 'discovery', 200],
      [2, 'POST', 'token', 400],
    ])
    const token = entries[1]!
    expect(token).toMatchObject({ tenant: 'authing-demo', clientId: CLIENT, clientAuthMethod: 'client_secret_basic', grantType: 'authorization_code', error: 'invalid_grant', authorization: 'Basic [redacted]' })
    // B's own journal is the same list
    expect(((await (await admin(b, '/journal?endpoint=token')).json()) as { entries: unknown[] }).entries).toEqual([token])
    // the secret never reached Redis
    const c = createClient({ url: redis.url })
    await c.connect()
    const raw = JSON.stringify(await c.sendCommand(['XRANGE', 'mockidp:journal', '-', '+']))
    await c.close()
    expect(raw).toContain(Buffer.from(`${CLIENT}:[redacted]`).toString('base64'))
    expect(raw).not.toContain(Buffer.from(`${CLIENT}:${SECRET}`).toString('base64'))
    expect(raw).not.toContain(SECRET)
    // the programmatic journal() of A (its copy, filled from the stream)
    await expect.poll(() => a.journal().map((e) => e.seq)).toEqual([1, 2])
    expect(a.journal({ endpoint: 'token' })[0]).toEqual(token)
    // the live stream at A carried B's request too
    let text = ''
    const decoder = new TextDecoder()
    while (!text.includes('"endpoint":"token"')) text += decoder.decode((await reader.read()).value)
    await reader.cancel()
    expect(text).toMatch(/"seq":2,[^\n]*"path":"\/authing\/demo\/oidc\/token"/)
  })

  it('a fault injected at B answers at A; a times: 1 fault answers exactly one request across both', async () => {
    const [a, b] = await pair()
    const injected = (await (await admin(b, '/faults', { tenant: 'authing-demo', endpoint: 'discovery', kind: 'status', status: 503 })).json()) as { id: string }
    expect((await fetch(`${a.url}${AUTHING}/.well-known/openid-configuration`)).status).toBe(503)
    expect(((await (await admin(a, '/faults')).json()) as { faults: { id: string; hits: number }[] }).faults).toEqual([expect.objectContaining({ id: injected.id, hits: 1 })])
    // removed at A: gone at B
    expect((await admin(a, `/faults/${injected.id}`, undefined, 'DELETE')).status).toBe(204)
    expect((await fetch(`${b.url}${AUTHING}/.well-known/openid-configuration`)).status).toBe(200)

    await admin(b, '/faults', { tenant: 'authing-demo', endpoint: 'discovery', kind: 'status', status: 503, times: 1 })
    // twenty requests at once, half at each replica: the count is kept in Redis, so one is faulted
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${(i % 2 ? a : b).url}${AUTHING}/.well-known/openid-configuration`).then((r) => r.status)))
    expect(statuses.filter((s) => s === 503)).toHaveLength(1)
    expect(statuses.filter((s) => s === 200)).toHaveLength(19)
    expect(((await (await admin(a, '/faults')).json()) as { faults: unknown[] }).faults).toEqual([])
    expect(b.faults()).toEqual([])
  })

  it('a user added at A signs in at B (and a client added at A is known at B)', async () => {
    const [a, b] = await pair()
    expect((await admin(a, '/tenants/authing-demo/users', { sub: 'u-carol', username: 'carol', email: 'carol@example.com', name: 'Carol' })).status).toBe(201)
    expect((await admin(a, '/tenants/authing-demo/clients', { clientId: 'late-app', clientSecret: 'late-secret', redirectUris: ['http://localhost:4000/cb'] })).status).toBe(201)
    // B's login page takes carol's password (the default one) and signs her in
    const authorize = `${b.url}${AUTHING}/auth?client_id=late-app&redirect_uri=${encodeURIComponent('http://localhost:4000/cb')}&response_type=code&scope=openid&state=s1`
    const page = await fetch(authorize)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('carol')
    // a "sign in as" queued at A is taken by B's authorization endpoint
    expect((await admin(a, '/tenants/authing-demo/next-sign-in', { user: 'carol', clientId: 'late-app' })).status).toBe(201)
    const signedIn = await fetch(authorize, { redirect: 'manual' })
    expect(signedIn.status).toBe(302)
    const location = new URL(signedIn.headers.get('location')!)
    expect(location.origin + location.pathname).toBe('http://localhost:4000/cb')
    // an Authing /oidc code: 43 base64url characters
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(location.searchParams.get('state')).toBe('s1')
    // taken: a second authorization at A shows the login page again
    expect((await fetch(authorize.replace(b.url, a.url), { redirect: 'manual' })).status).toBe(200)
    // removed at B: gone at A
    expect((await admin(b, '/tenants/authing-demo/users/carol', undefined, 'DELETE')).status).toBe(204)
    const users = (await (await admin(a, '/tenants/authing-demo/users')).json()) as { users: { sub: string }[] }
    expect(users.users.map((u) => u.sub)).not.toContain('u-carol')
    expect(users.users.length).toBeGreaterThan(0)
  })

  it('one queued "sign in as" signs in exactly once when twenty authorization requests race for it across both replicas', async () => {
    const [a, b] = await pair()
    expect((await admin(a, '/tenants/authing-demo/next-sign-in', { user: 'test1', clientId: CLIENT })).status).toBe(201)
    const q = `client_id=${CLIENT}&redirect_uri=${encodeURIComponent('http://localhost:3000/callback')}&response_type=code&scope=openid`
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${(i % 2 ? a : b).url}${AUTHING}/auth?${q}&state=r${i}`, { redirect: 'manual' }).then((r) => r.status)))
    // the claim is one SET NX in Redis: one redirect with a code, nineteen login pages
    expect(statuses.filter((s) => s === 302)).toHaveLength(1)
    expect(statuses.filter((s) => s === 200)).toHaveLength(19)
  })

  it('a clock advanced at A moves B; a replica started later reads the same time', async () => {
    const [a, b] = await pair()
    expect(await (await admin(b, '/clock')).json()).toEqual({ now: '2026-01-01T00:00:00.000Z', frozen: true })
    expect(await (await admin(a, '/clock', { advance: '1h30m' })).json()).toEqual({ now: '2026-01-01T01:30:00.000Z', frozen: true })
    expect(await (await admin(b, '/clock')).json()).toEqual({ now: '2026-01-01T01:30:00.000Z', frozen: true })
    await b.setClock({ set: '2030-05-05T05:05:05Z' })
    await expect.poll(() => a.getClock().now).toBe('2030-05-05T05:05:05.000Z')
    const c = await start()
    expect(c.getClock()).toEqual({ now: '2030-05-05T05:05:05.000Z', frozen: true })
    // tokens issued at A after the change carry the shared time
    const { id_token } = await a.tenant('authing-demo').issueTokens({ user: 'test1' })
    expect(JSON.parse(Buffer.from(id_token!.split('.')[1]!, 'base64url').toString()).iat).toBe(Date.parse('2030-05-05T05:05:05Z') / 1000)
  })

  it('keys rotated at A sign and verify at B; a reset at A resets B', async () => {
    const [a, b] = await pair()
    const before = ((await (await fetch(`${b.url}${AUTHING}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
    const rotated = (await (await admin(a, '/tenants/authing-demo/keys/rotate', { graceSeconds: 60 })).json()) as { kid: string }
    expect(((await (await fetch(`${b.url}${AUTHING}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([rotated.kid, ...before])
    const { id_token } = await b.tenant('authing-demo').issueTokens({ user: 'test1' })
    expect(JSON.parse(Buffer.from(id_token!.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.kid)

    await admin(a, '/tenants/authing-demo/users', { sub: 'u-dave', username: 'dave' })
    await admin(b, '/faults', { tenant: 'authing-demo', endpoint: 'userinfo', kind: 'status', status: 500 })
    expect(((await (await admin(b, '/tenants/authing-demo/users')).json()) as { users: { sub: string }[] }).users.some((u) => u.sub === 'u-dave')).toBe(true)
    expect((await admin(a, '/reset', {})).status).toBe(200)
    // answered once B has reset too
    expect(((await (await admin(b, '/tenants/authing-demo/users')).json()) as { users: { sub: string }[] }).users.some((u) => u.sub === 'u-dave')).toBe(false)
    expect(((await (await admin(b, '/journal')).json()) as { entries: unknown[] }).entries).toEqual([])
    expect(b.journal()).toEqual([])
    expect(b.faults()).toEqual([])
    expect(((await (await fetch(`${b.url}${AUTHING}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual(before)
    // a replica started after the reset sees none of it either
    const c = await start()
    expect(c.tenant('authing-demo').clientIds).toEqual(a.tenant('authing-demo').clientIds)
    expect(((await (await admin(c, '/tenants/authing-demo/users')).json()) as { users: { sub: string }[] }).users.map((u) => u.sub)).not.toContain('u-dave')
  })

  it('a replica started before its Redis serves at once, and takes the shared state once Redis answers', async () => {
    await redis.kill()
    const lines: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    let early: MockIdp
    try {
      const t0 = performance.now()
      early = await start()
      expect(performance.now() - t0).toBeLessThan(5000)
      expect(lines.join('\n')).toContain('Redis is not answering yet; this replica takes the shared journal, faults, fixtures, clock and keys once it does')
    } finally {
      spy.mockRestore()
    }
    await redis.restart()
    const a = await start()
    await admin(a, '/clock', { set: '2031-01-01T00:00:00Z' })
    await admin(a, '/faults', { tenant: 'authing-demo', endpoint: 'jwks', kind: 'status', status: 503 })
    // the early replica reconnects (backoff up to 2 s), subscribes and reads what was shared meanwhile
    await expect.poll(async () => (await fetch(`${early.url}${AUTHING}/.well-known/jwks.json`)).status, { timeout: 8000 }).toBe(503)
    expect(early.getClock().now).toBe('2031-01-01T00:00:00.000Z')
    // and from then on hears changes as they happen
    await admin(a, '/clock', { advance: '1d' })
    await expect.poll(() => early.getClock().now).toBe('2031-01-02T00:00:00.000Z')
  })

  it('a reload while Redis is away is applied here and answered, never a 500; the log says the others were not told', async () => {
    const a = await start()
    const lines: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    await redis.kill()
    try {
      const res = await admin(a, '/reload', {})
      expect(res.status, await res.clone().text()).toBe(200)
      expect(lines.join('\n')).toMatch(/reloaded .*mockidp\.config\.json here, but could not tell the other replicas/)
    } finally {
      spy.mockRestore()
      await redis.restart()
    }
  })

  it('a reload at A is seen by B, which re-reads its own file; a replica whose file differs says so', async () => {
    const [a, b] = await pair()
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as { tenants: { id: string; users: { sub: string; username: string }[] }[] }
    cfg.tenants.find((t) => t.id === 'authing-demo')!.users.push({ sub: 'u-erin', username: 'erin' })
    writeFileSync(file, JSON.stringify(cfg, null, 2))
    const lines: string[] = []
    const spy = vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    // a refresh token issued before the reload (stored in Redis) outlives it, at either replica
    const { refresh_token } = await a.tenant('authing-demo').issueTokens({ user: 'test1', clientId: CLIENT, scope: 'openid offline_access' })
    expect(refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    try {
      expect((await admin(a, '/reload', {})).status).toBe(200)
      // answered once B has re-read its file too
      expect(((await (await admin(b, '/tenants/authing-demo/users')).json()) as { users: { sub: string }[] }).users.map((u) => u.sub)).toContain('u-erin')
      expect(lines.join('\n')).toMatch(/reloaded .*mockidp\.config\.json \(config version 2, announced by replica /)
      const refreshed = await fetch(`${b.url}${AUTHING}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh_token!, client_id: CLIENT, client_secret: SECRET }).toString() })
      expect(refreshed.status, await refreshed.clone().text()).toBe(200)

      // a third replica with another file: started, it says its config differs from the announced one
      const other = join(dir, 'other.json')
      writeFileSync(other, readFileSync(DEFAULT_CONFIG, 'utf8'))
      await start(other)
      const mismatch = lines.find((l) => l.includes('CONFIG MISMATCH'))
      expect(mismatch).toMatch(new RegExp(`this replica's config \\(${other.replace(/[.]/g, '\\.')}, sha256 [0-9a-f]{16}\\) differs from version 2 announced by replica `))
      expect(mismatch).toContain('replicas will answer differently until each loads the same file')
    } finally {
      spy.mockRestore()
    }
  })
})
