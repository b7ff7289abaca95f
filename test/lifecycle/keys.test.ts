import { describe, expect, it } from 'vitest'
import { X509Certificate, createHash } from 'node:crypto'
import { calculateJwkThumbprint, createRemoteJWKSet, errors, jwtVerify, type JWK } from 'jose'
import * as client from 'openid-client'
import { makeIdp, defaultCfg } from '../helpers/idp.js'
import { ASGARDEO, AUTHING, PINGONE, GENAUTH, jsonPost } from '../api/helpers.js'
import { codeFlow, mockForFile } from './helpers.js'

const mock = mockForFile()

type Jwks = { keys: (JWK & { kid: string })[] }
const jwksOf = async (url: string): Promise<Jwks> => (await (await fetch(url)).json()) as Jwks
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, string>

/** Alice signs in through openid-client (Asgardeo's alice is alice@bifrost.com). */
const signIn = (tenant: typeof PINGONE) => codeFlow(mock.remote, tenant, tenant.id === ASGARDEO.id ? 'alice@bifrost.com' : 'alice')

describe('rotated keys', () => {
  it('are not made at start: JWKS serves the fixture key until a rotation asks for one', async () => {
    const fresh = makeIdp(defaultCfg())
    for (const t of fresh.core.tenants) {
      expect(t.keys.rotations).toBe(0)
      expect(t.keys.verificationKeys().map((k) => k.kid)).toEqual([t.keys.current.kid])
    }
  })

  it('are deterministic: the same seed and rotation count give the same key; another seed another', () => {
    const kids = (seed: string) => {
      const m = makeIdp(defaultCfg({ seed }))
      const t = m.core.tenant(PINGONE.id)!
      return [t.keys.rotate(0).kid, t.keys.rotate(0).kid]
    }
    const a = kids('alpha')
    expect(kids('alpha')).toEqual(a)
    expect(a[0]).not.toBe(a[1])
    expect(kids('beta')[0]).not.toBe(a[0])
    // whatever the time: a mock a year later derives the same keys
    const later = makeIdp(defaultCfg({ seed: 'alpha', clock: '2027-06-01T12:34:56Z' }))
    expect(later.core.tenant(PINGONE.id)!.keys.rotate(0).kid).toBe(a[0])
  })

  it("follow each vendor's kid style, with JWT headers every client can decode", async () => {
    const m = makeIdp(defaultCfg())
    // GenAuth/Authing: RFC 7638 thumbprint
    for (const id of [AUTHING.id, GENAUTH.id]) {
      const t = m.core.tenant(id)!
      t.keys.rotate(0)
      const jwk = t.keys.current.publicJwk as JWK
      expect(t.keys.current.kid).toBe(await calculateJwkThumbprint(jwk))
    }
    // PingOne: a UUID
    const p = m.core.tenant(PINGONE.id)!
    p.keys.rotate(0)
    expect(p.keys.current.kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    // Asgardeo (WSO2): a certificate, kid = base64url(hex SHA-256(cert)) + _RS256, x5t = base64url(SHA-1(cert))
    const a = m.core.tenant(ASGARDEO.id)!
    a.keys.rotate(0)
    const jwk = a.keys.current.publicJwk as { x5c: string[]; x5t: string; 'x5t#S256': string; kid: string; n: string }
    const der = Buffer.from(jwk.x5c[0]!, 'base64')
    const cert = new X509Certificate(der)
    expect(cert.verify(a.keys.current.publicKey)).toBe(true)
    expect(cert.publicKey.export({ format: 'jwk' }).n).toBe(jwk.n)
    expect(jwk.kid).toBe(`${Buffer.from(createHash('sha256').update(der).digest('hex')).toString('base64url')}_RS256`)
    expect(jwk.x5t).toBe(createHash('sha1').update(der).digest('base64url'))
    expect(jwk['x5t#S256']).toBe(createHash('sha256').update(der).digest('base64url'))
    // @authing/web decodes headers with atob(): no '-' or '_' in any server's header
    for (const t of m.core.tenants) for (const s of t.servers) for (const h of [s.accessHeaderB64, s.idHeaderB64]) if (h) expect(h, `${t.id}/${s.id}`).not.toMatch(/[-_]/)
  })

  it('come back to the fixture key on reset', async () => {
    const m = makeIdp(defaultCfg())
    const t = m.core.tenant(AUTHING.id)!
    const fixture = t.keys.current.kid
    t.keys.rotate(60)
    m.core.reset()
    expect(t.keys.current.kid).toBe(fixture)
    expect(t.keys.verificationKeys()).toHaveLength(1)
  })
})

describe('rotation over HTTP, seen by an app', () => {
  it('with a grace period: JWKS lists both keys, jose verifies old and new tokens, the mock accepts both; after the grace the old key is gone', async () => {
    await mock.remote.setClock({ freeze: true })
    const before = await signIn(PINGONE)
    const oldKid = headerOf(before.tokens.id_token!).kid
    const rotated = await mock.remote.tenant(PINGONE.id).rotateKeys({ graceSeconds: 300 })
    expect(rotated.kid).not.toBe(oldKid)
    expect(rotated.retained.map((r) => r.kid)).toEqual([oldKid])
    expect(rotated.retained[0]!.until).toBe(new Date(Date.parse((await mock.remote.getClock()).now) + 300_000).toISOString())

    const after = await signIn(PINGONE)
    expect(headerOf(after.tokens.id_token!).kid).toBe(rotated.kid)
    expect(headerOf(after.tokens.access_token).kid).toBe(rotated.kid)
    const jwksUrl = before.info.jwksUri!
    expect((await jwksOf(jwksUrl)).keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid])

    const jwks = createRemoteJWKSet(new URL(jwksUrl))
    const opts = { issuer: before.info.issuer, audience: PINGONE.clientId, currentDate: new Date((await mock.remote.getClock()).now) }
    await jwtVerify(before.tokens.id_token!, jwks, opts)
    await jwtVerify(after.tokens.id_token!, jwks, opts)
    const sub = after.tokens.claims()!.sub
    expect((await client.fetchUserInfo(before.config, before.tokens.access_token, sub)).sub).toBe(sub)
    expect((await client.fetchUserInfo(after.config, after.tokens.access_token, sub)).sub).toBe(sub)

    // the journal, read after the rotation, still finds the old token's signature valid (the key is retained)
    const tokenEntries = await mock.remote.journal({ tenant: PINGONE.id, endpoint: 'token' })
    const signatures = tokenEntries.map((e) => e.tokens?.id_token?.signature)
    expect(signatures.slice(-2)).toEqual(['valid', 'valid'])

    await mock.remote.setClock({ advance: 301 })
    expect((await jwksOf(jwksUrl)).keys.map((k) => k.kid)).toEqual([rotated.kid])
    await expect(client.fetchUserInfo(before.config, before.tokens.access_token, sub)).rejects.toMatchObject({ status: 401 })
    expect((await client.fetchUserInfo(after.config, after.tokens.access_token, sub)).sub).toBe(sub)
    await mock.remote.reset()
    await mock.remote.setClock({ system: true })
  })

  it('replaced at once: the app refetches JWKS for the new kid and rejects old tokens; so do the mock’s endpoints', async () => {
    const before = await signIn(ASGARDEO)
    const jwksUrl = before.info.jwksUri!
    // jose refetches on an unknown kid once its cooldown (default 30 s of wall time) has passed
    const jwks = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: 0 })
    const opts = { issuer: before.info.issuer, audience: ASGARDEO.clientId }
    await jwtVerify(before.tokens.id_token!, jwks, opts)
    const fetchesBefore = (await mock.remote.journal({ tenant: ASGARDEO.id, endpoint: 'jwks' })).length

    const rotated = await mock.remote.tenant(ASGARDEO.id).rotateKeys({ graceSeconds: 0 })
    expect(rotated.retained).toEqual([])
    expect(rotated.dropped).toEqual([headerOf(before.tokens.id_token!).kid])
    const after = await signIn(ASGARDEO)
    await jwtVerify(after.tokens.id_token!, jwks, opts)
    expect((await mock.remote.journal({ tenant: ASGARDEO.id, endpoint: 'jwks' })).length).toBeGreaterThan(fetchesBefore)
    await expect(jwtVerify(before.tokens.id_token!, jwks, opts)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey)
    // Asgardeo issues opaque access tokens: those stay valid (they are not signed); its id tokens no longer verify
    expect((await jwksOf(jwksUrl)).keys.map((k) => k.kid)).toEqual([rotated.kid])
    await mock.remote.reset()
  })

  it('replaced at once: a JWT access token signed with the old key is refused by userinfo and introspection', async () => {
    const before = await signIn(PINGONE)
    await mock.remote.tenant(PINGONE.id).rotateKeys({ graceSeconds: 0 })
    await expect(client.fetchUserInfo(before.config, before.tokens.access_token, before.tokens.claims()!.sub)).rejects.toMatchObject({ status: 401 })
    expect((await client.tokenIntrospection(before.config, before.tokens.access_token)).active).toBe(false)
    await mock.remote.reset()
  })

  it('JWKS carries cache headers: max-age and an ETag that a conditional request revalidates, and that changes with a rotation', async () => {
    const url = mock.idp.tenant(AUTHING.id).jwksUri!
    const first = await fetch(url)
    expect(first.headers.get('cache-control')).toBe('public, max-age=300')
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    const again = await fetch(url, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    await mock.remote.tenant(AUTHING.id).rotateKeys({ graceSeconds: 60 })
    const changed = await fetch(url, { headers: { 'if-none-match': etag } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    expect(((await changed.json()) as Jwks).keys).toHaveLength(2)
    await mock.remote.reset()
  })

  it('refuses a bad grace period with a 400 naming it, and an unknown tenant with a 404', async () => {
    for (const g of [-1, 1.5, '60', 1e12]) {
      const res = await fetch(`${mock.idp.url}/_mockidp/tenants/${AUTHING.id}/keys/rotate`, jsonPost({ graceSeconds: g }))
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error_description: string }).error_description).toContain('keys/rotate.graceSeconds')
    }
    expect((await fetch(`${mock.idp.url}/_mockidp/tenants/nope/keys/rotate`, jsonPost({}))).status).toBe(404)
    // no body (the admin guard still wants the JSON content type): replace at once
    const res = await fetch(`${mock.idp.url}/_mockidp/tenants/${AUTHING.id}/keys/rotate`, { method: 'POST', headers: { 'content-type': 'application/json' } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { retained: unknown[] }).retained).toEqual([])
    await mock.remote.reset()
  })
})
