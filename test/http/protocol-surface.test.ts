import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { basic, decodeJwt, makeIdp, defaultCfg, post, TENANTS, type TenantCase } from '../helpers/idp.js'

const byId = (id: string) => TENANTS.find((t) => t.id === id)!
const authing = byId('authing-demo')
const pingone = byId('pingone-demo')
const asgardeo = byId('asgardeo-demo')
const halfHash = (v: string) => createHash('sha256').update(v).digest().subarray(0, 16).toString('base64url')

type Idp = ReturnType<typeof makeIdp>

async function discovery(idp: Idp, t: TenantCase): Promise<Record<string, unknown>> {
  return (await (await idp.request(t.discovery)).json()) as Record<string, unknown>
}

/** An authorize request answered at once (login_hint), its response parameters from wherever they travel. */
async function frontChannel(idp: Idp, t: TenantCase, params: Record<string, string>): Promise<{ status: number; mode: string; out: URLSearchParams; body: string }> {
  const q = new URLSearchParams({ client_id: t.clientId, redirect_uri: t.redirectUri, scope: 'openid profile email', login_hint: 'test1', state: 'st', nonce: 'n-1', ...params })
  const res = await idp.request(`${t.authorize}?${q}`)
  const body = res.status === 302 ? '' : await res.text()
  if (res.status !== 302) return { status: res.status, mode: 'page', out: new URLSearchParams(), body }
  const loc = new URL(res.headers.get('location')!)
  return loc.hash ? { status: 302, mode: 'fragment', out: new URLSearchParams(loc.hash.slice(1)), body } : { status: 302, mode: 'query', out: loc.searchParams, body }
}

describe.each(TENANTS)('implicit and hybrid response types: $id', (t) => {
  it('every response type the discovery document advertises answers with exactly its members, in the fragment by default', async () => {
    const idp = makeIdp()
    const types = ((await discovery(idp, t)).response_types_supported as string[]).filter((rt) => rt !== 'device')
    expect(types.length).toBeGreaterThan(1)
    const profile = idp.core.tenant(t.id)!.defaultServer.spec
    const idClaims = profile.idToken!.authorizationClaims ?? profile.idToken!.claims
    for (const rt of types) {
      const parts = rt.split(' ')
      const { status, mode, out } = await frontChannel(idp, t, { response_type: rt })
      expect(status, rt).toBe(302)
      const frontChannelType = parts.includes('token') || parts.includes('id_token')
      expect(mode, rt).toBe(frontChannelType ? 'fragment' : 'query')
      expect(out.has('code'), rt).toBe(parts.includes('code'))
      expect(out.has('access_token'), rt).toBe(parts.includes('token'))
      expect(out.has('token_type'), rt).toBe(parts.includes('token'))
      expect(out.has('id_token'), rt).toBe(parts.includes('id_token'))
      expect(out.has('refresh_token'), rt).toBe(false)
      expect(out.get('state'), rt).toBe('st')
      if (!parts.includes('id_token')) continue
      const { payload } = decodeJwt(out.get('id_token')!)
      expect(payload.nonce, rt).toBe('n-1')
      expect(payload.aud, rt).toBe(t.clientId)
      // the hashes bind what travelled beside the id_token, where the vendor puts them
      if (parts.includes('token') && idClaims.includes('at_hash')) expect(payload.at_hash, rt).toBe(halfHash(out.get('access_token')!))
      else expect(payload.at_hash, rt).toBeUndefined()
      if (parts.includes('code') && idClaims.includes('c_hash')) expect(payload.c_hash, rt).toBe(halfHash(out.get('code')!))
      else expect(payload.c_hash, rt).toBeUndefined()
      if (idClaims.includes('s_hash')) expect(payload.s_hash, rt).toBe(halfHash('st'))
    }
  })

  it('the implicit access token works at userinfo; a hybrid code still redeems at the token endpoint', async () => {
    const idp = makeIdp()
    const types = (await discovery(idp, t)).response_types_supported as string[]
    const tokenType = types.find((rt) => rt.split(' ').includes('token'))!
    const { out } = await frontChannel(idp, t, { response_type: tokenType })
    const me = await idp.request(t.userinfo, { headers: { authorization: `Bearer ${out.get('access_token')}` } })
    expect(me.status).toBe(200)
    expect(((await me.json()) as { email: string }).email).toBe('test1@123.com')
    const hybrid = types.find((rt) => rt.split(' ').includes('code') && rt !== 'code')
    if (!hybrid) return // PingOne serves no hybrid flow
    const h = await frontChannel(idp, t, { response_type: hybrid })
    const res = await idp.request(t.token, post({ grant_type: 'authorization_code', code: h.out.get('code')!, redirect_uri: t.redirectUri, client_id: t.clientId, client_secret: t.clientSecret }))
    expect(res.status).toBe(200)
  })
})

