/**
 * Why a request failed, in vendor-neutral terms. The profile's `errors.reasons` table turns a reason
 * into the vendor's error code, status and wording; `renderError` is the one place that does so.
 */
export type Reason =
  | 'invalid_method'
  | 'invalid_content_type'
  | 'invalid_body'
  /** A body of an accepted type (JSON) that does not parse. */
  | 'malformed_body'
  | 'body_too_large'
  | 'duplicate_parameter'
  | 'missing_parameter'
  | 'missing_grant_type'
  | 'invalid_parameter'
  | 'no_client_auth'
  | 'multiple_client_auth'
  | 'malformed_client_auth'
  | 'unknown_client'
  | 'client_auth_failed'
  | 'auth_method_mismatch'
  | 'unsupported_grant_type'
  | 'unauthorized_grant'
  | 'code_not_found'
  | 'code_expired'
  | 'code_used'
  | 'code_client_mismatch'
  | 'redirect_uri_mismatch'
  | 'pkce_required'
  | 'pkce_verifier_missing'
  | 'pkce_verifier_invalid'
  | 'pkce_failed'
  | 'refresh_not_found'
  | 'refresh_expired'
  | 'refresh_client_mismatch'
  | 'refresh_reused'
  | 'invalid_scope'
  /** A refresh request asks for scopes the refresh token was not granted. */
  | 'refresh_invalid_scope'
  | 'invalid_user_credentials'
  | 'invalid_token'
  | 'missing_token'
  /** A bearer token offered in more than one place (header, query, body). */
  | 'multiple_tokens'
  /** An Authorization header that is not `Bearer <token>`. */
  | 'malformed_token_header'
  /** Revocation of a token issued to another client, where the vendor refuses it. */
  | 'revoke_foreign_token'
  | 'insufficient_scope'
  | 'authz_missing_client_id'
  | 'authz_unknown_client'
  | 'authz_redirect_uri_mismatch'
  | 'authz_missing_parameter'
  | 'authz_unauthorized_client'
  | 'unsupported_response_type'
  | 'unsupported_response_mode'
  | 'authz_openid_required'
  | 'authz_invalid_scope'
  | 'authz_pkce_required'
  | 'authz_invalid_challenge_method'
  /** A code_challenge that is not 43-128 characters of the RFC 7636 alphabet. */
  | 'authz_invalid_challenge'
  /** `prompt=none` together with other prompt values (OIDC Core §3.1.2.1). */
  | 'prompt_none_combined'
  | 'login_required'
  | 'end_session_bad_redirect'
  | 'end_session_bad_hint'
  /** The `idTokenLogout` endpoint, for a client not allowed to end sessions by ID token alone. */
  | 'id_token_logout_not_allowed'
  | 'not_found'
  | 'limit_reached'
  /** The shared store (Redis) did not answer: `temporarily_unavailable` until it is back. */
  | 'store_unavailable'
  | 'server_error'
  // implicit and hybrid flows
  | 'authz_unauthorized_response_type'
  | 'authz_response_mode_not_allowed'
  // RFC 9126 (PAR)
  | 'invalid_request_uri'
  | 'request_uri_not_supported'
  | 'par_required'
  | 'par_request_uri_not_allowed'
  // RFC 8628 (device authorization grant)
  | 'device_unauthorized_client'
  | 'device_code_not_found'
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token'
  // RFC 8693 (token exchange) and Authing's authing_token grant
  | 'subject_token_invalid'
  | 'unsupported_token_type'
  | 'authing_token_invalid'
  // the organization_switch grant
  | 'organization_switch_invalid_token'
  | 'organization_switch_denied'

/** Reasons found before `client_id` and `redirect_uri` are known good: never redirected to the client. */
export const NOT_REDIRECTABLE: ReadonlySet<Reason> = new Set<Reason>([
  'authz_missing_client_id',
  'authz_unknown_client',
  'authz_redirect_uri_mismatch',
  'end_session_bad_redirect',
  'invalid_request_uri',
  'request_uri_not_supported',
  'end_session_bad_hint',
])

/**
 * A failed OAuth request. Thrown by handlers; turned into the vendor's response by the error renderer.
 * `vars` fill the profile's description templates (`${params}`, `${scope}`, `${client_id}` …).
 */
export class OAuthError extends Error {
  override name = 'OAuthError'
  constructor(
    readonly reason: Reason,
    readonly vars: Record<string, string | readonly string[]> = {},
    options?: ErrorOptions,
  ) {
    super(reason, options)
  }
}
