import { beforeEach, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { ASGARDEO, AUTHING, jsonPost } from '../api/helpers.js'
import { codeFlow, mockForFile } from './helpers.js'

const mock = mockForFile()
beforeEach(() => mock.remote.reset())

// Authing (oidc-provider v6) grants offline_access, and so a refresh token, only with prompt=consent
const signIn = (app: typeof ASGARDEO, user: string, scope: string) => codeFlow(mock.remote, app, user, scope, scope.includes('offline_access') ? { prompt: 'consent' } : {})

describe('revoke on demand', () => {
  it("Asgardeo: a user's refresh and opaque access tokens — refresh, introspection and userinfo answer as for revoked tokens; other users keep theirs", async () => {
    const alice = await signIn(ASGARDEO, 'alice@bifrost.com', 'openid profile')
    const other = await signIn(ASGARDEO, 'test1', 'openid profile')
    expect((await client.tokenIntrospection(alice.config, alice.tokens.access_token)).active).toBe(true)

    const res = await fetch(`${mock.idp.url}/_mockidp/tenants/${ASGARDEO.id}/revoke`, jsonPost({ user: 'alice@bifrost.com' }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ refreshTokens: 1, accessTokens: 1, jwtAccessTokens: 0 })

    await expect(client.refreshTokenGrant(alice.config, alice.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant', error_description: 'Persisted access token data not found', status: 400 })
    expect((await client.tokenIntrospection(alice.config, alice.tokens.access_token)).active).toBe(false)
    expect((await client.tokenIntrospection(alice.config, alice.tokens.refresh_token!)).active).toBe(false)
    await expect(client.fetchUserInfo(alice.config, alice.tokens.access_token, alice.sub)).rejects.toMatchObject({ status: 401 })

    expect((await client.fetchUserInfo(other.config, other.tokens.access_token, other.sub)).sub).toBe(other.sub)
    expect((await client.refreshTokenGrant(other.config, other.tokens.refresh_token!)).access_token).toBeTypeOf('string')
  })

  it("Authing: a client's refresh tokens get oidc-provider's invalid_grant, and the JWT access tokens of their grants stop working; another client's survive", async () => {
    const mine = await signIn(AUTHING, 'alice', 'openid profile offline_access')
    await mock.remote.tenant(AUTHING.id).upsertClient({ clientId: 'second-app', clientSecret: 'second-secret', redirectUris: [AUTHING.redirectUri] })
    const second = await signIn({ ...AUTHING, clientId: 'second-app', secret: 'second-secret' }, 'alice', 'openid profile offline_access')
    const r = await mock.remote.tenant(AUTHING.id).revokeTokens({ clientId: AUTHING.clientId })
    expect(r).toEqual({ refreshTokens: 1, accessTokens: 0, jwtAccessTokens: 1 })
    await expect(client.refreshTokenGrant(mine.config, mine.tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant', error_description: 'grant request is invalid' })
    await expect(client.fetchUserInfo(mine.config, mine.tokens.access_token, mine.sub)).rejects.toMatchObject({ status: 401 })
    expect((await client.tokenIntrospection(mine.config, mine.tokens.access_token)).active).toBe(false)
    expect((await client.fetchUserInfo(second.config, second.tokens.access_token, second.sub)).sub).toBe(second.sub)
    expect((await client.refreshTokenGrant(second.config, second.tokens.refresh_token!)).access_token).toBeTypeOf('string')
  })

  it('in-process: the handle revokes all of a tenant’s tokens without options', async () => {
    await signIn(ASGARDEO, 'alice@bifrost.com', 'openid')
    await signIn(ASGARDEO, 'test1', 'openid')
    expect(await mock.idp.tenant(ASGARDEO.id).revokeTokens()).toEqual({ refreshTokens: 2, accessTokens: 2, jwtAccessTokens: 0 })
    expect(await mock.idp.tenant(ASGARDEO.id).revokeTokens()).toEqual({ refreshTokens: 0, accessTokens: 0, jwtAccessTokens: 0 })
  })

  it('refuses unknown users and clients with a 404 and bad members with a 400', async () => {
    const u = `${mock.idp.url}/_mockidp/tenants/${ASGARDEO.id}/revoke`
    expect((await fetch(u, jsonPost({ user: 'nobody' }))).status).toBe(404)
    expect((await fetch(u, jsonPost({ clientId: 'nope' }))).status).toBe(404)
    const bad = await fetch(u, jsonPost({ clientId: 7 }))
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error_description: string }).error_description).toBe('revoke.clientId: must be a non-empty string')
    expect((await fetch(u, jsonPost({ users: ['a'] }))).status).toBe(400)
  })
})
