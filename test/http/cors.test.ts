import { describe, expect, it } from 'vitest'
import { authorize, defaultCfg, makeIdp, ORIGIN, post, TENANTS, type TenantCase } from '../helpers/idp.js'
import { loadConfig } from '../../src/config/load.js'
import { ConfigError } from '../../src/config/errors.js'
import type { MockIdpConfig } from '../../src/config/types.js'

type Idp = ReturnType<typeof makeIdp>

const SPA = 'http://localhost:5173' // spa-client's redirect URI origin in the default config
const EVIL = 'https://evil.example'

/** The browser-called endpoints of a tenant, as paths, from its own discovery document. */
async function browserEndpoints(idp: Idp, t: TenantCase): Promise<Record<string, { path: string; method: string }>> {
  const doc = (await (await idp.request(t.discovery)).json()) as Record<string, string>
  const path = (u: string) => new URL(u).pathname
  return {
    discovery: { path: t.discovery, method: 'GET' },
    jwks: { path: path(doc.jwks_uri!), method: 'GET' },
    token: { path: path(doc.token_endpoint!), method: 'POST' },
    userinfo: { path: path(doc.userinfo_endpoint!), method: 'GET' },
    introspection: { path: path(doc.introspection_endpoint!), method: 'POST' },
    revocation: { path: path(doc.revocation_endpoint!), method: 'POST' },
  }
}

const preflight = (idp: Idp, path: string, origin: string, method = 'POST', headers = 'authorization, content-type') =>
  idp.request(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } })

const withTenantCors = (t: TenantCase, cors: NonNullable<MockIdpConfig['tenants'][number]['cors']>): MockIdpConfig => {
  const cfg = defaultCfg()
  cfg.tenants.find((x) => x.id === t.id)!.cors = cors
  return cfg
}

describe.each(TENANTS)('$id: CORS', (t) => {
  it('answers a preflight from a redirect-URI origin on every browser-called endpoint (204, echoed origin, methods, headers, max-age)', async () => {
    const idp = makeIdp()
    const clientIdHeaders = idp.core.tenant(t.id)!.defaultServer.spec.clientIdHeaders
    for (const [name, ep] of Object.entries(await browserEndpoints(idp, t))) {
      const res = await preflight(idp, ep.path, SPA, ep.method)
      expect(res.status, `${name} ${ep.path}`).toBe(204)
      expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control-') || k === 'vary'))).toEqual({
        'access-control-allow-origin': SPA,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': { discovery: 'GET', jwks: 'GET', token: 'POST', userinfo: 'GET, POST', introspection: 'POST', revocation: 'POST' }[name],
        'access-control-allow-headers': ['authorization', 'content-type', 'accept', ...clientIdHeaders].join(', '),
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Headers',
      })
      expect(await res.text()).toBe('')
    }
  })

  it('refuses a preflight from an unknown origin with a 403 that has no CORS headers and says what to configure', async () => {
    const idp = makeIdp()
    for (const ep of Object.values(await browserEndpoints(idp, t))) {
      const res = await preflight(idp, ep.path, EVIL, ep.method)
      expect(res.status).toBe(403)
      expect([...res.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([])
      expect(res.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers')
      expect(await res.text()).toBe(`mockidp: origin ${EVIL} may not call ${ep.path}. Add it to the cors.origins of tenant "${t.id}" in the config (or register a redirect URI at that origin).\n`)
    }
  })

  it('adds Access-Control-Allow-Origin to real responses, errors included, only for an allowed origin; Vary: Origin always', async () => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    const ok = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }, { origin: SPA }))
    expect(ok.status).toBe(200)
    expect([ok.headers.get('access-control-allow-origin'), ok.headers.get('vary')]).toEqual([SPA, 'Origin'])
    const { access_token } = (await ok.json()) as { access_token: string }
    const info = await idp.request(t.userinfo, { headers: { origin: SPA, authorization: `Bearer ${access_token}` } })
    expect([info.status, info.headers.get('access-control-allow-origin')]).toEqual([200, SPA])

    // (a replayed code: some vendors also revoke what it issued, hence userinfo first)
    const bad = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }, { origin: SPA }))
    expect(bad.status).toBe(400)
    expect(bad.headers.get('access-control-allow-origin')).toBe(SPA)
    const denied = await idp.request(t.userinfo, { headers: { origin: SPA, authorization: 'Bearer nope' } })
    expect(denied.status).toBe(401)
    expect([denied.headers.get('access-control-allow-origin'), denied.headers.get('access-control-expose-headers')]).toEqual([SPA, 'WWW-Authenticate'])

    const evil = await idp.request(t.discovery, { headers: { origin: EVIL } })
    expect(evil.status).toBe(200) // served, but a browser will not hand it to the page
    expect([evil.headers.get('access-control-allow-origin'), evil.headers.get('vary')]).toEqual([null, 'Origin'])
    const server = await idp.request(t.discovery)
    expect([server.headers.get('access-control-allow-origin'), server.headers.get('vary')]).toEqual([null, 'Origin'])
  })

  it('leaves the navigation endpoints (authorization, end-session) alone', async () => {
    const idp = makeIdp()
    const q = new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: t.scope, login_hint: 'test1' })
    const res = await idp.request(`${t.authorize}?${q}`, { headers: { origin: SPA } })
    expect(res.status).toBe(302)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect((await preflight(idp, t.authorize, SPA, 'GET')).status).toBe(404)
  })

  it('cors.origins replaces the default; "*" is an explicit opt-in for any origin; [] allows none', async () => {
    const only = makeIdp(withTenantCors(t, { origins: ['http://app.test:8080', 'HTTP://LocalHost:4200'] }))
    expect((await preflight(only, t.token, 'http://app.test:8080')).status).toBe(204)
    expect((await preflight(only, t.token, 'http://localhost:4200')).headers.get('access-control-allow-origin')).toBe('http://localhost:4200')
    expect((await preflight(only, t.token, SPA)).status).toBe(403)

    const any = makeIdp(withTenantCors(t, { origins: ['*'] }))
    for (const origin of [EVIL, 'http://127.0.0.1:61234']) {
      const res = await preflight(any, t.userinfo, origin, 'GET')
      expect([res.status, res.headers.get('access-control-allow-origin')]).toEqual([204, origin])
      const doc = await any.request(t.discovery, { headers: { origin } })
      expect(doc.headers.get('access-control-allow-origin')).toBe(origin)
    }

    const none = makeIdp(withTenantCors(t, { origins: [] }))
    expect((await preflight(none, t.token, SPA)).status).toBe(403)
  })
})

