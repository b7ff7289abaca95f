import { describe, expect, it } from 'vitest'
import { defaultCfg, makeIdp, pkce, post } from '../helpers/idp.js'
import { sessionCookieName } from '../../src/oauth/end-session.js'

// PingOne's IdP Signoff (GET {envId}/as/idpSignoff?id_token_hint=…), served as the profile's
// idTokenLogout endpoint: the Ping SDKs (@forgerock/javascript-sdk 4.9, @forgerock/oidc-client 2.1)
// read it from discovery's ping_end_idp_session_endpoint and fetch it with credentials from the app.
const P1 = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
const IDP_SIGNOFF = `${P1}/as/idpSignoff`
const SPA = { clientId: 'spa-client', redirectUri: 'http://localhost:5173/callback' }
const APP_ORIGIN = 'http://localhost:5173'

async function signedIn(cfg = defaultCfg()) {
  const idp = makeIdp(cfg)
  const { verifier, challenge } = pkce()
  const q = new URLSearchParams({ response_type: 'code', client_id: SPA.clientId, redirect_uri: SPA.redirectUri, scope: 'openid profile', state: 's', login_hint: 'test1', code_challenge: challenge, code_challenge_method: 'S256' })
  const res = await idp.request(`${P1}/as/authorize?${q}`)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(sessionCookieName('pingone-demo')))!.split(';')[0]!
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!
  const tokens = (await (await idp.request(`${P1}/as/token`, post({ grant_type: 'authorization_code', code, redirect_uri: SPA.redirectUri, client_id: SPA.clientId, code_verifier: verifier }))).json()) as { id_token: string }
  const signoff = (params: Record<string, string>, headers: Record<string, string> = {}) => idp.request(`${IDP_SIGNOFF}?${new URLSearchParams(params)}`, { headers })
  const sessions = () => idp.core.tenant('pingone-demo')!.sessions.size
  return { idp, idToken: tokens.id_token, cookie, signoff, sessions }
}

describe('PingOne IdP Signoff (/as/idpSignoff)', () => {
  it('discovery advertises it as ping_end_idp_session_endpoint, and lists no pi.flow response mode', async () => {
    const idp = makeIdp()
    const d = (await (await idp.request(`${P1}/as/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(d.ping_end_idp_session_endpoint).toBe(`http://localhost:9000${IDP_SIGNOFF}`)
    expect(d.end_session_endpoint).toBe(`http://localhost:9000${P1}/as/signoff`)
    expect(d.response_modes_supported).toEqual(['fragment', 'query', 'form_post'])
  })

  it('refuses response_mode=pi.flow (DaVinci\'s redirectless mode is not served): an error back to the app, no code', async () => {
    const idp = makeIdp()
    const q = new URLSearchParams({ response_type: 'code', client_id: SPA.clientId, redirect_uri: SPA.redirectUri, scope: 'openid', state: 's', login_hint: 'test1', response_mode: 'pi.flow', code_challenge: pkce().challenge, code_challenge_method: 'S256' })
    const res = await idp.request(`${P1}/as/authorize?${q}`, { headers: { accept: 'application/json' } })
    expect(res.status).toBe(302)
    const back = new URL(res.headers.get('location')!)
    expect([...back.searchParams]).toEqual([['error', 'invalid_request'], ['error_description', 'unsupported response_mode requested'], ['state', 's']])
  })

  it('ends the session the ID token names without its cookie: 204, then prompt=none gets login_required', async () => {
    const { idp, idToken, cookie, signoff, sessions } = await signedIn()
    expect(sessions()).toBe(1)
    const res = await signoff({ id_token_hint: idToken }, { origin: APP_ORIGIN })
    expect(res.status).toBe(204)
    expect(await res.text()).toBe('')
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN)
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.getSetCookie()).toEqual([]) // not this browser's cookie: nothing to clear
    expect(sessions()).toBe(0)
    const q = new URLSearchParams({ response_type: 'code', client_id: SPA.clientId, redirect_uri: SPA.redirectUri, scope: 'openid', state: 'z', prompt: 'none', code_challenge: pkce().challenge, code_challenge_method: 'S256' })
    const again = await idp.request(`${P1}/as/authorize?${q}`, { headers: { cookie } })
    const back = new URL(again.headers.get('location')!)
    expect([back.origin + back.pathname, back.searchParams.get('error')]).toEqual([SPA.redirectUri, 'login_required'])
  })

  it('with the session cookie it also clears it; with a registered post_logout_redirect_uri it redirects there with state', async () => {
    const { idToken, cookie, signoff, sessions } = await signedIn()
    const res = await signoff({ id_token_hint: idToken, post_logout_redirect_uri: `${APP_ORIGIN}/`, state: 'bye' }, { cookie })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${APP_ORIGIN}/?state=bye`)
    expect(res.headers.getSetCookie().some((c) => c.startsWith(`${sessionCookieName('pingone-demo')}=;`))).toBe(true)
    expect(sessions()).toBe(0)
  })

  it('answers a credentialed CORS preflight from the app (the SDKs send Authorization and Accept)', async () => {
    const { idp } = await signedIn()
    const res = await idp.request(IDP_SIGNOFF, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,accept' } })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN)
    expect(res.headers.get('access-control-allow-methods')).toBe('GET')
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization')
  })

  it('refuses what PingOne refuses, in the OAuth error shape, and ends nothing', async () => {
    const { idToken, signoff, sessions } = await signedIn()
    const [head, payload] = idToken.split('.')
    const cases: [Record<string, string>, number, Record<string, string>][] = [
      [{}, 400, { error: 'invalid_request', error_description: 'Missing required parameter: id_token_hint' }],
      [{ id_token_hint: `${head}.${payload}.` }, 400, { error: 'invalid_request', error_description: 'could not validate id_token_hint' }],
      [{ id_token_hint: 'not-a-jwt' }, 400, { error: 'invalid_request', error_description: 'could not validate id_token_hint' }],
      [{ id_token_hint: idToken, client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f' }, 400, { error: 'invalid_request', error_description: 'could not validate id_token_hint' }],
      [{ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/' }, 400, { error: 'invalid_request', error_description: 'post_logout_redirect_uri not registered' }],
    ]
    for (const [params, status, body] of cases) {
      const res = await signoff(params)
      expect(res.status, JSON.stringify(params).slice(0, 60)).toBe(status)
      expect(await res.json()).toEqual(body)
      expect(res.headers.get('location')).toBeNull()
    }
    expect(sessions()).toBe(1)
  })

  it('a client without idTokenLogout (PingOne idpSignoff off, its default) is refused: unauthorized_client', async () => {
    const cfg = defaultCfg()
    delete cfg.tenants.find((t) => t.id === 'pingone-demo')!.clients.find((c) => c.clientId === 'spa-client')!.idTokenLogout
    const { idToken, signoff, sessions } = await signedIn(cfg)
    const res = await signoff({ id_token_hint: idToken })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: 'unauthorized_client', error_description: 'The application is not configured to allow IdP signoff' })
    expect(sessions()).toBe(1)
  })

  it('only GET (as documented): POST is not served', async () => {
    const { idToken, idp } = await signedIn()
    const res = await idp.request(IDP_SIGNOFF, post({ id_token_hint: idToken }))
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })
})
