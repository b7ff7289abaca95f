import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, preview, type ViteDevServer } from 'vite'
import mockidp from '../../src/vite.js'
import type { InProcessMockIdp, MockIdpConfig } from '../../src/index.js'

const defaults = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as MockIdpConfig
const root = mkdtempSync(join(tmpdir(), 'mockidp-vite-'))
writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title><p>the app</p>')
const configFile = join(root, 'mockidp.config.json')
writeFileSync(configFile, JSON.stringify(defaults))

let server: ViteDevServer
let engine: InProcessMockIdp | undefined
const logged: string[] = []
const reloads: (Error | undefined)[] = []

beforeAll(async () => {
  server = await createServer({
    root,
    configFile: false,
    logLevel: 'info',
    customLogger: { info: (m) => logged.push(m), warn: (m) => logged.push(m), warnOnce: (m) => logged.push(m), error: (m) => logged.push(m), clearScreen() {}, hasErrorLogged: () => false, hasWarned: false },
    server: { host: '127.0.0.1', port: 0, strictPort: false },
    plugins: [mockidp({ onEngine: (e) => (engine = e), onReload: (e) => reloads.push(e) })],
  })
  await server.listen()
  server.printUrls()
})
afterAll(() => server?.close())

const origin = () => new URL(server.resolvedUrls!.local[0]!).origin

describe('mockidp/vite', () => {
  it('serves the tenants on the dev server origin; the issuer is that origin plus the tenant path', async () => {
    const res = await fetch(`${origin()}/authing/demo/oidc/.well-known/openid-configuration`)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-mockidp')).toBe('mock identity provider; not for production')
    const disco = (await res.json()) as Record<string, string>
    expect(disco.issuer).toBe(`${origin()}/authing/demo/oidc`)
    expect(disco.token_endpoint).toBe(`${origin()}/authing/demo/oidc/token`)
  })

  it('leaves every other path to Vite', async () => {
    const res = await fetch(`${origin()}/`)
    expect(await res.text()).toContain('<p>the app</p>')
    expect(res.headers.get('x-mockidp')).toBeNull()
  })

  it("prints each tenant's issuer under Vite's URLs", () => {
    const text = logged.join('\n')
    expect(text).toContain(`${origin()}/authing/demo/oidc`)
    expect(text).toContain(`${origin()}/asgardeo/t/bifrost/oauth2/token`)
    expect(text.indexOf('Local')).toBeLessThan(text.indexOf('mockidp'))
  })

  it('reloads the tenants when the config file changes; an invalid edit keeps them and logs why', async () => {
    writeFileSync(configFile, JSON.stringify({ ...defaults, tenants: defaults.tenants.filter((t) => t.id !== 'authing-demo') }))
    await expect.poll(() => reloads.length, { timeout: 5000 }).toBe(1)
    expect((await fetch(`${origin()}/authing/demo/oidc/.well-known/openid-configuration`)).headers.get('x-mockidp')).toBeNull() // Vite's now
    expect(engine!.tenantIds).not.toContain('authing-demo')
    writeFileSync(configFile, '{ "tenants": [ { "id": "x" } ] }')
    await expect.poll(() => reloads.length, { timeout: 5000 }).toBe(2)
    expect(reloads[1]?.message).toMatch(/tenants\[0\]/)
    expect(engine!.tenantIds).toHaveLength(3)
  })

  it('serves `vite preview` too (here one tenant of another config file)', async () => {
    writeFileSync(join(root, 'preview.json'), JSON.stringify(defaults))
    let previewEngine: InProcessMockIdp | undefined
    const p = await preview({ root, configFile: false, logLevel: 'silent', preview: { host: '127.0.0.1', port: 0 }, build: { outDir: root }, plugins: [mockidp({ tenants: ['pingone-demo'], configFile: 'preview.json', onEngine: (e) => (previewEngine = e) })] })
    const o = new URL(p.resolvedUrls!.local[0]!).origin
    const disco = (await (await fetch(`${o}/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/.well-known/openid-configuration`)).json()) as { issuer: string }
    expect(disco.issuer).toBe(`${o}/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as`)
    expect(previewEngine!.tenantIds).toEqual(['pingone-demo'])
    expect((await fetch(`${o}/authing/demo/oidc/.well-known/openid-configuration`)).headers.get('x-mockidp')).toBeNull()
    await p.close()
  })

  it('a bad config fails the dev server at start-up with the JSON path', async () => {
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ ...defaults, tenants: [{ ...defaults.tenants[0], vendor: 'pingon' }] }))
    const failed = await createServer({ root, configFile: false, logLevel: 'silent', server: { port: 0 }, plugins: [mockidp({ configFile: 'bad.json' })] }).then(
      (s) => s.close().then(() => undefined),
      (e: Error) => e,
    )
    expect(failed?.message).toMatch(/tenants\[0\]\.vendor: unknown profile "pingon"/)
  })
})
