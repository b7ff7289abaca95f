import { createHash, randomBytes } from 'node:crypto'
import { loadConfig } from '../../src/config/load.js'
import type { MockIdpConfig } from '../../src/config/types.js'
import { createIdp, type Idp } from '../../src/runtime/idp.js'
import { buildApp } from '../../src/server/app.js'
import defaultConfig from '../../mockidp.config.json' with { type: 'json' }

/** The instant every in-process test starts at. */
export const T0 = '2026-01-01T00:00:00Z'
export const ORIGIN = 'http://localhost:9000'

/** A deep copy of the default config, with a frozen clock unless told otherwise. */
export function defaultCfg(patch: Partial<MockIdpConfig> = {}): MockIdpConfig {
  return { ...(JSON.parse(JSON.stringify(defaultConfig)) as MockIdpConfig), clock: T0, ...patch }
}

/** Build the app in-process (no socket); requests go through `idp.request`. */
export function makeIdp(config: MockIdpConfig = defaultCfg()) {
  const { config: resolved, profiles } = loadConfig({ config, env: {} })
  const core: Idp = createIdp(resolved, profiles)
  const app = buildApp(core, core.tenants)
  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    if (!headers.has('host')) headers.set('host', new URL(ORIGIN).host)
    return app.request(path, { ...init, headers })
  }
  return { core, app, request, clock: core.clock }
}

/** Form-encode a body. */
export const form = (fields: Record<string, string | undefined>): string =>
  new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString()

/** A POST with a form body. */
export const post = (fields: Record<string, string | undefined>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: form(fields),
})

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

/** A PKCE pair. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

/** Decode a JWT's header and payload. */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = jwt.split('.')
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) }
}

/** What the tests need to know of each default tenant. */
export interface TenantCase {
  id: string
  vendor: string
  /** Path prefix of the OIDC-capable server. */
  base: string
  authorize: string
  token: string
  userinfo: string
  discovery: string
  clientId: string
  clientSecret: string
  redirectUri: string
  scope: string
  /** Authorize parameters the tenant's flows send: `prompt=consent` for node-oidc-provider's offline_access. */
  authParams?: Record<string, string>
}

const P1 = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
export const TENANTS: TenantCase[] = [
  { id: 'genauth-demo', vendor: 'genauth', base: '/genauth/demo/oidc', authorize: '/genauth/demo/oidc/auth', token: '/genauth/demo/oidc/token', userinfo: '/genauth/demo/oidc/me', discovery: '/genauth/demo/oidc/.well-known/openid-configuration', clientId: '5e37979f7b757ead14c534af', clientSecret: '64b517f8de3648091654eb4ee9b479d3', redirectUri: 'http://localhost:3000/callback', scope: 'openid profile email offline_access', authParams: { prompt: 'consent' } },
  { id: 'authing-demo', vendor: 'authing', base: '/authing/demo/oidc', authorize: '/authing/demo/oidc/auth', token: '/authing/demo/oidc/token', userinfo: '/authing/demo/oidc/me', discovery: '/authing/demo/oidc/.well-known/openid-configuration', clientId: '5e37979f7b757ead14c534af', clientSecret: '64b517f8de3648091654eb4ee9b479d3', redirectUri: 'http://localhost:3000/callback', scope: 'openid profile email offline_access', authParams: { prompt: 'consent' } },
  { id: 'pingone-demo', vendor: 'pingone', base: `${P1}/as`, authorize: `${P1}/as/authorize`, token: `${P1}/as/token`, userinfo: `${P1}/as/userinfo`, discovery: `${P1}/as/.well-known/openid-configuration`, clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', clientSecret: 'pingone-demo-secret', redirectUri: 'http://localhost:3000/callback', scope: 'openid profile email' },
  { id: 'asgardeo-demo', vendor: 'asgardeo', base: '/asgardeo/t/bifrost/oauth2', authorize: '/asgardeo/t/bifrost/oauth2/authorize', token: '/asgardeo/t/bifrost/oauth2/token', userinfo: '/asgardeo/t/bifrost/oauth2/userinfo', discovery: '/asgardeo/t/bifrost/oauth2/token/.well-known/openid-configuration', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', clientSecret: 'z0C79zlopx8i7ByOw8K15A9dplYa', redirectUri: 'http://localhost:3000/callback', scope: 'openid profile email' },
]

/** Run a non-interactive authorize (login_hint) and return the code from the redirect. */
export async function authorize(
  idp: ReturnType<typeof makeIdp>,
  t: Pick<TenantCase, 'authorize' | 'clientId' | 'redirectUri' | 'scope' | 'authParams'>,
  extra: Record<string, string> = {},
): Promise<{ code: string; location: URL }> {
  const q = new URLSearchParams({ response_type: 'code', client_id: t.clientId, redirect_uri: t.redirectUri, scope: t.scope, login_hint: 'test1', state: 'xyz', ...t.authParams, ...extra })
  const res = await idp.request(`${t.authorize}?${q}`)
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`)
  const location = new URL(res.headers.get('location')!)
  const code = location.searchParams.get('code')
  if (!code) throw new Error(`no code in ${location}`)
  return { code, location }
}
