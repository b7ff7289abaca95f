import { describe, expect, it } from 'vitest'
import { basic, decodeJwt, defaultCfg, makeIdp, pkce, post } from '../helpers/idp.js'

// Asgardeo's APIs beside OAuth that @asgardeo/react and @asgardeo/nextjs call (fixtures/profiles/
// asgardeo.json `api` and `organizationSwitch`): SCIM /scim2/Me and /scim2/Schemas, branding,
// the user's organizations and the organization_switch grant — shapes and errors, in-process.
// The real SDKs drive them in examples/asgardeo-react and examples/asgardeo-next.

type Idp = ReturnType<typeof makeIdp>
const BASE = '/asgardeo/t/bifrost'
const APP = 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a'
const SECRET = 'z0C79zlopx8i7ByOw8K15A9dplYa'
const ROOT_ORG = '13a9526a-63fb-4710-beea-fceebfb3833b'
const LABS = '5f0c5e6a-2b7d-4a39-9c1e-7d3b2a8f4e61'
const RETAIL = 'c2d9e4b7-8a16-4f0e-b5c3-1e6f9a7d2b84'
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error'

/** An access token of `user` (password grant of the confidential app). */
async function accessToken(idp: Idp, user = 'alice@bifrost.com', password = 'alice', scope = 'openid profile email'): Promise<string> {
  const res = await idp.request(`${BASE}/oauth2/token`, post({ grant_type: 'password', username: user, password, scope }, { authorization: basic(APP, SECRET) }))
  expect(res.status).toBe(200)
  return ((await res.json()) as { access_token: string }).access_token
}
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
const call = async (idp: Idp, path: string, init: RequestInit = {}) => {
  const res = await idp.request(path, init)
  return { status: res.status, type: res.headers.get('content-type'), reason: res.headers.get('x-mockidp-reason'), body: (await res.json()) as Record<string, unknown> }
}
const orgSwitch = (token: string | undefined, org: string | undefined, scope = 'openid profile email') =>
  post({ grant_type: 'organization_switch', client_id: 'spa-client', token, switching_organization: org, scope })

describe('Asgardeo: SCIM 2.0 /scim2/Me and /scim2/Schemas', () => {
  it('GET /scim2/Me is the token user\'s SCIM view: core, enterprise and WSO2 schema URNs, name, emails, DEFAULT/ username', async () => {
    const idp = makeIdp()
    const token = await accessToken(idp)
    const me = await call(idp, `${BASE}/scim2/Me`, bearer(token))
    expect([me.status, me.type]).toEqual([200, 'application/json; charset=utf-8'])
    expect(me.body).toEqual({
      emails: ['alice@bifrost.com'],
      meta: { location: `http://localhost:9000${BASE}/scim2/Users/a6f1c0d2-5e3b-4c7a-9d8e-2b1f0a9c8d7e`, lastModified: '2026-01-01T00:00:00.000Z', resourceType: 'User', created: '2026-01-01T00:00:00.000Z' },
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:scim:wso2:schema'],
      roles: [{ display: 'everyone', value: 'everyone', type: 'default' }],
      name: { givenName: 'Alice', familyName: 'Perera', formatted: 'Alice Perera' },
      id: 'a6f1c0d2-5e3b-4c7a-9d8e-2b1f0a9c8d7e',
      userName: 'DEFAULT/alice@bifrost.com',
      'urn:scim:wso2:schema': { emailVerified: true, userSource: 'DEFAULT' },
    })
    // another user of the same tenant gets their own view
    const other = await call(idp, `${BASE}/scim2/Me`, bearer(await accessToken(idp, 'test1', 'test1')))
    expect([other.body.userName, other.body.name]).toEqual(['DEFAULT/test1', { givenName: 'Test', familyName: 'One', formatted: 'Test One' }])
    // the organization-qualified path (what the SDK calls after a switch) answers the same view
    expect((await call(idp, `${BASE}/o/scim2/Me`, bearer(token))).body).toEqual(me.body)
  })

  it('GET /scim2/Schemas is a bare array of RFC 7643 schemas with charon\'s upper-case types; name has sub-attributes', async () => {
    const idp = makeIdp()
    const { status, body } = await call(idp, `${BASE}/scim2/Schemas`, bearer(await accessToken(idp)))
    const schemas = body as unknown as { id: string; name: string; attributes: { name: string; type: string; multiValued: boolean; subAttributes?: { name: string }[] }[] }[]
    expect(status).toBe(200)
    expect(Array.isArray(schemas)).toBe(true)
    expect(schemas.map((s) => s.id)).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'urn:scim:wso2:schema'])
    const core = schemas[0]!.attributes
    expect(core.find((a) => a.name === 'name')!.subAttributes!.map((s) => s.name)).toEqual(['givenName', 'familyName', 'formatted'])
    expect(core.find((a) => a.name === 'emails')).toMatchObject({ type: 'STRING', multiValued: true })
    for (const a of schemas.flatMap((s) => s.attributes)) expect(['STRING', 'COMPLEX', 'BOOLEAN']).toContain(a.type)
  })

  it('errors are SCIM errors with HTTP 401: no token, an unknown token, a revoked one, an expired one', async () => {
    const idp = makeIdp()
    const scimError = (detail: RegExp) => ({ schemas: [SCIM_ERROR], detail: expect.stringMatching(detail), status: '401' })
    for (const path of ['/scim2/Me', '/scim2/Schemas', '/o/scim2/Me']) {
      const none = await call(idp, `${BASE}${path}`)
      expect([none.status, none.body]).toEqual([401, scimError(/^no token/)])
      const bad = await call(idp, `${BASE}${path}`, bearer('0b7e7f0e-6f6a-3c59-a9f1-6c0f5b0c0b5e'))
      expect([bad.status, bad.body, bad.reason]).toEqual([401, scimError(/did not issue this token/), expect.stringMatching(/did not issue this token/)])
    }
    const token = await accessToken(idp)
    const revoke = await idp.request(`${BASE}/oauth2/revoke`, post({ token }, { authorization: basic(APP, SECRET) }))
    expect(revoke.status).toBe(200)
    expect((await call(idp, `${BASE}/scim2/Me`, bearer(token))).status).toBe(401)
    const later = await accessToken(idp)
    idp.clock.advance(3601_000)
    const expired = await call(idp, `${BASE}/scim2/Me`, bearer(later))
    expect([expired.status, expired.body]).toEqual([401, scimError(/expired/)])
  })
})

