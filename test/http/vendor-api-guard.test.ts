import { constants, publicEncrypt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { makeIdp } from '../helpers/idp.js'

// What Authing Guard (@authing/guard-react18) calls, in-process: the app's public config (a view
// of the configured client), the password login that also starts the SSO session, /cas/session,
// the GraphQL `user` query, /api/v2/logout. Guard itself drives them in examples/guard-react.

type Idp = ReturnType<typeof makeIdp>
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

async function encrypt(idp: Idp, base: string, s: string): Promise<string> {
  const { data } = (await (await idp.request(`${base}/api/v2/.well-known`)).json()) as { data: { publicKey: string } }
  return publicEncrypt({ key: data.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(s)).toString('base64')
}

const cases = [
  { base: '/authing/demo', brand: 'Authing', color: '396aff' },
  { base: '/genauth/demo', brand: 'GenAuth', color: '215ae5' },
]

describe.each(cases)('$base: Authing Guard\'s APIs', ({ base, brand, color }) => {
  it('GET /api/v2/applications/{appId}/public-config is a view of the configured client', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${base}/api/v2/applications/spa-client/public-config`)
    expect(res.status).toBe(200)
    const { code, data } = (await res.json()) as { code: number; data: Record<string, unknown> }
    expect(code).toBe(200)
    expect(data).toMatchObject({
      id: 'spa-client',
      name: 'Local SPA (Vite)',
      redirectUris: ['http://localhost:5173/callback'],
      logoutRedirectUris: ['http://localhost:5173/callback', 'http://localhost:5173', 'http://localhost:5173/'],
      cdnBase: `http://localhost:9000${base}`,
      loginTabs: { list: ['password'], default: 'password' },
      passwordTabConfig: { validLoginMethods: ['username-password', 'email-password', 'phone-password'] },
      registerDisabled: true,
      allowedOrigins: [],
      oidcConfig: { client_id: 'spa-client', grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' },
      protocol: 'oidc',
    })
    expect(data.userPoolId).toMatch(/^[0-9a-f]{24}$/)
    expect(data.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    expect(data.logo).toContain(`fill='%23${color}'`)
    expect(data.logo).toContain(`>${brand}</text>`)
    const confidential = ((await (await idp.request(`${base}/api/v2/applications/5e37979f7b757ead14c534af/public-config`)).json()) as { data: { name: string; oidcConfig: Record<string, unknown> } }).data
    expect([confidential.name, confidential.oidcConfig.token_endpoint_auth_method]).toEqual([brand === 'Authing' ? 'Authing demo app' : 'GenAuth demo app', 'client_secret_post'])
    // an unknown app: Authing's 2011, in the language asked for
    expect(await (await idp.request(`${base}/api/v2/applications/nope/public-config`)).json()).toEqual({ code: 2011, message: '应用不存在', data: null })
    expect(await (await idp.request(`${base}/api/v2/applications/nope/public-config`, { headers: { 'x-authing-lang': 'en-US' } })).json()).toEqual({ code: 2011, message: 'Application does not exist', data: null })
    const page = (await (await idp.request(`${base}/api/v2/applications/spa-client/components-public-config/guard`)).json()) as unknown
    expect(page).toEqual({ code: 200, message: '', data: { global: { showChangeLanguage: false, defaultLanguage: 'browser' } } })
    const sprite = await idp.request(`${base}/svg-string/guard?v=1`)
    expect(sprite.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(await sprite.text()).toMatch(/^<svg [^>]*>.*<symbol id="authing-a-user-line1"/)
  })

  it('POST /api/v2/login/account signs in, starts the SSO session /cas/session and /oidc/auth see; /api/v2/logout ends it', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${base}/api/v2/login/account`, json({ account: 'test1@123.com', password: await encrypt(idp, base, 'test1'), autoRegister: false, withCustomData: false }, { 'x-authing-app-id': 'spa-client' }))
    const body = (await res.json()) as { code: number; message: string; data: Record<string, unknown> }
    expect([body.code, body.data.username, body.data.email, body.data.name]).toEqual([200, 'test1', 'test1@123.com', 'Test One'])
    expect(body.data.token).toMatch(/^eyJ/)
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!
    expect(cookie).toMatch(/^mockidp_(authing|genauth)_demo=/)

    const session = (await (await idp.request(`${base}/cas/session`, { headers: { cookie } })).json()) as { session: Record<string, unknown>; userInfo: Record<string, unknown> }
    expect(session.session).toMatchObject({ _id: expect.stringMatching(/^[0-9a-f-]{36}$/), cookie: { httpOnly: true, type: 'oidc', userId: body.data.id } })
    expect([session.userInfo.id, session.userInfo.username]).toEqual([body.data.id, 'test1'])
    // the OIDC side reuses the session: no login page, a code at once
    const q = new URLSearchParams({ response_type: 'code', client_id: '5e37979f7b757ead14c534af', redirect_uri: 'http://localhost:3000/callback', scope: 'openid', prompt: 'none' })
    const auth = await idp.request(`${base}/oidc/auth?${q}`, { headers: { cookie } })
    expect([auth.status, new URL(auth.headers.get('location')!).searchParams.has('code')]).toEqual([302, true])

    // the GraphQL `user` query answers the token's user (Guard's trackSession)
    const me = (await (await idp.request(`${base}/graphql/v2`, json({ query: 'query user($id: String) { user(id: $id) { id username token } }', variables: {} }, { authorization: `Bearer ${body.data.token as string}` }))).json()) as { data: { user: Record<string, unknown> } }
    expect([me.data.user.id, me.data.user.token]).toEqual([body.data.id, body.data.token])
    const anonymous = await (await idp.request(`${base}/graphql/v2`, json({ query: 'query user($id: String) { user(id: $id) { id } }' }))).json()
    expect(anonymous).toEqual({ errors: [{ message: { code: 2020, message: '尚未登录，无权限访问此请求' } }], data: null })

    const out = await idp.request(`${base}/api/v2/logout?app_id=spa-client`, { headers: { cookie } })
    expect(await out.json()).toEqual({ code: 200, message: '退出登录成功', data: null })
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/)
    expect(await (await idp.request(`${base}/cas/session`, { headers: { cookie } })).json()).toEqual({ session: null })
  })

  it('/api/v2/login/account errors carry statusCode 4xx (Guard shows the message) in the request\'s language', async () => {
    const idp = makeIdp()
    const login = async (password: string, headers: Record<string, string> = {}) =>
      (await idp.request(`${base}/api/v2/login/account`, json({ account: 'test1', password }, { 'x-authing-app-id': 'spa-client', ...headers }))).json()
    expect(await login(await encrypt(idp, base, 'nope'))).toEqual({ statusCode: 400, code: 2333, apiCode: 2333, message: '用户名或密码错误', data: null })
    expect(await login(await encrypt(idp, base, 'nope'), { 'x-authing-lang': 'en-US' })).toEqual({ statusCode: 400, code: 2333, apiCode: 2333, message: 'Incorrect username or password', data: null })
    // Guard always encrypts: a plain password does not decrypt, and is refused like a wrong one
    expect(await login('test1')).toMatchObject({ code: 2333 })
    expect(await login(await encrypt(idp, base, 'test1'), { 'x-authing-app-id': 'ghost' })).toMatchObject({ statusCode: 400, code: 2011 })
  })
})
