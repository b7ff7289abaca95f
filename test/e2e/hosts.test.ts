import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { defaultCfg } from '../helpers/idp.js'

/** A request with an explicit Host header (fetch cannot set one). */
function get(idp: MockIdp, host: string, path: string, init: { method?: string; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: idp.port, path, method: init.method ?? 'GET', headers: { host, ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

let idp: MockIdp
beforeAll(async () => {
  const cfg = defaultCfg({ clock: 'system' })
  cfg.tenants[1]!.hosts = ['authing-demo.localhost'] // Authing: by path and by host
  cfg.tenants[2]!.hosts = ['pingone.localhost'] // PingOne custom domain: no envId segment
  delete cfg.tenants[2]!.basePath // host-only
  idp = await startMockIdp({ config: cfg, env: {}, merge: false }) // no merge: pingone-demo must lose its basePath
})
afterAll(() => idp?.stop())

describe('tenants reached by host name', () => {
  it('serve at the root of the host, with issuer and every URL built from that host', async () => {
    const host = `authing-demo.localhost:${idp.port}`
    const res = await get(idp, host, '/oidc/.well-known/openid-configuration')
    expect(res.status).toBe(200)
    const disco = JSON.parse(res.body) as Record<string, string>
    expect(disco.issuer).toBe(`http://${host}/oidc`)
    expect(disco.token_endpoint).toBe(`http://${host}/oidc/token`)
    expect(disco.authorization_endpoint).toBe(`http://${host}/oidc/auth`)
    const authz = await get(idp, host, '/oidc/auth?response_type=code&client_id=5e37979f7b757ead14c534af&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback&scope=openid&login_hint=test1')
    const code = new URL(authz.headers.location as string).searchParams.get('code')!
    const tok = await get(idp, host, '/oidc/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/callback', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3' }).toString() })
    expect(tok.status).toBe(200)
    const idToken = JSON.parse(tok.body).id_token as string
    expect(JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()).iss).toBe(`http://${host}/oidc`)
  })

  it('a PingOne host tenant drops the envId segment, like a custom domain', async () => {
    const res = await get(idp, 'pingone.localhost', '/as/.well-known/openid-configuration')
    expect(JSON.parse(res.body).issuer).toBe('http://pingone.localhost/as')
  })

  it('path-based tenants are unaffected; a host-only tenant is not on the path mount', async () => {
    const byPath = await fetch(`${idp.url}/authing/demo/oidc/.well-known/openid-configuration`)
    expect(((await byPath.json()) as { issuer: string }).issuer).toBe(`${idp.url}/authing/demo/oidc`)
    const gone = await fetch(`${idp.url}/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/.well-known/openid-configuration`)
    expect(gone.status).toBe(404)
  })

  it('an unknown host does not reach a host-only tenant: 404 JSON', async () => {
    const res = await get(idp, 'other.localhost', '/as/.well-known/openid-configuration')
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body).error).toBe('not_found')
  })
})
