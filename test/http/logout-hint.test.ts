import { describe, expect, it } from 'vitest'
import { makeIdp, post, TENANTS } from '../helpers/idp.js'
import { sessionCookieName } from '../../src/oauth/end-session.js'

// id_token_hint is verified as the vendors' engines verify it (node-oidc-provider v6 IdToken.validate,
// WSO2 IS OIDCLogoutServlet.validateIdToken, PingOne's signoff: see the profiles' endSession
// $comment): an unsigned or forged hint ends no session and redirects nowhere; an expired one is fine.
const END_SESSION: Record<string, string> = {
  'genauth-demo': '/genauth/demo/oidc/session/end',
  'authing-demo': '/authing/demo/oidc/session/end',
  'pingone-demo': '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/signoff',
  'asgardeo-demo': '/asgardeo/t/bifrost/oidc/logout',
}
const ERROR: Record<string, string> = { 'genauth-demo': 'invalid_request', 'authing-demo': 'invalid_request', 'pingone-demo': 'invalid_request', 'asgardeo-demo': 'access_denied' }

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

describe.each(TENANTS)('end-session id_token_hint at $id', (t) => {
  async function signedIn() {
    const idp = makeIdp()
    const q = new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: t.scope, state: 's', login_hint: 'test1' })
    const res = await idp.request(`${t.authorize}?${q}`)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(sessionCookieName(t.id)))!.split(';')[0]!
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!
    const tokens = (await (await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))).json()) as { id_token: string }
    const logout = (params: Record<string, string>) => idp.request(`${END_SESSION[t.id]}?${new URLSearchParams(params)}`, { headers: { cookie } })
    return { idp, idToken: tokens.id_token, logout, sessions: () => idp.core.tenant(t.id)!.sessions.size }
  }

  it('an unsigned (alg: none) or tampered hint is refused: an error page, no redirect, the session stays', async () => {
    const { idToken, logout, sessions } = await signedIn()
    const [, payload, signature] = idToken.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>
    const forged = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      `${idToken.split('.')[0]}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`,
      `${b64({ alg: 'HS256', typ: 'JWT' })}.${payload}.${signature}`,
      'not-a-jwt',
    ]
    for (const hint of forged) {
      const res = await logout({ id_token_hint: hint, post_logout_redirect_uri: t.redirectUri, state: 'bye' })
      expect(res.status, hint.slice(0, 30)).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(await res.text()).toContain(ERROR[t.id])
      expect(sessions()).toBe(1)
    }
  })

  it('a hint issued to another client than client_id is refused', async () => {
    const { idToken, logout, sessions } = await signedIn()
    const res = await logout({ id_token_hint: idToken, client_id: 'spa-client' })
    expect(res.status).toBe(400)
    expect(sessions()).toBe(1)
  })

  it('the genuine hint, even expired, logs out and returns to the registered URI', async () => {
    const { idp, idToken, logout, sessions } = await signedIn()
    idp.clock.advance(30 * 24 * 3600 * 1000)
    const res = await logout({ id_token_hint: idToken, post_logout_redirect_uri: t.redirectUri, state: 'bye' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${t.redirectUri}?state=bye`)
    expect(sessions()).toBe(0)
  })
})
