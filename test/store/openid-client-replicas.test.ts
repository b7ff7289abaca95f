import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'
import { startReplicas, type Replica } from '../helpers/replicas.js'

// openid-client's whole code flow with every request sent to the next of three mockidp processes
// (round-robin), as a load balancer in front of replicas would: they answer as one mock.
requireRedis('test/store/openid-client-replicas.test.ts')

let redis: TestRedis
let replicas: Replica[] = []
beforeAll(async () => {
  if (!HAVE_REDIS) return
  redis = await startRedis()
  replicas = await startReplicas(3, redis.url)
}, 30_000)
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()))
  await redis?.stop()
})

describe.skipIf(!HAVE_REDIS)('openid-client against three replicas, round-robin', () => {
  it('discovery, authorize, token, userinfo, refresh, introspection, logout: each step at the next replica', async () => {
    const origin = replicas[0]!.url // every replica's publicUrl: one issuer
    const hits: number[] = []
    let turn = 0
    // the load balancer: each request goes to the next replica, whatever host the URL names
    const balanced = (input: string | URL, init?: RequestInit): Promise<Response> => {
      const r = replicas[turn++ % replicas.length]!
      hits.push(r.port)
      const url = new URL(String(input))
      if (url.origin === origin) url.host = new URL(r.url).host
      return fetch(url, init)
    }
    const issuer = new URL(`${origin}/asgardeo/t/bifrost/oauth2/token`)
    const config = await client.discovery(issuer, 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', undefined, client.ClientSecretPost('z0C79zlopx8i7ByOw8K15A9dplYa'), {
      execute: [client.allowInsecureRequests],
      [client.customFetch]: balanced as never,
    })
    config[client.customFetch] = balanced as never
    expect(config.serverMetadata().issuer).toBe(issuer.href)

    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://localhost:3000/callback',
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      login_hint: 'test1',
    })
    const auth = await balanced(url, { redirect: 'manual' })
    expect(auth.status).toBe(302)
    const cookie = auth.headers.get('set-cookie')!.split(';')[0]!
    const tokens = await client.authorizationCodeGrant(config, new URL(auth.headers.get('location')!), { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true })
    const claims = tokens.claims()!
    expect([claims.iss, claims.nonce]).toEqual([issuer.href, nonce])
    expect(tokens.refresh_token).toBeTypeOf('string')

    const user = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
    expect(user.sub).toBe(claims.sub)
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
    expect(refreshed.access_token).not.toBe(tokens.access_token)
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true)
    // Asgardeo rotates refresh tokens: the first one is used up on every replica
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' })

    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:3000/callback', state: 'bye' })
    const out = await balanced(end, { redirect: 'manual', headers: { cookie } })
    expect(out.headers.get('location')).toBe('http://localhost:3000/callback?state=bye')
    // the session ended for all of them: prompt=none with the old cookie, at the next replica, must sign in again
    const silent = new URL(url)
    silent.searchParams.set('prompt', 'none')
    silent.searchParams.delete('login_hint')
    const again = await balanced(silent, { redirect: 'manual', headers: { cookie } })
    expect(new URL(again.headers.get('location')!).searchParams.get('error')).toBe('login_required')

    // every replica took part, in turn
    expect(hits.length).toBeGreaterThanOrEqual(8)
    expect(hits.slice(0, 3).sort()).toEqual(replicas.map((r) => r.port).sort())
    for (let i = 1; i < hits.length; i++) expect(hits[i]).not.toBe(hits[i - 1])
  }, 30_000)
})
