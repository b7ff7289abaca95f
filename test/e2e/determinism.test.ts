import { afterEach, describe, expect, it } from 'vitest'
import { createMockIdp, startMockIdp, type MockIdp } from '../../src/index.js'
import { defaultCfg, T0 } from '../helpers/idp.js'

const running: MockIdp[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop()))
})

type Fetch = (url: URL, init: RequestInit) => Promise<Response>
/** Headers a socket adds (framing, date); every other header is compared. */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'])
const headersOf = (res: Response) => [...res.headers].filter(([k]) => !TRANSPORT.has(k)).map(([k, v]) => `${k}: ${v}`).join('\n')

/**
 * A fixed request sequence touching every tenant, grant and format; returns every response's bytes
 * (status, Location, body; with `withHeaders`, the other headers too).
 */
async function replay(idp: MockIdp, through: Fetch = (url, init) => fetch(url, init), withHeaders = false): Promise<string[]> {
  const out: string[] = []
  const origin = new URL(idp.url)
  const send = async (path: string, init: RequestInit = {}) => {
    const res = await through(new URL(path, origin), { ...init, redirect: 'manual' })
    out.push(`${res.status} ${res.headers.get('location') ?? ''} ${await res.text()}`)
    if (withHeaders) out.push(headersOf(res))
    return res
  }
  const form = (f: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString() })
  const flows = [
    ['/authing/demo/oidc', '5e37979f7b757ead14c534af', '64b517f8de3648091654eb4ee9b479d3', '/auth', 'openid profile offline_access', 'http://localhost:3000/callback'],
    ['/genauth/demo/oauth', '5e37979f7b757ead14c534af', '64b517f8de3648091654eb4ee9b479d3', '/auth', 'user', 'https://baidu.com'],
    ['/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as', '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', 'pingone-demo-secret', '/authorize', 'openid email', 'http://localhost:3000/callback'],
    ['/asgardeo/t/bifrost/oauth2', 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', 'z0C79zlopx8i7ByOw8K15A9dplYa', '/authorize', 'openid', 'http://localhost:3000/callback'],
  ] as const
  for (const [base, id, secret, authz, scope, redirect] of flows) {
    for (let i = 0; i < 2; i++) {
      const q = new URLSearchParams({ response_type: 'code', client_id: id, redirect_uri: redirect, scope, login_hint: 'test1', state: 'st', nonce: 'n1' })
      const res = await send(`${base}${authz}?${q}`)
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!
      const tokRes = await send(`${base}/token`, form({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: id, client_secret: secret }))
      const tokens = JSON.parse(out[out.length - (withHeaders ? 2 : 1)]!.split(' ').slice(2).join(' ')) as Record<string, string>
      expect(tokRes.status).toBe(200)
      if (tokens.refresh_token) await send(`${base}/token`, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: id, client_secret: secret }))
    }
  }
  await send('/asgardeo/t/bifrost/oauth2/token', form({ grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' }))
  await send('/asgardeo/t/bifrost/oauth2/token', form({ grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' }))
  return out
}

describe('determinism', () => {
  it('two fresh servers with the same config answer the same request sequence byte for byte', async () => {
    // the same publicUrl, so that issuers do not depend on the two servers' ports
    const cfg = () => defaultCfg({ clock: T0, publicUrl: 'http://idp.test:9000' })
    const a = await startMockIdp({ config: cfg(), env: {} })
    const b = await startMockIdp({ config: cfg(), env: {} })
    running.push(a, b)
    const ra = await replay(a)
    const rb = await replay(b)
    expect(ra.length).toBeGreaterThan(20)
    expect(rb).toEqual(ra)
    // repeated identical requests still get distinct values
    const ccTokens = ra.slice(-2).map((r) => JSON.parse(r.split(' ').slice(2).join(' ')).access_token)
    expect(ccTokens[0]).not.toBe(ccTokens[1])
  })

  it('createMockIdp().fetch answers the same bytes as the server, headers included', async () => {
    const cfg = () => defaultCfg({ clock: T0, publicUrl: 'http://idp.test:9000' })
    const server = await startMockIdp({ config: cfg(), env: {} })
    running.push(server)
    const engine = createMockIdp({ config: cfg(), env: {} })
    // the same request URLs, so that Host headers (and the journal) match
    const viaSocket = await replay(server, (url, init) => fetch(url, init), true)
    const inProcess = await replay(server, (url, init) => engine.fetch(url, init), true)
    expect(viaSocket.length).toBeGreaterThan(40)
    expect(inProcess).toEqual(viaSocket)
    expect(inProcess.some((h) => h.includes('x-mockidp: mock identity provider'))).toBe(true)
    expect(engine.journal().map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(server.journal().map((e) => `${e.method} ${e.path} ${e.status}`))
  })

  it('a different seed gives different values; unrelated requests do not shift each other', async () => {
    const a = await startMockIdp({ config: defaultCfg({ clock: T0 }), env: {} })
    const b = await startMockIdp({ config: defaultCfg({ clock: T0, seed: 'other' }), env: {} })
    running.push(a, b)
    const cc = async (idp: MockIdp, noise: boolean) => {
      if (noise) await fetch(`${idp.url}/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f&client_secret=pingone-demo-secret' })
      const res = await fetch(`${idp.url}/asgardeo/t/bifrost/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=z8RB6ysdDZhe4QO0zJAQzKbi6P4a&client_secret=z0C79zlopx8i7ByOw8K15A9dplYa' })
      return ((await res.json()) as { access_token: string }).access_token
    }
    const c = await startMockIdp({ config: defaultCfg({ clock: T0 }), env: {} })
    running.push(c)
    const quiet = await cc(a, false)
    const noisy = await cc(c, true)
    expect(noisy).toBe(quiet)
    expect(await cc(b, false)).not.toBe(quiet)
  })
})
