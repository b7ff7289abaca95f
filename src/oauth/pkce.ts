import { createHash } from 'node:crypto'
import type { PkceMethod } from '../profiles/types.js'
import { OAuthError } from './errors.js'

// RFC 7636 §4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/** The S256 challenge of a verifier. */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url')

/**
 * Check a code_verifier against the challenge stored with the code (RFC 7636 §4.6).
 * `required`: the client is public or PKCE-enforced, so a code without a challenge fails too.
 */
export function verifyPkce(
  verifier: string | undefined,
  challenge: string | undefined,
  method: PkceMethod | undefined,
  required: boolean,
): void {
  if (challenge === undefined) {
    if (required) throw new OAuthError('pkce_required')
    // oidc-provider: a verifier sent for a code issued without a challenge fails verification
    if (verifier !== undefined) throw new OAuthError('pkce_failed')
    return
  }
  if (!verifier) throw new OAuthError('pkce_verifier_missing')
  if (!VERIFIER.test(verifier)) throw new OAuthError('pkce_verifier_invalid')
  const computed = method === 'S256' ? s256(verifier) : verifier
  if (computed !== challenge) throw new OAuthError('pkce_failed')
}
