import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startMockIdp, type MockIdp, type MockIdpConfig } from '../../src/index.js'

const defaults = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as MockIdpConfig
const P1 = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
const AUTH = `Basic ${Buffer.from('6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f:pingone-demo-secret').toString('base64')}`
const form = (body: Record<string, string>): RequestInit => ({ method: 'POST', headers: { authorization: AUTH, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) })

let mock: MockIdp | undefined
afterEach(async () => {
  await mock?.stop()
  mock = undefined
})

describe('PAR and device state across a hot reload', () => {
  it('a pending device authorization and a pushed request survive a reload of the config', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mockidp-flows-')), 'mockidp.config.json')
    const config = { ...defaults, tenants: defaults.tenants.filter((t) => t.id === 'pingone-demo') }
    writeFileSync(file, JSON.stringify(config))
    mock = await startMockIdp({ configFile: file, env: {} })
    const device = (await (await fetch(`${mock.url}${P1}/as/device_authorization`, form({ scope: 'openid' }))).json()) as Record<string, string>
    const par = (await (await fetch(`${mock.url}${P1}/as/par`, form({ response_type: 'code', client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', redirect_uri: 'http://localhost:3000/callback', scope: 'openid', login_hint: 'test1' }))).json()) as Record<string, string>

    writeFileSync(file, JSON.stringify({ ...config, tenants: config.tenants.map((t) => ({ ...t, autoLogin: 'test1' })) }))
    await mock.reload()

    const poll = await fetch(`${mock.url}${P1}/as/token`, form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code! }))
    expect(((await poll.json()) as { error: string }).error).toBe('authorization_pending')
    const page = await fetch(device.verification_uri_complete!)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(device.user_code)
    const authorize = await fetch(`${mock.url}${P1}/as/authorize?${new URLSearchParams({ client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', request_uri: par.request_uri! })}`, { redirect: 'manual' })
    expect(authorize.status).toBe(302)
    expect(new URL(authorize.headers.get('location')!).searchParams.has('code')).toBe(true)
  })
})
