import { createHmac, timingSafeEqual, verify } from 'node:crypto'
import type { ServerRuntime } from '../runtime/server.js'

/** A JWT from a response, decoded, with whether the tenant's own key (or the client's secret) signed it. */
export interface DecodedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  /** `valid`: signed by this tenant's key (RS256) or the client's secret (HS256); `invalid` otherwise. */
  signature: 'valid' | 'invalid'
}

const json = (part: string): Record<string, unknown> | undefined => {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** Decode a compact JWS and check its signature against what `server` signs with; undefined if it is no JWT. */
export function decodeToken(server: ServerRuntime, token: string): DecodedToken | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const header = json(parts[0]!)
  const payload = json(parts[1]!)
  if (!header || !payload) return undefined
  const input = Buffer.from(`${parts[0]}.${parts[1]}`)
  const sig = Buffer.from(parts[2]!, 'base64url')
  let ok = false
  try {
    // the current signing key, or one still in its rotation grace period
    if (header.alg === 'RS256') ok = server.tenant.keys.verificationKeys().some((k) => verify('sha256', input, k.publicKey, sig))
    else if (header.alg === 'HS256') {
      const aud = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud
      const secret = typeof aud === 'string' ? server.tenant.clients.get(aud)?.clientSecret : undefined
      const mac = secret === undefined ? undefined : createHmac('sha256', secret).update(input).digest()
      ok = mac !== undefined && mac.length === sig.length && timingSafeEqual(mac, sig)
    }
  } catch {
    ok = false
  }
  return { header, payload, signature: ok ? 'valid' : 'invalid' }
}
