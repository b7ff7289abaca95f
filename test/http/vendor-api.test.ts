import { constants, publicEncrypt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { basic, decodeJwt, makeIdp, T0 } from '../helpers/idp.js'

// Authing's own APIs beside OAuth (fixtures/profiles/authing.json `api`, src/vendor-api): shapes
// and errors, in-process. The real SDKs drive them in test/e2e/authing-sdk-defaults.test.ts.

type Idp = ReturnType<typeof makeIdp>
const APP = '5e37979f7b757ead14c534af'
const SECRET = '64b517f8de3648091654eb4ee9b479d3'
const SPA = 'http://localhost:5173'

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

async function publicKey(idp: Idp, base: string): Promise<string> {
  const res = await idp.request(`${base}/api/v2/.well-known`)
  return ((await res.json()) as { data: { publicKey: string } }).data.publicKey
}
const encrypt = (key: string, s: string) => publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(s)).toString('base64')

const LOGIN = 'mutation loginByUsername($input: LoginByUsernameInput!) {\n  loginByUsername(input: $input) {\n    id\n    token\n  }\n}'
const STATUS = 'query checkLoginStatus($token: String) {\n  checkLoginStatus(token: $token) {\n    code\n  }\n}'

describe.each(['/authing/demo', '/genauth/demo'])('%s: vendor API', (base) => {
  it('GET /api/v2/.well-known and /api/v3/system serve one RSA-1024 public key', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${base}/api/v2/.well-known`)
    expect([res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([200, 'application/json; charset=utf-8', 'no-store'])
    const body = (await res.json()) as { code: number; message: string; data: { publicKey: string } }
    expect(body).toEqual({ code: 200, message: '', data: { publicKey: expect.stringMatching(/^-----BEGIN PUBLIC KEY-----\nMIGf/) } })
    const system = await (await idp.request(`${base}/api/v3/system`)).json()
    expect(system).toEqual({ rsa: { publicKey: body.data.publicKey }, sm2: { publicKey: '' }, version: { server: 'mockidp', console: 'mockidp', login: 'mockidp' }, publicIps: [] })
  })

  it('POST /api/v3/signin: PASSWORD with client_secret_post answers LoginTokenRespDto; the tokens are the /oidc server\'s', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${base}/api/v3/signin`, json({ connection: 'PASSWORD', passwordPayload: { username: 'test1', password: 'test1' }, options: { scope: 'openid profile offline_access' }, client_id: APP, client_secret: SECRET }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { statusCode: number; message: string; data: Record<string, unknown> }
    expect(Object.keys(body)).toEqual(['statusCode', 'message', 'data'])
    expect(Object.keys(body.data)).toEqual(['scope', 'access_token', 'id_token', 'refresh_token', 'token_type', 'expire_in'])
    expect(body.data).toMatchObject({ scope: 'openid profile offline_access', token_type: 'Bearer', expire_in: 3600 })
    const id = decodeJwt(body.data.id_token as string).payload
    expect([id.iss, id.aud, id.iat]).toEqual([`http://localhost:9000${base}/oidc`, APP, Date.parse(T0) / 1000])
    const me = await idp.request(`${base}/oidc/me`, { headers: { authorization: `Bearer ${body.data.access_token as string}` } })
    expect(((await me.json()) as { sub: string }).sub).toBe(id.sub)
    // without offline_access: no refresh_token member at all; the default scope is 'openid profile'
    const short = await idp.request(`${base}/api/v3/signin`, json({ connection: 'PASSWORD', passwordPayload: { email: 'test1@123.com', password: 'test1' } }, { authorization: basic(APP, SECRET) }))
    const data = ((await short.json()) as { data: Record<string, unknown> }).data
    expect([Object.keys(data), data.scope]).toEqual([['scope', 'access_token', 'id_token', 'token_type', 'expire_in'], 'openid profile'])
  })

  it('/api/v3/signin: a public app signs in with x-authing-app-id alone; RSA passwords decrypt; the errors are Authing\'s', async () => {
    const idp = makeIdp()
    const call = (body: unknown, headers: Record<string, string> = {}) => Promise.resolve(idp.request(`${base}/api/v3/signin`, json(body, headers))).then(async (r: Response) => [r.status, await r.json(), r.headers.get('x-mockidp-reason')] as const)
    const pwd = (password: string, extra: Record<string, unknown> = {}) => ({ connection: 'PASSWORD', passwordPayload: { username: 'test1', password }, ...extra })
    const spa = { 'x-authing-app-id': 'spa-client' }
    expect((await call(pwd('test1'), spa))[1]).toMatchObject({ statusCode: 200 })
    const key = await publicKey(idp, base)
    expect((await call(pwd(encrypt(key, 'test1'), { options: { passwordEncryptType: 'rsa' } }), spa))[1]).toMatchObject({ statusCode: 200 })
    const [status, wrong, why] = await call(pwd('nope'), spa)
    expect([status, wrong, why]).toEqual([200, { statusCode: 400, message: '用户名或密码错误', apiCode: 2333 }, 'wrong password for user "test1"'])
    expect((await call(pwd('test1', { options: { passwordEncryptType: 'rsa' } }), spa))[2]).toMatch(/not an RSA \(PKCS#1 v1\.5\) ciphertext/)
    expect((await call(pwd('x', { options: { passwordEncryptType: 'sm2' } }), spa))[1]).toEqual({ statusCode: 400, message: 'mockidp does not emulate SM2 password encryption; use RSA or none' })
    expect((await call(pwd('test1'), { 'x-authing-app-id': 'nope' }))[1]).toEqual({ statusCode: 400, message: '应用不存在', apiCode: 2011 })
    // the confidential app must authenticate, as its token endpoint would make it
    expect((await call(pwd('test1'), { 'x-authing-app-id': APP }))[1]).toMatchObject({ statusCode: 400, message: expect.stringContaining(`application "${APP}" did not authenticate`) })
    expect((await call({ ...pwd('test1'), client_id: APP, client_secret: 'bad' }))[1]).toMatchObject({ statusCode: 400 })
    expect((await call({ connection: 'PASSCODE', passCodePayload: { phone: '13800000001', passCode: '1234' } }, spa))[1]).toEqual({ statusCode: 400, message: 'mockidp signs in with connection PASSWORD only, not "PASSCODE"' })
    expect((await call({ connection: 'PASSWORD', passwordPayload: { password: 'x' } }, spa))[1]).toMatchObject({ statusCode: 400, message: expect.stringContaining('needs passwordPayload.password and one of') })
  })

  it('/api/v3/signin refuses non-JSON bodies clearly; /api/v3/signin-by-mobile is refused as not served', async () => {
    const idp = makeIdp()
    for (const init of [
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' },
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' },
    ]) {
      const res = await idp.request(`${base}/api/v3/signin`, init)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { statusCode: number }).statusCode).toBe(400)
      expect(res.headers.get('x-mockidp-reason')).toMatch(/JSON/)
    }
    const mobile = await idp.request(`${base}/api/v3/signin-by-mobile`, json({ connection: 'wechat', extIdpConnidentifier: 'x' }))
    expect(await mobile.json()).toEqual({ statusCode: 400, message: expect.stringContaining('mockidp has no social or mobile identity providers') })
  })

  it('/graphql/v2 loginByUsername (always RSA) and checkLoginStatus (variable or bearer token) in GraphQL shapes', async () => {
    const idp = makeIdp()
    const key = await publicKey(idp, base)
    const res = await idp.request(`${base}/graphql/v2`, json({ query: LOGIN, variables: { input: { username: 'alice', password: encrypt(key, 'alice'), autoRegister: false } } }, { 'x-authing-app-id': APP }))
    expect(res.status).toBe(200)
    const user = ((await res.json()) as { data: { loginByUsername: Record<string, unknown> } }).data.loginByUsername
    expect(user).toMatchObject({ username: 'alice', email: 'alice@example.com', emailVerified: true, phone: '13800000002', name: 'Alice Zhang', locale: 'zh-CN', website: null, openid: null, blocked: false, customData: [] })
    const token = user.token as string
    const status = (body: unknown, headers: Record<string, string> = {}) => Promise.resolve(idp.request(`${base}/graphql/v2`, json(body, headers))).then((r: Response) => r.json())
    const ok = { data: { checkLoginStatus: { code: 200, message: '已登录', status: true, exp: Date.parse(T0) / 1000 + 3600, iat: Date.parse(T0) / 1000, data: { id: user.id, userPoolId: user.userPoolId, arn: user.arn } } } }
    expect(await status({ query: STATUS, variables: { token } })).toEqual(ok)
    expect(await status({ query: STATUS, variables: {} }, { authorization: `Bearer ${token}` })).toEqual(ok)
    const off = (code: number, message: string) => ({ data: { checkLoginStatus: { code, message, status: false, exp: null, iat: null, data: null } } })
    expect(await status({ query: STATUS })).toEqual(off(2020, '未登录'))
    expect(await status({ query: STATUS, variables: { token: `${token.slice(0, -4)}AAAA` } })).toEqual(off(2207, '登录信息有误'))
    idp.clock.advance(3601_000)
    expect(await status({ query: STATUS, variables: { token } })).toEqual(off(2206, '登录信息已过期'))
  })

  it('/graphql/v2 errors: GraphQL errors with Authing\'s {code, message}; unknown operations and bad bodies are HTTP 400', async () => {
    const idp = makeIdp()
    const gql = (body: unknown, headers: Record<string, string> = {}) => Promise.resolve(idp.request(`${base}/graphql/v2`, json(body, headers))).then(async (r: Response) => [r.status, await r.json()] as const)
    expect(await gql({ query: LOGIN, variables: { input: { username: 'test1', password: 'test1' } } })).toEqual([200, { errors: [{ message: { code: 2333, message: '用户名或密码错误' } }], data: null }])
    expect(await gql({ query: LOGIN, variables: { input: { username: 'test1', password: 'x' } } }, { 'x-authing-app-id': 'nope' })).toEqual([200, { errors: [{ message: { code: 2011, message: '应用不存在' } }], data: null }])
    expect(await gql({ query: 'query udv { udv { key } }' })).toEqual([400, { errors: [{ message: 'mockidp serves the GraphQL operations loginByUsername, loginByEmail, loginByPhonePassword, checkLoginStatus, user here, not "udv"' }] }])
    expect(await gql({ query: LOGIN, variables: { input: {} } })).toEqual([400, { errors: [{ message: 'a password sign-in needs input.password and one of input.username' }] }])
    expect((await gql({ query: 'query constructor { x }' }))[0]).toBe(400)
    expect(await gql({ variables: {} })).toMatchObject([400, { errors: [{ message: expect.stringContaining('mockidp serves the GraphQL operations') }] }])
  })

  it('GET /login/profile/logout ends the SSO session; an unregistered redirect_uri gets the error page and keeps it', async () => {
    const idp = makeIdp()
    const q = new URLSearchParams({ response_type: 'code', client_id: APP, redirect_uri: 'http://localhost:3000/callback', scope: 'openid', login_hint: 'test1' })
    const auth = await idp.request(`${base}/oidc/auth?${q}`)
    const cookie = auth.headers.get('set-cookie')!.split(';')[0]!
    const tenant = idp.core.tenants.find((t) => base.startsWith(`/${t.profile.name}`))!
    expect(await tenant.sessions.find(cookie.split('=')[1])).toBeDefined()
    const bad = await idp.request(`${base}/login/profile/logout?redirect_uri=https://evil.example/`, { headers: { cookie } })
    expect([bad.status, await bad.text()]).toEqual([400, expect.stringContaining('post_logout_redirect_uri not registered')])
    expect(await tenant.sessions.find(cookie.split('=')[1])).toBeDefined()
    const res = await idp.request(`${base}/login/profile/logout?redirect_uri=${encodeURIComponent('http://localhost:3000/')}`, { headers: { cookie } })
    expect([res.status, res.headers.get('location')]).toEqual([302, 'http://localhost:3000/'])
    expect(await tenant.sessions.find(cookie.split('=')[1])).toBeUndefined()
  })

  it('browser apps at a registered origin may call the API cross-origin with credentials', async () => {
    const idp = makeIdp()
    const pre = await idp.request(`${base}/api/v3/signin`, { method: 'OPTIONS', headers: { origin: SPA, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-authing-app-id' } })
    expect([pre.status, pre.headers.get('access-control-allow-origin'), pre.headers.get('access-control-allow-credentials')]).toEqual([204, SPA, 'true'])
    const res = await idp.request(`${base}/api/v2/.well-known`, { headers: { origin: SPA } })
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA)
    const other = await idp.request(`${base}/api/v2/.well-known`, { headers: { origin: 'https://evil.example' } })
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
  })
})

describe('vendor API on tenants whose profile has none', () => {
  it('PingOne and Asgardeo tenants do not serve Authing\'s paths', async () => {
    const idp = makeIdp()
    for (const p of ['/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/api/v3/signin', '/asgardeo/t/bifrost/graphql/v2']) {
      expect((await idp.request(p, json({}))).status).toBe(404)
    }
  })
})
