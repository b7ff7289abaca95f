import { createHash, createHmac, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { b64url, stringify, type JsonStyle } from '../lib/json.js'

/**
 * Sign an RS256 JWS whose header is already encoded (headers are fixed per server, so built once).
 * The RSA operation (~0.2 ms) runs on libuv's thread pool, so signing uses every core and never
 * blocks the event loop.
 */
export function signRs256(headerB64: string, payload: Record<string, unknown>, key: KeyObject, style?: JsonStyle): Promise<string> {
  const input = `${headerB64}.${b64url(stringify(payload, style))}`
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input), key, (err, sig) => (err ? reject(err) : resolve(`${input}.${sig.toString('base64url')}`)))
  })
}

const HS256_HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

/** Sign an HS256 JWS with a client secret (Authing's HS256 id_token option; no kid). */
export function signHs256(payload: Record<string, unknown>, secret: string, style?: JsonStyle): string {
  const input = `${HS256_HEADER}.${b64url(stringify(payload, style))}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

/** OIDC `at_hash` / `c_hash`: base64url of the left half of the SHA-256 of the value (RS256/HS256). */
export const halfHash = (value: string): string => createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url')

/** Decode a JWT payload without verifying it (null when it is not a JWT). */
export function decodePayload(token: string): Record<string, unknown> | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  try {
    const v = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}
