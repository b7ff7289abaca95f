import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectMockIdp, startMockIdp, type MockIdp } from '../../src/index.js'

describe('tenant URLs: in process, over the admin API and at GET /', () => {
  let idp: MockIdp
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0, env: {} })
  })
  afterAll(() => idp?.stop())

  it('a server without discovery (Authing/GenAuth /oauth) has no discovery URL anywhere, rather than "…undefined"', async () => {
    for (const id of ['authing-demo', 'genauth-demo']) {
      const oauth = idp.tenant(id).servers.oauth!
      expect(oauth.tokenEndpoint).toBe(`${idp.url}/${id.split('-')[0]}/demo/oauth/token`)
      expect('discoveryUrl' in oauth).toBe(false)
      const admin = (await (await fetch(`${idp.url}/_mockidp/tenants/${id}`)).json()) as { servers: Record<string, Record<string, string>> }
      expect(admin.servers.oauth).not.toHaveProperty('discoveryUrl')
      expect(admin.servers.oidc!.discoveryUrl).toBe(`${idp.url}/${id.split('-')[0]}/demo/oidc/.well-known/openid-configuration`)
    }
    const index = await (await fetch(`${idp.url}/`)).text()
    expect(index).not.toContain('undefined')
    const json = JSON.parse(index) as { tenants: { id: string; servers: Record<string, string>[] }[] }
    expect(json.tenants.find((t) => t.id === 'authing-demo')!.servers[1]).not.toHaveProperty('discovery')
  })

  it('connectMockIdp(url).tenant(id).info() and the in-process info() agree', async () => {
    const remote = await connectMockIdp(idp.url).tenant('pingone-demo').info()
    const local = idp.tenant('pingone-demo')
    expect(await local.info()).toEqual(remote)
    expect(remote.tokenEndpoint).toBe(local.tokenEndpoint)
  })

  it('GET / answers HTML to a browser and the same JSON as before to everyone else', async () => {
    const html = await fetch(`${idp.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } })
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    const text = await html.text()
    expect(text).toContain('<h1 class="title">Tenants</h1>')
    for (const id of idp.tenantIds) expect(text).toContain(`id="${id}"`)
    expect(text).toContain(`${idp.url}/asgardeo/t/bifrost/oauth2/token/.well-known/openid-configuration`)
    for (const accept of [undefined, '*/*', 'application/json', 'application/json, text/html']) {
      const res = await fetch(`${idp.url}/`, accept ? { headers: { accept } } : {})
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      const body = (await res.json()) as { name: string; tenants: { id: string; clients: string[] }[] }
      expect(body.name).toBe('mockidp')
      expect(body.tenants.map((t) => t.id)).toEqual(idp.tenantIds)
    }
  })
})
