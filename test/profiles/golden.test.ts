import { describe, expect, it } from 'vitest'
import { authorize, decodeJwt, makeIdp, post, TENANTS } from '../helpers/idp.js'

// One pinned snapshot per profile (frozen clock, default seed): the discovery document, a token
// response from the code flow, its decoded JWTs and the userinfo answer. A change of shape is a diff
// in test/profiles/golden/<tenant>.json; update deliberately with `npx vitest run -u`.
const decodeIfJwt = (v: unknown) => (typeof v === 'string' && v.split('.').length === 3 ? decodeJwt(v) : v)

describe.each(TENANTS)('golden: $vendor', (t) => {
  it('discovery, token response, id_token, userinfo', async () => {
    const idp = makeIdp()
    const discovery = await (await idp.request(t.discovery)).json()
    const { code } = await authorize(idp, t, { nonce: 'golden-nonce', state: 'golden-state' })
    const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
    const raw = await res.text()
    const tokens = JSON.parse(raw) as Record<string, string>
    const userinfo = await (await idp.request(t.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()
    const golden = {
      discovery,
      tokenResponse: { status: res.status, headers: { 'cache-control': res.headers.get('cache-control'), pragma: res.headers.get('pragma') }, raw },
      decoded: Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, decodeIfJwt(v)])),
      userinfo,
    }
    await expect(JSON.stringify(golden, null, 2) + '\n').toMatchFileSnapshot(`golden/${t.id}.json`)
  })
})

it('golden: GenAuth OAuth 2.0 family (seed 000 shape)', async () => {
  const idp = makeIdp()
  const res = await idp.request('/genauth/demo/oauth/token', post({ grant_type: 'authorization_code', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', redirect_uri: 'https://baidu.com', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3' }))
  await expect((await res.text()) + '\n').toMatchFileSnapshot('golden/genauth-demo-oauth.json')
})
