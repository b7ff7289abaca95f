import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setupServer } from 'msw/node'
import { http, HttpResponse } from 'msw'
import { handlers } from '../../src/msw.js'
import { createMockIdp } from '../../src/index.js'
import { defaultCfg } from '../helpers/idp.js'

const cfg = defaultCfg()
cfg.tenants[1]!.hosts = ['demo.authing.cn']
const idp = createMockIdp({ config: cfg, merge: false, env: {} })
const server = setupServer(...handlers({ idp, origins: ['http://localhost:9000'] }), http.all('*', () => HttpResponse.text('not mockidp', { status: 418 })))
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const cc = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=z8RB6ysdDZhe4QO0zJAQzKbi6P4a&client_secret=z0C79zlopx8i7ByOw8K15A9dplYa' }

describe('mockidp/msw', () => {
  it("answers a host-mounted tenant's URL as that host, over https", async () => {
    const res = await fetch('https://demo.authing.cn/oidc/.well-known/openid-configuration')
    expect(((await res.json()) as { issuer: string }).issuer).toBe('https://demo.authing.cn/oidc')
    expect(res.headers.get('x-mockidp')).toBe('mock identity provider; not for production')
  })

  it('answers every request to a configured origin, by path', async () => {
    const res = await fetch('http://localhost:9000/asgardeo/t/bifrost/oauth2/token', cc)
    expect(res.status).toBe(200)
    expect(idp.journal().at(-1)).toMatchObject({ tenant: 'asgardeo-demo', endpoint: 'token' })
  })

  it('leaves other hosts and origins to the next handler', async () => {
    expect((await fetch('https://other.authing.cn/oidc/token')).status).toBe(418)
    expect((await fetch('http://localhost:9001/asgardeo/t/bifrost/oauth2/token', cc)).status).toBe(418)
  })

  it('a dropped-connection fault is a network error for the caller', async () => {
    idp.injectFault({ tenant: 'asgardeo-demo', endpoint: 'token', kind: 'drop', times: 1 })
    await expect(fetch('http://localhost:9000/asgardeo/t/bifrost/oauth2/token', cc)).rejects.toThrow(/fetch failed|Failed to fetch|network/i)
  })

  it('a bad origin is refused clearly', () => {
    expect(() => handlers({ idp, origins: ['localhost:9000/x'] })).toThrow(/origins: "localhost:9000\/x" is not an http\(s\) origin/)
  })
})
