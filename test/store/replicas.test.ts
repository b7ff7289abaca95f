import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'
import { startReplicas, type Replica } from '../helpers/replicas.js'
import { TENANTS } from '../helpers/idp.js'

// Two real mockidp processes (node dist/cli.js --store redis://…) sharing one real redis-server.
requireRedis('test/store/replicas.test.ts')

const PING = TENANTS.find((t) => t.id === 'pingone-demo')!
const ASG = TENANTS.find((t) => t.id === 'asgardeo-demo')!

let redis: TestRedis
let a: Replica
let b: Replica
beforeAll(async () => {
  if (!HAVE_REDIS) return
  redis = await startRedis()
  ;[a, b] = (await startReplicas(2, redis.url)) as [Replica, Replica]
}, 30_000)
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.stop()
})

/** A code from the non-interactive authorize (login_hint) at `at`, with the session cookie it set. */
async function authorize(at: Replica, t = PING, extra: Record<string, string> = {}, cookie?: string): Promise<{ code: string | null; location: URL; cookie: string | undefined }> {
  const q = new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: t.scope, state: 's', ...extra })
  const res = await fetch(`${at.url}${t.authorize}?${q}`, { redirect: 'manual', headers: cookie ? { cookie } : {} })
  expect([302, 303]).toContain(res.status)
  const location = new URL(res.headers.get('location')!)
  return { code: location.searchParams.get('code'), location, cookie: res.headers.get('set-cookie')?.split(';')[0] }
}

