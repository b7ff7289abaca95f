import { beforeEach, describe, expect, it } from 'vitest'
import * as client from 'openid-client'
import { MAX_PENDING_SIGN_INS } from '../../src/runtime/next-sign-in.js'
import { PINGONE, jsonPost, payloadOf } from '../api/helpers.js'
import { mockForFile } from './helpers.js'

const mock = mockForFile()
beforeEach(() => mock.remote.reset())

/** An authorization request without login_hint or cookie: the login page (200) unless a sign-in is queued. */
async function authorize(clientId = PINGONE.clientId, cookie?: string) {
  const info = mock.idp.tenant(PINGONE.id)
  const config = new client.Configuration({ issuer: info.issuer, authorization_endpoint: info.authorizationEndpoint!, token_endpoint: info.tokenEndpoint }, clientId, undefined, client.ClientSecretBasic(PINGONE.secret))
  client.allowInsecureRequests(config)
  const verifier = client.randomPKCECodeVerifier()
  const url = client.buildAuthorizationUrl(config, { redirect_uri: PINGONE.redirectUri, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} })
  return { res, config, verifier }
}

describe('next-sign-in', () => {
  it('signs the queued user in on the next authorization request, once, with amr, acr and claims in the id token — refreshes too', async () => {
    const r = await fetch(`${mock.idp.url}/_mockidp/tenants/${PINGONE.id}/next-sign-in`, jsonPost({ user: 'alice', amr: ['pwd', 'otp'], acr: 'Multi_Factor', claims: { role: 'admin' } }))
    expect(r.status).toBe(201)
    const queued = (await r.json()) as { ticket: string; user: string; cookie: { name: string; value: string } }
    expect(queued.cookie).toEqual({ name: 'mockidp_next_sign_in', value: queued.ticket })

    const { res, config, verifier } = await authorize()
    expect(res.status).toBe(302)
    const tokens = await client.authorizationCodeGrant(config, new URL(res.headers.get('location')!), { pkceCodeVerifier: verifier, idTokenExpected: true })
    const claims = tokens.claims()!
    expect(claims.sub).toBe(queued.user)
    expect([claims.amr, claims.acr, claims.role]).toEqual([['pwd', 'otp'], 'Multi_Factor', 'admin'])
    expect(payloadOf(tokens.access_token).role).toBe('admin')
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
    expect(payloadOf(refreshed.access_token).role).toBe('admin')

    // taken: the next request shows the login page again
    expect((await authorize()).res.status).toBe(200)
  })

  it('a client-bound sign-in waits for that client; a ticket-only one waits for its cookie', async () => {
    await mock.remote.tenant(PINGONE.id).upsertClient({ clientId: 'other-app', clientSecret: PINGONE.secret, redirectUris: [PINGONE.redirectUri] })
    await mock.remote.tenant(PINGONE.id).nextSignIn({ user: 'alice', clientId: PINGONE.clientId })
    expect((await authorize('other-app')).res.status).toBe(200)
    expect((await authorize(PINGONE.clientId)).res.status).toBe(302)

    const t = await mock.remote.tenant(PINGONE.id).nextSignIn({ user: 'test1', ticketOnly: true })
    expect((await authorize()).res.status).toBe(200)
    const withTicket = await authorize(PINGONE.clientId, `${t.cookie.name}=${t.cookie.value}`)
    expect(withTicket.res.status).toBe(302)
    expect(withTicket.res.headers.getSetCookie()).toContain('mockidp_next_sign_in=; Max-Age=0; Path=/')
  })

  it('reset forgets queued sign-ins', async () => {
    mock.idp.tenant(PINGONE.id).nextSignIn({ user: 'alice' })
    mock.idp.reset()
    expect((await authorize()).res.status).toBe(200)
  })

  it(`refuses unknown users (404), bad members (400), and more than ${MAX_PENDING_SIGN_INS} waiting sign-ins (400, none dropped)`, async () => {
    const u = `${mock.idp.url}/_mockidp/tenants/${PINGONE.id}/next-sign-in`
    expect((await fetch(u, jsonPost({ user: 'nobody' }))).status).toBe(404)
    expect((await fetch(u, jsonPost({ user: 'alice', clientId: 'nope' }))).status).toBe(404)
    for (const body of [{}, { user: 'alice', amr: 'pwd' }, { user: 'alice', claims: [] }, { user: 'alice', acr: 1 }, { user: 'alice', ticketOnly: 'yes' }, { user: 'alice', extra: 1 }]) {
      const res = await fetch(u, jsonPost(body))
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(((await res.json()) as { error_description: string }).error_description).toMatch(/^next-sign-in\./)
    }
    const t = mock.idp.tenant(PINGONE.id)
    for (let i = 0; i < MAX_PENDING_SIGN_INS; i++) t.nextSignIn({ user: 'alice', ticketOnly: true })
    const full = await fetch(u, jsonPost({ user: 'test1' }))
    expect(full.status).toBe(400)
    expect(((await full.json()) as { error_description: string }).error_description).toContain(`${MAX_PENDING_SIGN_INS} sign-ins are already waiting`)
  })
})

describe('next-sign-in claims at the sessions limit', () => {
  it('refuses a new "sign in as" with claims once limits.sessions sessions keep theirs — and the kept ones still carry them on refresh', async () => {
    const { startMockIdp } = await import('../../src/index.js')
    const idp = await startMockIdp({ config: { limits: { sessions: 2 } }, env: {} })
    try {
      const t = idp.tenant(PINGONE.id)
      const config = new client.Configuration({ issuer: t.issuer, authorization_endpoint: t.authorizationEndpoint!, token_endpoint: t.tokenEndpoint }, PINGONE.clientId, undefined, client.ClientSecretBasic(PINGONE.secret))
      client.allowInsecureRequests(config)
      const refreshTokens: string[] = []
      for (const role of ['first', 'second']) {
        expect((await fetch(`${idp.url}/_mockidp/tenants/${PINGONE.id}/next-sign-in`, jsonPost({ user: 'alice', claims: { role } }))).status).toBe(201)
        const verifier = client.randomPKCECodeVerifier()
        const url = client.buildAuthorizationUrl(config, { redirect_uri: PINGONE.redirectUri, scope: 'openid profile', state: role, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })
        const res = await fetch(url, { redirect: 'manual' })
        expect(res.status).toBe(302)
        const tokens = await client.authorizationCodeGrant(config, new URL(res.headers.get('location')!), { pkceCodeVerifier: verifier, expectedState: role })
        refreshTokens.push(tokens.refresh_token!)
      }
      const refused = await fetch(`${idp.url}/_mockidp/tenants/${PINGONE.id}/next-sign-in`, jsonPost({ user: 'alice', claims: { role: 'third' } }))
      expect(refused.status).toBe(400)
      expect(JSON.stringify(await refused.json())).toContain('limits.sessions')
      // nothing was forgotten to make room: both sessions' tokens still refresh with their claims
      for (const [i, role] of ['first', 'second'].entries()) expect(payloadOf((await client.refreshTokenGrant(config, refreshTokens[i]!)).access_token).role).toBe(role)
      // a sign-in without claims keeps nothing, so it is still taken
      expect((await fetch(`${idp.url}/_mockidp/tenants/${PINGONE.id}/next-sign-in`, jsonPost({ user: 'alice' }))).status).toBe(201)
    } finally {
      await idp.stop()
    }
  })
})
