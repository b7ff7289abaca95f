import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { connectMockIdp, startMockIdp, type MockIdp, type MockIdpConfig } from '../../src/index.js'
import { PINGONE } from '../api/helpers.js'
import { codeFlow } from './helpers.js'

// Rotated keys, queued sign-ins and logout participants are live state: a hot reload and a restart
// with --state keep them (the keys are re-derived from their rotation numbers).
const defaults = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as MockIdpConfig
const dir = () => mkdtempSync(join(tmpdir(), 'mockidp-lifecycle-'))
function tempConfig(): string {
  const file = join(dir(), 'mockidp.config.json')
  writeFileSync(file, JSON.stringify(defaults, null, 2))
  return file
}

let mock: MockIdp | undefined
afterEach(async () => {
  await mock?.stop()
  mock = undefined
})

const kids = async (m: MockIdp) => ((await (await fetch(m.tenant(PINGONE.id).jwksUri!)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)

describe('rotations and queued sign-ins outlive a reload and a restart', () => {
  it('hot reload: the rotated key still signs, the retained one still verifies, a queued sign-in is still taken', async () => {
    const file = tempConfig()
    mock = await startMockIdp({ configFile: file, env: {} })
    const remote = connectMockIdp(mock.url)
    const before = await codeFlow(remote, PINGONE, 'alice')
    const rotated = mock.tenant(PINGONE.id).rotateKeys({ graceSeconds: 3600 })
    mock.tenant(PINGONE.id).nextSignIn({ user: 'test1' })
    const published = await kids(mock)

    writeFileSync(file, JSON.stringify({ ...defaults, journal: { size: 500 } }, null, 2))
    await mock.reload()
    expect(await kids(mock)).toEqual(published)
    expect(mock.tenant(PINGONE.id).rotateKeys({ graceSeconds: 0 }).rotation).toBe(rotated.rotation + 1)

    const info = mock.tenant(PINGONE.id)
    await jwtVerify(before.tokens.id_token!, createRemoteJWKSet(new URL(info.jwksUri!)), { issuer: info.issuer, audience: PINGONE.clientId }).catch((e: Error) => {
      throw new Error(`the pre-reload token should verify against the retained key: ${e.message}`)
    })
    const auth = new URL(info.authorizationEndpoint!)
    for (const [k, v] of Object.entries({ client_id: PINGONE.clientId, redirect_uri: PINGONE.redirectUri, response_type: 'code', scope: 'openid' })) auth.searchParams.set(k, v)
    expect((await fetch(auth, { redirect: 'manual' })).status).toBe(302)
  })

  it('--state: a restart re-derives the rotated keys from the file, so tokens signed before it still verify', async () => {
    const stateFile = join(dir(), 'state.json')
    mock = await startMockIdp({ stateFile, env: {} })
    const first = await codeFlow(connectMockIdp(mock.url), PINGONE, 'alice')
    mock.tenant(PINGONE.id).rotateKeys({ graceSeconds: 0 })
    const signed = await codeFlow(connectMockIdp(mock.url), PINGONE, 'alice')
    const published = await kids(mock)
    await mock.stop()
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { tenants: Record<string, { signingKeys: unknown }> }
    expect(saved.tenants[PINGONE.id]!.signingKeys).toEqual({ rotations: 1, signing: 1, retained: [] })

    mock = await startMockIdp({ stateFile, env: {} })
    expect(await kids(mock)).toEqual(published)
    // (a new port: the issuer changed, the signature is what counts here)
    const jwks = createRemoteJWKSet(new URL(mock.tenant(PINGONE.id).jwksUri!))
    await jwtVerify(signed.tokens.id_token!, jwks, { audience: PINGONE.clientId })
    await expect(jwtVerify(first.tokens.id_token!, jwks, { audience: PINGONE.clientId })).rejects.toThrow('no applicable key found in the JSON Web Key Set')
  })

  it('--state: a key ring that cannot be is dropped with a message, not trusted', async () => {
    const stateFile = join(dir(), 'state.json')
    mock = await startMockIdp({ stateFile, env: {} })
    mock.tenant(PINGONE.id).rotateKeys({ graceSeconds: 0 })
    await mock.stop()
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { tenants: Record<string, { signingKeys: unknown }> }
    saved.tenants[PINGONE.id]!.signingKeys = { rotations: 1, signing: 7, retained: [] }
    writeFileSync(stateFile, JSON.stringify(saved))
    const logs: string[] = []
    const log = console.log
    console.log = (...a: unknown[]) => void logs.push(a.join(' '))
    try {
      mock = await startMockIdp({ stateFile, env: {} })
    } finally {
      console.log = log
    }
    expect(logs.join('\n')).toContain(`state: ${PINGONE.id}: dropped 1 signing keys (an invalid key ring)`)
    expect(mock.tenant(PINGONE.id).rotateKeys().rotation).toBe(1)
  })
})
