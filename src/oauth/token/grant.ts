import type { Context } from 'hono'
import type { Env } from '../../server/env.js'
import type { Client } from '../../runtime/tenant.js'
import type { AuthenticatedClient } from '../client-auth.js'
import { OAuthError } from '../errors.js'
import type { Params } from '../params.js'

/** A grant handler: validated client and params in, token response body out. */
export type GrantHandler = (c: Context<Env>, params: Params, auth: AuthenticatedClient) => Record<string, unknown> | Promise<Record<string, unknown>>

/** Refuse scopes outside the client's registered `scopes` (when it lists any). */
export function checkClientScopes(client: Client, scopes: readonly string[], reason: 'invalid_scope' | 'authz_invalid_scope' = 'invalid_scope'): void {
  if (!client.scopes) return
  const bad = scopes.filter((s) => !client.scopes!.includes(s))
  if (bad.length) throw new OAuthError(reason, { scope: bad.join(' ') })
}

/** Split a scope parameter into its values. */
export const splitScope = (scope: string | undefined): string[] => (scope ? scope.split(' ').filter(Boolean) : [])
