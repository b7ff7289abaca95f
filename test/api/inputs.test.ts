import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, ConfigError, InputError, type MockIdp } from '../../src/index.js'
import { redirectUriProblem } from '../../src/lib/redirect-uri.js'
import { toClient } from '../../src/runtime/tenant.js'
import { createClock } from '../../src/lib/clock.js'
import { makeIdp } from '../helpers/idp.js'
import { AUTHING, jsonPost } from './helpers.js'

const admin = (idp: MockIdp, path: string, body: unknown) => fetch(`${idp.url}/_mockidp${path}`, jsonPost(body))
const described = async (res: Response) => ((await res.json()) as { error_description: string }).error_description

let idp: MockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
})
afterAll(() => idp?.stop())

describe('redirect URIs: one rule at registration and at use', () => {
  it.each([
    ['http://localhost:3000/callback', undefined],
    ['https://app.example.com/cb?x=1', undefined],
    ['com.example.app:/oauth2redirect', undefined],
    ['http://127.0.0.1:65535/cb', undefined],
    ['javascript:alert(1)', 'uses the "javascript:" scheme'],
    ['JaVaScRiPt:alert(1)', 'uses the "javascript:" scheme'],
    ['data:text/html,x', 'uses the "data:" scheme'],
    ['vbscript:x', 'uses the "vbscript:" scheme'],
    ['http://x/cb#frag', 'has a fragment'],
    ['http:/cb', 'needs a host'],
    ['http://', 'is not a valid URI'],
    ['https://exa mple.com/cb', 'contains a space'],
    ['\tjavascript:alert(1)', 'contains a space'],
    ['//evil.example/cb', 'is not an absolute URI'],
    ['', 'is empty'],
  ])('%j', (uri, problem) => {
    const p = redirectUriProblem(uri)
    if (problem === undefined) expect(p).toBeUndefined()
    else expect(p).toContain(problem)
  })

  it('the admin API and upsertClient refuse a javascript: redirect URI, naming the path', async () => {
    const res = await admin(idp, `/tenants/${AUTHING.id}/clients`, { clientId: 'evil', clientSecret: 's', redirectUris: ['http://localhost/ok', 'javascript:fetch("/x")'] })
    expect(res.status).toBe(400)
    expect(await described(res)).toContain('client.redirectUris[1]: "javascript:fetch(\\"/x\\")" uses the "javascript:" scheme')
    expect(() => idp.tenant(AUTHING.id).upsertClient({ clientId: 'evil', redirectUris: ['data:text/html,x'] })).toThrow('client.redirectUris[0]: "data:text/html,x" uses the "data:" scheme')
    expect(idp.tenant(AUTHING.id).clientIds).not.toContain('evil')
  })

  it('authorize refuses a javascript: redirect URI even if one were registered: an error page, never a form_post into it', async () => {
    const app = makeIdp()
    const tenant = app.core.tenant('authing-demo')!
    // behind every check: put such a client straight into the store
    tenant.clients.set('evil', toClient({ clientId: 'evil', clientSecret: 's', redirectUris: ['javascript:alert(document.domain)//'] }))
    const codes = tenant.codes.size // the config's pre-issued codes
    const q = new URLSearchParams({ client_id: 'evil', redirect_uri: 'javascript:alert(document.domain)//', response_type: 'code', scope: 'openid', response_mode: 'form_post', login_hint: 'test1' })
    const res = await app.request(`/authing/demo/oidc/auth?${q}`)
    expect(res.status).toBe(400)
    const html = await res.text()
    // the page may show what was sent (escaped text), but nothing on it navigates or posts there
    expect(html).not.toMatch(/(href|action|src)="javascript:/i)
    expect(html).not.toContain('<form')
    expect(tenant.codes.size).toBe(codes)
  })
})

describe('admin API and programmatic inputs: a 400 naming the JSON path, never a 500 or a wrong token', () => {
  it.each([
    [{ user: 'test1', scope: 123 }, 'scope: expected string or array, got integer'],
    [{ user: 'test1', scope: ['openid', 5] }, 'scope[1]: expected string, got integer'],
    [{ user: 'test1', expiresIn: 'abc' }, 'expiresIn: expected integer, got string'],
    [{ user: 'test1', expiresIn: 1e300 }, 'expiresIn: 1e+300 is too large'],
    [{ user: 'test1', sub: 123 }, 'sub: expected string, got integer'],
    [{ user: 5 }, 'user: expected string or object, got integer'],
    [{ user: { sub: 1, username: 'x' } }, 'user.sub: expected string, got integer'],
    [{ claims: [] }, 'claims: expected object, got array'],
    [{ expired: 'yes' }, 'expired: expected boolean, got string'],
    [{ bogus: 1 }, 'bogus: unknown setting'],
  ])('issueTokens(%j)', async (opts, message) => {
    const res = await admin(idp, `/tenants/${AUTHING.id}/tokens`, opts)
    expect(res.status).toBe(400)
    expect(await described(res)).toContain(message)
    await expect(idp.tenant(AUTHING.id).issueTokens(opts as never)).rejects.toThrow(message)
    await expect(idp.tenant(AUTHING.id).issueTokens(opts as never)).rejects.toBeInstanceOf(ConfigError)
  })

  it('faults: a status outside 200-599 is refused (a 1xx would hang or drop the client)', async () => {
    for (const status of [100, 101, 199, 600]) {
      const res = await admin(idp, '/faults', { tenant: AUTHING.id, kind: 'status', status })
      expect(res.status).toBe(400)
      expect(await described(res)).toMatch(/fault\.status: \d+ is too (small|large)/)
    }
    expect(idp.faults()).toEqual([])
  })

  it('faults: a 204 or 304 status answers without a body instead of failing', async () => {
    for (const status of [204, 304]) {
      idp.injectFault({ tenant: AUTHING.id, endpoint: 'jwks', kind: 'status', status, body: 'ignored', times: 1 })
      const res = await fetch(idp.tenant(AUTHING.id).jwksUri!)
      expect(res.status).toBe(status)
      expect(await res.text()).toBe('')
    }
  })

  it('createCode and upsertUser name the path of a wrong member', async () => {
    const res = await admin(idp, `/tenants/${AUTHING.id}/codes`, { user: 'test1', clientId: AUTHING.clientId, redirectUri: AUTHING.redirectUri, ttl: 'soon' })
    expect(res.status).toBe(400)
    expect(await described(res)).toContain('ttl: expected integer, got string')
    const user = await admin(idp, `/tenants/${AUTHING.id}/users`, { sub: 'x', username: 123 })
    expect(await described(user)).toContain('user.username: expected string, got integer')
    const dup = await admin(idp, `/tenants/${AUTHING.id}/users`, { sub: 'new-sub', username: 'test1' })
    expect(dup.status).toBe(400)
    expect(await described(dup)).toContain('user.username: "test1" is already the username of user')
  })

  it('clock.advance and clock.set take finite milliseconds only; the journal still answers after', async () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    for (const bad of [NaN, Infinity, -Infinity, '5' as unknown as number, 1e20]) {
      expect(() => clock.advance(bad)).toThrow(/^clock\.advance\(ms\): /)
      expect(() => clock.set(bad)).toThrow(/^clock\.set\(ms\): /)
      expect(() => clock.advance(bad)).toThrow(InputError)
    }
    expect(clock.now()).toBe(Date.parse('2026-01-01T00:00:00Z'))
    expect(() => idp.clock.advance(NaN)).toThrow('clock.advance(ms): expected a finite number of milliseconds')
    expect((await fetch(`${idp.url}/_mockidp/journal`)).status).toBe(200)
  })
})

