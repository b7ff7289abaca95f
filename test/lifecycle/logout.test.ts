import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import { ASGARDEO, AUTHING, PINGONE, jsonPost } from '../api/helpers.js'
import { codeFlow, mockForFile } from './helpers.js'

/** A local app's back-channel logout endpoint: records each POST and answers `status`. */
interface Receiver {
  url: string
  received: { contentType: string | undefined; body: URLSearchParams }[]
  status: number
  server: Server
}
async function receiver(): Promise<Receiver> {
  const r: Receiver = { url: '', received: [], status: 200, server: undefined as unknown as Server }
  r.server = createServer((req, res) => {
    let data = ''
    req.on('data', (d) => (data += d))
    req.on('end', () => {
      r.received.push({ contentType: req.headers['content-type'], body: new URLSearchParams(data) })
      res.writeHead(r.status, { 'cache-control': 'no-store' }).end()
    })
  })
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok))
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/backchannel-logout`
  return r
}

const mock = mockForFile()
let app: Receiver
const CLIENT = 'logout-app'
const SECRET = 'logout-app-secret'
const REDIRECT = 'http://localhost:3000/callback'

beforeAll(async () => {
  app = await receiver()
})
afterAll(() => app?.server.close())
beforeEach(async () => {
  await mock.remote.reset()
  app.received.length = 0
  app.status = 200
  await mock.remote.tenant(ASGARDEO.id).upsertClient({
    clientId: CLIENT,
    clientSecret: SECRET,
    redirectUris: [REDIRECT],
    backchannelLogoutUri: app.url,
    frontchannelLogoutUri: 'http://localhost:3000/frontchannel-logout',
    frontchannelLogoutSessionRequired: true,
  })
})

/** Alice signs in with openid-client (the SSO cookie kept, as a browser would). */
async function signIn() {
  const s = await codeFlow(mock.remote, { id: ASGARDEO.id, clientId: CLIENT, secret: SECRET, redirectUri: REDIRECT }, 'alice@bifrost.com', 'openid profile')
  return { ...s, claims: s.tokens.claims()! }
}

/** Back-Channel Logout 1.0 §2.6 validation, as an app does it with jose. */
async function validateLogoutToken(token: string, issuer: string, jwksUri: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksUri)), { issuer, audience: CLIENT, requiredClaims: ['iat', 'jti', 'events', 'exp'], maxTokenAge: '2 minutes' })
  const events = payload.events as Record<string, unknown> | undefined
  expect(events && typeof events === 'object' && 'http://schemas.openid.net/event/backchannel-logout' in events).toBe(true)
  expect(payload).not.toHaveProperty('nonce')
  expect(typeof payload.sub === 'string' || typeof payload.sid === 'string').toBe(true)
  return payload
}

describe('back-channel logout (Asgardeo)', () => {
  it('discovery advertises it where the vendor does: Asgardeo lists back- and front-channel logout, Authing and PingOne do not', async () => {
    const asg = (await (await fetch(mock.idp.tenant(ASGARDEO.id).discoveryUrl!)).json()) as Record<string, unknown>
    expect(asg).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true, frontchannel_logout_supported: true, frontchannel_logout_session_supported: true })
    for (const id of [AUTHING.id, PINGONE.id]) {
      const d = (await (await fetch(mock.idp.tenant(id).discoveryUrl!)).json()) as Record<string, unknown>
      expect(d).not.toHaveProperty('backchannel_logout_supported')
      expect(d).not.toHaveProperty('frontchannel_logout_supported')
    }
  })

  it('a client of a vendor that sends no logout notifications cannot register a logout URI', async () => {
    const res = await fetch(`${mock.idp.url}/_mockidp/tenants/${AUTHING.id}/clients`, jsonPost({ clientId: 'x', redirectUris: [REDIRECT], backchannelLogoutUri: app.url }))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_description: string }).error_description).toContain('client.backchannelLogoutUri: Authing does not send back-channel logout notifications')
  })

  it('logout from the app: the end-session endpoint POSTs a logout_token the app validates (iss, aud, iat, jti, events, sid, sub, no nonce)', async () => {
    const s = await signIn()
    const end = new URL(s.info.endSessionEndpoint!)
    end.searchParams.set('id_token_hint', s.tokens.id_token!)
    const res = await fetch(end, { headers: { cookie: s.cookie }, redirect: 'manual' })
    expect(res.status).toBe(200)
    expect(app.received).toHaveLength(1)
    const got = app.received[0]!
    expect(got.contentType).toBe('application/x-www-form-urlencoded')
    const token = got.body.get('logout_token')!
    const payload = await validateLogoutToken(token, s.info.issuer, s.info.jwksUri!)
    expect(payload.sid).toBe(s.claims.sid)
    expect(payload.sub).toBe(s.claims.sub)
    expect(decodeProtectedHeader(token).kid).toBe(decodeProtectedHeader(s.tokens.id_token!).kid)
    // front-channel: the page loads the app's logout URI with iss and sid
    const html = await res.text()
    const frame = new URL(/<iframe class="fcl" src="([^"]+)"/.exec(html)![1]!.replaceAll('&#38;', '&'))
    expect(frame.origin + frame.pathname).toBe('http://localhost:3000/frontchannel-logout')
    expect(frame.searchParams.get('iss')).toBe(s.info.issuer)
    expect(frame.searchParams.get('sid')).toBe(s.claims.sid)
  })

  it('admin end-session over HTTP: the user’s sessions end and the app gets a logout_token; the answer lists the deliveries', async () => {
    const s = await signIn()
    const res = await fetch(`${mock.idp.url}/_mockidp/tenants/${ASGARDEO.id}/sessions/end`, jsonPost({ user: 'alice@bifrost.com' }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ended: number; deliveries: { clientId: string; status: number; reason: string; sid: string }[] }
    expect(body.ended).toBe(1)
    expect(body.deliveries).toEqual([expect.objectContaining({ clientId: CLIENT, status: 200, reason: 'admin', sid: s.claims.sid, url: app.url })])
    const payload = await validateLogoutToken(app.received[0]!.body.get('logout_token')!, s.info.issuer, s.info.jwksUri!)
    expect(payload.sid).toBe(s.claims.sid)
    // the session is gone: prompt=none now answers login_required
    const again = new URL(s.info.authorizationEndpoint!)
    for (const [k, v] of Object.entries({ client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', prompt: 'none' })) again.searchParams.set(k, v)
    const loc = new URL((await fetch(again, { headers: { cookie: s.cookie }, redirect: 'manual' })).headers.get('location')!)
    expect(loc.searchParams.get('error')).toBe('login_required')
  })

  it('without a user, every session of the tenant ends', async () => {
    await signIn()
    await signIn()
    const r = await mock.remote.tenant(ASGARDEO.id).endSessions()
    expect(r.ended).toBe(2)
    expect(r.deliveries.map((d) => d.status)).toEqual([200, 200])
    expect(app.received).toHaveLength(2)
  })

  it('session expiry: advancing the clock over HTTP past the session lifetime sends the logout_token', async () => {
    await mock.remote.setClock({ freeze: true })
    const s = await signIn()
    await mock.remote.setClock({ advance: '13d' })
    expect(app.received).toHaveLength(0)
    await mock.remote.setClock({ advance: '1d1s' })
    expect(app.received).toHaveLength(1)
    const token = app.received[0]!.body.get('logout_token')!
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(s.info.jwksUri!)), { issuer: s.info.issuer, audience: CLIENT, currentDate: new Date((await mock.remote.getClock()).now) })
    expect(payload.sid).toBe(s.claims.sid)
    const [entry] = await mock.remote.journal({ delivery: true })
    expect(entry!.delivery).toMatchObject({ kind: 'backchannel_logout', reason: 'expiry', sid: s.claims.sid })
    await mock.remote.setClock({ system: true })
  })

  it('a session found expired on a later request (the in-process clock moved) ends with a logout_token too', async () => {
    mock.idp.clock.set(Date.now())
    const s = await signIn()
    mock.idp.clock.advance(15 * 86400_000)
    await fetch(s.info.authorizationEndpoint! + `?client_id=${CLIENT}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=openid&prompt=none`, { headers: { cookie: s.cookie }, redirect: 'manual' })
    await expect.poll(() => app.received.length).toBe(1)
    mock.idp.clock.system()
  })

  it('a new sign-in in the same browser replaces its session: the old session’s apps get a logout_token for the old sid', async () => {
    const s = await signIn()
    await mock.remote.tenant(ASGARDEO.id).nextSignIn({ user: 'test1', clientId: CLIENT })
    const again = new URL(s.info.authorizationEndpoint!)
    for (const [k, v] of Object.entries({ client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid' })) again.searchParams.set(k, v)
    const res = await fetch(again, { headers: { cookie: s.cookie }, redirect: 'manual' })
    expect(res.status).toBe(302)
    await expect.poll(() => app.received.length).toBe(1)
    const payload = await validateLogoutToken(app.received[0]!.body.get('logout_token')!, s.info.issuer, s.info.jwksUri!)
    expect([payload.sid, payload.sub]).toEqual([s.claims.sid, s.claims.sub])
    await expect.poll(async () => (await mock.remote.journal({ delivery: true }))[0]?.delivery?.reason).toBe('replaced')
  })

  it('the journal shows each delivery with the app’s answer: 200, a 500, an unreachable app', async () => {
    await signIn()
    await mock.remote.tenant(ASGARDEO.id).endSessions()
    await signIn()
    app.status = 500
    const failed = await mock.remote.tenant(ASGARDEO.id).endSessions()
    expect(failed.deliveries[0]).toMatchObject({ status: 500, error: 'the app answered 500' })
    const gone = await receiver()
    await new Promise((ok) => gone.server.close(ok))
    await mock.remote.tenant(ASGARDEO.id).upsertClient({ clientId: CLIENT, clientSecret: SECRET, redirectUris: [REDIRECT], backchannelLogoutUri: gone.url })
    await signIn()
    const unreachable = await mock.remote.tenant(ASGARDEO.id).endSessions()
    expect(unreachable.deliveries[0]!.status).toBe(0)
    expect(unreachable.deliveries[0]!.error).toBe('ECONNREFUSED')

    const entries = await mock.remote.journal({ delivery: true })
    expect(entries.map((e) => e.status)).toEqual([200, 500, 0])
    expect(entries[0]).toMatchObject({ method: 'POST', path: app.url, tenant: ASGARDEO.id, clientId: CLIENT, form: { logout_token: '[redacted]' }, delivery: { kind: 'backchannel_logout', reason: 'admin' } })
    expect(entries[1]).toMatchObject({ error: 'delivery_failed', errorDescription: 'the app answered 500' })
    // deliveries are not mixed into the received requests when filtered out
    expect((await mock.remote.journal({ delivery: false })).every((e) => e.delivery === undefined)).toBe(true)
  })

  it('refuses bad bodies with a 400 and unknown users with a 404', async () => {
    const u = `${mock.idp.url}/_mockidp/tenants/${ASGARDEO.id}/sessions/end`
    expect((await fetch(u, jsonPost({ user: 42 }))).status).toBe(400)
    expect((await fetch(u, jsonPost({ who: 'alice' }))).status).toBe(400)
    expect((await fetch(u, jsonPost({ user: 'nobody' }))).status).toBe(404)
    expect((await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[' })).status).toBe(400)
  })
})
