import type { Context } from 'hono'
import type { Env } from '../../server/env.js'
import type { GrantType } from '../../profiles/types.js'
import type { Client } from '../../runtime/tenant.js'
import { authenticateClient, type AuthenticatedClient } from '../client-auth.js'
import { OAuthError } from '../errors.js'
import { readForm, type Params } from '../params.js'
import { stringify } from '../../lib/json.js'
import { authorizationCodeGrant } from './authorization-code.js'
import { refreshTokenGrant } from './refresh-token.js'
import { clientCredentialsGrant } from './client-credentials.js'
import { passwordGrant } from './password.js'

/** A grant handler: validated client and params in, token response body out. */
export type GrantHandler = (c: Context<Env>, params: Params, auth: AuthenticatedClient) => Record<string, unknown> | Promise<Record<string, unknown>>

const grants: Record<GrantType, GrantHandler> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
}

/**
 * The token endpoint (RFC 6749 §3.2): POST form → client authentication → grant dispatch →
 * the vendor's token response, in its field order and headers.
 */
export async function tokenEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  if (c.req.method !== 'POST') throw new OAuthError('invalid_method')
  const params = await readForm(c)
  const auth = await authenticateClient(c, server, params)
  const grantType = params.get('grant_type')
  if (!grantType) throw new OAuthError('missing_grant_type')
  const handler = Object.hasOwn(grants, grantType) ? grants[grantType as GrantType] : undefined
  if (!handler || !server.spec.grants.includes(grantType as GrantType)) throw new OAuthError('unsupported_grant_type', { grant_type: grantType })
  if (!auth.client.grantTypes.includes(grantType as GrantType)) throw new OAuthError('unauthorized_grant', { grant_type: grantType })
  const body = await handler(c, params, auth)
  return new Response(stringify(body, server.spec.json), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', ...server.spec.tokenResponse.headers },
  })
}

/** Refuse scopes outside the client's registered `scopes` (when it lists any). */
export function checkClientScopes(client: Client, scopes: readonly string[], reason: 'invalid_scope' | 'authz_invalid_scope' = 'invalid_scope'): void {
  if (!client.scopes) return
  const bad = scopes.filter((s) => !client.scopes!.includes(s))
  if (bad.length) throw new OAuthError(reason, { scope: bad.join(' ') })
}

/** Split a scope parameter into its values. */
export const splitScope = (scope: string | undefined): string[] => (scope ? scope.split(' ').filter(Boolean) : [])
