import { describe, expect, it } from 'vitest'
import { makeIdp, ORIGIN, TENANTS } from '../helpers/idp.js'
import { sessionCookieName } from '../../src/oauth/session.js'

const ASGARDEO = TENANTS.find((t) => t.id === 'asgardeo-demo')!
const CHECK = '/asgardeo/t/bifrost/oidc/checksession'
const RP = new URL(ASGARDEO.redirectUri).origin

/** Sign in with login_hint; return the session cookie and the redirect's session_state. */
async function signIn(idp: ReturnType<typeof makeIdp>): Promise<{ cookie: string; sessionState: string }> {
  const q = new URLSearchParams({ response_type: 'code', client_id: ASGARDEO.clientId, redirect_uri: ASGARDEO.redirectUri, scope: 'openid', login_hint: 'test1', state: 's' })
  const res = await idp.request(`${ASGARDEO.authorize}?${q}`)
  expect(res.status).toBe(302)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${sessionCookieName(ASGARDEO.id)}=`))!.split(';')[0]!
  return { cookie, sessionState: new URL(res.headers.get('location')!).searchParams.get('session_state')! }
}

const status = (idp: ReturnType<typeof makeIdp>, query: Record<string, string>, cookie?: string) =>
  idp.request(`${CHECK}?${new URLSearchParams(query)}`, { headers: cookie ? { cookie } : {} })

describe('check_session_iframe (OIDC Session Management 1.0 §3.2)', () => {
  it('is advertised by the Asgardeo discovery document only where the profile lists it', async () => {
    const idp = makeIdp()
    for (const t of TENANTS) {
      const doc = (await (await idp.request(t.discovery)).json()) as Record<string, unknown>
      expect(doc.check_session_iframe, t.id).toBe(t.id === 'asgardeo-demo' ? `${ORIGIN}${CHECK}` : undefined)
    }
  })

  it('serves the OP iframe page, self-contained and not cached', async () => {
    const res = await makeIdp().request(`${CHECK}?client_id=${ASGARDEO.clientId}&redirect_uri=${encodeURIComponent(ASGARDEO.redirectUri)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    expect(html).toContain("addEventListener('message'")
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/) // no external assets
  })

  it("answers the current session's session_state: the one the authorization redirect carried", async () => {
    const idp = makeIdp()
    const { cookie, sessionState: fromRedirect } = await signIn(idp)
    expect(fromRedirect).toMatch(/^[0-9a-f]{64}\.[0-9a-f]{8}$/)
    const res = await status(idp, { client_id: ASGARDEO.clientId, origin: RP }, cookie)
    expect([res.status, res.headers.get('cache-control'), await res.json()]).toEqual([200, 'no-store', { session_state: fromRedirect }])
    // another RP origin (or client) has another session_state
    const other = (await (await status(idp, { client_id: ASGARDEO.clientId, origin: 'https://elsewhere.example' }, cookie)).json()) as { session_state: string }
    expect(other.session_state).not.toBe(fromRedirect)
  })

  it('answers null without a session, and after the session ended at the logout endpoint', async () => {
    const idp = makeIdp()
    expect(await (await status(idp, { client_id: ASGARDEO.clientId, origin: RP })).json()).toEqual({ session_state: null })
    const { cookie } = await signIn(idp)
    const out = await idp.request('/asgardeo/t/bifrost/oidc/logout', { headers: { cookie } })
    expect(out.status).toBe(200)
    expect(await (await status(idp, { client_id: ASGARDEO.clientId, origin: RP }, cookie)).json()).toEqual({ session_state: null })
  })

  it('refuses an unknown client in the vendor error shape (the iframe then reports "error")', async () => {
    const res = await status(makeIdp(), { client_id: 'nope', origin: RP })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error_description: 'Client credentials are invalid.', error: 'invalid_client' })
  })
})
