import type { ServerRuntime } from '../runtime/server.js'
import type { Client } from '../runtime/tenant.js'
import { OAuthError } from './errors.js'
import type { ResponseMode } from './redirect.js'
import { spaceSet } from '../lib/space-set.js'

/**
 * A `response_type` as a set: the values deduplicated and sorted, so `token id_token` and
 * `id_token token` are one type (oidc-provider v6 `check_response_type.js` does the same; OAuth 2.0
 * Multiple Response Types §2 makes the order meaningless).
 */
export const normalizeResponseType = spaceSet

/** Whether the response carries a token through the browser (implicit or hybrid). */
export const isFrontChannel = (responseType: string): boolean => /(^| )(token|id_token)( |$)/.test(responseType)

/** The response mode a type gets when none is asked for (OAuth 2.0 Multiple Response Types §5). */
export const defaultResponseMode = (responseType: string): ResponseMode => (isFrontChannel(responseType) ? 'fragment' : 'query')

/**
 * Check a normalized response type against the server's list and the client's grants: `code`
 * needs the authorization_code grant, `token` and `id_token` the implicit grant (RFC 7591 §2.1
 * pairs them so; PingOne's and Asgardeo's consoles enable "Implicit" per app, oidc-provider checks
 * the client's `response_types`). Tokens never travel in the query (Multiple Response Types §5).
 */
export function checkResponseType(server: ServerRuntime, client: Client, responseType: string, mode: ResponseMode, nonce: string | undefined): void {
  if (!server.responseTypes.has(responseType)) throw new OAuthError('unsupported_response_type', { response_type: responseType })
  const parts = responseType.split(' ')
  if (parts.includes('code') && !client.grantTypes.includes('authorization_code')) throw new OAuthError('authz_unauthorized_client')
  if ((parts.includes('token') || parts.includes('id_token')) && !client.grantTypes.includes('implicit')) {
    throw new OAuthError('authz_unauthorized_response_type', { response_type: responseType })
  }
  if (mode === 'query' && isFrontChannel(responseType)) throw new OAuthError('authz_response_mode_not_allowed', { response_type: responseType })
  // OIDC Core §3.2.2.1 / §3.3.2.11: nonce is required when the authorization endpoint issues an id_token
  if (parts.includes('id_token') && nonce === undefined) throw new OAuthError('authz_missing_parameter', { params: ['nonce'] })
}
