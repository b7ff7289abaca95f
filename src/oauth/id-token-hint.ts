import { createHmac, timingSafeEqual, verify } from 'node:crypto'
import type { ServerRuntime } from '../runtime/server.js'
import type { Client } from '../runtime/tenant.js'
import { OAuthError } from './errors.js'
import { decodePayload } from './jwt.js'

const audiences = (aud: unknown): string[] => (typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [])

function header(token: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as unknown
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * The client an `id_token_hint` was issued to, once the hint proves to be one of `server`'s own ID
 * tokens: RS256 with the server's key (HS256 with the client's secret, for a client that has its ID
 * tokens signed so), `iss` the server's issuer for `origin`, `aud` a client of the tenant. Expiry is
 * ignored — a logout usually comes after the ID token expired (node-oidc-provider v6
 * `IdToken.validate` passes `ignoreExpiration: true`). Anything else — unsigned (`alg: none`),
 * signed by another key, another issuer, an unknown audience — is `end_session_bad_hint`.
 */
export function verifyIdTokenHint(server: ServerRuntime, hint: string, origin: string): Client {
  const fail = () => new OAuthError('end_session_bad_hint')
  const payload = decodePayload(hint)
  const head = header(hint)
  if (!payload || !head) throw fail()
  const client = audiences(payload.aud)
    .map((a) => server.tenant.clients.get(a))
    .find((c): c is Client => c !== undefined)
  if (!client || payload.iss !== server.urls(origin).issuer) throw fail()
  const dot = hint.lastIndexOf('.')
  const input = Buffer.from(hint.slice(0, dot))
  const signature = Buffer.from(hint.slice(dot + 1), 'base64url')
  if (head.alg === 'RS256') {
    if (!verify('sha256', input, server.key.publicKey, signature)) throw fail()
  } else if (head.alg === 'HS256' && client.idTokenSigningAlg === 'HS256' && client.clientSecret) {
    const expected = createHmac('sha256', client.clientSecret).update(input).digest()
    if (expected.length !== signature.length || !timingSafeEqual(expected, signature)) throw fail()
  } else throw fail()
  return client
}
