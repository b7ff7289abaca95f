import { beforeEach, describe, expect, inject, it } from 'vitest'
import { connectMockIdp } from 'mockidp'
import { getServiceToken } from './app.js'

// Tests run in worker processes: they drive the mock started by globalSetup over its admin API.
const idp = connectMockIdp(inject('mockidpUrl'))
const tenant = idp.tenant('authing-demo')
const CLIENT = { id: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3' }

beforeEach(() => idp.reset())

describe('getServiceToken', () => {
  it('authenticates with HTTP Basic — as the journal shows, without the secret', async () => {
    const { tokenEndpoint } = await tenant.info()
    expect(await getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).toMatch(/^ey/)
    const [entry] = await idp.journal({ tenant: 'authing-demo', endpoint: 'token' })
    expect(entry).toMatchObject({ grantType: 'client_credentials', clientId: CLIENT.id, clientAuthMethod: 'client_secret_basic', status: 200 })
    expect(JSON.stringify(entry)).not.toContain(CLIENT.secret)
  })

  it('retries once when the IdP answers 503', async () => {
    await idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'status', status: 503, times: 1 })
    const { tokenEndpoint } = await tenant.info()
    expect(await getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).toMatch(/^ey/)
    expect((await idp.journal({ endpoint: 'token' })).map((e) => e.status)).toEqual([503, 200])
  })

  it('reports the vendor\'s error', async () => {
    await idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'error', reason: 'client_auth_failed' })
    const { tokenEndpoint } = await tenant.info()
    await expect(getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).rejects.toThrow('token request failed: invalid_client client authentication failed')
  })

  it('a minted token carries per-test claims', async () => {
    const { access_token } = await tenant.issueTokens({ clientId: CLIENT.id, scope: 'orders:read', claims: { tier: 'gold' } })
    const claims = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
    expect(claims).toMatchObject({ tier: 'gold', scope: 'orders:read' })
  })
})
