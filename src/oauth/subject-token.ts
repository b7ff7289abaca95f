import { verify } from 'node:crypto'
import { epochSeconds } from '../lib/clock.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { User } from '../runtime/tenant.js'
import { resolveAccessToken } from './access-token.js'
import { decodePayload } from './jwt.js'

/** Who a presented token speaks for, and what it was granted. */
export interface Subject {
  user: User
  scope: string
}

/**
 * The user of a token this tenant signed (an id_token or JWT access token of any of its servers),
 * if its RS256 signature holds and it has not expired. Grants that trade one token for another
 * (token exchange, Authing's authing_token) accept these: a mock has no external issuers to trust.
 */
export function verifyTenantJwt(server: ServerRuntime, token: string): Subject | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (header === null || typeof header !== 'object' || (header as { alg?: unknown }).alg !== 'RS256') return undefined
  // the current signing key, or one still in its rotation grace period
  const input = Buffer.from(`${parts[0]}.${parts[1]}`)
  const sig = Buffer.from(parts[2]!, 'base64url')
  const ok = server.tenant.keys.verificationKeys().some((k) => verify('sha256', input, k.publicKey, sig))
  if (!ok) return undefined
  const p = decodePayload(token)
  if (!p || typeof p.exp !== 'number' || p.exp <= epochSeconds(server.tenant.clock) || typeof p.sub !== 'string') return undefined
  const user = server.tenant.userBySub(p.sub)
  if (!user) return undefined
  return { user, scope: typeof p.scope === 'string' ? p.scope : '' }
}

/** The user of an access token this server issued (opaque or JWT), if it is live and has a user. */
export async function accessTokenSubject(server: ServerRuntime, token: string): Promise<Subject | undefined> {
  const g = await resolveAccessToken(server, token)
  const user = g?.sub === undefined ? undefined : server.tenant.userBySub(g.sub)
  return user && g ? { user, scope: g.scope } : undefined
}