/** One refusal: the request, then the vendor's error code and words. */
interface Refusal {
  name: string
  tenant: TenantCase
  params: Record<string, string>
  error: string
  description: string | RegExp
}

const REFUSALS: Refusal[] = [
  // PingOne: 'CODE cannot be used ... with TOKEN or ID_TOKEN' (no hybrid)
  { name: 'PingOne refuses hybrid', tenant: pingone, params: { response_type: 'code id_token' }, error: 'unsupported_response_type', description: 'Unsupported response_type: code id_token' },
  { name: 'Asgardeo refuses an unknown type', tenant: asgardeo, params: { response_type: 'code bogus' }, error: 'unsupported_response_type', description: 'Unsupported Response Type!' },
  // tokens never travel in the query
  { name: 'Authing: id_token in the query', tenant: authing, params: { response_type: 'id_token', response_mode: 'query' }, error: 'invalid_request', description: 'response_mode not allowed for this response_type' },
  { name: 'PingOne: token in the query', tenant: pingone, params: { response_type: 'token', response_mode: 'query' }, error: 'invalid_request', description: /response_mode/ },
  // OIDC Core §3.2.2.1: nonce is required for an id_token from the authorization endpoint
  { name: 'Authing: id_token without nonce', tenant: authing, params: { response_type: 'id_token', nonce: '' }, error: 'invalid_request', description: "missing required parameter 'nonce'" },
  { name: 'Asgardeo: code id_token without nonce', tenant: asgardeo, params: { response_type: 'code id_token', nonce: '' }, error: 'invalid_request', description: /nonce/ },
  // a client without the implicit grant
  { name: 'Authing: spa-client has no implicit grant', tenant: { ...authing, clientId: 'spa-client', redirectUri: 'http://localhost:5173/callback' }, params: { response_type: 'id_token token' }, error: 'unauthorized_client', description: 'requested response_type is not allowed for this client' },
  { name: 'Asgardeo: spa-client has no implicit grant', tenant: { ...asgardeo, clientId: 'spa-client', redirectUri: 'http://localhost:5173/callback' }, params: { response_type: 'id_token' }, error: 'unauthorized_client', description: 'The authenticated client is not authorized to use this authorization grant type' },
]

describe('refusals at the authorization endpoint are the vendor\'s', () => {
  it.each(REFUSALS)('$name', async (r) => {
    const idp = makeIdp()
    const params = { ...r.params }
    const q: Record<string, string> = { response_type: params.response_type! }
    for (const [k, v] of Object.entries(params)) if (v !== '') q[k] = v
    const query = new URLSearchParams({ client_id: r.tenant.clientId, redirect_uri: r.tenant.redirectUri, scope: 'openid', login_hint: 'test1', state: 'st', ...(params.nonce === '' ? {} : { nonce: 'n' }), ...q })
    const res = await idp.request(`${r.tenant.authorize}?${query}`)
    expect(res.status).toBe(302)
    const loc = new URL(res.headers.get('location')!)
    const out = loc.hash ? new URLSearchParams(loc.hash.slice(1)) : loc.searchParams
    expect(out.get('error')).toBe(r.error)
    if (typeof r.description === 'string') expect(out.get('error_description')).toBe(r.description)
    else expect(out.get('error_description')).toMatch(r.description)
    expect(out.get('state')).toBe('st')
    expect(out.has('code') || out.has('id_token') || out.has('access_token')).toBe(false)
  })
})

