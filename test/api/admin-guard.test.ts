import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, connectMockIdp, type MockIdp } from '../../src/index.js'
import { ADMIN_BODY_LIMIT, hostNameOf } from '../../src/admin/guard.js'
import { ADMIN_PATH } from '../../src/journal/observe.js'
import { defaultCfg, makeIdp } from '../helpers/idp.js'
import { AUTHING } from './helpers.js'

type InProcess = ReturnType<typeof makeIdp>

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const errorOf = async (res: Response) => (await res.json()) as { error: string; error_description: string }

/** Every admin route the app serves (GET/POST/DELETE …), with its path parameters filled in. */
function adminRoutes(app: InProcess['app']): { method: string; path: string }[] {
  const seen = new Set<string>()
  const out: { method: string; path: string }[] = []
  for (const r of app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith(`${ADMIN_PATH}/`)) continue
    const path = r.path.replace(':tenant', 'authing-demo').replace(/:[a-zA-Z]+/g, 'x')
    const key = `${r.method} ${path}`
    if (!seen.has(key)) out.push({ method: r.method, path })
    seen.add(key)
  }
  return out
}

describe('admin guard: every /_mockidp/* route, one middleware', () => {
  let idp: InProcess
  beforeAll(() => {
    idp = makeIdp()
  })

  it('lists the admin routes it checks (a route added to the admin API shows up here by itself)', () => {
    const routes = adminRoutes(idp.app)
    expect(routes.length).toBeGreaterThanOrEqual(15)
    expect(routes).toContainEqual({ method: 'POST', path: '/_mockidp/reset' })
    expect(routes).toContainEqual({ method: 'POST', path: '/_mockidp/tenants/authing-demo/tokens' })
  })

  it('refuses every route for a DNS-rebinding Host, and changes nothing', async () => {
    const before = idp.core.tenant('authing-demo')!.users.length
    for (const { method, path } of adminRoutes(idp.app)) {
      const res = await idp.request(path, { method, headers: { host: 'rebind.attacker.example:9000', 'content-type': 'application/json' }, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{"sub":"evil","username":"evil"}' }) })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect((await errorOf(res)).error).toBe('forbidden_host')
    }
    expect(idp.core.tenant('authing-demo')!.users.length).toBe(before)
  })

  it('refuses every route called from a page of another origin (Origin, or Sec-Fetch-Site without one)', async () => {
    for (const { method, path } of adminRoutes(idp.app)) {
      const withBody = method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }
      const a = await idp.request(path, { method, headers: { origin: 'http://127.0.0.2:8080', 'content-type': 'application/json' }, ...withBody })
      expect(a.status, `${method} ${path} with Origin`).toBe(403)
      expect((await errorOf(a)).error).toBe('forbidden_origin')
      const b = await idp.request(path, { method, headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'content-type': 'application/json' }, ...withBody })
      expect(b.status, `${method} ${path} no-cors`).toBe(403)
      const n = await idp.request(path, { method, headers: { origin: 'null', 'content-type': 'application/json' }, ...withBody })
      expect(n.status, `${method} ${path} Origin: null`).toBe(403)
    }
  })

  it('refuses POST bodies that are not JSON (a cross-site form or text/plain fetch needs no preflight)', async () => {
    const posts = adminRoutes(idp.app).filter((r) => r.method === 'POST')
    expect(posts.length).toBeGreaterThanOrEqual(6)
    for (const { path } of posts) {
      for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
        const res = await idp.request(path, { method: 'POST', headers: ct ? { 'content-type': ct } : {}, body: '{"sub":"evil","username":"evil"}' })
        expect(res.status, `${path} ${ct}`).toBe(415)
        expect((await errorOf(res)).error_description).toContain('Content-Type: application/json')
      }
    }
    expect(idp.core.tenant('authing-demo')!.users.some((u) => u.sub === 'evil')).toBe(false)
  })

  it('a route added after the app was built is guarded too', async () => {
    const app = makeIdp()
    app.app.post(`${ADMIN_PATH}/added-later`, (c) => c.json({ ran: true }))
    expect((await app.request(`${ADMIN_PATH}/added-later`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415)
    expect((await app.request(`${ADMIN_PATH}/added-later`, json({}, { host: 'evil.example' }))).status).toBe(403)
    expect(await (await app.request(`${ADMIN_PATH}/added-later`, json({}))).json()).toEqual({ ran: true })
    // the prefix itself, and spellings a router would decode to it
    app.app.get(ADMIN_PATH, (c) => c.text('console'))
    expect((await app.request(ADMIN_PATH, { headers: { host: 'evil.example' } })).status).toBe(403)
    expect((await app.request('/%5Fmockidp/reset', json({}, { host: 'evil.example' }))).status).toBe(403)
    expect((await app.request(`${ADMIN_PATH}//reset`, json({}, { host: 'evil.example' }))).status).toBe(403)
  })

  it('answers this machine\'s names and the configured ones; same-origin pages (the console) pass', async () => {
    for (const host of ['localhost:9000', '127.0.0.1:9000', '[::1]:9000', 'authing-demo.localhost:9000', 'LOCALHOST.:9000', '10.0.0.5:9000']) {
      expect((await idp.request(`${ADMIN_PATH}/health`, { headers: { host } })).status, host).toBe(200)
    }
    expect((await idp.request(`${ADMIN_PATH}/health`, { headers: { host: 'localhost:9000', origin: 'http://localhost:9000', 'sec-fetch-site': 'same-origin' } })).status).toBe(200)
    // a link from elsewhere may open a page (a top-level navigation cannot read or change anything)
    expect((await idp.request(`${ADMIN_PATH}/health`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } })).status).toBe(200)
    for (const host of ['mockidp:9000', 'localhost.attacker.example', '127.0.0.1.nip.io']) {
      expect((await idp.request(`${ADMIN_PATH}/health`, { headers: { host } })).status, host).toBe(403)
    }
    const open = makeIdp(defaultCfg({ admin: { allowedHosts: ['idp.test'] }, publicUrl: 'http://auth.dev.example:9000' }))
    expect((await open.request(`${ADMIN_PATH}/health`, { headers: { host: 'idp.test:9000' } })).status).toBe(200)
    expect((await open.request(`${ADMIN_PATH}/health`, { headers: { host: 'auth.dev.example:9000' } })).status).toBe(200)
    expect((await open.request(`${ADMIN_PATH}/health`, { headers: { host: 'other.test' } })).status).toBe(403)
  })

  it('listening on all interfaces (a container), a single-label name such as a Compose service name is answered', async () => {
    const docker = makeIdp({ ...defaultCfg(), host: '0.0.0.0' })
    expect((await docker.request(`${ADMIN_PATH}/health`, { headers: { host: 'mockidp:9000' } })).status).toBe(200)
    expect((await docker.request(`${ADMIN_PATH}/health`, { headers: { host: 'mockidp.attacker.example:9000' } })).status).toBe(403)
    const any = makeIdp(defaultCfg({ admin: { allowedHosts: ['*'] } }))
    expect((await any.request(`${ADMIN_PATH}/health`, { headers: { host: 'whatever.example' } })).status).toBe(200)
  })

  it('admin.allowedOrigins opens it to one web origin, with CORS (preflight and response)', async () => {
    const open = makeIdp(defaultCfg({ admin: { allowedOrigins: ['http://localhost:5173'] } }))
    const pre = await open.request(`${ADMIN_PATH}/reset`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(pre.headers.get('access-control-allow-headers')).toContain('content-type')
    const res = await open.request(`${ADMIN_PATH}/reset`, json({}, { origin: 'http://localhost:5173' }))
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const other = await open.request(`${ADMIN_PATH}/reset`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.2:5173', 'access-control-request-method': 'POST' } })
    expect(other.status).toBe(403)
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    // without allowedOrigins, a preflight gets no CORS headers at all
    const closed = await idp.request(`${ADMIN_PATH}/reset`, { method: 'OPTIONS', headers: { origin: 'http://localhost:9000', 'access-control-request-method': 'POST' } })
    expect(closed.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('bodies: JSON only, at most 1 MiB (413), a parse error names the body', async () => {
    const big = await idp.request(`${ADMIN_PATH}/tenants/authing-demo/users`, json({ sub: 'big', username: 'big', blob: 'x'.repeat(ADMIN_BODY_LIMIT) }))
    expect(big.status).toBe(413)
    expect((await errorOf(big)).error_description).toContain(`larger than ${ADMIN_BODY_LIMIT} bytes`)
    const bad = await idp.request(`${ADMIN_PATH}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tenant":' })
    expect(bad.status).toBe(400)
    expect((await errorOf(bad)).error_description).toMatch(/^body: not valid JSON/)
    // an empty JSON body is {}: POST /reset needs nothing
    expect((await idp.request(`${ADMIN_PATH}/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } })).status).toBe(200)
    expect((await idp.request(`${ADMIN_PATH}/reset`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{}' })).status).toBe(200)
  })

  it('host names are compared without port, brackets, case or a trailing dot', () => {
    expect(hostNameOf('LocalHost.:9000')).toBe('localhost')
    expect(hostNameOf('[::1]:9000')).toBe('::1')
    expect(hostNameOf('::1')).toBe('::1')
    expect(hostNameOf('a.b')).toBe('a.b')
  })
})

describe('admin guard over a socket', () => {
  let mock: MockIdp
  beforeAll(async () => {
    mock = await startMockIdp({ env: {} })
  })
  afterAll(() => mock?.stop())

  it('a chunked upload with no Content-Length is cut at the limit with a 413', async () => {
    const url = new URL(`${mock.url}${ADMIN_PATH}/tenants/authing-demo/users`)
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      const chunk = 'x'.repeat(64 * 1024)
      req.write('{"sub":"s","username":"u","blob":"')
      let sent = 0
      const pump = () => {
        while (sent < ADMIN_BODY_LIMIT * 3) {
          sent += chunk.length
          if (!req.write(chunk)) return void req.once('drain', pump)
        }
        req.end('"}')
      }
      pump()
    })
    expect(status).toBe(413)
    expect(mock.tenant('authing-demo').removeUser('s')).toBe(false)
  })

  it('MOCKIDP_ADMIN_TOKEN: no token, no access; connectMockIdp(url, { token }) sends it', async () => {
    const locked = await startMockIdp({ env: { MOCKIDP_ADMIN_TOKEN: 'sekrit-42' } })
    try {
      const none = await fetch(`${locked.url}${ADMIN_PATH}/health`)
      expect(none.status).toBe(401)
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="mockidp admin"')
      expect((await fetch(`${locked.url}${ADMIN_PATH}/health`, { headers: { authorization: 'Bearer sekrit-43' } })).status).toBe(401)
      await expect(connectMockIdp(locked.url, { token: 'wrong' }).health()).rejects.toThrow('401')
      const remote = connectMockIdp(locked.url, { token: 'sekrit-42' })
      expect((await remote.health()).status).toBe('ok')
      await remote.reset()
      const tokens = await remote.tenant(AUTHING.id).issueTokens({ user: 'test1' })
      expect(tokens.token_type).toBe('Bearer')
      // the OAuth endpoints themselves need no admin token
      expect((await fetch(locked.tenant(AUTHING.id).discoveryUrl!)).status).toBe(200)
    } finally {
      await locked.stop()
    }
    const configured = await startMockIdp({ env: {}, config: { admin: { token: 'from-config' } } })
    try {
      expect((await fetch(`${configured.url}${ADMIN_PATH}/health`)).status).toBe(401)
      expect((await connectMockIdp(configured.url, { token: 'from-config' }).health()).status).toBe('ok')
    } finally {
      await configured.stop()
    }
  })
})