describe('oversized browser-facing bodies', () => {
  it('authorize and end-session answer a body over 64 KiB with 413 (an error page), not 400', async () => {
    const app = makeIdp()
    const big = `state=${'x'.repeat(70 * 1024)}`
    for (const path of ['/authing/demo/oidc/auth', '/authing/demo/oidc/session/end', '/asgardeo/t/bifrost/oidc/logout']) {
      const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big })
      expect(res.status, path).toBe(413)
      expect(res.headers.get('content-type')).toContain('text/html')
    }
  })
})

describe('startMockIdp options', () => {
  it.each([
    [{ config: { tenants: 5 } }, 'config.tenants: expected array, got integer'],
    [{ config: { tenants: [{ vendor: 'authing' }] } }, 'config.tenants[0].id: is required'],
    [{ config: 'x' }, 'config: expected object, got string'],
    [{ port: 'abc' }, 'port: expected integer, got string'],
    [{ port: 70000 }, 'port: 70000 is too large'],
    [{ port: 1.5 }, 'port: expected integer, got number'],
    [{ host: 5 }, 'host: expected string, got integer'],
    [{ host: 'not-a-host!!' }, 'host (option): "not-a-host!!" is neither an IP address nor a host name'],
    [{ watch: 'yes' }, 'watch: expected boolean, got string'],
    [{ onReload: 'log' }, 'onReload: expected a function, got string'],
    [{ log: 'jsn' }, 'log: "jsn" is not a log format; use true, false, "pretty" or "json"'],
    [{ prot: 1 }, 'prot: unknown setting'],
    [{ config: { clock: '2026-13-45T99:99:99Z' } }, 'clock: "2026-13-45T99:99:99Z" is not a real instant'],
  ])('%j', async (opts, message) => {
    const err = await startMockIdp({ env: {}, ...(opts as object) }).then(
      (m) => m.stop().then(() => undefined),
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as Error).message).toContain(message)
  })

  it.each(['production', 'Production', ' PRODUCTION ', 'production\n'])('NODE_ENV=%j is refused unless allowed', async (NODE_ENV) => {
    await expect(startMockIdp({ env: { NODE_ENV } })).rejects.toThrow('refusing to start with NODE_ENV=')
    const allowed = await startMockIdp({ env: { NODE_ENV }, allowInProduction: true })
    await allowed.stop()
    const optedIn = await startMockIdp({ env: { NODE_ENV, MOCKIDP_ALLOW_PRODUCTION: '1' } })
    await optedIn.stop()
  })
})
