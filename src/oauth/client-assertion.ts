import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose'
import type { Client } from '../runtime/tenant.js'
import type { AuthenticatedClient } from './client-auth.js'
import { OAuthError } from './errors.js'

/** RFC 7523 §2.2 `client_assertion_type`. */
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export interface AssertionContext {
  /** `client_id` form parameter, if sent (must match the assertion's `iss`/`sub`). */
  clientId: string | undefined
  findClient(id: string): Client | undefined
  /** Acceptable `aud` values. */
  audiences: string[]
  /** Current time, epoch ms (the injected clock). */
  now: number
}

// One JWKS resolver per client configuration, built lazily.
const jwksCache = new WeakMap<object, ReturnType<typeof createLocalJWKSet>>()

/**
 * Verify a client assertion: HS256/384/512 with the client secret (client_secret_jwt) or RS/PS/ES with
 * the client's registered `jwks` (private_key_jwt). `iss` and `sub` must be the client id, `aud` this
 * server, and `exp` in the future (OIDC Core §9).
 */
export async function verifyClientAssertion(assertion: string, ctx: AssertionContext): Promise<AuthenticatedClient> {
  let alg: string | undefined
  let claims: JWTPayload
  try {
    alg = decodeProtectedHeader(assertion).alg
    const [, payload] = assertion.split('.')
    claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as JWTPayload
  } catch {
    throw new OAuthError('malformed_client_auth')
  }
  const id = typeof claims.sub === 'string' ? claims.sub : undefined
  if (!id || claims.iss !== id || (ctx.clientId !== undefined && ctx.clientId !== id)) throw new OAuthError('client_auth_failed', { client_id: id ?? '' })
  const client = ctx.findClient(id)
  if (!client) throw new OAuthError('unknown_client', { client_id: id })
  const symmetric = alg?.startsWith('HS') === true
  const method = symmetric ? 'client_secret_jwt' : 'private_key_jwt'
  try {
    const options = { audience: ctx.audiences, issuer: id, subject: id, currentDate: new Date(ctx.now), requiredClaims: ['exp'] }
    if (symmetric) {
      if (!client.clientSecret) throw new Error('no secret')
      await jwtVerify(assertion, new TextEncoder().encode(client.clientSecret), { ...options, algorithms: ['HS256', 'HS384', 'HS512'] })
    } else {
      if (!client.jwks) throw new Error('no jwks')
      let jwks = jwksCache.get(client.jwks)
      if (!jwks) jwksCache.set(client.jwks, (jwks = createLocalJWKSet(client.jwks as never)))
      await jwtVerify(assertion, jwks, options)
    }
  } catch {
    throw new OAuthError('client_auth_failed', { client_id: id })
  }
  return { client, method }
}
