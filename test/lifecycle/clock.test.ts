import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as client from 'openid-client'
import { createRemoteJWKSet, jwtVerify, errors } from 'jose'
import { parseDuration } from '../../src/admin/clock.js'
import { PINGONE, jsonPost } from '../api/helpers.js'
import { codeFlow, mockForFile } from './helpers.js'

const mock = mockForFile()

const clockUrl = () => `${mock.idp.url}/_mockidp/clock`

describe('clock over HTTP', () => {
  it('reads, freezes, sets, advances (durations and seconds) and returns to system time', async () => {
    const first = (await (await fetch(clockUrl())).json()) as { now: string; frozen: boolean }
    expect(first.frozen).toBe(false)
    expect(Math.abs(Date.parse(first.now) - Date.now())).toBeLessThan(5000)

    const frozen = (await (await fetch(clockUrl(), jsonPost({ freeze: true }))).json()) as { now: string; frozen: boolean }
    expect(frozen.frozen).toBe(true)
    await new Promise((r) => setTimeout(r, 20))
    expect((await mock.remote.getClock()).now).toBe(frozen.now)

    expect(await mock.remote.setClock({ set: '2030-01-01T00:00:00Z' })).toEqual({ now: '2030-01-01T00:00:00.000Z', frozen: true })
    expect((await mock.remote.setClock({ advance: '1h30m' })).now).toBe('2030-01-01T01:30:00.000Z')
    expect((await mock.remote.setClock({ advance: 90 })).now).toBe('2030-01-01T01:31:30.000Z')
    expect((await mock.remote.setClock({ advance: '-1m' })).now).toBe('2030-01-01T01:30:30.000Z')
    expect(mock.idp.getClock()).toEqual({ now: '2030-01-01T01:30:30.000Z', frozen: true })
    // the journal's times follow the mock's clock
    await fetch(mock.idp.tenant(PINGONE.id).discoveryUrl!)
    const last = (await mock.remote.journal({ limit: 1 }))[0]!
    expect(last.time).toBe('2030-01-01T01:30:30.000Z')

    const back = await mock.remote.setClock({ system: true })
    expect(back.frozen).toBe(false)
    expect(Math.abs(Date.parse(back.now) - Date.now())).toBeLessThan(5000)
  })

  it.each([
    [{ advance: '1x' }, 'clock.advance'],
    [{ advance: 'soon' }, 'clock.advance'],
    [{ advance: Number.MAX_SAFE_INTEGER }, 'clock.advance'],
    [{ set: 'tomorrow' }, 'clock.set'],
    [{ set: '2030-13-45T00:00:00Z' }, 'clock.set'],
    [{ set: 1893456000000 }, 'clock.set'],
    [{ freeze: false }, 'clock.freeze'],
    [{ system: 'yes' }, 'clock.system'],
    [{ advance: '1h', set: '2030-01-01T00:00:00Z' }, 'exactly one'],
    [{}, 'exactly one'],
    [{ rewind: '1h' }, 'clock.rewind'],
  ])('refuses %j with a 400 naming %s', async (body, words) => {
    const before = mock.idp.getClock()
    const res = await fetch(clockUrl(), jsonPost(body))
    expect(res.status).toBe(400)
    const j = (await res.json()) as { error: string; error_description: string }
    expect(j.error).toBe('invalid_request')
    expect(j.error_description).toContain(words)
    if (before.frozen) expect(mock.idp.getClock().now).toBe(before.now)
  })

  it('parses durations', () => {
    expect(parseDuration('90s', 'a')).toBe(90_000)
    expect(parseDuration('2d', 'a')).toBe(172_800_000)
    expect(parseDuration('1w1d1h1m1s500ms', 'a')).toBe(((7 * 24 + 24 + 1) * 3600 + 61) * 1000 + 500)
    expect(parseDuration('3600', 'a')).toBe(3_600_000)
    expect(parseDuration(1.5, 'a')).toBe(1500)
    expect(() => parseDuration('1h 30m', 'clock.advance')).toThrow(/clock\.advance: "1h 30m" is not a duration/)
  })

  it('never answers 5xx, whatever the body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue(),
          fc.record({ advance: fc.oneof(fc.string(), fc.double(), fc.integer()) }, { requiredKeys: [] }),
          fc.record({ set: fc.oneof(fc.string(), fc.date({ noInvalidDate: true }).map((d) => d.toISOString())) }),
          fc.string(),
        ),
        async (body) => {
          const res = await fetch(clockUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
          expect([200, 400]).toContain(res.status)
          await res.arrayBuffer()
        },
      ),
      { seed: 20, numRuns: 150 },
    )
    await mock.remote.setClock({ system: true })
  })
})

describe('an app sees time pass when the clock moves over HTTP', () => {
  it('openid-client: userinfo and introspection refuse the access token after an advance past its lifetime; jose sees the id_token expired', async () => {
    await mock.remote.setClock({ freeze: true })
    const { info, config, tokens, sub } = await codeFlow(mock.remote, PINGONE, 'alice')
    expect((await client.fetchUserInfo(config, tokens.access_token, sub)).sub).toBe(sub)
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true)

    const jwks = createRemoteJWKSet(new URL(info.jwksUri!))
    const mockNow = async () => new Date((await mock.remote.getClock()).now)
    await jwtVerify(tokens.id_token!, jwks, { issuer: info.issuer, audience: PINGONE.clientId, currentDate: await mockNow() })

    await mock.remote.setClock({ advance: '2h' })
    await expect(client.fetchUserInfo(config, tokens.access_token, sub)).rejects.toMatchObject({ status: 401 })
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false)
    await expect(jwtVerify(tokens.id_token!, jwks, { issuer: info.issuer, audience: PINGONE.clientId, currentDate: await mockNow() })).rejects.toBeInstanceOf(errors.JWTExpired)
    await mock.remote.setClock({ system: true })
  })

  it('an authorization code expires when the clock passes its lifetime', async () => {
    await mock.remote.setClock({ freeze: true })
    const t = mock.remote.tenant(PINGONE.id)
    const info = await t.info()
    const code = await t.createCode({ user: 'alice', clientId: PINGONE.clientId, redirectUri: PINGONE.redirectUri })
    await mock.remote.setClock({ advance: '1h' })
    const res = await fetch(info.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${PINGONE.clientId}:${PINGONE.secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: PINGONE.redirectUri }).toString(),
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant')
    await mock.remote.setClock({ system: true })
  })
})
