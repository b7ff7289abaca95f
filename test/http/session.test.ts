import { describe, expect, it } from 'vitest'
import { decodeJwt, defaultCfg, makeIdp, post, T0, TENANTS, type TenantCase } from '../helpers/idp.js'
import { sessionCookieName } from '../../src/oauth/end-session.js'
import { SESSION_TTL } from '../../src/runtime/sessions.js'
import { brandPalette } from '../../src/server/html.js'

type Idp = ReturnType<typeof makeIdp>

const T0S = Date.parse(T0) / 1000
const END_SESSION: Record<string, string> = {
  'genauth-demo': '/genauth/demo/oidc/session/end',
  'authing-demo': '/authing/demo/oidc/session/end',
  'pingone-demo': '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/signoff',
  'asgardeo-demo': '/asgardeo/t/bifrost/oidc/logout',
}
const ROOT: Record<string, string> = {
  'genauth-demo': '/genauth/demo',
  'authing-demo': '/authing/demo',
  'pingone-demo': '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60',
  'asgardeo-demo': '/asgardeo/t/bifrost',
}

const authzParams = (t: TenantCase, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: t.clientId,
  redirect_uri: t.redirectUri,
  scope: t.scope,
  state: 'st',
  nonce: 'n-1',
  ...extra,
})

/** A browser's view of one tenant: a cookie jar of one cookie. */
function browser(idp: Idp, t: TenantCase) {
  let cookie: string | undefined
  const remember = (res: Response) => {
    for (const sc of res.headers.getSetCookie()) {
      const [pair] = sc.split(';')
      const [name, value] = pair!.split('=') as [string, string]
      if (name !== sessionCookieName(t.id)) continue
      cookie = /max-age=0/i.test(sc) ? undefined : `${name}=${value}`
    }
    return res
  }
  const headers = (): Record<string, string> => (cookie ? { cookie } : {})
  return {
    get cookie() {
      return cookie
    },
    set cookie(v: string | undefined) {
      cookie = v
    },
    /** GET the authorization endpoint (no login_hint). */
    authorize: async (extra: Record<string, string> = {}) => remember(await idp.request(`${t.authorize}?${new URLSearchParams(authzParams(t, extra))}`, { headers: headers() })),
    /** Answer the login page: pick a user, or type a username and password. */
    login: async (who: { user: string } | { username: string; password: string }, extra: Record<string, string> = {}) => {
      const fields = 'user' in who ? { mockidp_user: userOf(idp, t, who.user).sub } : { mockidp_username: who.username, mockidp_password: who.password }
      return remember(await idp.request(t.authorize, post({ ...authzParams(t, extra), mockidp_action: 'login', ...fields }, headers())))
    },
    logout: async (params: Record<string, string>) => remember(await idp.request(`${END_SESSION[t.id]}?${new URLSearchParams(params)}`, { headers: headers() })),
  }
}

const codeOf = (res: Response): string => {
  expect(res.status, 'expected a redirect with a code').toBe(302)
  const loc = new URL(res.headers.get('location')!)
  expect(loc.searchParams.get('error')).toBeNull()
  return loc.searchParams.get('code')!
}

async function idTokenClaims(idp: Idp, t: TenantCase, code: string): Promise<Record<string, unknown>> {
  const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
  expect(res.status, await res.clone().text()).toBe(200)
  return decodeJwt(((await res.json()) as { id_token: string }).id_token).payload
}

/** A default user by username; Asgardeo's second user is `alice@bifrost.com`. */
const userOf = (idp: Idp, t: TenantCase, name: string) => {
  const users = idp.core.tenant(t.id)!.users
  return users.find((u) => u.username === name) ?? users.find((u) => u.username.startsWith(`${name}@`))!
}

