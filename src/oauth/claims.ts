import { renderValue } from '../lib/template.js'
import type { Profile } from '../profiles/types.js'
import type { User } from '../runtime/tenant.js'

/** Values a claim list may draw on, besides the user's own claims. */
export type ClaimContext = Record<string, unknown> & { tenant: Record<string, string>; user?: User | undefined }

/**
 * The user's claims for the granted scopes, in the profile's order. Absent values are `null` where
 * the vendor writes them so (oidc-provider), else left out.
 */
export function scopeClaims(profile: Profile, user: User | undefined, scopes: readonly string[], into: Record<string, unknown>): void {
  if (!user) return
  const asNull = profile.claims.missing === 'null'
  for (const scope of scopes) {
    const names = profile.claims.scopes[scope]
    if (!names) continue
    for (const name of names) {
      if (name in into) continue
      const v = user[name]
      if (v !== undefined) into[name] = v
      else if (asNull) into[name] = null
    }
  }
}

/**
 * Build a claim set from a profile claim list: each name is taken from `values` (templates over the
 * context), else from the context itself; `@scopes` expands to the user's scope claims. Undefined
 * values are left out, so `nonce` appears only when one was sent.
 */
export function buildClaims(
  profile: Profile,
  items: readonly string[],
  values: Record<string, unknown> | undefined,
  ctx: ClaimContext,
  scopes: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const item of items) {
    if (item === '@scopes') {
      scopeClaims(profile, ctx.user, scopes, out)
      continue
    }
    const v = values && item in values ? renderValue(values[item], ctx) : ctx[item]
    if (v !== undefined && v !== '') out[item] = v
  }
  return out
}
