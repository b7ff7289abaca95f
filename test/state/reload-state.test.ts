import { afterEach, describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMockIdp, type MockIdp, type MockIdpConfig } from '../../src/index.js'

const defaults = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as MockIdpConfig
const P1 = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
const CLIENT = { id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', redirect: 'http://localhost:3000/callback' }

const config = (): MockIdpConfig => ({ ...structuredClone(defaults), clock: '2026-01-01T00:00:00Z', tenants: structuredClone(defaults.tenants.filter((t) => t.id === 'pingone-demo' || t.id === 'authing-demo')) })
function tempConfig(c: MockIdpConfig): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mockidp-state-')), 'mockidp.config.json')
  writeFileSync(file, JSON.stringify(c, null, 2))
  return file
}

let mock: MockIdp | undefined
afterEach(async () => {
  await mock?.stop()
  mock = undefined
})

const form = (f: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString() })

/** A code, a refresh token and a browser session, all outstanding. */
async function outstanding(m: MockIdp) {
  const authz = async (state: string, cookie?: string, extra: Record<string, string> = {}) => {
    const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT.id, redirect_uri: CLIENT.redirect, scope: 'openid', state, ...extra })
    const res = await fetch(`${m.url}${P1}/authorize?${q}`, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) })
    const cookieOut = res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('mockidp_'))
    return { code: new URL(res.headers.get('location')!).searchParams.get('code'), error: new URL(res.headers.get('location')!).searchParams.get('error'), cookie: cookieOut }
  }
  const first = await authz('a', undefined, { login_hint: 'test1' })
  const tokens = (await (await fetch(`${m.url}${P1}/token`, form({ grant_type: 'authorization_code', code: first.code!, redirect_uri: CLIENT.redirect, client_id: CLIENT.id, client_secret: CLIENT.secret }))).json()) as { refresh_token: string }
  const pending = await authz('b', undefined, { login_hint: 'alice' })
  return { code: pending.code!, refreshToken: tokens.refresh_token, cookie: first.cookie!, authz }
}

/** Check that each outstanding item is still usable. */
async function usable(m: MockIdp, o: Awaited<ReturnType<typeof outstanding>>) {
  const code = await fetch(`${m.url}${P1}/token`, form({ grant_type: 'authorization_code', code: o.code, redirect_uri: CLIENT.redirect, client_id: CLIENT.id, client_secret: CLIENT.secret }))
  const rt = await fetch(`${m.url}${P1}/token`, form({ grant_type: 'refresh_token', refresh_token: o.refreshToken, client_id: CLIENT.id, client_secret: CLIENT.secret }))
  const silent = await o.authz('c', o.cookie, { prompt: 'none' })
  return { code: code.status, refresh: rt.status, session: silent.code ? 'found' : silent.error }
}

describe('reload keeps state', () => {
  it('a valid reload keeps an outstanding code, refresh token, session and API-added user usable', async () => {
    const file = tempConfig(config())
    mock = await startMockIdp({ configFile: file, env: {} })
    const o = await outstanding(mock)
    mock.tenant('pingone-demo').upsertUser({ sub: 'api-user', username: 'api-user' })
    const next = config()
    next.tenants.find((t) => t.id === 'pingone-demo')!.users.push({ sub: 'file-user', username: 'file-user' })
    writeFileSync(file, JSON.stringify(next))
    expect(await mock.reload()).toEqual([])
    expect(await usable(mock, o)).toEqual({ code: 200, refresh: 200, session: 'found' })
    expect(mock.tenant('pingone-demo').createCode({ user: 'api-user', clientId: CLIENT.id, redirectUri: CLIENT.redirect })).toBeTypeOf('string')
    expect(mock.tenant('pingone-demo').createCode({ user: 'file-user', clientId: CLIENT.id, redirectUri: CLIENT.redirect })).toBeTypeOf('string')
  })

  it('the id counters continue over a reload: the next code is never one already issued', async () => {
    const file = tempConfig(config())
    mock = await startMockIdp({ configFile: file, env: {} })
    const make = () => mock!.tenant('pingone-demo').createCode({ user: 'test1', clientId: CLIENT.id, redirectUri: CLIENT.redirect })
    const before = [make(), make()]
    await mock.reload()
    expect(before).not.toContain(make())
  })

  it('what the new config removes goes, and the reload says what was dropped', async () => {
    const file = tempConfig(config())
    mock = await startMockIdp({ configFile: file, env: {} })
    const o = await outstanding(mock)
    const next = config()
    const p1 = next.tenants.find((t) => t.id === 'pingone-demo')!
    p1.clients = p1.clients.filter((c) => c.clientId !== CLIENT.id)
    p1.codes = (p1.codes ?? []).filter((c) => c.clientId !== CLIENT.id) // the pre-issued code goes with its client
    next.tenants = next.tenants.filter((t) => t.id !== 'authing-demo')
    writeFileSync(file, JSON.stringify(next))
    const dropped = await mock.reload()
    expect(dropped).toEqual([
      'pingone-demo: 1 authorization codes (removed from the config)', // the default config's pre-issued PingOne code
      `pingone-demo: 1 authorization codes (client ${CLIENT.id} is gone)`,
      `pingone-demo: 1 refresh tokens (client ${CLIENT.id} is gone)`,
      'authing-demo: all state (the tenant was removed)',
    ])
    expect(mock.tenantIds).toEqual(['pingone-demo'])
    // the session belongs to the user, who is still there
    expect([...(await o.authz('x', o.cookie, { prompt: 'none', client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' })).code ?? ''].length).toBeGreaterThan(0)
  })

  it('a reload that cannot be applied whole changes nothing: invalid config, or a tenant port in use', async () => {
    const file = tempConfig(config())
    mock = await startMockIdp({ configFile: file, env: {} })
    const o = await outstanding(mock)
    const before = JSON.stringify(mock.tenant('pingone-demo'))
    // invalid
    writeFileSync(file, JSON.stringify({ ...config(), tenants: [{ id: 'x' }] }))
    await expect(mock.reload()).rejects.toThrow(/tenants\[0\]/)
    // valid, but moves a tenant to a port that is taken
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
    const busy = (blocker.address() as { port: number }).port
    try {
      const moved = config()
      moved.tenants.find((t) => t.id === 'pingone-demo')!.port = busy
      writeFileSync(file, JSON.stringify(moved))
      await expect(mock.reload()).rejects.toThrow(`port ${busy} on 127.0.0.1 is already in use`)
      await expect(mock.reload()).rejects.toThrow('the running config was kept')
    } finally {
      blocker.close()
    }
    expect(mock.tenantIds).toEqual(['authing-demo', 'pingone-demo'])
    expect(JSON.stringify(mock.tenant('pingone-demo'))).toBe(before)
    expect(await usable(mock, o)).toEqual({ code: 200, refresh: 200, session: 'found' })
  })
})
