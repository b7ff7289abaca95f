import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as api from '../../src/index.js'
import { startMockIdp, connectMockIdp, type MockIdp, type RemoteMockIdp } from '../../src/index.js'
import { AUTHING, GENAUTH, PINGONE, basic, formPost, jsonPost, payloadOf, pkce } from './helpers.js'

let idp: MockIdp
let remote: RemoteMockIdp
beforeAll(async () => {
  idp = await startMockIdp({ env: {} })
  remote = connectMockIdp(idp.url)
})
afterAll(() => idp?.stop())
beforeEach(() => idp.reset())

const tokenRequest = (tokenEndpoint: string, fields: Record<string, string>, headers: Record<string, string> = {}) => fetch(tokenEndpoint, formPost(fields, headers))

describe('exports', () => {
  it('the public API', () => {
    expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
      [
        "ConfigError",
        "InputError",
        "NotFound",
        "OAuthError",
        "configSchema",
        "connectMockIdp",
        "createMockIdp",
        "describeTenant",
        "mergeConfig",
        "startMockIdp",
      ]
    `)
  })
})

describe('startMockIdp', () => {
  it('with nothing: the built-in tenants on a free port', () => {
    expect(idp.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(idp.tenantIds).toEqual(['genauth-demo', 'authing-demo', 'pingone-demo', 'asgardeo-demo'])
    const t = idp.tenant('authing-demo')
    expect(t.issuer).toBe(`${idp.url}/authing/demo/oidc`)
    expect(t.tokenEndpoint).toBe(`${idp.url}/authing/demo/oidc/token`)
    expect(t.discoveryUrl).toBe(`${idp.url}/authing/demo/oidc/.well-known/openid-configuration`)
    expect(() => idp.tenant('nope')).toThrow('mockidp: no tenant "nope" (tenants: genauth-demo, authing-demo, pingone-demo, asgardeo-demo)')
  })

  it('a partial config merges over the defaults: known tenant ids merge (clients and users by key), new ones are added', async () => {
    const mock = await startMockIdp({
      env: {},
      config: {
        clock: '2026-01-01T00:00:00Z',
        tenants: [
          { id: 'authing-demo', users: [{ sub: '5f719946524ee10992294962', username: 'alice', email: 'alice@corp.example' }] },
          { id: 'extra', vendor: 'pingone', basePath: '/p1', envId: '11111111-2222-4333-8444-555555555555', clients: [{ clientId: 'c', clientSecret: 's', redirectUris: ['http://localhost/cb'] }], users: [{ sub: 'u1', username: 'u1' }] },
        ],
      },
    })
    try {
      expect(mock.tenantIds).toEqual(['genauth-demo', 'authing-demo', 'pingone-demo', 'asgardeo-demo', 'extra'])
      expect(mock.clock.now()).toBe(Date.parse('2026-01-01T00:00:00Z'))
      const users = (await (await fetch(`${mock.url}/_mockidp/tenants/authing-demo/users`)).json()) as { users: Record<string, unknown>[] }
      expect(users.users.map((u) => u.username)).toEqual(['test1', 'alice'])
      expect(users.users[1]).toMatchObject({ email: 'alice@corp.example', password: 'alice' }) // merged, not replaced
      expect(mock.tenant('extra').issuer).toBe(`${mock.url}/p1/11111111-2222-4333-8444-555555555555/as`)
    } finally {
      await mock.stop()
    }
  })

  it('merge: false uses the config as the whole config; a bad partial config names the JSON path', async () => {
    const only = await startMockIdp({ env: {}, merge: false, config: { tenants: [{ id: 'solo', vendor: 'authing', basePath: '/solo', clients: [], users: [] }] } })
    expect(only.tenantIds).toEqual(['solo'])
    await only.stop()
    await expect(startMockIdp({ env: {}, config: { tenants: [{ id: 'bad', vendor: 'pingone', basePath: '/b' }] } })).rejects.toThrow(
      /inline config merged over .*mockidp\.config\.json[\s\S]*tenants\[4\]\.clients: is required/,
    )
  })
})

describe('issueTokens', () => {
  it('mints what the token endpoint answers: same fields, order, issuer and signature', async () => {
    const t = idp.tenant('authing-demo')
    const minted = await t.issueTokens({ user: 'test1', clientId: AUTHING.clientId, scope: 'openid profile email offline_access', nonce: 'n-1' })
    const code = t.createCode({ user: 'test1', clientId: AUTHING.clientId, redirectUri: AUTHING.redirectUri, scope: 'openid profile email offline_access' })
    const real = (await (await tokenRequest(t.tokenEndpoint, { grant_type: 'authorization_code', code, redirect_uri: AUTHING.redirectUri }, { authorization: basic(AUTHING.clientId, AUTHING.secret) })).json()) as Record<string, unknown>
    expect(Object.keys(minted)).toEqual(Object.keys(real))
    const jwks = createRemoteJWKSet(new URL(t.jwksUri!))
    const { payload } = await jwtVerify(minted.id_token!, jwks, { issuer: t.issuer, audience: AUTHING.clientId })
    expect(payload).toMatchObject({ sub: '5f719946524ee10992294961', nonce: 'n-1', email: 'test1@123.com' })
    expect(Object.keys(payload).sort()).toEqual(Object.keys(payloadOf(real.id_token as string)).concat('nonce').sort())
    await jwtVerify(minted.access_token, jwks, { issuer: t.issuer })
    // the refresh token is real: it refreshes at the token endpoint
    const refreshed = await tokenRequest(t.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: minted.refresh_token! }, { authorization: basic(AUTHING.clientId, AUTHING.secret) })
    expect(refreshed.status).toBe(200)
  })

  it('per-call claims and sub, without editing the config', async () => {
    const t = idp.tenant('pingone-demo')
    const minted = await t.issueTokens({ user: 'alice', clientId: PINGONE.clientId, scope: 'openid profile', claims: { role: 'admin', acr: 'mfa' }, sub: 'someone-else' })
    for (const jwt of [minted.access_token, minted.id_token!]) expect(payloadOf(jwt)).toMatchObject({ sub: 'someone-else', role: 'admin', acr: 'mfa' })
  })

  it('expired: every time claim in the past, rejected by a verifier', async () => {
    const t = idp.tenant('authing-demo')
    const now = Math.floor(Date.now() / 1000)
    const minted = await t.issueTokens({ user: 'test1', clientId: AUTHING.clientId, expired: true })
    const p = payloadOf(minted.id_token!)
    expect(p.exp).toBeLessThanOrEqual(now - 3600 + 2)
    expect(p.iat).toBeLessThan(p.exp as number)
    await expect(jwtVerify(minted.access_token, createRemoteJWKSet(new URL(t.jwksUri!)))).rejects.toThrow('"exp" claim timestamp check failed')
    // and the userinfo endpoint says so in the vendor's words
    const res = await fetch(t.userinfoEndpoint!, { headers: { authorization: `Bearer ${minted.access_token}` } })
    expect(res.status).toBe(401)
  })

  it('expiresIn sets the lifetime; opaque tokens (GenAuth OAuth) are stored and expire too', async () => {
    const t = idp.tenant('genauth-demo')
    const short = await t.issueTokens({ user: 'test1', clientId: GENAUTH.clientId, expiresIn: 60, scope: 'openid' })
    const p = payloadOf(short.access_token)
    expect((p.exp as number) - (p.iat as number)).toBe(60)
    const opaque = await t.issueTokens({ user: 'test1', clientId: GENAUTH.clientId, server: 'oauth', scope: 'user' })
    expect(opaque).toMatchObject({ access_token: expect.stringMatching(/^[0-9a-f]{40}$/), expires_in: 3599, scope: 'user' })
    const expired = await t.issueTokens({ user: 'test1', clientId: GENAUTH.clientId, server: 'oauth', scope: 'user', expiresIn: -10 })
    const me = (tok: string) => fetch(t.servers.oauth!.userinfoEndpoint!, { headers: { authorization: `Bearer ${tok}` } })
    expect((await me(opaque.access_token)).status).toBe(200)
    expect((await me(expired.access_token)).status).not.toBe(200)
  })

  it('a client token without a user; unknown user or client is a clear error', async () => {
    const t = idp.tenant('authing-demo')
    const cc = await t.issueTokens({ clientId: AUTHING.clientId, scope: 'read' })
    expect(cc.id_token).toBeUndefined()
    expect(payloadOf(cc.access_token).sub).toBe(AUTHING.clientId)
    await expect(t.issueTokens({ user: 'nobody' })).rejects.toThrow('user: no user "nobody" in tenant "authing-demo"')
    await expect(t.issueTokens({ clientId: 'nope' })).rejects.toThrow('clientId: no client "nope" in tenant "authing-demo"')
  })

  it('admin twin: POST /_mockidp/tenants/:id/tokens', async () => {
    const minted = await remote.tenant('authing-demo').issueTokens({ user: 'alice', claims: { role: 'admin' }, scope: 'openid' })
    expect(payloadOf(minted.id_token!)).toMatchObject({ sub: '5f719946524ee10992294962', role: 'admin', iss: idp.tenant('authing-demo').issuer })
    const bad = await fetch(`${idp.url}/_mockidp/tenants/authing-demo/tokens`, jsonPost({ user: 'nobody' }))
    expect(bad.status).toBe(404)
    expect(await bad.json()).toEqual({ error: 'not_found', error_description: expect.stringContaining('no user "nobody"') })
  })
})

describe('createCode', () => {
  it('a code redeemable at the token endpoint, with PKCE and nonce', async () => {
    const t = idp.tenant('authing-demo')
    const { verifier, challenge } = pkce()
    const code = t.createCode({ user: 'test1', clientId: 'spa-client', redirectUri: 'http://localhost:5173/callback', scope: 'openid profile', nonce: 'abc', codeChallenge: challenge, codeChallengeMethod: 'S256' })
    const res = await tokenRequest(t.tokenEndpoint, { grant_type: 'authorization_code', code, client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', code_verifier: verifier })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { id_token: string }
    expect(payloadOf(body.id_token)).toMatchObject({ nonce: 'abc', aud: 'spa-client' })
    // single use
    const again = await tokenRequest(t.tokenEndpoint, { grant_type: 'authorization_code', code, client_id: 'spa-client', redirect_uri: 'http://localhost:5173/callback', code_verifier: verifier })
    expect(again.status).toBe(400)
  })

  it('a chosen code value; an unregistered redirect URI is refused', () => {
    const t = idp.tenant('pingone-demo')
    expect(t.createCode({ code: 'my-code', user: 'test1', clientId: PINGONE.clientId, redirectUri: PINGONE.redirectUri })).toBe('my-code')
    expect(() => t.createCode({ user: 'test1', clientId: PINGONE.clientId, redirectUri: 'https://evil.example/cb' })).toThrow(
      `redirectUri: "https://evil.example/cb" is not one of ${PINGONE.clientId}'s redirectUris (http://localhost:3000/callback)`,
    )
  })

  it('admin twin: POST /_mockidp/tenants/:id/codes', async () => {
    const code = await remote.tenant('pingone-demo').createCode({ user: 'alice', clientId: PINGONE.clientId, redirectUri: PINGONE.redirectUri, scope: 'openid' })
    const res = await tokenRequest(idp.tenant('pingone-demo').tokenEndpoint, { grant_type: 'authorization_code', code, redirect_uri: PINGONE.redirectUri }, { authorization: basic(PINGONE.clientId, PINGONE.secret) })
    expect(res.status).toBe(200)
    const bad = await fetch(`${idp.url}/_mockidp/tenants/pingone-demo/codes`, jsonPost({ user: 'alice' }))
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error_description: string }).error_description).toContain('- clientId: is required')
  })
})