describe('CORS details', () => {
  const t = TENANTS[0]!

  it('the default follows every client redirect URI origin, and ignores custom schemes', async () => {
    const cfg = defaultCfg()
    cfg.tenants[0]!.clients.push({ clientId: 'mobile', redirectUris: ['com.example.app:/callback', 'https://app.example.com/cb?x=1'] })
    const idp = makeIdp(cfg)
    for (const origin of ['http://localhost:3000', SPA, 'https://baidu.com', 'https://app.example.com']) expect((await preflight(idp, t.token, origin)).status, origin).toBe(204)
    for (const origin of ['null', 'com.example.app:', 'https://app.example.com:8443', 'http://localhost:3001']) expect((await preflight(idp, t.token, origin)).status, origin).toBe(403)
  })

  it('another tenant on the same server keeps its own origins', async () => {
    const cfg = defaultCfg()
    cfg.tenants[0]!.cors = { origins: ['https://only-genauth.test'] }
    const idp = makeIdp(cfg)
    expect((await preflight(idp, TENANTS[0]!.token, 'https://only-genauth.test')).status).toBe(204)
    expect((await preflight(idp, TENANTS[1]!.token, 'https://only-genauth.test')).status).toBe(403)
    expect((await preflight(idp, TENANTS[1]!.token, SPA)).status).toBe(204)
  })

  it("allows whatever headers an allowed origin's preflight asks for (vendor SDK headers), on top of the fixed list", async () => {
    const idp = makeIdp()
    const res = await preflight(idp, TENANTS[1]!.token, SPA, 'POST', 'X-Authing-SDK-Version, x-authing-request-from,content-type, bad header, x-authing-app-id')
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type, accept, x-authing-app-id, x-authing-sdk-version, x-authing-request-from')
    const evil = await preflight(idp, TENANTS[1]!.token, EVIL, 'POST', 'x-authing-sdk-version')
    expect([evil.status, evil.headers.get('access-control-allow-headers')]).toEqual([403, null])
  })

  it('an OPTIONS that is not a preflight gets a 204 with Allow', async () => {
    const idp = makeIdp()
    const res = await idp.request(t.token, { method: 'OPTIONS' })
    expect([res.status, res.headers.get('allow'), res.headers.get('access-control-allow-origin')]).toEqual([204, 'POST, OPTIONS', null])
  })

  it('keeps an existing Vary value and adds Origin once', async () => {
    const idp = makeIdp()
    const res = await idp.request(t.discovery, { headers: { origin: SPA, host: new URL(ORIGIN).host } })
    expect(res.headers.get('vary')?.split(',').filter((v) => v.trim() === 'Origin')).toHaveLength(1)
  })

  it('validates cors in the config, naming the JSON path', () => {
    const load = (cors: unknown) => () => loadConfig({ config: { ...defaultCfg(), tenants: [{ ...defaultCfg().tenants[0]!, cors: cors as never }] }, env: {} })
    expect(load({ origins: ['http://localhost:5173/'] })).toThrow(ConfigError)
    expect(load({ origins: ['http://localhost:5173/'] })).toThrow(
      'tenants[0].cors.origins[0]: "http://localhost:5173/" is not valid (An origin, scheme://host[:port] with no path or trailing slash (e.g. "http://localhost:5173"), or "*" for any origin.)',
    )
    expect(load({ origins: 'http://localhost:5173' })).toThrow('tenants[0].cors.origins: expected array')
    expect(load({ enabled: true })).toThrow('tenants[0].cors.enabled: unknown setting (known here: origins)')
    expect(load(true)).toThrow('tenants[0].cors: expected object')
    expect(load({ origins: ['*', 'https://a.example:8443'] })).not.toThrow()
  })
})

describe('CORS and injected faults', () => {
  it('a fault response still carries the CORS headers, so a browser app sees the injected error', async () => {
    const idp = makeIdp()
    idp.core.faults.add({ tenant: 'asgardeo-demo', endpoint: 'token', kind: 'status', status: 503 }, 'api')
    const res = await idp.request('/asgardeo/t/bifrost/oauth2/token', post({ grant_type: 'client_credentials' }, { origin: 'http://localhost:5173' }))
    expect(res.status).toBe(503)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
  })
})