describe('Asgardeo: branding preference', () => {
  it('GET /api/server/v1/branding-preference/resolve needs no token and carries the profile brand (colour, logo) in Asgardeo\'s shape', async () => {
    const idp = makeIdp()
    const { status, body } = await call(idp, `${BASE}/api/server/v1/branding-preference/resolve?locale=en-US`)
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['type', 'name', 'locale', 'preference'])
    expect(body).toMatchObject({ type: 'ORG', name: 'bifrost', locale: 'en-US' })
    const pref = body.preference as { theme: { activeTheme: string; LIGHT: { colors: { primary: { main: string } }; images: { logo: { imgURL: string; altText: string } } } }; configs: Record<string, boolean> }
    expect(pref.theme.activeTheme).toBe('LIGHT')
    expect(pref.theme.LIGHT.colors.primary.main).toBe('#ff7300')
    expect(pref.configs).toEqual({ isBrandingEnabled: true, removeDefaultBranding: false, selfSignUpEnabled: false })
    const logoUrl = new URL(pref.theme.LIGHT.images.logo.imgURL)
    expect(pref.theme.LIGHT.images.logo.altText).toBe('Asgardeo logo')
    const logo = await idp.request(logoUrl.pathname)
    expect([logo.status, logo.headers.get('content-type')]).toEqual([200, 'image/svg+xml'])
    const svg = await logo.text()
    expect(svg).toContain('fill="#ff7300"')
    expect(svg).toContain('>Asgardeo</text>')
  })
})