const token = (at: Replica, fields: Record<string, string>, t = PING) =>
  fetch(`${at.url}${t.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: t.clientId, client_secret: t.clientSecret, ...fields }),
  })

describe.skipIf(!HAVE_REDIS)('two mockidp processes sharing one Redis', () => {
  it('a code issued by A is redeemed exactly once under 50 concurrent attempts split across A and B', async () => {
    const { code } = await authorize(a, PING, { login_hint: 'test1' })
    expect(code).toMatch(/\S{10,}/)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => token(i % 2 ? b : a, { grant_type: 'authorization_code', code: code!, redirect_uri: PING.redirectUri }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown>, at: i % 2 ? 'B' : 'A' }))),
    )
    const won = results.filter((r) => r.status === 200)
    expect(won).toHaveLength(1)
    expect(won[0]!.body.access_token).toBeTypeOf('string')
    const lost = results.filter((r) => r.status !== 200)
    expect(lost).toHaveLength(49)
    for (const r of lost) expect([r.status, r.body.error]).toEqual([400, 'invalid_grant'])
    // both replicas answered some of the losing attempts: the race really was across processes
    expect(new Set(lost.map((r) => r.at))).toEqual(new Set(['A', 'B']))
  })

  it('a refresh-token family rotated at A and replayed at B is revoked everywhere, successors too', async () => {
    const { code } = await authorize(a, PING, { login_hint: 'test1', nonce: 'n-family' })
    const first = (await (await token(a, { grant_type: 'authorization_code', code: code!, redirect_uri: PING.redirectUri })).json()) as Record<string, string>
    expect(first.refresh_token).toBeTypeOf('string')
    const rotatedRes = await token(a, { grant_type: 'refresh_token', refresh_token: first.refresh_token! })
    expect(rotatedRes.status).toBe(200)
    const rotated = (await rotatedRes.json()) as Record<string, string>
    expect(rotated.refresh_token).not.toBe(first.refresh_token)
    // the successor's access token works at B before the replay
    const me = (at: Replica, accessToken: string) => fetch(`${at.url}${PING.userinfo}`, { headers: { authorization: `Bearer ${accessToken}` } })
    expect((await me(b, rotated.access_token!)).status).toBe(200)

    const replay = await token(b, { grant_type: 'refresh_token', refresh_token: first.refresh_token! })
    expect([replay.status, ((await replay.json()) as Record<string, string>).error]).toEqual([400, 'invalid_grant'])
    // the successor refresh token is refused at both replicas, and every access token of the family is dead everywhere
    for (const at of [a, b]) {
      const next = await token(at, { grant_type: 'refresh_token', refresh_token: rotated.refresh_token! })
      expect([next.status, ((await next.json()) as Record<string, string>).error]).toEqual([400, 'invalid_grant'])
      expect((await me(at, rotated.access_token!)).status).toBe(401)
      expect((await me(at, first.access_token!)).status).toBe(401)
    }
  })

  it('a session started at A is found by B: prompt=none at B returns a code, redeemable at A', async () => {
    const started = await authorize(a, ASG, { login_hint: 'test1' })
    expect(started.code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) // an Asgardeo code
    expect(started.cookie).toMatch(/^mockidp_asgardeo_demo=\S+/)
    const silent = await authorize(b, ASG, { prompt: 'none', state: 'silent' }, started.cookie)
    expect(silent.location.searchParams.get('error')).toBeNull()
    expect(silent.code).toMatch(/^[0-9a-f-]{36}$/)
    const res = await token(a, { grant_type: 'authorization_code', code: silent.code!, redirect_uri: ASG.redirectUri }, ASG)
    expect(res.status).toBe(200)
    // without the cookie B has no session: login_required, as the vendor answers
    const none = await authorize(b, ASG, { prompt: 'none' })
    expect(none.location.searchParams.get('error')).toBe('login_required')
  })

  it('a mistake at B with a code issued at A gets a hint naming what the code was issued for (the record is in Redis, not in B)', async () => {
    // RFC 7636 appendix B's verifier and its S256 challenge
    const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
    const { code } = await authorize(a, PING, { login_hint: 'test1', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })
    const post = (fields: Record<string, string>) => fetch(`${b.url}${PING.token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, ...fields }) })
    const own = { client_id: PING.clientId, client_secret: PING.clientSecret }
    const statuses = [
      (await post({ client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', code_verifier: verifier })).status, // another client
      (await post({ ...own, redirect_uri: PING.redirectUri })).status, // no code_verifier
      (await post({ ...own, redirect_uri: 'http://localhost:3000/other', code_verifier: verifier })).status, // another redirect_uri
      (await post({ ...own, redirect_uri: PING.redirectUri, code_verifier: verifier.replace(/^d/, 'e') })).status, // a wrong verifier
    ]
    expect(statuses).toEqual([400, 400, 400, 400])
    const { entries } = (await (await fetch(`${b.url}/_mockidp/journal`)).json()) as { entries: { path: string; hint?: string; error?: string }[] }
    const hints = entries.filter((e) => e.path === PING.token && e.error === 'invalid_grant').slice(-4).map((e) => e.hint)
    expect(hints).toEqual([
      `the code was issued to client ${PING.clientId}, but client spa-client redeemed it — redeem it with the client that asked for it`,
      'the code was issued with a code_challenge (S256), but the token request has no code_verifier — send the code_verifier the challenge was made from',
      `redirect_uri http://localhost:3000/other is not the one the code was issued for (${PING.redirectUri}) — send the authorization request's redirect_uri`,
      "code_verifier does not match the code's code_challenge (S256: base64url(SHA-256(code_verifier)) must equal it) — send the verifier this flow's challenge was made from",
    ])
  })

  it('killing Redis gives vendor-shaped temporarily_unavailable within the timeout, unhealthy health; recovery without a restart', async () => {
    const { code } = await authorize(a, ASG, { login_hint: 'test1' })
    await redis.kill()
    const t0 = Date.now()
    const res = await token(b, { grant_type: 'authorization_code', code: code!, redirect_uri: ASG.redirectUri }, ASG)
    const elapsed = Date.now() - t0
    const body = (await res.json()) as Record<string, string>
    expect([res.status, body.error, res.headers.get('retry-after')]).toEqual([503, 'temporarily_unavailable', '1'])
    expect(body.error_description).toMatch(/^the shared store, Redis at redis:\/\/127\.0\.0\.1:\d+\/0, is unavailable/)
    expect(elapsed).toBeLessThan(1500)
    // authorize: the redirect_uri is known, so the error goes back to the client with state
    const t1 = Date.now()
    const auth = await authorize(a, ASG, { login_hint: 'test1', state: 'down' })
    expect(Date.now() - t1).toBeLessThan(1500)
    expect([auth.location.origin + auth.location.pathname, auth.location.searchParams.get('error'), auth.location.searchParams.get('state')]).toEqual(['http://localhost:3000/callback', 'temporarily_unavailable', 'down'])
    for (const r of [a, b]) {
      const h = await fetch(`${r.url}/healthz`)
      expect([h.status, ((await h.json()) as { status: string; store: { kind: string; healthy: boolean } }).store]).toEqual([503, expect.objectContaining({ kind: 'redis', healthy: false })])
      const admin = await fetch(`${r.url}/_mockidp/health`)
      expect([admin.status, ((await admin.json()) as { status: string }).status]).toEqual([503, 'unhealthy'])
    }
    await redis.restart()
    // each replica reconnects by itself (backoff up to 2 s)
    for (const r of [a, b]) {
      const until = Date.now() + 10_000
      while ((await fetch(`${r.url}/healthz`)).status !== 200) {
        if (Date.now() > until) throw new Error(`replica ${r.port} did not recover:\n${r.output()}`)
        await new Promise((done) => setTimeout(done, 100))
      }
      expect(r.output()).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is back; serving again/)
    }
    // Redis came back empty (it persisted nothing): a fresh flow across both replicas works again
    const again = await authorize(a, ASG, { login_hint: 'test1' })
    const ok = await token(b, { grant_type: 'authorization_code', code: again.code!, redirect_uri: ASG.redirectUri }, ASG)
    expect(ok.status).toBe(200)
    expect(a.output()).toMatch(/lost Redis at redis:\/\/127\.0\.0\.1:\d+\/0/)
  }, 30_000)
})
