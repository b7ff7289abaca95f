import { createHmac, generateKeyPairSync } from 'node:crypto'
import { SignJWT, exportJWK, jwtVerify, createLocalJWKSet } from 'jose'
import { describe, expect, it } from 'vitest'
import { authorize, basic, decodeJwt, defaultCfg, makeIdp, ORIGIN, post, TENANTS, type TenantCase } from '../helpers/idp.js'

const [genauth, authing, pingone, asgardeo] = TENANTS as [TenantCase, TenantCase, TenantCase, TenantCase]
const creds = (t: TenantCase) => ({ client_id: t.clientId, client_secret: t.clientSecret })

async function tokensFor(idp: ReturnType<typeof makeIdp>, t: TenantCase, extra: Record<string, string> = {}) {
  const { code } = await authorize(idp, t, extra)
  const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code, redirect_uri: t.redirectUri, ...creds(t) }))
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, string>
}

const paths: Record<string, { introspect: string; revoke: string; jwks: string; endSession: string }> = {
  'authing-demo': { introspect: '/authing/demo/oidc/token/introspection', revoke: '/authing/demo/oidc/token/revocation', jwks: '/authing/demo/oidc/.well-known/jwks.json', endSession: '/authing/demo/oidc/session/end' },
  'genauth-demo': { introspect: '/genauth/demo/oidc/token/introspection', revoke: '/genauth/demo/oidc/token/revocation', jwks: '/genauth/demo/oidc/.well-known/jwks.json', endSession: '/genauth/demo/oidc/session/end' },
  'pingone-demo': { introspect: `${pingone.base}/introspect`, revoke: `${pingone.base}/revoke`, jwks: `${pingone.base}/jwks`, endSession: `${pingone.base}/signoff` },
  'asgardeo-demo': { introspect: '/asgardeo/t/bifrost/oauth2/introspect', revoke: '/asgardeo/t/bifrost/oauth2/revoke', jwks: '/asgardeo/t/bifrost/oauth2/jwks', endSession: '/asgardeo/t/bifrost/oidc/logout' },
}

