import { describe, expect, it } from 'vitest'
import { authorize, makeIdp, post, TENANTS, type TenantCase } from '../helpers/idp.js'

type Idp = ReturnType<typeof makeIdp>

const SPA = 'http://localhost:5173' // spa-client's redirect-URI origin in the default config
const AUTHING_FAMILY = TENANTS.filter((t) => t.vendor === 'authing' || t.vendor === 'genauth')
const profilePath = (t: TenantCase) => `${t.base.replace(/\/oidc$/, '')}/api/v3/get-profile`

async function accessToken(idp: Idp, t: TenantCase, scope: string): Promise<string> {
  const { code } = await authorize(idp, { ...t, scope }, { login_hint: 'alice' })
  const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
  expect(res.status).toBe(200)
  return ((await res.json()) as { access_token: string }).access_token
}

describe.each(AUTHING_FAMILY)('$id: GET /api/v3/get-profile (as @authing/web getUserInfo() calls it)', (t) => {
  it("answers the token's user in Authing's envelope, fields following the token's scopes", async () => {
    const idp = makeIdp()
    const token = await accessToken(idp, t, 'openid profile email')
    const res = await idp.request(profilePath(t), { headers: { authorization: `Bearer ${token}`, 'x-authing-userpool-id': 'any-pool' } })
    expect([res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([200, 'application/json; charset=utf-8', 'no-store'])
    expect(await res.json()).toEqual({
      statusCode: 200,
      message: '',
      data: {
        userId: idp.core.tenant(t.id)!.findUser('alice')!.sub,
        username: 'alice',
        email: 'alice@example.com',
        emailVerified: true,
        name: 'Alice Zhang',
        nickname: 'alice',
        photo: 'https://files.authing.co/authing-console/default-user-avatar.png',
        gender: 'F',
        givenName: 'Alice',
        familyName: 'Zhang',
        middleName: null,
        preferredUsername: 'alice',
        profile: null,
        website: null,
        birthdate: null,
        zoneinfo: null,
        locale: 'zh-CN',
        updatedAt: '2024-03-01T08:00:00.000Z',
      },
    })
  })

  it('leaves out the fields of scopes the token lacks; accepts a bare token (authing-node-sdk sends one)', async () => {
    const idp = makeIdp()
    const token = await accessToken(idp, t, 'openid')
    const res = await idp.request(profilePath(t), { headers: { authorization: token } })
    expect(await res.json()).toEqual({ statusCode: 200, message: '', data: { userId: idp.core.tenant(t.id)!.findUser('alice')!.sub, username: 'alice' } })
  })

  it('answers a missing, forged or expired token with statusCode 401 in a 200 envelope', async () => {
    const idp = makeIdp()
    const token = await accessToken(idp, t, 'openid profile')
    const denied = { statusCode: 401, message: 'Unauthorized' }
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer nope' }, { authorization: `Bearer ${token.slice(0, -2)}xx` }]) {
      const res = await idp.request(profilePath(t), { headers })
      expect([res.status, await res.json()]).toEqual([200, denied])
    }
    idp.clock.advance(3601_000)
    expect(await (await idp.request(profilePath(t), { headers: { authorization: `Bearer ${token}` } })).json()).toEqual(denied)
  })

  it("allows the SPA's origin, with the SDK's own headers, to call it cross-origin", async () => {
    const idp = makeIdp()
    const pre = await idp.request(profilePath(t), {
      method: 'OPTIONS',
      headers: { origin: SPA, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,x-authing-userpool-id,x-authing-request-from,x-authing-sdk-version' },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe(SPA)
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET')
    expect(pre.headers.get('access-control-allow-headers')!.split(', ')).toEqual(expect.arrayContaining(['authorization', 'x-authing-userpool-id', 'x-authing-request-from', 'x-authing-sdk-version']))
    const res = await idp.request(profilePath(t), { headers: { origin: SPA } })
    expect(res.headers.get('access-control-allow-origin')).toBe(SPA)
  })
})

describe('vendors without a profile API', () => {
  it.each(TENANTS.filter((t) => !AUTHING_FAMILY.includes(t)))('$id: no /api/v3/get-profile', async (t) => {
    const res = await makeIdp().request(`${t.base.replace(/\/[^/]+$/, '')}/api/v3/get-profile`)
    expect(res.status).toBe(404)
  })
})