describe('runtime fixtures', () => {
  it('users: add, replace, remove — and sign in with them', async () => {
    const t = idp.tenant('authing-demo')
    expect(t.upsertUser({ sub: 'u-bob', username: 'bob', password: 'pw', email: 'bob@example.com' })).toBe(false)
    const pw = await tokenRequest(t.tokenEndpoint, { grant_type: 'password', username: 'bob', password: 'pw', scope: 'openid email' }, { authorization: basic(AUTHING.clientId, AUTHING.secret) })
    expect(pw.status).toBe(200)
    expect(t.upsertUser({ sub: 'u-bob', username: 'bob', password: 'pw2' })).toBe(true)
    expect((await tokenRequest(t.tokenEndpoint, { grant_type: 'password', username: 'bob', password: 'pw' }, { authorization: basic(AUTHING.clientId, AUTHING.secret) })).status).not.toBe(200)
    expect(t.removeUser('bob')).toBe(true)
    expect(t.removeUser('bob')).toBe(false)
    expect(() => t.upsertUser({ username: 'x' } as never)).toThrow('user.sub: is required')
  })

  it('clients: add, replace, remove', async () => {
    const t = idp.tenant('authing-demo')
    expect(t.upsertClient({ clientId: 'svc', clientSecret: 'svc-secret', redirectUris: [], grantTypes: ['client_credentials'] })).toBe(false)
    const cc = () => tokenRequest(t.tokenEndpoint, { grant_type: 'client_credentials', scope: 'x' }, { authorization: basic('svc', 'svc-secret') })
    expect((await cc()).status).toBe(200)
    expect(t.upsertClient({ clientId: 'svc', clientSecret: 'other', redirectUris: [], grantTypes: ['client_credentials'] })).toBe(true)
    expect((await cc()).status).toBe(401)
    expect(t.removeClient('svc')).toBe(true)
    expect(idp.tenant('authing-demo').clientIds).not.toContain('svc')
    expect(() => t.upsertClient({ clientId: 'p', redirectUris: [], tokenEndpointAuthMethod: 'client_secret_post' })).toThrow('client.clientSecret: is required with tokenEndpointAuthMethod "client_secret_post"')
  })

  it('admin twins: users and clients over HTTP', async () => {
    const r = remote.tenant('pingone-demo')
    expect(await r.upsertUser({ sub: 'u-eve', username: 'eve' })).toBe(false)
    expect(await r.upsertUser({ sub: 'u-eve', username: 'eve', email: 'eve@example.com' })).toBe(true)
    expect(idp.tenant('pingone-demo').createCode({ user: 'eve@example.com', clientId: PINGONE.clientId, redirectUri: PINGONE.redirectUri })).toBeTypeOf('string')
    expect(await r.removeUser('eve')).toBe(true)
    expect(await r.removeUser('eve')).toBe(false)
    expect(await r.upsertClient({ clientId: 'svc2', clientSecret: 's', redirectUris: ['http://localhost/cb'] })).toBe(false)
    expect((await r.info()).clientIds).toContain('svc2')
    const list = (await (await fetch(`${idp.url}/_mockidp/tenants/pingone-demo/clients`)).json()) as { clients: { clientId: string }[] }
    expect(list.clients.map((c) => c.clientId)).toContain('svc2')
    expect(await r.removeClient('svc2')).toBe(true)
    expect(await r.removeClient('svc2')).toBe(false)
    const bad = await fetch(`${idp.url}/_mockidp/tenants/pingone-demo/users`, jsonPost([1]))
    expect(await bad.json()).toEqual({ error: 'invalid_request', error_description: 'the body must be a JSON object (Content-Type: application/json)' })
    expect((await fetch(`${idp.url}/_mockidp/tenants/nope/users`)).status).toBe(404)
  })
})

