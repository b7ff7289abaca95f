const { getServiceToken } = require('./app.js')

// The mock from globalSetup, driven over its admin HTTP API.
const admin = (path, init) => fetch(`${process.env.MOCKIDP_URL}/_mockidp${path}`, init).then((r) => (r.status === 204 ? null : r.json()))
const post = (path, body) => admin(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const CLIENT = { id: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3' }

let tokenEndpoint
beforeAll(async () => {
  tokenEndpoint = (await admin('/tenants/authing-demo')).tokenEndpoint
})
beforeEach(() => post('/reset', {}))

test('authenticates with HTTP Basic — as the journal shows, without the secret', async () => {
  await expect(getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).resolves.toMatch(/^ey/)
  const { entries } = await admin('/journal?tenant=authing-demo&endpoint=token')
  expect(entries).toHaveLength(1)
  expect(entries[0]).toMatchObject({ grantType: 'client_credentials', clientId: CLIENT.id, clientAuthMethod: 'client_secret_basic', status: 200 })
  expect(JSON.stringify(entries)).not.toContain(CLIENT.secret)
})

test('retries once when the IdP answers 503', async () => {
  await post('/faults', { tenant: 'authing-demo', endpoint: 'token', kind: 'status', status: 503, times: 1 })
  await expect(getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).resolves.toMatch(/^ey/)
  const { entries } = await admin('/journal?endpoint=token')
  expect(entries.map((e) => e.status)).toEqual([503, 200])
})

test("reports the vendor's error", async () => {
  await post('/faults', { tenant: 'authing-demo', endpoint: 'token', kind: 'error', reason: 'client_auth_failed' })
  await expect(getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).rejects.toThrow('token request failed: invalid_client client authentication failed')
})

test('a dropped connection is an error, not a hang', async () => {
  await post('/faults', { tenant: 'authing-demo', endpoint: 'token', kind: 'drop', times: 2 })
  await expect(getServiceToken(tokenEndpoint, CLIENT.id, CLIENT.secret)).rejects.toThrow('fetch failed')
})
