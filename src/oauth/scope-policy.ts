import type { ScopePolicy } from '../profiles/types.js'
import type { Client } from '../runtime/tenant.js'

/** What a grant decision about scopes may depend on beyond the scopes themselves. */
export interface ScopeContext {
  /** The request's `prompt` values; absent at the token endpoint. */
  prompt?: ReadonlySet<string>
  /** The request's `response_type`; absent at the token endpoint. */
  responseType?: string
}

/**
 * The scopes a request is granted under the profile's policy, in the order asked. Unknown scopes
 * are dropped where the engine drops them; scopes tied to a prompt or a grant are dropped without
 * it (node-oidc-provider v6 lib/actions/authorization/check_scope.js: `offline_access` needs
 * `prompt=consent`, a code-returning response type and the refresh_token grant). Nothing here
 * refuses: refusals (a client's registered scopes) are checked on the result.
 */
export function grantScopes(policy: ScopePolicy | undefined, client: Client, scopes: readonly string[], ctx: ScopeContext = {}): string[] {
  if (!policy) return [...scopes]
  const known = policy.known ? new Set(policy.known) : undefined
  return scopes.filter((s) => {
    if (known && !known.has(s) && policy.unknown === 'drop') return false
    if (ctx.prompt) {
      const prompt = policy.requirePrompt?.[s]
      if (prompt !== undefined && !ctx.prompt.has(prompt)) return false
    }
    if (ctx.responseType !== undefined) {
      const rt = policy.requireResponseType?.[s]
      if (rt !== undefined && !ctx.responseType.split(' ').includes(rt)) return false
    }
    const grant = policy.requireGrant?.[s]
    if (grant !== undefined && !client.grantTypes.includes(grant)) return false
    return true
  })
}

/** `prompt` as a set of values. */
export const promptSet = (prompt: string | undefined): Set<string> => new Set((prompt ?? '').split(' ').filter(Boolean))
