import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AuthenticationClient as AuthingJsClient } from 'authing-js-sdk'
import { AuthenticationClient as AuthingNodeClient } from 'authing-node-sdk'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { decodeJwt } from '../helpers/idp.js'
import config from '../../mockidp.config.json' with { type: 'json' }

// authing-js-sdk and authing-node-sdk from npm, unmodified, with their default options: the
// vendor APIs beside OAuth (src/vendor-api, fixtures/profiles/authing.json `api`). axios honours
// HTTP(S)_PROXY: keep loopback direct.
process.env.NO_PROXY = '127.0.0.1,localhost'

let idp: MockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
})
afterAll(() => idp?.stop())

const APP = { appId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3' }
/** The sub of a default-config user. */
const subOf = (tenantId: string, username: string): string => config.tenants.find((t) => t.id === tenantId)!.users.find((u) => u.username === username)!.sub

const TENANTS = [
  ['authing-demo', '/authing/demo'],
  ['genauth-demo', '/genauth/demo'],
] as const

describe.each(TENANTS)('authing-js-sdk with default options against %s', (tenantId, base) => {
  const client = () => new AuthingJsClient({ appId: APP.appId, appHost: `${idp.url}${base}` })

  it('buildLogoutUrl() without expert: /login/profile/logout ends the session and returns to redirect_uri', async () => {
    const url = client().buildLogoutUrl({ redirectUri: 'http://localhost:3000/' }) as string
    expect(url).toBe(`${idp.url}${base}/login/profile/logout?redirect_uri=http://localhost:3000/`)
    const res = await fetch(url, { redirect: 'manual' })
    expect([res.status, res.headers.get('location')]).toEqual([302, 'http://localhost:3000/'])
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/)
    const bare = await fetch(client().buildLogoutUrl() as string)
    expect([bare.status, await bare.text()]).toEqual([200, expect.stringContaining('You are signed out')])
  })

  it('loginByUsername / loginByEmail (RSA-encrypted password over /graphql/v2) return the user with a token checkLoginStatus accepts', async () => {
    const c = client()
    const user = await c.loginByUsername('test1', 'test1')
    const sub = subOf(tenantId, 'test1')
    expect(user).toMatchObject({ id: sub, username: 'test1', email: 'test1@123.com', name: 'Test One', status: 'Activated', arn: expect.stringMatching(/^arn:cn:authing:[0-9a-f]{24}:user:/) })
    const claims = decodeJwt(user.token!).payload
    expect([claims.sub, claims.aud, claims.iss]).toEqual([sub, APP.appId, `${idp.url}${base}/oidc`])
    expect(Date.parse(user.tokenExpiredAt!)).toBe((claims.exp as number) * 1000)
    // checkLoginStatus() without an argument sends the SDK's stored token as the bearer token
    const status = await c.checkLoginStatus()
    expect(status).toEqual({ code: 200, message: '已登录', status: true, exp: claims.exp, iat: claims.iat, data: { id: sub, userPoolId: user.userPoolId, arn: user.arn } })
    expect(await c.checkLoginStatus(user.token!)).toEqual(status)
    const byEmail = await client().loginByEmail('alice@example.com', 'alice')
    expect(byEmail.username).toBe('alice')
  })

  it('checkLoginStatus of a token that is not the tenant\'s says 2207; loginByUsername with a wrong password throws 2333', async () => {
    const c = client()
    expect(await c.checkLoginStatus('not-a-token')).toEqual({ code: 2207, message: '登录信息有误', status: false, exp: null, iat: null, data: null })
    await expect(c.loginByUsername('test1', 'nope')).rejects.toEqual({ code: 2333, message: '用户名或密码错误', data: undefined })
    await expect(c.loginByUsername('nobody', 'test1')).rejects.toMatchObject({ code: 2333 })
  })
})

describe.each(TENANTS)('authing-node-sdk signIn* against %s', (tenantId, base) => {
  it.each(['client_secret_post', 'client_secret_basic'] as const)('signInByUsernamePassword with %s returns tokens the /oidc server accepts', async (method) => {
    const client = new AuthingNodeClient({ appId: APP.appId, appSecret: APP.secret, appHost: `${idp.url}${base}`, tokenEndPointAuthMethod: method } as never)
    const res = await client.signInByUsernamePassword({ username: 'test1', password: 'test1', options: { scope: 'openid profile email offline_access' } })
    expect(res).toMatchObject({ statusCode: 200, data: { scope: 'openid profile email offline_access', token_type: 'Bearer', expire_in: 3600 } })
    const { access_token, id_token, refresh_token } = res.data
    expect(refresh_token).toBeTypeOf('string')
    const claims = (await client.parseIDToken(id_token!)) as unknown as Record<string, unknown>
    expect([claims.sub, claims.email]).toEqual([subOf(tenantId, 'test1'), 'test1@123.com'])
    const intro = (await client.introspectToken(access_token!)) as unknown as Record<string, unknown>
    expect(intro.active).toBe(true)
    const refreshed = (await client.getNewAccessTokenByRefreshToken(refresh_token!)) as unknown as Record<string, unknown>
    expect(refreshed.access_token).toBeTypeOf('string')
  })

  it('an RSA-encrypted password (passwordEncryptType rsa, key from getSystemInfo()) signs in; a wrong one gets 2333', async () => {
    const { publicEncrypt, constants } = await import('node:crypto')
    const client = new AuthingNodeClient({ appId: APP.appId, appSecret: APP.secret, appHost: `${idp.url}${base}` } as never)
    const info = await client.getSystemInfo()
    expect(info.rsa.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/)
    const enc = (s: string) => publicEncrypt({ key: info.rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(s)).toString('base64')
    const ok = await client.signInByEmailPassword({ email: 'test1@123.com', password: enc('test1'), options: { passwordEncryptType: 'rsa' } as never })
    expect(ok.statusCode).toBe(200)
    expect(ok.data.id_token).toBeTypeOf('string')
    const bad = await client.signInByUsernamePassword({ username: 'test1', password: enc('wrong') , options: { passwordEncryptType: 'rsa' } as never })
    expect(bad).toEqual({ statusCode: 400, message: '用户名或密码错误', apiCode: 2333 })
  })

  it('a wrong app secret is refused; signInByMobile (social) says it is not served', async () => {
    const wrong = new AuthingNodeClient({ appId: APP.appId, appSecret: 'wrong', appHost: `${idp.url}${base}` } as never)
    const res = await wrong.signInByUsernamePassword({ username: 'test1', password: 'test1' })
    expect(res).toMatchObject({ statusCode: 400, message: expect.stringContaining('did not authenticate') })
    const mobile = await wrong.signInByMobile({ extIdpConnidentifier: 'wechat', connection: 'wechat' as never, wechatPayload: { code: 'x' } } as never)
    expect(mobile).toMatchObject({ statusCode: 400, message: expect.stringContaining('no social or mobile identity providers') })
  })
})
