import { verify } from 'node:crypto'
import { epochSeconds } from '../lib/clock.js'
import type { ServerRuntime } from '../runtime/server.js'
import { decodePayload } from './jwt.js'

/** What an access token grants, whichever its format. */
export interface AccessGrant {
  sub: string | undefined
  clientId: string
  scope: string
  iat: number
  exp: number
  jti?: string
  /** The token's own `aud` (a JWT's claim); opaque tokens have none. */
  aud?: unknown
  format: 'jwt' | 'opaque'
}

/**
 * Look up an access token this server issued: opaque ones in the store, JWTs by signature (they are
 * not stored). Returns undefined for unknown, expired or revoked tokens.
 */
export async function resolveAccessToken(server: ServerRuntime, token: string): Promise<AccessGrant | undefined> {
  const tenant = server.tenant
  const now = epochSeconds(tenant.clock)
  if (server.accessHeaderB64 === undefined) {
    const rec = await tenant.store.accessTokens.get(token)
    if (rec && rec.serverId === server.id && !rec.revoked && rec.exp > now) return { sub: rec.sub, clientId: rec.clientId, scope: rec.scope, iat: rec.iat, exp: rec.exp, format: 'opaque' }
    // a client whose accessTokenFormat is "jwt" holds the profile's jwtAccessToken instead
    return server.jwtAccessHeaderB64 === undefined || rec ? undefined : resolveJwt(server, token, 'jwtAccess', now)
  }
  return resolveJwt(server, token, 'access', now)
}

/**
 * A JWT access token of this server with the given kind of header, signed with the current key or
 * one still in its rotation grace period (keys/rotation.ts): signature, expiry, revocation.
 */
async function resolveJwt(server: ServerRuntime, token: string, kind: 'access' | 'jwtAccess', now: number): Promise<AccessGrant | undefined> {
  const tenant = server.tenant
  const key = tenant.keys.verificationKeys().find((k) => token.startsWith(`${server.headersFor(k)[kind]}.`))
  if (!key) return undefined
  const dot = token.lastIndexOf('.')
  if (dot <= server.headersFor(key)[kind]!.length) return undefined
  const input = token.slice(0, dot)
  const sig = Buffer.from(token.slice(dot + 1), 'base64url')
  if (!verify('sha256', Buffer.from(input), key.publicKey, sig)) return undefined
  const p = decodePayload(token)
  if (!p || typeof p.exp !== 'number' || p.exp <= now) return undefined
  const jti = typeof p.jti === 'string' ? p.jti : undefined
  if (jti !== undefined && (await tenant.store.revokedJtis.get(jti)) !== undefined) return undefined
  const clientId = typeof p.client_id === 'string' ? p.client_id : typeof p.aud === 'string' ? p.aud : ''
  const g: AccessGrant = {
    sub: typeof p.sub === 'string' && p.sub !== clientId ? p.sub : undefined,
    clientId,
    scope: typeof p.scope === 'string' ? p.scope : '',
    iat: typeof p.iat === 'number' ? p.iat : now,
    exp: p.exp,
    format: 'jwt',
  }
  if (jti !== undefined) g.jti = jti
  if (p.aud !== undefined) g.aud = p.aud
  return g
}