/** What a code carries over from the session: user, sid, auth_time (every vendor's id token has sid; not all print auth_time). */
async function grantOf(idp: Idp, t: TenantCase, code: string): Promise<{ sub: string; sid: string; authTime: number; idToken: Record<string, unknown> }> {
  const rec = idp.core.tenant(t.id)!.codes.get(code)!
  const grant = { sub: rec.sub, sid: rec.sid, authTime: rec.authTime }
  const idToken = await idTokenClaims(idp, t, code)
  expect(idToken.sub).toBe(grant.sub)
  expect(idToken.sid).toBe(grant.sid)
  if ('auth_time' in idToken) expect(idToken.auth_time).toBe(grant.authTime)
  return { ...grant, idToken }
}

const isLoginPage = async (res: Response): Promise<boolean> => res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/html') && (await res.text()).includes('Choose a test user')

describe.each(TENANTS)('$id: SSO session', (t) => {
  it('a login on the page sets a tenant-scoped HttpOnly Lax cookie; the next authorize skips the page (same sid and auth_time)', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    expect(await isLoginPage(await b.authorize())).toBe(true)
    const first = await b.login({ user: 'alice' })
    const setCookie = first.headers.getSetCookie().find((c) => c.startsWith(`${sessionCookieName(t.id)}=`))!
    expect(setCookie).toMatch(new RegExp(`^${sessionCookieName(t.id)}=[A-Za-z0-9_-]{43}; Path=${ROOT[t.id]}; HttpOnly; SameSite=Lax$`))
    const a = await grantOf(idp, t, codeOf(first))

    idp.clock.advance(90_000)
    const second = await b.authorize({ state: 'again' })
    expect(new URL(second.headers.get('location')!).searchParams.get('state')).toBe('again')
    expect(second.headers.getSetCookie()).toEqual([]) // the session goes on; no new cookie
    const s = await grantOf(idp, t, codeOf(second))
    expect(s.sub).toBe(userOf(idp, t, 'alice').sub)
    expect([s.sid, s.authTime]).toEqual([a.sid, T0S])
    expect(s.idToken.iat).toBe(T0S + 90)
  })

  it('prompt=none: login_required without a session (with state), a code with one', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    const refused = await b.authorize({ prompt: 'none' })
    expect(refused.status).toBe(302)
    const loc = new URL(refused.headers.get('location')!)
    expect([loc.origin + loc.pathname, loc.searchParams.get('error'), loc.searchParams.get('error_description'), loc.searchParams.get('state')]).toEqual([
      t.redirectUri,
      'login_required',
      'End-User authentication is required',
      'st',
    ])
    codeOf(await b.login({ user: 'test1' }))
    codeOf(await b.authorize({ prompt: 'none' }))
  })

  it('prompt=login (and select_account) shows the page despite a session, naming the signed-in user', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    for (const prompt of ['login', 'select_account', 'consent login']) {
      const res = await b.authorize({ prompt })
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain('You are signed in as <strong>Test One</strong>')
      expect(html).toContain(`name="prompt" value="${prompt}"`) // carried through the form
    }
    // answering the page with prompt=login still in the form completes (no loop)
    codeOf(await b.login({ user: 'alice' }, { prompt: 'login' }))
  })

  it('max_age: a session younger than max_age is reused; an older one shows the page (prompt=none: login_required)', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    idp.clock.advance(120_000)
    const young = await grantOf(idp, t, codeOf(await b.authorize({ max_age: '120' })))
    expect(young.authTime).toBe(T0S)
    expect(await isLoginPage(await b.authorize({ max_age: '119' }))).toBe(true)
    const none = await b.authorize({ max_age: '60', prompt: 'none' })
    expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required')
    // max_age=0 is prompt=login (OIDC Core §3.1.2.1)
    expect(await isLoginPage(await b.authorize({ max_age: '0' }))).toBe(true)
    // signing in again restarts auth_time
    const fresh = await grantOf(idp, t, codeOf(await b.login({ user: 'test1' }, { max_age: '60' })))
    expect(fresh.authTime).toBe(T0S + 120)
    expect(fresh.sid).not.toBe(young.sid)
  })

  it('refuses a malformed max_age or prompt=none combined with another prompt (invalid_request, redirected)', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    // Authing/GenAuth word these as node-oidc-provider v6 does (check_max_age.js, check_prompt.js)
    const v6 = t.vendor === 'authing' || t.vendor === 'genauth'
    const maxAge = v6 ? 'invalid max_age parameter value' : 'invalid max_age parameter'
    for (const [extra, description] of [
      [{ max_age: '-1' }, maxAge],
      [{ max_age: '1e3' }, maxAge],
      [{ prompt: 'none login' }, v6 ? 'prompt none must only be used alone' : 'invalid prompt parameter'],
    ] as const) {
      const res = await b.authorize(extra)
      const loc = new URL(res.headers.get('location')!)
      expect([res.status, loc.searchParams.get('error'), loc.searchParams.get('error_description')]).toEqual([302, 'invalid_request', description])
    }
  })

  it('logout deletes the server-side session and clears the cookie at the same path; the old cookie no longer signs in', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    const code = codeOf(await b.login({ user: 'test1' }))
    const { id_token } = (await (await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))).json()) as { id_token: string }
    const stolen = b.cookie
    expect(idp.core.tenant(t.id)!.sessions.size).toBe(1)

    const bye = await b.logout({ id_token_hint: id_token, post_logout_redirect_uri: 'http://localhost:3000/callback', state: 'bye' })
    expect(bye.status).toBe(302)
    expect(bye.headers.get('location')).toBe('http://localhost:3000/callback?state=bye')
    expect(bye.headers.getSetCookie()).toContain(`${sessionCookieName(t.id)}=; Max-Age=0; Path=${ROOT[t.id]}; HttpOnly; SameSite=Lax`)
    expect(b.cookie).toBeUndefined()
    expect(idp.core.tenant(t.id)!.sessions.size).toBe(0)

    b.cookie = stolen // a replayed cookie is dead on the server too
    const again = await b.authorize({ prompt: 'none' })
    expect(new URL(again.headers.get('location')!).searchParams.get('error')).toBe('login_required')
  })

  it('an unregistered post_logout_redirect_uri gets the error page and leaves the session alone', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    const res = await b.logout({ client_id: t.clientId, post_logout_redirect_uri: 'https://evil.example/', state: 'x' })
    expect(res.status).toBe(400)
    expect(res.headers.get('location')).toBeNull()
    expect(res.headers.getSetCookie()).toEqual([])
    codeOf(await b.authorize({ prompt: 'none' }))
  })
})

