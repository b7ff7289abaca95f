import { describe, expect, it } from 'vitest'
import { createRouteHandler, forwardedOrigin } from '../../src/next.js'

const disco = '/idp/authing/demo/oidc/.well-known/openid-configuration'

describe('mockidp/next', () => {
  const { GET, POST, OPTIONS, idp } = createRouteHandler({ mount: '/idp', env: {} })

  it("answers at the route's mount, issuer from the request's origin", async () => {
    const res = await GET(new Request(`http://localhost:3000${disco}`))
    expect(res.status).toBe(200)
    expect(((await res.json()) as { issuer: string }).issuer).toBe('http://localhost:3000/idp/authing/demo/oidc')
  })

  it('follows X-Forwarded-Host and -Proto, as on a preview deployment', async () => {
    const res = await GET(new Request(`http://localhost:3000${disco}`, { headers: { 'x-forwarded-host': 'my-app-git-feature.vercel.app, proxy.internal', 'x-forwarded-proto': 'https' } }))
    const body = (await res.json()) as { issuer: string; token_endpoint: string }
    expect(body.issuer).toBe('https://my-app-git-feature.vercel.app/idp/authing/demo/oidc')
    expect(body.token_endpoint).toBe('https://my-app-git-feature.vercel.app/idp/authing/demo/oidc/token')
    const untrusted = createRouteHandler({ mount: '/idp', env: {}, trustForwarded: false })
    expect(((await (await untrusted.GET(new Request(`http://localhost:3000${disco}`, { headers: { 'x-forwarded-host': 'evil.example' } }))).json()) as { issuer: string }).issuer).toBe('http://localhost:3000/idp/authing/demo/oidc')
  })

  it('ignores malformed forwarded headers', () => {
    expect(forwardedOrigin(new Request('http://localhost:3000/x', { headers: { 'x-forwarded-host': 'a b/c', 'x-forwarded-proto': 'gopher' } }))).toBe('http://localhost:3000')
    expect(forwardedOrigin(new Request('http://localhost:3000/x', { headers: { 'x-forwarded-proto': 'gopher' } }))).toBe('http://localhost:3000')
    expect(forwardedOrigin(new Request('http://localhost:3000/x', { headers: { 'x-forwarded-host': 'user@evil.example', 'x-forwarded-proto': 'https' } }))).toBe('http://localhost:3000')
    expect(forwardedOrigin(new Request('http://localhost:3000/x', { headers: { 'x-forwarded-host': 'app.example:8443', 'x-forwarded-proto': 'https' } }))).toBe('https://app.example:8443')
    expect(forwardedOrigin(new Request('http://localhost:3000/x', { headers: { 'x-forwarded-host': 'App.Example:443', 'x-forwarded-proto': 'https' } }))).toBe('https://app.example')
  })

  it('POSTs a form body through (token endpoint) and answers CORS preflights', async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' })
    const res = await POST(new Request('http://localhost:3000/idp/asgardeo/t/bifrost/oauth2/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-host': 'preview.example', 'x-forwarded-proto': 'https' }, body }))
    expect(res.status).toBe(200)
    expect(((await res.json()) as { token_type: string }).token_type).toBe('Bearer')
    expect(idp.journal().at(-1)).toMatchObject({ tenant: 'asgardeo-demo', endpoint: 'token', status: 200 })
    const pre = await OPTIONS(new Request('http://localhost:3000/idp/authing/demo/oidc/token', { method: 'OPTIONS', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } }))
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:3000')
  })
})