describe.each(TENANTS)('$id endpoints', (t) => {
  const p = paths[t.id]!

  it('discovery issuer, JWKS kid/alg/use, and the id_token verifies against the JWKS', async () => {
    const idp = makeIdp()
    const disco = (await (await idp.request(t.discovery)).json()) as Record<string, string>
    expect(disco.issuer).toBe(`${ORIGIN}${t.discovery.replace('/.well-known/openid-configuration', '')}`)
    expect(disco.jwks_uri).toBe(`${ORIGIN}${p.jwks}`)
    expect(disco.token_endpoint).toBe(`${ORIGIN}${t.token}`)
    const jwks = (await (await idp.request(p.jwks)).json()) as { keys: Record<string, string>[] }
    for (const k of jwks.keys) expect(k).toMatchObject({ kid: expect.any(String), alg: 'RS256', use: 'sig', kty: 'RSA' })
    const tokens = await tokensFor(idp, t)
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks as never), { issuer: disco.issuer, audience: t.clientId, currentDate: new Date(idp.clock.now()) })
    expect(protectedHeader.kid).toBe(jwks.keys[0]!.kid)
    expect(payload.sub).toBeTypeOf('string')
  })

  it('userinfo: GET and POST with Bearer; a bad token is 401 invalid_token with WWW-Authenticate', async () => {
    const idp = makeIdp()
    const { access_token } = await tokensFor(idp, t)
    const get = await idp.request(t.userinfo, { headers: { authorization: `Bearer ${access_token}` } })
    const postRes = await idp.request(t.userinfo, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } })
    expect(await postRes.json()).toEqual(await get.json())
    const bad = await idp.request(t.userinfo, { headers: { authorization: 'Bearer nope' } })
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_token')
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/)
  })

  it('userinfo refuses an expired token', async () => {
    const idp = makeIdp()
    const { access_token } = await tokensFor(idp, t)
    idp.clock.advance(3601_000)
    const res = await idp.request(t.userinfo, { headers: { authorization: `Bearer ${access_token}` } })
    expect(res.status).toBe(401)
  })

  it('introspection: active for a live token, {"active":false} for junk; revocation answers 200 and revokes', async () => {
    const idp = makeIdp()
    const tokens = await tokensFor(idp, t)
    const live = (await (await idp.request(p.introspect, post({ token: tokens.access_token, ...creds(t) }))).json()) as Record<string, unknown>
    expect(live).toMatchObject({ active: true, client_id: t.clientId, scope: t.scope })
    expect(await (await idp.request(p.introspect, post({ token: 'junk', ...creds(t) }))).json()).toEqual({ active: false })
    const rev = await idp.request(p.revoke, post({ token: tokens.access_token, token_type_hint: 'access_token', ...creds(t) }))
    expect(rev.status).toBe(200)
    expect(await rev.text()).toBe('')
    expect(await (await idp.request(p.introspect, post({ token: tokens.access_token, ...creds(t) }))).json()).toEqual({ active: false })
    expect((await idp.request(t.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401)
    await idp.request(p.revoke, post({ token: tokens.refresh_token, ...creds(t) }))
    expect((await idp.request(t.token, post({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...creds(t) }))).status).toBe(400)
  })

  it('introspection and revocation authenticate the client', async () => {
    const idp = makeIdp()
    const res = await idp.request(p.introspect, post({ token: 'x', client_id: t.clientId, client_secret: 'wrong' }))
    expect(res.status).toBe(401)
  })

  it('end-session redirects to a registered post_logout_redirect_uri with state, never elsewhere', async () => {
    const idp = makeIdp()
    const { id_token } = await tokensFor(idp, t)
    const ok = await idp.request(`${p.endSession}?${new URLSearchParams({ id_token_hint: id_token!, post_logout_redirect_uri: 'http://localhost:3000/callback', state: 'bye' })}`)
    expect(ok.status).toBe(302)
    expect(ok.headers.get('location')).toBe('http://localhost:3000/callback?state=bye')
    const evil = await idp.request(`${p.endSession}?${new URLSearchParams({ client_id: t.clientId, post_logout_redirect_uri: 'https://evil.example/', state: 'x' })}`)
    expect(evil.status).toBe(400)
    expect(evil.headers.get('location')).toBeNull()
  })

  it('client_credentials: an access token for the client, no refresh or id token', async () => {
    const idp = makeIdp()
    const res = await idp.request(t.token, post({ grant_type: 'client_credentials', ...creds(t) }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.access_token).toBeTypeOf('string')
    expect(body).not.toHaveProperty('refresh_token')
    expect(body).not.toHaveProperty('id_token')
  })

  it('authorize: fragment and form_post response modes; unknown params ignored; no state or nonce needed', async () => {
    const idp = makeIdp()
    const base = { response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: 'openid', login_hint: 'test1', unknown_param: 'x' }
    const frag = await idp.request(`${t.authorize}?${new URLSearchParams({ ...base, response_mode: 'fragment', state: 's' })}`)
    expect(frag.headers.get('location')).toMatch(new RegExp(`^${t.redirectUri}#code=[^&]+&state=s`))
    const fp = await idp.request(`${t.authorize}?${new URLSearchParams({ ...base, response_mode: 'form_post' })}`)
    expect(fp.status).toBe(200)
    const html = await fp.text()
    expect(html).toContain(`action="${t.redirectUri}"`)
    expect(html).toMatch(/name="code" value="[^"]+"/)
    const plain = await idp.request(`${t.authorize}?${new URLSearchParams(base)}`)
    expect(new URL(plain.headers.get('location')!).searchParams.has('state')).toBe(false)
  })

  it('authorize: unknown client or unregistered redirect_uri shows an error page, never redirects', async () => {
    const idp = makeIdp()
    for (const q of [{ client_id: 'nobody', redirect_uri: t.redirectUri }, { client_id: t.clientId, redirect_uri: 'https://evil.example/cb' }]) {
      const res = await idp.request(`${t.authorize}?${new URLSearchParams({ response_type: 'code', scope: 'openid', state: 's', ...q })}`)
      expect(res.status).toBe(400)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toMatch(/text\/html/)
    }
  })

  it('authorize: other errors go back to the client with error, error_description and state', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${t.authorize}?${new URLSearchParams({ response_type: 'code bogus', client_id: t.clientId, redirect_uri: t.redirectUri, scope: 'openid', state: 'k' })}`)
    const loc = new URL(res.headers.get('location')!)
    expect(loc.searchParams.get('error')).toBe('unsupported_response_type')
    expect(loc.searchParams.get('error_description')).toMatch(/response.?type/i)
    expect(loc.searchParams.get('state')).toBe('k')
  })
})

describe('vendor specifics', () => {
  it('Authing/GenAuth userinfo also takes ?access_token= and a form body; returns nulls for absent claims', async () => {
    for (const t of [authing, genauth]) {
      const idp = makeIdp()
      const { access_token } = await tokensFor(idp, t)
      const q = (await (await idp.request(`${t.userinfo}?access_token=${access_token}`)).json()) as Record<string, unknown>
      const b = (await (await idp.request(t.userinfo, post({ access_token }))).json()) as Record<string, unknown>
      expect(q).toEqual(b)
      expect(q).toMatchObject({ email: 'test1@123.com', birthdate: null, website: null })
    }
  })

  it('GenAuth/Authing /oauth/me answers sub + profile claims for the OAuth2 family token', async () => {
    const idp = makeIdp()
    const res = await idp.request('/genauth/demo/oauth/token', post({ grant_type: 'authorization_code', code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', redirect_uri: 'https://baidu.com', ...creds(genauth) }))
    const { access_token } = (await res.json()) as Record<string, string>
    const me = (await (await idp.request(`/genauth/demo/oauth/me?access_token=${access_token}`)).json()) as Record<string, unknown>
    expect(me).toMatchObject({ sub: idp.core.tenant('genauth-demo')!.findUser('test1')!.sub, preferred_username: 'test1', profile: null })
  })

  it('password grant: Authing OIDC and Asgardeo; a wrong password is invalid_grant', async () => {
    for (const t of [authing, asgardeo]) {
      const idp = makeIdp()
      const ok = await idp.request(t.token, post({ grant_type: 'password', username: 'test1', password: 'test1', scope: 'openid profile', ...creds(t) }))
      expect(ok.status).toBe(200)
      expect(((await ok.json()) as Record<string, unknown>).id_token).toBeTypeOf('string')
      const bad = await idp.request(t.token, post({ grant_type: 'password', username: 'test1', password: 'nope', scope: 'openid', ...creds(t) }))
      expect(bad.status).toBe(400)
      expect(((await bad.json()) as Record<string, unknown>).error).toBe('invalid_grant')
    }
    const p1 = makeIdp()
    const refused = await p1.request(pingone.token, post({ grant_type: 'password', username: 'test1', password: 'test1', ...creds(pingone) }))
    expect(((await refused.json()) as Record<string, unknown>).error).toBe('unsupported_grant_type')
  })

  it('Asgardeo returns an id_token on refresh, with a rotated UUID refresh token', async () => {
    const idp = makeIdp()
    const tokens = await tokensFor(idp, asgardeo)
    const r = (await (await idp.request(asgardeo.token, post({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...creds(asgardeo) }))).json()) as Record<string, string>
    expect(Object.keys(r)).toEqual(['access_token', 'refresh_token', 'scope', 'id_token', 'token_type', 'expires_in'])
    expect(r.refresh_token).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('Authing apps may sign id_tokens with HS256 (the client secret), header without kid', async () => {
    const cfg = defaultCfg()
    cfg.tenants[1]!.clients[0]!.idTokenSigningAlg = 'HS256'
    const idp = makeIdp(cfg)
    const { id_token } = await tokensFor(idp, authing)
    const [h, p, s] = id_token!.split('.')
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(createHmac('sha256', authing.clientSecret).update(`${h}.${p}`).digest('base64url')).toBe(s)
  })

  it('nonce appears in the id_token only when one was sent; at_hash always; Asgardeo adds c_hash', async () => {
    const idp = makeIdp()
    const without = decodeJwt((await tokensFor(idp, authing)).id_token!).payload
    expect(without).not.toHaveProperty('nonce')
    expect(without.at_hash).toBeTypeOf('string')
    const withNonce = decodeJwt((await tokensFor(idp, authing, { nonce: 'n-123' })).id_token!).payload
    expect(withNonce.nonce).toBe('n-123')
    const asg = decodeJwt((await tokensFor(idp, asgardeo)).id_token!).payload
    expect(asg.c_hash).toBeTypeOf('string')
  })

  it('PingOne and Asgardeo accept client_secret_jwt / private_key_jwt', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    const cfg = defaultCfg()
    cfg.tenants[2]!.clients.push({ clientId: 'pkjwt', redirectUris: ['http://localhost:3000/callback'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] }, grantTypes: ['client_credentials'] })
    cfg.tenants[3]!.clients.push({ clientId: 'pkjwt', redirectUris: ['http://localhost:3000/callback'], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] }, grantTypes: ['client_credentials'] })
    const idp = makeIdp(cfg)
    const now = Math.floor(idp.clock.now() / 1000)
    const assertion = (sub: string, aud: string, key: Parameters<SignJWT['sign']>[0], alg: string) =>
      new SignJWT({}).setProtectedHeader({ alg, kid: 'k1' }).setIssuer(sub).setSubject(sub).setAudience(aud).setIssuedAt(now).setExpirationTime(now + 60).setJti(`j-${alg}-${aud}`).sign(key)
    const jwtBody = (a: string) => ({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a })
    for (const t of [pingone, asgardeo]) {
      const res = await idp.request(t.token, post(jwtBody(await assertion('pkjwt', `${ORIGIN}${t.token}`, privateKey, 'RS256'))))
      expect(res.status, await res.clone().text()).toBe(200)
      const wrongAud = await idp.request(t.token, post(jwtBody(await assertion('pkjwt', 'https://elsewhere', privateKey, 'RS256'))))
      expect(wrongAud.status).toBe(401)
    }
    const hs = await idp.request(pingone.token, post(jwtBody(await assertion(pingone.clientId, `${ORIGIN}${pingone.base}`, new TextEncoder().encode(pingone.clientSecret), 'HS256'))))
    expect(hs.status, await hs.clone().text()).toBe(200)
    const hsAsg = await idp.request(asgardeo.token, post(jwtBody(await assertion(asgardeo.clientId, `${ORIGIN}${asgardeo.token}`, new TextEncoder().encode(asgardeo.clientSecret), 'HS256'))))
    expect(hsAsg.status).toBe(401)
  })

  it('invalid_client uses WWW-Authenticate only after Basic (Authing), always (Asgardeo)', async () => {
    const idp = makeIdp()
    const a = await idp.request(authing.token, post({ grant_type: 'client_credentials', client_id: authing.clientId, client_secret: 'x' }))
    expect(a.headers.get('www-authenticate')).toBeNull()
    const ab = await idp.request(authing.token, post({ grant_type: 'client_credentials' }, { authorization: basic(authing.clientId, 'x') }))
    expect(ab.headers.get('www-authenticate')).toBe('Basic realm="http://localhost:9000/authing/demo/oidc", error="invalid_client", error_description="client authentication failed"')
    const g = await idp.request(asgardeo.token, post({ grant_type: 'client_credentials', client_id: asgardeo.clientId, client_secret: 'x' }))
    expect(g.headers.get('www-authenticate')).toBe('Basic realm=localhost')
  })
})

describe('OIDC Core rules every profile follows', () => {
  it.each(TENANTS)('$id: max_age at authorize puts auth_time into the id_token (§3.1.2.1)', async (t) => {
    const idp = makeIdp()
    const withMaxAge = decodeJwt((await tokensFor(idp, t, { max_age: '300' })).id_token!).payload
    expect(withMaxAge.auth_time).toBe(Math.floor(idp.clock.now() / 1000))
  })
})
