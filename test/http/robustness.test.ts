import { describe, expect, it } from 'vitest'
import { authorize, makeIdp, post, TENANTS, type TenantCase } from '../helpers/idp.js'

const [, authing, pingone, asgardeo] = TENANTS as [TenantCase, TenantCase, TenantCase, TenantCase]
const creds = (t: TenantCase) => ({ client_id: t.clientId, client_secret: t.clientSecret })

describe('request size', () => {
  it('a body over 64 KiB is 413 in the vendor error shape, with or without Content-Length', async () => {
    const idp = makeIdp()
    const big = `grant_type=client_credentials&x=${'a'.repeat(70_000)}`
    const withLength = await idp.request(asgardeo.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) }, body: big })
    expect(withLength.status).toBe(413)
    expect(Object.keys((await withLength.json()) as object)).toEqual(['error_description', 'error'])
    const stream = new ReadableStream({
      start(ctrl) {
        for (let i = 0; i < 10; i++) ctrl.enqueue(new TextEncoder().encode('a'.repeat(10_000)))
        ctrl.close()
      },
    })
    const chunked = await idp.request(authing.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: stream, duplex: 'half' } as RequestInit)
    expect(chunked.status).toBe(413)
  })

  it('unknown paths are a 404 JSON', async () => {
    const idp = makeIdp()
    const res = await idp.request('/nope/oidc/token', { method: 'POST' })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: string }).error).toBe('not_found')
  })
})

describe('concurrency', () => {
  it.each([authing, pingone, asgardeo])('$id: the same code redeemed by 20 requests at once succeeds exactly once', async (t) => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    const results = await Promise.all(Array.from({ length: 20 }, () => idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }))))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
    expect(results.filter((r) => r.status === 400)).toHaveLength(19)
  })

  it.each([pingone, asgardeo])('$id: a rotating refresh token used 20 times at once yields exactly one new pair', async (t) => {
    const idp = makeIdp()
    const { code } = await authorize(idp, t)
    const { refresh_token } = (await (await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }))).json()) as Record<string, string>
    const results = await Promise.all(Array.from({ length: 20 }, () => idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token, ...creds(t) }))))
    expect(results.filter((r) => r.status === 200)).toHaveLength(1)
  })

  it('no response mixes two requests\' data: 50 parallel flows for different users each get their own sub', async () => {
    const idp = makeIdp()
    const users = ['test1', 'alice']
    const runs = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const user = users[i % 2]!
        const { code } = await authorize(idp, pingone, { login_hint: user, nonce: `n${i}` })
        const body = (await (await idp.request(pingone.token, post({ grant_type: 'authorization_code', code, redirect_uri: pingone.redirectUri, ...creds(pingone) }))).json()) as Record<string, string>
        const id = JSON.parse(Buffer.from(body.id_token!.split('.')[1]!, 'base64url').toString()) as Record<string, string>
        return { i, user, id }
      }),
    )
    const tenant = idp.core.tenant('pingone-demo')!
    for (const r of runs) {
      expect(r.id.nonce).toBe(`n${r.i}`)
      expect(r.id.sub).toBe(tenant.findUser(r.user)!.sub)
    }
  })
})

describe('no XSS through echoed values', () => {
  const evil = `"><script>alert(1)</script><img src=x onerror=alert(2)>`
  it.each(TENANTS)('$id: the login page and the error page escape state, login_hint, nonce and client_id', async (t) => {
    const idp = makeIdp()
    const q = new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: 'openid', state: evil, login_hint: evil, nonce: evil, prompt: 'login' })
    const login = await idp.request(`${t.authorize}?${q}`)
    expect(login.status).toBe(200)
    const html = await login.text()
    expect(html).toContain('mockidp_action') // it is the login page
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<img src=x')
    const bad = await idp.request(`${t.authorize}?${new URLSearchParams({ response_type: 'code', client_id: evil, redirect_uri: t.redirectUri, state: evil })}`)
    const page = await bad.text()
    expect(bad.status).toBe(400)
    expect(page).not.toContain('<script>alert(1)')
    expect(page).not.toContain('<img src=x')
  })
})