describe('Pushed Authorization Requests (RFC 9126)', () => {
  const parPath = (t: TenantCase) => (t === pingone ? `${t.base}/par` : `${t.base}/par`)
  const push = (idp: Idp, t: TenantCase, fields: Record<string, string>, auth = basic(t.clientId, t.clientSecret)) =>
    idp.request(parPath(t), post({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: 'openid', ...fields }, { authorization: auth }))

  it.each([
    [pingone, ['request_uri', 'expires_in'], 'urn:ietf:params:oauth:request_uri:'],
    [asgardeo, ['expires_in', 'request_uri'], 'urn:ietf:params:oauth:par:request_uri:'],
  ] as const)('%#: 201 with the vendor\'s request_uri and key order; expires after 60 s', async (t, keys, prefix) => {
    const idp = makeIdp()
    const res = await push(idp, t, { state: 's', login_hint: 'test1' })
    expect(res.status).toBe(201)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as Record<string, string | number>
    expect(Object.keys(body)).toEqual(keys)
    expect(body.expires_in).toBe(60)
    expect(String(body.request_uri).startsWith(prefix)).toBe(true)
    const ok = await idp.request(`${t.authorize}?${new URLSearchParams({ client_id: t.clientId, request_uri: String(body.request_uri) })}`)
    expect(ok.status).toBe(302)
    expect(new URL(ok.headers.get('location')!).searchParams.get('state')).toBe('s')

    const second = (await (await push(idp, t, { state: 's2', login_hint: 'test1' })).json()) as Record<string, string>
    idp.clock.advance(61_000)
    const late = await idp.request(`${t.authorize}?${new URLSearchParams({ client_id: t.clientId, request_uri: second.request_uri! })}`)
    expect(late.status).toBe(400)
    expect(await late.text()).toContain('invalid_request_uri')
  })

  it('a pushed request survives the login page: the post-back carries the request_uri, consumed on success', async () => {
    const idp = makeIdp()
    const { request_uri } = (await (await push(idp, pingone, { state: 'via-login' })).json()) as Record<string, string>
    const page = await idp.request(`${pingone.authorize}?${new URLSearchParams({ client_id: pingone.clientId, request_uri: request_uri! })}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    const form = /<li><form method="post" action="([^"]+)">([\s\S]*?)<button/.exec(html)!
    const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))]))
    expect(fields.request_uri).toBe(request_uri)
    const done = await idp.request(form[1]!, post(fields))
    expect(done.status).toBe(302)
    const loc = new URL(done.headers.get('location')!)
    expect(loc.searchParams.get('state')).toBe('via-login')
    expect(loc.searchParams.has('code')).toBe(true)
    expect((await idp.request(form[1]!, post(fields))).status).toBe(400)
  })

  it('a request_uri is bound to the client that pushed it', async () => {
    const idp = makeIdp()
    const { request_uri } = (await (await push(idp, pingone, {})).json()) as Record<string, string>
    const res = await idp.request(`${pingone.authorize}?${new URLSearchParams({ client_id: 'spa-client', request_uri: request_uri! })}`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('Invalid or expired request_uri')
  })

  it('the PAR endpoint authenticates the client and checks the request as /authorize would', async () => {
    const idp = makeIdp()
    const bad = await push(idp, asgardeo, {}, basic(asgardeo.clientId, 'wrong'))
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_client')
    const badRedirect = await push(idp, pingone, { redirect_uri: 'https://evil.example/cb' })
    expect(badRedirect.status).toBe(400)
    expect(await badRedirect.json()).toEqual({ error: 'invalid_request', error_description: 'Redirect URI mismatch' })
    const nested = await push(idp, asgardeo, { request_uri: 'urn:x' })
    expect(nested.status).toBe(400)
    expect(await nested.json()).toEqual({ error_description: 'Request with request_uri not allowed.', error: 'invalid_request' })
  })

  it('a client with parRequired is refused a plain authorization request (RFC 9126 §6)', async () => {
    const cfg = defaultCfg()
    cfg.tenants.find((x) => x.id === 'pingone-demo')!.clients[0]!.parRequired = true
    const idp = makeIdp(cfg)
    const res = await idp.request(`${pingone.authorize}?${new URLSearchParams({ response_type: 'code', client_id: pingone.clientId, redirect_uri: pingone.redirectUri, scope: 'openid', login_hint: 'test1', state: 's' })}`)
    const loc = new URL(res.headers.get('location')!)
    expect(loc.searchParams.get('error')).toBe('invalid_request')
    expect(loc.searchParams.get('error_description')).toBe('Pushed authorization request is required for this application')
    const { request_uri } = (await (await push(idp, pingone, { login_hint: 'test1' })).json()) as Record<string, string>
    const ok = await idp.request(`${pingone.authorize}?${new URLSearchParams({ client_id: pingone.clientId, request_uri: request_uri! })}`)
    expect(new URL(ok.headers.get('location')!).searchParams.has('code')).toBe(true)
  })

  it('Authing serves no PAR: no endpoint, and a request_uri is refused in oidc-provider v6 words', async () => {
    const idp = makeIdp()
    expect((await discovery(idp, authing)).pushed_authorization_request_endpoint).toBeUndefined()
    expect((await idp.request('/authing/demo/oidc/par', post({}))).status).toBe(404)
    const res = await idp.request(`${authing.authorize}?${new URLSearchParams({ client_id: authing.clientId, request_uri: 'urn:ietf:params:oauth:request_uri:x' })}`)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('request_uri parameter provided but not supported')
  })
})

describe('device authorization grant (RFC 8628)', () => {
  const deviceAuth = (t: TenantCase) => (t === pingone ? `${t.base}/device_authorization` : `${t.base}/device_authorize`)
  const start = async (idp: Idp, t: TenantCase) =>
    (await (await idp.request(deviceAuth(t), post({ scope: 'openid profile' }, { authorization: basic(t.clientId, t.clientSecret) }))).json()) as Record<string, string | number>
  const poll = (idp: Idp, t: TenantCase, deviceCode: string) =>
    idp.request(t.token, post({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode }, { authorization: basic(t.clientId, t.clientSecret) }))
  const approve = (idp: Idp, page: string, userCode: string, action: 'approve' | 'deny') =>
    idp.request(new URL(page).pathname, post({ user_code: userCode, mockidp_action: action, mockidp_user: '8f4c1b77-2f6e-4f6a-9a1e-3c2d9b7a1e55' }))

  it.each([
    [pingone, ['device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval'], /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/, '/device'],
    [asgardeo, ['user_code', 'device_code', 'interval', 'verification_uri_complete', 'verification_uri', 'expires_in'], /^[BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz23456789]{6}$/, '/authenticationendpoint/device.do'],
  ] as const)('%#: the vendor\'s response shape, user code and verification page', async (t, keys, userCode, page) => {
    const idp = makeIdp()
    const body = await start(idp, t)
    expect(Object.keys(body)).toEqual(keys)
    expect(body.user_code).toMatch(userCode)
    expect(body.device_code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new URL(String(body.verification_uri)).pathname.endsWith(page)).toBe(true)
    expect(body).toMatchObject({ expires_in: 600, interval: 5 })
  })

  it.each([pingone, asgardeo])('$id: pending → slow_down inside the interval → denied; expired codes; the vendor\'s words', async (t) => {
    const idp = makeIdp()
    const profile = idp.core.tenant(t.id)!.defaultServer.spec.errors.reasons
    const words = (r: string) => ({ error: profile[r]!.error, description: profile[r]!.description })
    const read = async (res: Response) => {
      const b = (await res.json()) as Record<string, string>
      return { status: res.status, error: b.error, description: b.error_description }
    }
    const d = await start(idp, t)
    const code = String(d.device_code)
    expect(await read(await poll(idp, t, code))).toEqual({ status: 400, ...words('authorization_pending') })
    expect(await read(await poll(idp, t, code))).toEqual({ status: 400, ...words('slow_down') })
    idp.clock.advance(11_000) // past the raised interval (5 + 5 s)
    expect(await read(await poll(idp, t, code))).toEqual({ status: 400, ...words('authorization_pending') })
    // deny on the page: the user of the first tenant is not needed, any live code can be denied
    const denied = await approve(idp, String(d.verification_uri), String(d.user_code), 'deny')
    expect(denied.status).toBe(200)
    idp.clock.advance(11_000)
    expect(await read(await poll(idp, t, code))).toEqual({ status: 400, ...words('access_denied') })
    const e = await start(idp, t)
    idp.clock.advance(601_000)
    expect(await read(await poll(idp, t, String(e.device_code)))).toEqual({ status: 400, ...words('expired_token') })
    expect((await read(await poll(idp, t, 'nope'))).error).toBe(words('device_code_not_found').error)
  })

  it('a client without the device grant is refused; Authing serves no device endpoint', async () => {
    const idp = makeIdp()
    const res = await idp.request(deviceAuth(asgardeo), post({ client_id: 'spa-client' }))
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error_description: 'The authenticated client is not authorized to use this authorization grant type', error: 'unauthorized_client' })
    expect((await discovery(idp, authing)).device_authorization_endpoint).toBeUndefined()
    expect((await idp.request('/authing/demo/oidc/device/auth', post({}))).status).toBe(404)
  })

  it('the verification page refuses an unknown code with a clear message (400) and never approves twice', async () => {
    const idp = makeIdp()
    const d = await start(idp, pingone)
    const page = new URL(String(d.verification_uri)).pathname
    const bad = await idp.request(`${page}?user_code=ZZZZ-ZZZZ`)
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('That code is not valid or has expired')
    // the code typed in lower case without its dash still finds the request
    const typed = String(d.user_code).replace('-', '').toLowerCase()
    const found = await idp.request(`${page}?user_code=${typed}`)
    expect(found.status).toBe(200)
    expect(await found.text()).toContain(String(d.user_code))
    const user = idp.core.tenant('pingone-demo')!.users[0]!.sub
    const ok = await idp.request(page, post({ user_code: typed, mockidp_action: 'approve', mockidp_user: user }))
    expect(await ok.text()).toContain('Device connected')
    const again = await idp.request(page, post({ user_code: typed, mockidp_action: 'approve', mockidp_user: user }))
    expect(again.status).toBe(400)
    const tokens = await poll(idp, pingone, String(d.device_code))
    expect(tokens.status).toBe(200)
    const replay = await poll(idp, pingone, String(d.device_code))
    expect(replay.status).toBe(400)
  })
})

describe('reset and determinism', () => {
  it('a reset forgets pushed requests and device codes, and the same requests then give the same values', async () => {
    const idp = makeIdp()
    const pushIt = async () =>
      (await (await idp.request(`${pingone.base}/par`, post({ response_type: 'code', client_id: pingone.clientId, redirect_uri: pingone.redirectUri, scope: 'openid' }, { authorization: basic(pingone.clientId, pingone.clientSecret) }))).json()) as Record<string, string>
    const deviceIt = async () =>
      (await (await idp.request(`${asgardeo.base}/device_authorize`, post({ scope: 'openid' }, { authorization: basic(asgardeo.clientId, asgardeo.clientSecret) }))).json()) as Record<string, string>
    const par1 = await pushIt()
    const dev1 = await deviceIt()
    idp.core.reset()
    const gone = await idp.request(`${pingone.authorize}?${new URLSearchParams({ client_id: pingone.clientId, request_uri: par1.request_uri! })}`)
    expect(gone.status).toBe(400)
    const poll = await idp.request(asgardeo.token, post({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: dev1.device_code! }, { authorization: basic(asgardeo.clientId, asgardeo.clientSecret) }))
    expect(((await poll.json()) as { error: string }).error).toBe('invalid_request')
    expect((await pushIt()).request_uri).toBe(par1.request_uri)
    const dev2 = await deviceIt()
    expect([dev2.device_code, dev2.user_code]).toEqual([dev1.device_code, dev1.user_code])
  })
})
