import { describe, expect, it } from 'vitest'
import { decodeJwt, defaultCfg, makeIdp, post, TENANTS, type TenantCase } from '../helpers/idp.js'
import { sessionCookieName } from '../../src/oauth/session.js'
import { createCode, mintTokens } from '../../src/admin/control.js'

type Idp = ReturnType<typeof makeIdp>

// GenAuth's OAuth 2.0 family issues opaque codes and tokens (no signature per token), so tens of
// thousands of full flows fit in a test's time.
const OAUTH = { authorize: '/genauth/demo/oauth/auth', token: '/genauth/demo/oauth/token', clientId: '5e37979f7b757ead14c534af', clientSecret: '64b517f8de3648091654eb4ee9b479d3', redirectUri: 'https://baidu.com', scope: 'user' }
const tenantOf = (idp: Idp, id: string) => idp.core.tenant(id)!
const byId = (id: string): TenantCase => TENANTS.find((t) => t.id === id)!

async function authorizeFlow(idp: Idp, state: string, extra: Record<string, string> = {}, t: Pick<TenantCase, 'authorize' | 'clientId' | 'redirectUri' | 'scope'> = OAUTH) {
  const q = new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: t.scope, login_hint: 'test1', state, ...extra })
  const res = await idp.request(`${t.authorize}?${q}`)
  const location = new URL(res.headers.get('location') ?? 'http://none/')
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('mockidp_'))
  return { status: res.status, location, code: location.searchParams.get('code'), cookie }
}

const exchange = (idp: Idp, code: string, t: { token: string; clientId: string; clientSecret: string; redirectUri: string } = OAUTH) =>
  idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
const refresh = (idp: Idp, token: string, t: { token: string; clientId: string; clientSecret: string } = OAUTH) =>
  idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: token, client_id: t.clientId, client_secret: t.clientSecret }))

