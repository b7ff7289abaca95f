import { createHash } from 'node:crypto'
import type { PkceMethod } from '../profiles/types.js'
import { OAuthError } from './errors.js'

/**
 * What is wrong with a code_verifier or code_challenge (RFC 7636 §4.1, §4.2: 43-128 characters of
 * [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"), worded as node-oidc-provider v6's
 * lib/helpers/pkce_format.js completes "<param> must …"; undefined when it is well formed.
 */
export function pkceFormatProblem(value: string): string | undefined {
  if (value.length < 43) return 'be a string with a minimum length of 43 characters'
  if (value.length > 128) return 'be a string with a maximum length of 128 characters'
  if (/[^A-Za-z0-9\-._~]/.test(value)) return 'only contain [a-Z] / [0-9] / "-" / "." / "_" / "~"'
  return undefined
}

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
  unexpected: 'check' | 'ignore' = 'check',
): void {
  if (challenge === undefined) {
    if (required) throw new OAuthError('pkce_required')
    if (verifier === undefined || unexpected === 'ignore') return
    // node-oidc-provider v6 lib/helpers/pkce.js: a verifier sent for a code issued without a
    // challenge is format-checked, then fails verification
    const rule = pkceFormatProblem(verifier)
    if (rule !== undefined) throw new OAuthError('pkce_verifier_invalid', { param: 'code_verifier', rule })
    throw new OAuthError('pkce_failed', { challenge_method: 'none' })
  }
  const challengeMethod = method ?? 'plain' // RFC 7636 §4.3: no method means plain
  if (!verifier) throw new OAuthError('pkce_verifier_missing', { challenge_method: challengeMethod })
  const rule = pkceFormatProblem(verifier)
  if (rule !== undefined) throw new OAuthError('pkce_verifier_invalid', { param: 'code_verifier', rule })
  const computed = method === 'S256' ? s256(verifier) : verifier
  if (computed !== challenge) throw new OAuthError('pkce_failed', { challenge_method: challengeMethod })
}
