import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { verifyClientAssertion, ASSERTION_TYPE } from './client-assertion.js'
import type { ClientAuthMethod } from '../profiles/types.js'
import type { Client } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import { OAuthError } from './errors.js'
import type { Params } from './params.js'
import type { Env } from '../server/env.js'

/** Compare secrets in constant time (hashing first evens out the lengths). */
export function secretEquals(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/** Form-decode one Basic credential part; undefined when it is not valid percent-encoding. */
function formDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '))
  } catch {
    return undefined
  }
}

interface BasicCredentials {
  /** Each part as it arrived, and form-decoded (RFC 6749 §2.3.1 asks clients to form-encode them). */
  ids: string[]
  secrets: string[]
}

/** Parse `Authorization: Basic …`; both raw and form-urlencoded credentials are accepted. */
export function parseBasic(value: string): BasicCredentials {
  const b64 = value.trim()
  if (!/^[A-Za-z0-9+/]+=*$/.test(b64)) throw new OAuthError('malformed_client_auth')
  const text = Buffer.from(b64, 'base64').toString('utf8')
  const colon = text.indexOf(':')
  if (colon <= 0) throw new OAuthError('malformed_client_auth')
  const id = text.slice(0, colon)
  const secret = text.slice(colon + 1)
  const both = (s: string) => {
    const d = formDecode(s)
    return d !== undefined && d !== s ? [s, d] : [s]
  }
  return { ids: both(id), secrets: both(secret) }
}

/** The result of client authentication at the token, introspection or revocation endpoint. */
export interface AuthenticatedClient {
  client: Client
  method: ClientAuthMethod
}

/**
 * Authenticate the client of a back-channel request (RFC 6749 §2.3, OIDC Core §9). Exactly one
 * method may be used; it must be one the profile supports and the client is registered for.
 */
export async function authenticateClient(
  c: Context<Env>,
  server: ServerRuntime,
  params: Params,
  /** `idOnly`: a bare `client_id` identifies even a confidential client (the profile's `clientIdOnlyGrants`). */
  opts: { idOnly?: boolean } = {},
): Promise<AuthenticatedClient> {
  const tenant = server.tenant
  const header = c.req.header('authorization')
  let basic: BasicCredentials | undefined
  if (header !== undefined && /^basic\s/i.test(header)) {
    c.set('usedBasic', true)
    basic = parseBasic(header.slice(6))
  }
  // WSO2 authenticates clients from form bodies only: credentials inside a JSON body are not seen
  const bodyAuth = !c.get('jsonBody') || server.spec.token.json?.bodyClientAuth !== false
  const bodyId = bodyAuth ? params.get('client_id') : undefined
  const bodySecret = bodyAuth ? params.get('client_secret') : undefined
  const assertion = bodyAuth ? params.get('client_assertion') : undefined
  // authing-node-sdk sends Basic and the same credentials in the body to introspection/revocation:
  // when both name the same client and secret, count it as Basic; any disagreement is refused.
  const sameAsBasic = basic !== undefined && bodySecret !== undefined && basic.secrets.includes(bodySecret) && (bodyId === undefined || basic.ids.includes(bodyId))
  if ([basic, sameAsBasic ? undefined : bodySecret, assertion].filter((x) => x !== undefined).length > 1) throw new OAuthError('multiple_client_auth')
  if (assertion !== undefined) return authenticateAssertion(c, server, params, assertion)

  let client: Client | undefined
  let clientId: string | undefined
  if (basic) {
    clientId = basic.ids.find((id) => tenant.clients.has(id)) ?? basic.ids[0]!
    if (bodyId !== undefined && bodyId !== clientId && !basic.ids.includes(bodyId)) throw new OAuthError('multiple_client_auth')
  } else {
    clientId = bodyId
    if (!clientId) for (const h of server.spec.clientIdHeaders) clientId ||= c.req.header(h)
  }
  if (!clientId) throw new OAuthError('no_client_auth')
  client = tenant.clients.get(clientId)
  if (!client) throw new OAuthError('unknown_client', { client_id: clientId })

  const method: ClientAuthMethod = basic ? 'client_secret_basic' : bodySecret !== undefined ? 'client_secret_post' : 'none'
  if (method === 'none' && opts.idOnly) return { client, method }
  let allowed = client.tokenEndpointAuthMethod
    ? [client.tokenEndpointAuthMethod]
    : client.public
      ? (['none'] as ClientAuthMethod[])
      : server.secretMethods
  if (server.spec.clientAuth?.secretMethodsInterchangeable && allowed.some((m) => m === 'client_secret_basic' || m === 'client_secret_post')) {
    allowed = [...allowed, 'client_secret_basic', 'client_secret_post']
  }
  if (!allowed.includes(method) || !server.spec.clientAuthMethods.includes(method)) {
    throw new OAuthError('auth_method_mismatch', { client_id: clientId })
  }
  if (method !== 'none') {
    const expected = client.clientSecret ?? ''
    const offered = basic ? basic.secrets : [bodySecret!]
    if (!offered.some((s) => secretEquals(s, expected))) throw new OAuthError('client_auth_failed', { client_id: clientId })
  }
  return { client, method }
}

/** RFC 7523 §2.2 client authentication with a signed JWT (client_secret_jwt or private_key_jwt). */
async function authenticateAssertion(c: Context<Env>, server: ServerRuntime, params: Params, assertion: string): Promise<AuthenticatedClient> {
  if (params.get('client_assertion_type') !== ASSERTION_TYPE) throw new OAuthError('invalid_parameter', { param: 'client_assertion_type' })
  const tenant = server.tenant
  const result = await verifyClientAssertion(assertion, {
    clientId: params.get('client_id'),
    findClient: (id) => tenant.clients.get(id),
    audiences: audiences(server, c.get('origin'), c.get('backOrigin')),
    now: tenant.clock.now(),
  })
  const { client, method } = result
  const allowed = client.tokenEndpointAuthMethod ? [client.tokenEndpointAuthMethod] : client.public ? [] : [...server.secretMethods, ...(client.jwks ? (['private_key_jwt'] as const) : [])]
  if (!allowed.includes(method) || !server.spec.clientAuthMethods.includes(method)) throw new OAuthError('auth_method_mismatch', { client_id: client.clientId })
  return result
}

/** Values a client assertion's `aud` may hold: the issuer, and the token endpoint (as seen on either origin). */
function audiences(server: ServerRuntime, front: string, back: string): string[] {
  const out = new Set<string>()
  for (const origin of [front, back]) {
    const u = server.urls(front, origin)
    out.add(u.issuer)
    if (u.url.token) out.add(u.url.token)
    if (u.url.introspection) out.add(u.url.introspection)
    if (u.url.revocation) out.add(u.url.revocation)
  }
  return [...out]
}
