import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import express from 'express'
import { auth } from 'express-openid-connect'
import { startMockIdp, type MockIdp } from '../../src/index.js'

// express-openid-connect with its defaults: response_type=id_token, response_mode=form_post,
// scope "openid profile email" — the implicit flow, the id_token posted to /callback.
let idp: MockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
})
afterAll(() => idp?.stop())

const cases = [
  { tenant: 'genauth-demo', clientId: '5e37979f7b757ead14c534af' },
  { tenant: 'authing-demo', clientId: '5e37979f7b757ead14c534af' },
  { tenant: 'pingone-demo', clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f' },
  { tenant: 'asgardeo-demo', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a' },
]

/** A cookie jar of one browser: `Set-Cookie` in, `Cookie` out. */
class Jar {
  private readonly cookies = new Map<string, string>()
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const eq = pair!.indexOf('=')
      this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1))
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/** The hidden inputs of an HTML form, and its action. */
function readForm(html: string): { action: string; fields: Record<string, string> } {
  const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&')
  const action = unescape(/<form[^>]*action="([^"]*)"/.exec(html)![1]!)
  const fields: Record<string, string> = {}
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(m[1]!)] = unescape(m[2]!)
  return { action, fields }
}

describe.each(cases)('express-openid-connect defaults against $tenant', (c) => {
  let server: Server
  let appOrigin: string
  beforeAll(async () => {
    const app = express()
    app.use(
      auth({
        issuerBaseURL: idp.tenant(c.tenant).issuer,
        // the redirect URI registered for the demo client; requests go to the real port below
        baseURL: 'http://localhost:3000',
        clientID: c.clientId,
        secret: 'a-long-cookie-secret-for-the-test-app-0123456789',
        authRequired: false,
      }),
    )
    app.get('/me', (req, res) => {
      res.json({ authenticated: req.oidc.isAuthenticated(), user: req.oidc.user ?? null, claims: req.oidc.idTokenClaims ?? null })
    })
    server = app.listen(0, '127.0.0.1')
    await once(server, 'listening')
    appOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('signs in: /login → authorize (id_token, form_post) → login page → POST /callback → session', async () => {
    const jar = new Jar()
    const login = await fetch(`${appOrigin}/login`, { redirect: 'manual' })
    expect(login.status).toBe(302)
    jar.take(login)
    const authorize = new URL(login.headers.get('location')!)
    expect(authorize.searchParams.get('response_type')).toBe('id_token')
    expect(authorize.searchParams.get('response_mode')).toBe('form_post')
    expect(authorize.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/)

    // the mock's login page: pick test1
    const page = await fetch(authorize, { redirect: 'manual' })
    expect(page.status).toBe(200)
    const html = await page.text()
    const userForm = /<li><form[\s\S]*?data-user="test1"/.exec(html)![0]
    const { action, fields } = readForm(userForm)
    const signedIn = await fetch(new URL(action, authorize), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields), redirect: 'manual' })
    expect(signedIn.status).toBe(200)
    // form_post: an auto-submitting form to the callback with id_token and state, no code, no access token
    const post = readForm(await signedIn.text())
    expect(post.action).toBe('http://localhost:3000/callback')
    expect(Object.keys(post.fields)).toEqual(expect.arrayContaining(['id_token', 'state']))
    expect(post.fields.code).toBeUndefined()
    expect(post.fields.access_token).toBeUndefined()

    const callback = await fetch(`${appOrigin}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams(post.fields),
      redirect: 'manual',
    })
    expect(callback.status).toBe(302)
    jar.take(callback)
    const me = (await (await fetch(`${appOrigin}/me`, { headers: { cookie: jar.header() } })).json()) as { authenticated: boolean; user: Record<string, unknown>; claims: Record<string, unknown> }
    expect(me.authenticated).toBe(true)
    expect(me.claims.iss).toBe(idp.tenant(c.tenant).issuer)
    expect(me.claims.aud).toBe(c.clientId)
    expect(me.claims.nonce).toBe(authorize.searchParams.get('nonce'))
    // no access token was issued, so there is nothing for an at_hash to bind
    expect(me.claims.at_hash).toBeUndefined()
    expect(me.user.email).toBe('test1@123.com')
  })
})
