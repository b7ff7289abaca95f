import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, createMockIdp, type InProcessMockIdp, type MockIdpConfig } from '../../src/index.js'
import { defaultCfg, T0 } from '../helpers/idp.js'

const ASG = { id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' }
const ccInit = (): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ASG.id, client_secret: ASG.secret }).toString(),
})
const issuerAt = async (idp: InProcessMockIdp, url: string) => ((await (await idp.fetch(url)).json()) as { issuer: string }).issuer

let open: InProcessMockIdp[] = []
afterEach(async () => {
  await Promise.all(open.map((i) => i.stop()))
  open = []
})
const make = (opts: Parameters<typeof createMockIdp>[0]) => {
  const idp = createMockIdp({ env: {}, ...opts })
  open.push(idp)
  return idp
}

describe('createMockIdp: the engine without a socket', () => {
  it('answers for the origin each request is addressed to, scheme included', async () => {
    const idp = make({ config: { clock: T0 } })
    expect(await issuerAt(idp, 'http://localhost:5173/authing/demo/oidc/.well-known/openid-configuration')).toBe('http://localhost:5173/authing/demo/oidc')
    expect(await issuerAt(idp, 'https://preview-42.example.dev/authing/demo/oidc/.well-known/openid-configuration')).toBe('https://preview-42.example.dev/authing/demo/oidc')
    const res = await idp.fetch(new Request('http://localhost/asgardeo/t/bifrost/oauth2/token', ccInit()))
    expect(res.status).toBe(200)
    expect(res.headers.get('x-mockidp')).toBe('mock identity provider; not for production')
    expect(idp.journal().map((e) => [e.tenant, e.endpoint, e.status])).toEqual([
      ['authing-demo', 'discovery', 200],
      ['authing-demo', 'discovery', 200],
      ['asgardeo-demo', 'token', 200],
    ])
  })

  it('mount puts every tenant under a path prefix, in its routes and its issuer', async () => {
    const idp = make({ config: { clock: T0 }, mount: '/idp' })
    expect(idp.tenantPaths).toContain('/idp/authing/demo')
    expect(await issuerAt(idp, 'http://localhost:3000/idp/authing/demo/oidc/.well-known/openid-configuration')).toBe('http://localhost:3000/idp/authing/demo/oidc')
    expect((await idp.fetch('http://localhost:3000/authing/demo/oidc/.well-known/openid-configuration')).status).toBe(404)
    idp.origin = 'http://localhost:3000'
    expect(idp.tenant('pingone-demo').issuer).toBe('http://localhost:3000/idp/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as')
  })

  it('a bad mount or an unknown tenant id is a config error naming the fix', () => {
    expect(() => createMockIdp({ env: {}, mount: 'idp/' })).toThrow(ConfigError)
    expect(() => createMockIdp({ env: {}, mount: 'idp/' })).toThrow(/mount: "idp\/" is not a path prefix; use "" or one like "\/idp"/)
    expect(() => createMockIdp({ env: {}, tenants: ['authing-demo', 'nope'] })).toThrow(/tenants: "nope" not in .*\(its tenants: genauth-demo, authing-demo, pingone-demo, asgardeo-demo\)/)
  })

  it('tenants keeps only the named ones', async () => {
    const idp = make({ tenants: ['pingone-demo'] })
    expect(idp.tenantIds).toEqual(['pingone-demo'])
    expect((await idp.fetch('http://localhost/authing/demo/oidc/.well-known/openid-configuration')).status).toBe(404)
  })

  it('routes by the URL host to host-mounted tenants; servesHost says which hosts those are', async () => {
    const cfg = defaultCfg()
    cfg.tenants[1]!.hosts = ['demo.authing.cn']
    const idp = make({ config: cfg, merge: false })
    // the configured host, then the other tenants' production hosts (the default config names them)
    expect(idp.hosts).toEqual(['demo.authing.cn', 'demo.genauth.ai', 'auth.pingone.com', 'api.asgardeo.io'])
    expect(idp.servesHost('https://demo.authing.cn/oidc/token')).toBe(true)
    expect(idp.servesHost('https://DEMO.authing.cn:8443/x')).toBe(true)
    expect(idp.servesHost('https://other.authing.cn/oidc/token')).toBe(false)
    expect(idp.servesHost('not a url')).toBe(false)
    expect(await issuerAt(idp, 'https://demo.authing.cn/oidc/.well-known/openid-configuration')).toBe('https://demo.authing.cn/oidc')
    expect(idp.tenant('authing-demo').issuer).toBe('http://localhost/authing/demo/oidc') // also on the path mount
  })

  it('a dropped-connection fault is a network error, never a response', async () => {
    const idp = make({})
    idp.injectFault({ tenant: 'asgardeo-demo', endpoint: 'token', kind: 'drop' })
    const res = await idp.fetch('http://localhost/asgardeo/t/bifrost/oauth2/token', ccInit())
    expect(res.type).toBe('error')
    expect(idp.journal().at(-1)).toMatchObject({ endpoint: 'token', status: 0 })
  })

  it('reset forgets issued tokens; watch reloads the config file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mockidp-inproc-')), 'mockidp.config.json')
    const config = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as MockIdpConfig
    writeFileSync(file, JSON.stringify(config))
    const reloaded: (Error | undefined)[] = []
    const idp = make({ configFile: file, watch: true, onReload: (e) => reloaded.push(e) })
    expect(idp.tenantIds).toHaveLength(4)
    writeFileSync(file, JSON.stringify({ ...config, tenants: config.tenants.filter((t) => t.id === 'asgardeo-demo') }))
    await expect.poll(() => reloaded.length, { timeout: 5000 }).toBe(1)
    expect(reloaded[0]).toBeUndefined()
    expect(idp.tenantIds).toEqual(['asgardeo-demo'])
    expect((await idp.fetch('http://localhost/authing/demo/oidc/.well-known/openid-configuration')).status).toBe(404)
    expect((await idp.fetch('http://localhost/asgardeo/t/bifrost/oauth2/token', ccInit())).status).toBe(200)
    idp.reset()
    expect(idp.journal()).toEqual([])
  })
})
