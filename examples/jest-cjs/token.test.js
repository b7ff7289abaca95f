// A CommonJS project: require('mockidp') loads the package's CommonJS entry (dist/index.cjs).
const { startMockIdp } = require('mockidp')

/** A JWT's payload, unverified. */
const payloadOf = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString())

test("resolves to the package's CommonJS build", () => {
  expect(require.resolve('mockidp')).toMatch(/dist[\\/]index\.cjs$/)
})

let idp
beforeAll(async () => {
  idp = await startMockIdp({ port: 0 }) // the built-in GenAuth, Authing, PingOne and Asgardeo tenants
})
afterAll(() => idp.stop())

test('mints a PingOne token for a fixture user, with extra claims', async () => {
  const pingone = idp.tenant('pingone-demo')
  const { access_token, id_token, token_type } = await pingone.issueTokens({ user: 'alice', scope: 'openid profile', claims: { role: 'admin' } })
  expect(token_type).toBe('Bearer')
  expect(payloadOf(access_token)).toMatchObject({ iss: pingone.issuer, role: 'admin' })
  expect(payloadOf(id_token).sub).toBe(payloadOf(access_token).sub)
})

test('the minted token is accepted by the tenant userinfo endpoint', async () => {
  const authing = idp.tenant('authing-demo')
  const { access_token } = await authing.issueTokens({ user: 'test1', scope: 'openid profile email' })
  const res = await fetch(authing.userinfoEndpoint, { headers: { authorization: `Bearer ${access_token}` } })
  expect(res.status).toBe(200)
  expect(await res.json()).toMatchObject({ email: 'test1@123.com' })
})