describe('Asgardeo: organizations', () => {
  it('GET /api/users/v1/me/organizations lists the token user\'s organizations (config organizations[], members)', async () => {
    const idp = makeIdp()
    const alice = await call(idp, `${BASE}/api/users/v1/me/organizations?limit=10&recursive=false`, bearer(await accessToken(idp)))
    expect(alice.status).toBe(200)
    expect(alice.body).toEqual({
      organizations: [
        { id: LABS, name: 'Bifrost Labs', orgHandle: 'bifrost-labs', status: 'ACTIVE', ref: `http://localhost:9000${BASE}/api/server/v1/organizations/${LABS}` },
        { id: RETAIL, name: 'Bifrost Retail', orgHandle: 'bifrost-retail', status: 'ACTIVE', ref: `http://localhost:9000${BASE}/api/server/v1/organizations/${RETAIL}` },
      ],
      links: [],
    })
    const test1 = await call(idp, `${BASE}/api/users/v1/me/organizations`, bearer(await accessToken(idp, 'test1', 'test1')))
    expect((test1.body.organizations as { id: string }[]).map((o) => o.id)).toEqual([LABS])
    const none = await call(idp, `${BASE}/api/users/v1/me/organizations`)
    expect([none.status, none.body]).toEqual([401, { code: 'OAUTH-60001', message: 'Unauthorized', description: expect.stringMatching(/^no token/), traceId: 'mockidp' }])
  })

  it('an organization without members has every user; a handle defaults from the name', async () => {
    const cfg = defaultCfg()
    const t = cfg.tenants.find((x) => x.id === 'asgardeo-demo')!
    t.organizations = [{ id: 'org-1', name: 'Open House' }]
    const idp = makeIdp(cfg)
    const res = await call(idp, `${BASE}/api/users/v1/me/organizations`, bearer(await accessToken(idp, 'test1', 'test1')))
    expect(res.body.organizations).toEqual([{ id: 'org-1', name: 'Open House', orgHandle: 'open-house', status: 'ACTIVE', ref: `http://localhost:9000${BASE}/api/server/v1/organizations/org-1` }])
  })

  it('a config whose organization lists an unknown member, or repeats an id, does not load', () => {
    const cfg = defaultCfg()
    const t = cfg.tenants.find((x) => x.id === 'asgardeo-demo')!
    t.organizations = [{ id: 'a', name: 'A', members: ['nobody'] }, { id: 'a', name: 'B' }]
    expect(() => makeIdp(cfg)).toThrow(/organizations\[0\]\.members\[0\]: "nobody" is not a user of this tenant[\s\S]*organizations\[1\]\.id: "a" is used by another organization/)
  })
})