describe('reset', () => {
  it('restores the loaded config and forgets issued codes, tokens and runtime fixtures', async () => {
    const t = idp.tenant('authing-demo')
    t.upsertUser({ sub: 'temp', username: 'temp' })
    const code = t.createCode({ user: 'temp', clientId: AUTHING.clientId, redirectUri: AUTHING.redirectUri })
    const minted = await t.issueTokens({ user: 'test1', scope: 'openid offline_access' })
    idp.injectFault({ tenant: 'authing-demo', kind: 'status', status: 503 })
    await fetch(t.discoveryUrl!)
    idp.reset()
    expect(idp.faults()).toEqual([])
    expect(idp.journal()).toEqual([])
    expect(() => t.createCode({ user: 'temp', clientId: AUTHING.clientId, redirectUri: AUTHING.redirectUri })).toThrow('no user "temp"')
    const auth = { authorization: basic(AUTHING.clientId, AUTHING.secret) }
    expect((await tokenRequest(t.tokenEndpoint, { grant_type: 'authorization_code', code, redirect_uri: AUTHING.redirectUri }, auth)).status).toBe(400)
    expect((await tokenRequest(t.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: minted.refresh_token! }, auth)).status).toBe(400)
    // the documented fixture code is back
    const doc = await tokenRequest(t.tokenEndpoint, { grant_type: 'authorization_code', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', client_id: AUTHING.clientId, client_secret: AUTHING.secret, redirect_uri: 'https://baidu.com' })
    expect(doc.status).toBe(200)
  })

  it('admin twin: POST /_mockidp/reset, GET /_mockidp/health and tenants', async () => {
    await remote.tenant('authing-demo').upsertUser({ sub: 'temp', username: 'temp' })
    await remote.reset()
    expect(idp.tenant('authing-demo').removeUser('temp')).toBe(false)
    expect(await remote.health()).toEqual({ status: 'ok', tenants: idp.tenantIds, journal: { size: 0, capacity: 1000 }, faults: 0 })
    const info = await remote.tenant('asgardeo-demo').info()
    expect(info).toEqual(JSON.parse(JSON.stringify(idp.tenant('asgardeo-demo'))))
    const all = (await (await fetch(`${idp.url}/_mockidp/tenants`)).json()) as { tenants: { tenantId: string }[] }
    expect(all.tenants.map((x) => x.tenantId)).toEqual(idp.tenantIds)
    expect((await fetch(`${idp.url}/_mockidp/nope`)).status).toBe(404)
  })
})

describe('admin switch', () => {
  it('admin: { enabled: false } serves no /_mockidp/ routes; the journal still works in process', async () => {
    const mock = await startMockIdp({ env: {}, config: { admin: { enabled: false } } })
    try {
      const res = await fetch(`${mock.url}/_mockidp/health`)
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ error: 'not_found', error_description: 'no mockidp endpoint at GET /_mockidp/health' })
      await fetch(mock.tenant('authing-demo').discoveryUrl!)
      expect(mock.journal().map((e) => e.endpoint)).toEqual(['discovery'])
    } finally {
      await mock.stop()
    }
  })

  it('journal: { enabled: false } records nothing', async () => {
    const mock = await startMockIdp({ env: {}, config: { journal: { enabled: false } } })
    await fetch(mock.tenant('authing-demo').discoveryUrl!)
    expect(mock.journal()).toEqual([])
    await mock.stop()
  })
})