describe('SSO session details (genauth-demo)', () => {
  const t = TENANTS[0]!

  it('logout without a redirect shows a signed-out page and ends the session', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    const res = await b.logout({})
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<h1 class="title">You are signed out</h1>')
    expect(html).toContain('Your session with this tenant has ended.')
    expect(b.cookie).toBeUndefined()
    expect(idp.core.tenant(t.id)!.sessions.size).toBe(0)
  })

  it('a wrong password re-renders the page (401, alert, username kept) and leaves the session as it was', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'alice' }))
    const before = b.cookie
    const res = await b.login({ username: 'test1', password: 'nope' }, { prompt: 'login' })
    expect(res.status).toBe(401)
    expect(res.headers.getSetCookie()).toEqual([])
    const html = await res.text()
    expect(html).toContain('<p class="error" role="alert" id="login-error">Wrong username or password.</p>')
    expect(html).toMatch(/<input id="username" name="mockidp_username" value="test1"[^>]* aria-invalid="true" aria-describedby="login-error" autofocus>/)
    expect(b.cookie).toBe(before)
    const s = await idTokenClaims(idp, t, codeOf(await b.authorize()))
    expect(s.sub).toBe(userOf(idp, t, 'alice').sub)
  })

  it('a new login in the same browser replaces the session (the old cookie is dead)', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'alice' }))
    const old = b.cookie
    codeOf(await b.login({ username: 'test1@123.com', password: 'test1' }, { prompt: 'login' }))
    expect(b.cookie).not.toBe(old)
    expect(idp.core.tenant(t.id)!.sessions.size).toBe(1)
    const s = await idTokenClaims(idp, t, codeOf(await b.authorize()))
    expect(s.sub).toBe(userOf(idp, t, 'test1').sub)
    b.cookie = old
    expect(await isLoginPage(await b.authorize())).toBe(true)
  })

  it('login_hint signs in at once and starts a session; the same hint later reuses it, another user replaces it', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    const first = await grantOf(idp, t, codeOf(await b.authorize({ login_hint: 'test1' })))
    expect(b.cookie).toBeDefined()
    idp.clock.advance(5_000)
    const same = await grantOf(idp, t, codeOf(await b.authorize({ login_hint: 'test1' })))
    expect([same.sid, same.authTime]).toEqual([first.sid, first.authTime])
    const other = await grantOf(idp, t, codeOf(await b.authorize({ login_hint: 'alice' })))
    expect(other.sid).not.toBe(first.sid)
    expect(other.authTime).toBe(T0S + 5)
    const sso = await grantOf(idp, t, codeOf(await b.authorize()))
    expect(sso.sub).toBe(other.sub)
  })

  it('a session beats autoLogin; prompt=login beats both', async () => {
    const cfg = defaultCfg()
    cfg.tenants[0]!.autoLogin = 'test1'
    const idp = makeIdp(cfg)
    const b = browser(idp, t)
    const auto = await idTokenClaims(idp, t, codeOf(await b.authorize()))
    expect(auto.sub).toBe(userOf(idp, t, 'test1').sub)
    codeOf(await b.login({ user: 'alice' }))
    const sso = await idTokenClaims(idp, t, codeOf(await b.authorize()))
    expect(sso.sub).toBe(userOf(idp, t, 'alice').sub)
    expect(await isLoginPage(await b.authorize({ prompt: 'login' }))).toBe(true)
  })

  it('a session expires on the server after SESSION_TTL', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    idp.clock.advance((SESSION_TTL - 1) * 1000)
    codeOf(await b.authorize({ prompt: 'none' }))
    idp.clock.advance(1000)
    expect(new URL((await b.authorize({ prompt: 'none' })).headers.get('location')!).searchParams.get('error')).toBe('login_required')
  })

  it('idp.reset() forgets every session; cookie values are derived from the seed (same on a fresh server)', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    const cookie = b.cookie
    idp.core.reset()
    expect(idp.core.tenants.every((x) => x.sessions.size === 0)).toBe(true)
    expect(await isLoginPage(await b.authorize())).toBe(true)
    const b2 = browser(makeIdp(), t)
    codeOf(await b2.login({ user: 'test1' }))
    expect(b2.cookie).toBe(cookie)
  })

  it('a session belongs to one tenant: another tenant ignores it', async () => {
    const idp = makeIdp()
    const b = browser(idp, t)
    codeOf(await b.login({ user: 'test1' }))
    const other = TENANTS[1]!
    const value = b.cookie!.split('=')[1]!
    const res = await idp.request(`${other.authorize}?${new URLSearchParams(authzParams(other))}`, { headers: { cookie: `${sessionCookieName(other.id)}=${value}; ${b.cookie}` } })
    expect(await isLoginPage(res)).toBe(true)
  })
})

describe('login page', () => {
  it.each(TENANTS)('$id: one h1, labelled fields, vendor and tenant shown, brand colour, no script or external asset', async (t) => {
    const idp = makeIdp()
    const res = await browser(idp, t).authorize({ state: '"><script>alert(1)</script>' })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    const profile = idp.core.tenant(t.id)!.profile
    expect(html.match(/<h1[ >]/g)).toHaveLength(1)
    expect(html).toContain('<html lang="en">')
    expect(html).toContain(`<title>Sign in to ${idp.core.tenant(t.id)!.clients.get(t.clientId)!.name} — ${profile.displayName} (mockidp)</title>`)
    expect(html).toContain(`${profile.displayName} · tenant <code>${t.id}</code>`)
    expect(html).toContain(`--brand:${brandPalette(profile.brand.color).brand}`)
    expect(html).toContain('<label for="username">')
    expect(html).toContain('<label for="password">')
    expect(html).toContain('focus-visible')
    expect(html).not.toMatch(/<script|src=|href="http|@import|url\(/)
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"')
    for (const u of idp.core.tenant(t.id)!.users) expect(html).toContain(`data-user="${u.username}"`)
  })
})