describe('Asgardeo: grant_type=organization_switch', () => {
  it('trades the access token for tokens of the sub-organization: org_id, org_name, org_handle, user_org in the id_token; no refresh token', async () => {
    const idp = makeIdp()
    const token = await accessToken(idp)
    const res = await idp.request(`${BASE}/oauth2/token`, orgSwitch(token, LABS))
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, string | number>
    expect(Object.keys(body)).toEqual(['access_token', 'scope', 'id_token', 'token_type', 'expires_in'])
    expect(body).toMatchObject({ scope: 'openid profile email', token_type: 'Bearer', expires_in: 3600 })
    expect(body.access_token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const id = decodeJwt(body.id_token as string).payload
    expect(id).toMatchObject({ iss: `http://localhost:9000${BASE}/oauth2/token`, aud: 'spa-client', sub: 'a6f1c0d2-5e3b-4c7a-9d8e-2b1f0a9c8d7e', org_id: LABS, org_name: 'Bifrost Labs', org_handle: 'bifrost-labs', user_org: ROOT_ORG })
    // the new token is a live token of the tenant: SCIM answers it, and it can switch again
    expect((await call(idp, `${BASE}/o/scim2/Me`, bearer(body.access_token as string))).body.userName).toBe('DEFAULT/alice@bifrost.com')
    const again = await idp.request(`${BASE}/oauth2/token`, orgSwitch(body.access_token as string, RETAIL))
    expect(decodeJwt(((await again.json()) as { id_token: string }).id_token).payload.org_name).toBe('Bifrost Retail')
    // the same inputs give the same tokens (deterministic)
    const idp2 = makeIdp()
    const res2 = await idp2.request(`${BASE}/oauth2/token`, orgSwitch(await accessToken(idp2), LABS))
    expect(((await res2.json()) as { access_token: string }).access_token).toBe(body.access_token)
  })

  it('refuses what WSO2 refuses, in its error shape: no token, a bad token, a non-member, an unknown organization, an app without the grant', async () => {
    const idp = makeIdp()
    const token = await accessToken(idp, 'test1', 'test1')
    const refuse = async (init: RequestInit) => {
      const res = await idp.request(`${BASE}/oauth2/token`, init)
      return [res.status, await res.json()]
    }
    expect(await refuse(orgSwitch(undefined, LABS))).toEqual([400, { error_description: 'Missing parameters: token', error: 'invalid_request' }])
    expect(await refuse(orgSwitch('not-a-token', LABS))).toEqual([400, { error_description: 'Invalid token received.', error: 'invalid_grant' }])
    expect(await refuse(orgSwitch(token, RETAIL))).toEqual([400, { error_description: 'Provided Authorization Grant is invalid', error: 'invalid_grant' }])
    expect(await refuse(orgSwitch(token, 'no-such-org'))).toEqual([400, { error_description: 'Provided Authorization Grant is invalid', error: 'invalid_grant' }])
    expect(await refuse(orgSwitch(token, undefined))).toEqual([400, { error_description: 'Provided Authorization Grant is invalid', error: 'invalid_grant' }])
    // the confidential app (as @asgardeo/nextjs sends it: client_secret in the body) may switch too …
    const conf = await refuse(post({ grant_type: 'organization_switch', client_id: APP, client_secret: SECRET, token, switching_organization: LABS, scope: 'openid' }))
    expect(conf[0]).toBe(200)
    // … an app without the grant may not
    const cfg = defaultCfg()
    cfg.tenants.find((x) => x.id === 'asgardeo-demo')!.clients.find((c) => c.clientId === 'spa-client')!.grantTypes = ['authorization_code', 'refresh_token']
    const strict = makeIdp(cfg)
    const res = await strict.request(`${BASE}/oauth2/token`, orgSwitch(await accessToken(strict, 'test1', 'test1'), LABS))
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([400, 'unauthorized_client'])
  })
})

describe('Asgardeo: app-native authentication (response_mode=direct, POST /oauth2/authn)', () => {
  const SPA = 'http://localhost:5173'
  const PKCE = pkce()
  const authorize = (extra: Record<string, string | undefined> = {}) =>
    post({ client_id: 'spa-client', response_type: 'code', redirect_uri: `${SPA}/callback`, scope: 'openid profile', state: 'st-1', response_mode: 'direct', code_challenge: PKCE.challenge, code_challenge_method: 'S256', ...extra }, { origin: SPA, accept: 'application/json' })
  const authn = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json', origin: SPA }, body: JSON.stringify(body) })
  const BASIC = 'QmFzaWNBdXRoZW50aWNhdG9yOkxPQ0FM'
  const creds = (flowId: string, username: string, password: string, authenticatorId = BASIC) => ({ flowId, selectedAuthenticator: { authenticatorId, params: { username, password } } })

  it('POST /oauth2/authorize with response_mode=direct answers the flow: one BasicAuthenticator step, the /oauth2/authn link; CORS for the app', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${BASE}/oauth2/authorize`, authorize())
    expect([res.status, res.headers.get('content-type'), res.headers.get('access-control-allow-origin')]).toEqual([200, 'application/json', SPA])
    const flow = (await res.json()) as Record<string, any>
    expect(Object.keys(flow)).toEqual(['flowId', 'flowStatus', 'flowType', 'nextStep', 'links'])
    expect(flow.flowId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect([flow.flowStatus, flow.flowType, flow.nextStep.stepType]).toEqual(['INCOMPLETE', 'AUTHENTICATION', 'AUTHENTICATOR_PROMPT'])
    const [auth] = flow.nextStep.authenticators
    expect([auth.authenticatorId, Buffer.from(auth.authenticatorId, 'base64url').toString(), auth.idp, auth.requiredParams]).toEqual([BASIC, 'BasicAuthenticator:LOCAL', 'LOCAL', ['username', 'password']])
    expect(auth.metadata.params.map((p: { param: string; confidential: boolean }) => [p.param, p.confidential])).toEqual([['username', false], ['password', true]])
    expect(flow.links).toEqual([{ name: 'authentication', href: `http://localhost:9000${BASE}/oauth2/authn`, method: 'POST' }])
    // the login page's own fields sent along do not sign anyone in: still a prompt
    const sneaky = await idp.request(`${BASE}/oauth2/authorize`, authorize({ mockidp_action: 'login', mockidp_user: 'a6f1c0d2-5e3b-4c7a-9d8e-2b1f0a9c8d7e' }))
    expect(((await sneaky.json()) as { flowStatus: string }).flowStatus).toBe('INCOMPLETE')
  })

  it('POST /oauth2/authn with the password completes the flow: SUCCESS_COMPLETED with authData {code, state, session_state}; the code redeems once with PKCE', async () => {
    const idp = makeIdp()
    const { flowId } = (await (await idp.request(`${BASE}/oauth2/authorize`, authorize())).json()) as { flowId: string }
    const res = await idp.request(`${BASE}/oauth2/authn`, authn(creds(flowId, 'alice@bifrost.com', 'alice')))
    expect([res.status, res.headers.get('access-control-allow-origin')]).toEqual([200, SPA])
    expect(res.headers.get('set-cookie')).toMatch(/^mockidp_/)
    const done = (await res.json()) as { flowStatus: string; authData: Record<string, string> }
    expect(done.flowStatus).toBe('SUCCESS_COMPLETED')
    expect(Object.keys(done.authData)).toEqual(['code', 'state', 'session_state'])
    expect(done.authData.state).toBe('st-1')
    const token = await idp.request(`${BASE}/oauth2/token`, post({ grant_type: 'authorization_code', code: done.authData.code, client_id: 'spa-client', redirect_uri: `${SPA}/callback`, code_verifier: PKCE.verifier }))
    expect(token.status).toBe(200)
    expect(decodeJwt(((await token.json()) as { id_token: string }).id_token).payload.sub).toBe('a6f1c0d2-5e3b-4c7a-9d8e-2b1f0a9c8d7e')
    // the flow is closed once completed
    const again = await call(idp, `${BASE}/oauth2/authn`, authn(creds(flowId, 'alice@bifrost.com', 'alice')))
    expect([again.status, again.body.code, again.body.message]).toEqual([400, 'ABA-60001', 'Invalid flow id.'])
  })

  it('a wrong password is FAIL_INCOMPLETE with an ERROR message and the flow stays open; bad flows, authenticators and bodies are refused', async () => {
    const idp = makeIdp()
    const { flowId } = (await (await idp.request(`${BASE}/oauth2/authorize`, authorize())).json()) as { flowId: string }
    const wrong = await call(idp, `${BASE}/oauth2/authn`, authn(creds(flowId, 'alice@bifrost.com', 'nope')))
    expect([wrong.status, wrong.body.flowStatus, wrong.body.flowId, wrong.reason]).toEqual([200, 'FAIL_INCOMPLETE', flowId, 'wrong password for user "alice@bifrost.com"'])
    expect((wrong.body.nextStep as { messages: unknown[] }).messages).toEqual([{ type: 'ERROR', messageId: 'msg_invalid_username_password', message: 'Invalid username or password.', i18nKey: 'message.msg_invalid_username_password' }])
    expect((await call(idp, `${BASE}/oauth2/authn`, authn(creds(flowId, 'nobody', 'x')))).body.flowStatus).toBe('FAIL_INCOMPLETE')
    expect((await call(idp, `${BASE}/oauth2/authn`, authn(creds(flowId, 'alice@bifrost.com', 'alice', 'R29vZ2xlT0lEQ0F1dGhlbnRpY2F0b3I6R29vZ2xl')))).status).toBe(400)
    expect((await call(idp, `${BASE}/oauth2/authn`, authn({ flowId: 'nope', selectedAuthenticator: {} }))).body).toEqual({ code: 'ABA-60001', message: 'Invalid flow id.', description: expect.stringMatching(/no open sign-in flow "nope"/), traceId: 'mockidp' })
    expect((await call(idp, `${BASE}/oauth2/authn`, authn({ flowId, selectedAuthenticator: { authenticatorId: BASIC } }))).body).toMatchObject({ code: 'ABA-60002' })
    expect((await idp.request(`${BASE}/oauth2/authn`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' })).status).toBe(400)
    // still open after the failures: the right password completes it
    expect((await call(idp, `${BASE}/oauth2/authn`, authn(creds(flowId, 'alice@bifrost.com', 'alice')))).body.flowStatus).toBe('SUCCESS_COMPLETED')
    // a flow expires after 300 s
    const { flowId: late } = (await (await idp.request(`${BASE}/oauth2/authorize`, authorize())).json()) as { flowId: string }
    idp.clock.advance(301_000)
    expect((await call(idp, `${BASE}/oauth2/authn`, authn(creds(late, 'alice@bifrost.com', 'alice')))).status).toBe(400)
  })

  it('authorization errors in direct mode are JSON to the app, not a redirect', async () => {
    const idp = makeIdp()
    const res = await idp.request(`${BASE}/oauth2/authorize`, authorize({ code_challenge: undefined, code_challenge_method: undefined }))
    expect([res.status, res.headers.get('content-type')]).toEqual([400, 'application/json'])
    expect(await res.json()).toMatchObject({ error: 'invalid_request', state: 'st-1' })
  })
})