describe('live state is never evicted', () => {
  it('30,000 outstanding codes, sessions and refresh tokens on one tenant all stay redeemable, the oldest included', async () => {
    const idp = makeIdp()
    const N = 30_000
    const flows: { code: string; cookie: string }[] = []
    for (let i = 0; i < N; i++) {
      const f = await authorizeFlow(idp, `s${i}`)
      expect(f.status).toBe(302)
      flows.push({ code: f.code!, cookie: f.cookie! })
    }
    const tenant = tenantOf(idp, 'genauth-demo')
    expect(tenant.sessions.size).toBe(N)
    // every session is still live (in process), and the oldest ones answer prompt=none over HTTP
    const handle = (cookie: string) => cookie.slice(sessionCookieName('genauth-demo').length + 1)
    for (const f of flows) expect(await tenant.sessions.find(handle(f.cookie))).toBeDefined()
    for (const f of flows.slice(0, 200)) {
      const q = new URLSearchParams({ response_type: 'code', client_id: OAUTH.clientId, redirect_uri: OAUTH.redirectUri, scope: OAUTH.scope, prompt: 'none', state: 'p' })
      const res = await idp.request(`${OAUTH.authorize}?${q}`, { headers: { cookie: f.cookie } })
      expect(new URL(res.headers.get('location')!).searchParams.get('code')).toMatch(/^[0-9a-f]{40}$/) // GenAuth /oauth: 40 hex
    }
    // every code, oldest first, is redeemable; every refresh token it gave is usable afterwards
    const refreshTokens: string[] = []
    for (const f of flows) {
      const res = await exchange(idp, f.code)
      expect(res.status).toBe(200)
      refreshTokens.push(((await res.json()) as { refresh_token: string }).refresh_token)
    }
    expect(new Set(refreshTokens).size).toBe(N)
    for (const rt of refreshTokens) {
      const res = await refresh(idp, rt)
      expect(res.status).toBe(200)
    }
  }, 240_000)

  it('past a configured limit, new issuance is refused with temporarily_unavailable naming the setting; what is live stays', async () => {
    const idp = makeIdp(defaultCfg({ limits: { codes: 50, refreshTokens: 3 } }))
    const codes: string[] = []
    // the tenant's fixture code from the config is one of the 50
    for (let i = 0; i < 49; i++) codes.push((await authorizeFlow(idp, `s${i}`)).code!)
    const refused = await authorizeFlow(idp, 'one-too-many')
    expect(refused.status).toBe(302)
    expect(refused.location.searchParams.get('error')).toBe('temporarily_unavailable')
    expect(refused.location.searchParams.get('error_description')).toBe(
      'tenant genauth-demo holds 50 live authorization codes, its limit (limits.codes); raise limits.codes in the config, or reset the mock between test runs',
    )
    expect(refused.location.searchParams.get('state')).toBe('one-too-many')
    expect(() => createCode(idp.core, 'genauth-demo', { user: 'test1', clientId: OAUTH.clientId, redirectUri: OAUTH.redirectUri, server: 'oauth' })).toThrow(/limits\.codes/)

    for (let i = 0; i < 3; i++) expect((await exchange(idp, codes[i]!)).status).toBe(200)
    const res = await exchange(idp, codes[3]!)
    expect(res.status).toBe(429)
    const body = (await res.json()) as { error: string; error_description: string }
    expect(body.error).toBe('temporarily_unavailable')
    expect(body.error_description).toContain('(limits.refreshTokens)')
    // the refused exchange did not use up its code, and the codes not yet used are all still there
    const tenant = tenantOf(idp, 'genauth-demo')
    for (const c of codes.slice(3)) expect(tenant.codes.get(c)?.consumed).toBe(false)
    tenant.refreshTokens.clear()
    expect((await exchange(idp, codes[3]!)).status).toBe(200)
  })

  it('revoked tokens stay revoked until they expire, whatever else is revoked, issued or reloaded', async () => {
    const idp = makeIdp(defaultCfg({ limits: { revocations: 30_000 } }))
    const t = byId('pingone-demo')
    const first = await mintTokens(idp.core, t.id, { clientId: t.clientId }, 'http://localhost:9000')
    const revoke = (token: string) => idp.request(`${t.base}/revoke`, post({ token, client_id: t.clientId, client_secret: t.clientSecret }))
    const introspect = async (token: string) =>
      ((await (await idp.request(`${t.base}/introspect`, post({ token, client_id: t.clientId, client_secret: t.clientSecret }))).json()) as { active: boolean }).active
    expect(await introspect(first.access_token)).toBe(true)
    expect((await revoke(first.access_token)).status).toBe(200)
    const tenant = tenantOf(idp, t.id)
    const exp = decodeJwt(first.access_token).payload.exp as number
    // 25,000 more revocations (what the old capped list lost the first one to)
    for (let i = 0; i < 25_000; i++) tenant.revokedJtis.set(`other-${i}`, { exp })
    expect(await introspect(first.access_token)).toBe(false)
    // and 2,000 fresh tokens: none is born revoked, none repeats the first one's jti
    const jtis = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const tok = await mintTokens(idp.core, t.id, { clientId: t.clientId }, 'http://localhost:9000')
      jtis.add(decodeJwt(tok.access_token).payload.jti as string)
    }
    expect(jtis.size).toBe(2000)
    expect(jtis.has(decodeJwt(first.access_token).payload.jti as string)).toBe(false)
    // a full revocation list refuses the next revocation instead of forgetting an old one
    for (let i = 25_000; i < 29_999; i++) tenant.revokedJtis.set(`other-${i}`, { exp })
    const second = await mintTokens(idp.core, t.id, { clientId: t.clientId }, 'http://localhost:9000')
    expect((await revoke(second.access_token)).status).toBe(429)
    expect(await introspect(first.access_token)).toBe(false)
    expect(await introspect(second.access_token)).toBe(true)
  }, 120_000)

  it('no code, opaque token or jti repeats over 100,000 issuances', async () => {
    const idp = makeIdp(defaultCfg({ limits: { accessTokens: 200_000, codes: 200_000 } }))
    const seen = new Set<string>()
    const add = (v: string) => {
      if (seen.has(v)) throw new Error(`repeated value ${v}`)
      seen.add(v)
    }
    for (let i = 0; i < 60_000; i++) add((await mintTokens(idp.core, 'asgardeo-demo', { clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a' }, 'http://localhost:9000')).access_token)
    for (let i = 0; i < 35_000; i++) add(createCode(idp.core, 'asgardeo-demo', { user: 'test1', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', redirectUri: 'http://localhost:3000/callback' }))
    idp.clock.advance(1000) // a new second: counters start over, values must not
    for (let i = 0; i < 5_000; i++) add(decodeJwt((await mintTokens(idp.core, 'pingone-demo', {}, 'http://localhost:9000')).access_token).payload.jti as string)
    expect(seen.size).toBe(100_000)
  }, 180_000)
})

describe('rotation and replay', () => {
  it('50 concurrent uses of one rotating refresh token leave no usable token in the family (20 rounds)', async () => {
    const t = byId('pingone-demo')
    for (let round = 0; round < 20; round++) {
      const idp = makeIdp()
      const { code } = await authorizeFlow(idp, `r${round}`, {}, t)
      const tokens = (await (await exchange(idp, code!, t)).json()) as { refresh_token: string }
      const answers = await Promise.all(Array.from({ length: 50 }, () => refresh(idp, tokens.refresh_token, t)))
      const ok = answers.filter((r) => r.status === 200)
      expect(ok.length).toBe(1)
      const issued = ((await ok[0]!.json()) as { refresh_token: string }).refresh_token
      for (const token of [issued, tokens.refresh_token]) {
        const again = await refresh(idp, token, t)
        expect(again.status).toBe(400)
        expect(((await again.json()) as { error: string }).error).toBe('invalid_grant')
      }
    }
  })

  it('reuse of a rotated token long after rotation still revokes the family (no eviction lets it slip)', async () => {
    const t = byId('pingone-demo')
    const idp = makeIdp()
    const { code } = await authorizeFlow(idp, 'a', {}, t)
    const stolen = ((await (await exchange(idp, code!, t)).json()) as { refresh_token: string }).refresh_token
    const next = ((await (await refresh(idp, stolen, t)).json()) as { refresh_token: string }).refresh_token
    for (let i = 0; i < 25_000; i++) await mintTokens(idp.core, 'genauth-demo', { user: 'test1', clientId: OAUTH.clientId, server: 'oauth', scope: 'user' }, 'http://localhost:9000')
    expect((await refresh(idp, stolen, t)).status).toBe(400)
    expect((await refresh(idp, next, t)).status).toBe(400)
  }, 120_000)

  it.each([
    ['authing-demo', true],
    ['asgardeo-demo', true],
    ['pingone-demo', false],
  ] as const)('%s: a replayed code revokes the tokens it issued: %s (profile code.reuseRevokes)', async (id, revokes) => {
    const t = byId(id)
    const idp = makeIdp()
    const { code } = await authorizeFlow(idp, 'x', {}, t)
    const first = (await (await exchange(idp, code!, t)).json()) as { access_token: string; refresh_token?: string }
    const replay = await exchange(idp, code!, t)
    expect(replay.status).toBe(400)
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant')
    const info = await idp.request(t.userinfo, { headers: { authorization: `Bearer ${first.access_token}` } })
    expect(info.status).toBe(revokes ? 401 : 200)
    if (first.refresh_token) expect((await refresh(idp, first.refresh_token, t)).status).toBe(revokes ? 400 : 200)
  })

  it('a replay racing the first exchange still revokes what the winner was issued (Authing)', async () => {
    const t = byId('authing-demo')
    const idp = makeIdp()
    const { code } = await authorizeFlow(idp, 'x', {}, t)
    const answers = await Promise.all([exchange(idp, code!, t), exchange(idp, code!, t)])
    const ok = answers.find((r) => r.status === 200)!
    expect(answers.filter((r) => r.status === 400)).toHaveLength(1)
    const { access_token, refresh_token } = (await ok.json()) as { access_token: string; refresh_token: string }
    expect((await idp.request(t.userinfo, { headers: { authorization: `Bearer ${access_token}` } })).status).toBe(401)
    expect((await refresh(idp, refresh_token, t)).status).toBe(400)
  })
})

describe('determinism of same-user flows', () => {
  it('20 concurrent flows of one user give the same codes, cookies and tokens in any order', async () => {
    const t = byId('authing-demo')
    const run = async (order: number[]) => {
      const idp = makeIdp()
      const flows = await Promise.all(order.map(async (i) => [i, await authorizeFlow(idp, `state-${i}`, { nonce: `n-${i}` }, t)] as const))
      const tokens = await Promise.all(flows.map(async ([i, f]) => [i, { code: f.code, cookie: f.cookie, tokens: await (await exchange(idp, f.code!, t)).text() }] as const))
      return new Map(tokens)
    }
    const forward = Array.from({ length: 20 }, (_, i) => i)
    const a = await run(forward)
    const b = await run([...forward].reverse())
    const c = await run([...forward].sort((x, y) => ((x * 7) % 20) - ((y * 7) % 20)))
    for (const i of forward) {
      expect(b.get(i)).toEqual(a.get(i))
      expect(c.get(i)).toEqual(a.get(i))
    }
    expect(new Set([...a.values()].map((v) => v.cookie)).size).toBe(20)
  })
})
