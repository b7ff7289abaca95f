import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMockIdp, connectMockIdp, type MockIdp, type RemoteMockIdp } from '../../src/index.js'
import { AUTHING, ASGARDEO, PINGONE, basic, formPost, jsonPost } from './helpers.js'

let idp: MockIdp
let remote: RemoteMockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
  remote = connectMockIdp(idp.url)
})
afterAll(() => idp?.stop())
beforeEach(() => idp.reset())

const cc = (t: { id: string; clientId: string; secret: string }) => fetch(idp.tenant(t.id).tokenEndpoint, formPost({ grant_type: 'client_credentials' }, { authorization: basic(t.clientId, t.secret) }))

describe('fault injection', () => {
  it('error by reason: the vendor\'s own code, wording and field order, for the next N requests', async () => {
    const f = idp.injectFault({ tenant: 'asgardeo-demo', endpoint: 'token', kind: 'error', reason: 'code_expired', times: 2 })
    expect(f).toMatchObject({ id: expect.stringMatching(/^fault-\d+$/), tenant: 'asgardeo-demo', source: 'api', hits: 0 })
    for (let i = 0; i < 2; i++) {
      const res = await cc(ASGARDEO)
      expect(res.status).toBe(400)
      expect(await res.text()).toBe('{"error_description":"Expired or Revoked authorization code received from token request","error":"invalid_grant"}')
    }
    expect((await cc(ASGARDEO)).status).toBe(200) // used up
    expect(idp.faults()).toEqual([])
    expect(idp.journal({ fault: true }).map((e) => [e.fault?.kind, e.status, e.error])).toEqual([
      ['error', 400, 'invalid_grant'],
      ['error', 400, 'invalid_grant'],
    ])
  })

  it('error with its own code, description and status, in the vendor\'s field order', async () => {
    idp.injectFault({ tenant: 'asgardeo-demo', endpoint: 'token', kind: 'error', error: 'temporarily_unavailable', description: 'try later', status: 503 })
    const res = await cc(ASGARDEO)
    expect(res.status).toBe(503)
    expect(await res.text()).toBe('{"error_description":"try later","error":"temporarily_unavailable"}')
    idp.clearFaults()
    idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'error', error: 'invalid_client' })
    const res2 = await cc(AUTHING)
    expect(res2.status).toBe(401) // the vendor's status and wording for that code
    expect(await res2.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) })
  })

  it('status: a bare 500/503', async () => {
    idp.injectFault({ tenant: 'pingone-demo', kind: 'status', status: 503, times: 1 })
    const res = await fetch(idp.tenant('pingone-demo').discoveryUrl!)
    expect(res.status).toBe(503)
    expect(await res.text()).toBe('Service Unavailable')
    expect((await fetch(idp.tenant('pingone-demo').discoveryUrl!)).status).toBe(200)
  })

  it('delay: answers normally, later', async () => {
    idp.injectFault({ tenant: 'pingone-demo', endpoint: 'jwks', kind: 'delay', delayMs: 300, times: 1 })
    const t0 = performance.now()
    const res = await fetch(idp.tenant('pingone-demo').jwksUri!)
    expect(res.status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290)
    expect(idp.journal()[0]).toMatchObject({ endpoint: 'jwks', status: 200, fault: { kind: 'delay' } })
  })

  it('malformed: a JSON content type with a body that is not JSON', async () => {
    idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'malformed' })
    const res = await cc(AUTHING)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    await expect(res.json()).rejects.toThrow(SyntaxError)
  })

  it('drop: the connection closes without an answer', async () => {
    idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'drop', times: 1 })
    await expect(cc(AUTHING)).rejects.toThrow('fetch failed')
    expect((await cc(AUTHING)).status).toBe(200)
    expect(idp.journal()[0]).toMatchObject({ endpoint: 'token', status: 0, fault: { kind: 'drop' }, grantType: 'client_credentials' })
  })

  it('scoped by grant type and client; other requests pass', async () => {
    idp.injectFault({ tenant: 'authing-demo', grantType: 'refresh_token', kind: 'status', status: 500 })
    idp.injectFault({ tenant: 'authing-demo', clientId: 'spa-client', kind: 'status', status: 502 })
    expect((await cc(AUTHING)).status).toBe(200)
    const t = idp.tenant('authing-demo')
    expect((await fetch(t.tokenEndpoint, formPost({ grant_type: 'refresh_token', refresh_token: 'x' }, { authorization: basic(AUTHING.clientId, AUTHING.secret) }))).status).toBe(500)
    expect((await fetch(t.tokenEndpoint, formPost({ grant_type: 'authorization_code', code: 'x', client_id: 'spa-client' }))).status).toBe(502)
    expect((await fetch(`${t.authorizationEndpoint}?client_id=spa-client`)).status).toBe(502)
    // the endpoint still reads the body the fault check read
    const ok = await fetch(t.tokenEndpoint, formPost({ grant_type: 'client_credentials', client_id: AUTHING.clientId, client_secret: AUTHING.secret }))
    expect(ok.status).toBe(200)
    expect(idp.faults().map((f) => f.hits)).toEqual([1, 2])
    expect(idp.clearFaults(idp.faults()[0]!.id)).toBe(1)
    expect(idp.clearFaults()).toBe(1)
  })

  it('other tenants are untouched; CORS preflights are never faulted', async () => {
    idp.injectFault({ tenant: 'authing-demo', kind: 'status', status: 503 })
    expect((await cc(PINGONE)).status).toBe(200)
    const pre = await fetch(idp.tenant('authing-demo').tokenEndpoint, { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } })
    expect(pre.status).not.toBe(503)
  })

  it('invalid faults are refused with the JSON path', () => {
    expect(() => idp.injectFault({ tenant: 'nope', kind: 'drop' })).toThrow('fault.tenant: no tenant "nope"')
    expect(() => idp.injectFault({ tenant: 'authing-demo', kind: 'error' })).toThrow('fault: an "error" fault needs a "reason"')
    expect(() => idp.injectFault({ tenant: 'authing-demo', kind: 'error', reason: 'nah' })).toThrow('fault.reason: "nah" is not a reason of profile "authing"')
    expect(() => idp.injectFault({ tenant: 'authing-demo', kind: 'status' })).toThrow('fault.status: is required')
    expect(() => idp.injectFault({ tenant: 'authing-demo', kind: 'boom' as never })).toThrow('fault.kind: "boom" is not allowed')
  })

  it('admin twin: POST, GET and DELETE /_mockidp/faults', async () => {
    const f = await remote.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'error', reason: 'client_auth_failed' })
    expect(await remote.faults()).toEqual([{ ...f }])
    const res = await cc(AUTHING)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' })
    expect(await remote.clearFaults(f.id)).toBe(1)
    expect(await remote.clearFaults(f.id)).toBe(0)
    await remote.injectFault({ tenant: 'authing-demo', kind: 'drop' })
    expect(await remote.clearFaults()).toBe(1)
    const bad = await fetch(`${idp.url}/_mockidp/faults`, jsonPost({ tenant: 'authing-demo', kind: 'delay' }))
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'invalid_request', error_description: 'invalid fault:\n  - fault.delayMs: is required for a "delay" fault (milliseconds)' })
  })
})

describe('faults in the config file', () => {
  it('are active from the start, come back on reset, and are checked like the rest of the config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockidp-faults-'))
    const file = join(dir, 'mockidp.json')
    writeFileSync(file, JSON.stringify({ faults: [{ tenant: 'pingone-demo', endpoint: 'userinfo', kind: 'status', status: 500, times: 1 }] }))
    const mock = await startMockIdp({ env: {}, config: { faults: [{ tenant: 'pingone-demo', endpoint: 'userinfo', kind: 'status', status: 500, times: 1 }] } })
    try {
      const userinfo = () => fetch(mock.tenant('pingone-demo').userinfoEndpoint!)
      expect(mock.faults()).toMatchObject([{ source: 'config', kind: 'status' }])
      expect((await userinfo()).status).toBe(500)
      expect((await userinfo()).status).toBe(401)
      mock.reset()
      expect((await userinfo()).status).toBe(500)
    } finally {
      await mock.stop()
    }
    await expect(startMockIdp({ env: {}, config: { faults: [{ tenant: 'ghost', kind: 'status' }] } })).rejects.toThrow(/faults\[0\]\.tenant: no tenant "ghost"[\s\S]*faults\[0\]\.status: is required/)
  })
})
