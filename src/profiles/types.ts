import type { IdFormat } from '../lib/ids.js'
import type { JsonStyle } from '../lib/json.js'
import type { ApiSpec } from './api.js'

/** OAuth 2.0 / OIDC endpoints a profile server may serve. */
export type EndpointName =
  | 'authorization'
  | 'token'
  | 'userinfo'
  | 'jwks'
  | 'discovery'
  | 'introspection'
  | 'revocation'
  | 'endSession'
  /**
   * Logout by ID token alone, fetched by the app (no redirect, no session cookie needed): ends the
   * session the `id_token_hint` names, for a client allowed to (`idTokenLogout`). PingOne `/as/idpSignoff`.
   */
  | 'idTokenLogout'
  /** OIDC Session Management 1.0 §3.2: the OP iframe (`check_session_iframe`). */
  | 'checkSession'
  /** A vendor's "who am I" REST API (Authing's `/api/v3/get-profile`), shaped by `ServerSpec.userProfile`. */
  | 'userProfile'
  /** RFC 9126 Pushed Authorization Requests (PingOne `/as/par`, Asgardeo `/oauth2/par`). */
  | 'par'
  /** RFC 8628 §3.1 device authorization endpoint. */
  | 'deviceAuthorization'
  /** RFC 8628 §3.3 the page where the user enters the user code (mockidp's own page at the vendor's path). */
  | 'deviceVerification'

export type GrantType =
  | 'authorization_code'
  | 'refresh_token'
  | 'client_credentials'
  | 'password'
  /** Front-channel tokens (`response_type` with `token` or `id_token`); never sent to the token endpoint. */
  | 'implicit'
  /** RFC 8628 §3.4. */
  | 'urn:ietf:params:oauth:grant-type:device_code'
  /** RFC 8693. */
  | 'urn:ietf:params:oauth:grant-type:token-exchange'
  /** Authing's legacy-token grant: an Authing id_token in `token` for a fresh token set. */
  | 'http://authing.cn/oidc/grant_type/authing_token'
  /** WSO2's organization switch: an access token (`token`) for one of a sub-organization (`switching_organization`). */
  | 'organization_switch'

export type ClientAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'none'

export type PkceMethod = 'S256' | 'plain'

/** RFC 6749 / 6750 / OIDC error codes mockidp emits. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_response_type'
  | 'login_required'
  | 'server_error'
  | 'authorization_pending'
  | 'slow_down'
  | 'access_denied'
  | 'expired_token'
  | 'invalid_request_uri'
  | (string & {})

/**
 * A claim list entry: a claim name (filled from `values`, then from the built-in context such as
 * `sub`, `nonce`, `at_hash`), or `@scopes` for the user's claims of every granted scope.
 */
export type ClaimItem = string

/** One reason an OAuth request fails, as a vendor words it. */
export interface ReasonSpec {
  error: OAuthErrorCode
  status?: number
  /** Status when the client authenticated with HTTP Basic (node-oauth2-server answers 401 then). */
  basicStatus?: number
  description: string
  /** Description when several parameters are listed. */
  many?: string
  /** Extra body members, e.g. oidc-provider's `scope` on invalid_scope. */
  extra?: Record<string, string>
  /** Body members of this error, over `ErrorSpec.fields` (WSO2 introspection sends `error` alone). */
  fields?: string[]
  /** Response headers of this error (templates like `description`), over `ErrorSpec.headers` (WSO2's revocation answers `text/html`). */
  headers?: Record<string, string>
}

export interface ErrorSpec {
  /** Body key order, e.g. WSO2's `error_description` first. */
  fields: string[]
  headers: Record<string, string>
  list: { quote: string; join: 'and' | 'first' | ' ' | ', ' }
  wwwAuthenticate: Record<string, { when: 'basic' | 'always'; value: string }>
  reasons: Record<string, ReasonSpec>
  /**
   * Per-endpoint overrides of `reasons`, merged over them: an engine that words the same failure
   * differently at one endpoint (WSO2's revocation endpoint: every client-auth failure is
   * "Client Authentication failed.").
   */
  endpoints?: Partial<Record<EndpointName, Record<string, Partial<ReasonSpec>>>>
}

/**
 * How requested scopes are granted at the authorization endpoint (and, for `unknown`, at the
 * token endpoint's direct grants). node-oidc-provider v6 drops scopes it does not know and drops
 * `offline_access` unless `prompt` holds `consent` (lib/actions/authorization/check_scope.js).
 */
export interface ScopePolicy {
  /** Scopes the server knows. Unset: every scope is known. */
  known?: string[]
  /** What happens to a scope outside `known`: kept as asked, or silently dropped. */
  unknown: 'keep' | 'drop'
  /** Scopes granted only when `prompt` contains the given value, e.g. `{ "offline_access": "consent" }`. */
  requirePrompt?: Record<string, string>
  /** Scopes granted only when `response_type` contains the given value, e.g. `{ "offline_access": "code" }`. */
  requireResponseType?: Record<string, string>
  /** Scopes granted only to a client registered for the given grant, e.g. `{ "offline_access": "refresh_token" }`. */
  requireGrant?: Record<string, GrantType>
}

export interface TokenSpec {
  format: 'jwt' | IdFormat
  ttl: number
  /** Added to `ttl` for `expires_in` (node-oauth2-server reports 3599 for 3600). */
  expiresInSkew: number
  header: Record<string, string>
  claims: ClaimItem[]
  values?: Record<string, unknown>
  jti?: IdFormat
}

/** The profile data of `response_mode=direct` (see `authorization.direct`). */
export interface DirectModeSpec {
  ttl: number
  flowId: IdFormat
  /** The one authenticator offered (the `authenticate` route's `input.account` and `input.password` name its params). */
  authenticator: { id: string }
  prompt: unknown
  success: unknown
  failure: unknown
}

/** One authorization server of a vendor (Authing has two: `/oidc` and `/oauth`). */
export interface ServerSpec {
  id: string
  engine?: string
  /** Template over `${root}` (origin + tenant path). */
  issuer: string
  openid: boolean
  json?: JsonStyle
  paths: Partial<Record<Exclude<EndpointName, 'discovery'>, string>> & { discovery?: string | string[] }
  grants: GrantType[]
  clientAuthMethods: ClientAuthMethod[]
  /**
   * `secretMethodsInterchangeable`: a client registered for client_secret_basic may send its secret
   * in the body and the other way round (node-oidc-provider v6 lib/shared/token_auth.js accepts
   * either secret method for either registration).
   */
  clientAuth?: { secretMethodsInterchangeable?: boolean }
  /** `missingContentType: empty`: a POST without Content-Type reads as an empty form instead of being refused. */
  requestBody?: { missingContentType?: 'empty' | 'refuse' }
  /** Headers that may name the client (Authing SDKs send `x-authing-app-id`). */
  clientIdHeaders: string[]
  /**
   * `unexpectedVerifier`: a code_verifier sent for a code issued without a challenge is `check`ed
   * (format, then a failed verification: node-oidc-provider v6) or `ignore`d (WSO2
   * OAuth2Util.validatePKCE skips PKCE when the code has no challenge and PKCE is optional).
   */
  pkce: { methods: PkceMethod[]; unexpectedVerifier?: 'check' | 'ignore' }
  authorization: {
    requireOpenidScope: boolean
    responseTypes: string[]
    responseModes: string[]
    defaultScope: string
    /** Extra parameters on the success redirect (WSO2's `session_state`). */
    extraParams: Record<string, string>
    /**
     * `response_mode=direct` (list it in `responseModes`): the authorization endpoint answers JSON
     * instead of a login page — a flow the app completes by posting the user's credentials to the
     * API route whose action is `authenticate` (WSO2's app-native authentication). Bodies are
     * templates: `prompt` (vars `flowId`, `authnUrl`, `authenticatorId`, `tenant.*`), `success`
     * (var `authData`: the authorization response's parameters), `failure` (as `prompt`, after a
     * wrong password). `ttl`: seconds a flow stays open.
     */
    direct?: DirectModeSpec
    /**
     * Order of the parameters of an implicit or hybrid response (`code`, `access_token`,
     * `token_type`, `expires_in`, `scope`, `id_token`, `state`, and the `extraParams`); default that order.
     */
    frontChannelFields?: string[]
    /** Which requested scopes are granted; unset: all of them. */
    scopePolicy?: ScopePolicy
  }
  token: {
    redirectUriRequired: boolean
    /**
     * JSON token requests (`Content-Type: application/json`): refused unless set. WSO2 accepts them
     * (OAuth2TokenEndpoint `@Consumes("application/json")`) but its client authentication reads
     * only form bodies, so `bodyClientAuth: false` ignores credentials inside the JSON.
     */
    json?: { bodyClientAuth: boolean }
  }
  /** `reuseRevokes`: a replayed code revokes the tokens it issued (RFC 6749 §4.1.2 SHOULD). */
  code: { format: IdFormat; ttl: number; reuseRevokes?: boolean }
  accessToken: TokenSpec
  refreshToken: { format: IdFormat; ttl: number; rotate: boolean; replayProtection?: boolean; requireScope?: string }
  idToken?: {
    ttl: number
    header: Record<string, string>
    claims: ClaimItem[]
    values?: Record<string, unknown>
    jti?: IdFormat
    onRefresh: boolean
    /**
     * Claims of an id_token the authorization endpoint issues (implicit and hybrid flows), where
     * the vendor's list differs from the token endpoint's (oidc-provider adds `c_hash`, `s_hash`).
     * Default `claims`.
     */
    authorizationClaims?: ClaimItem[]
  }
  /** RFC 9126 Pushed Authorization Requests, where the vendor serves them (`paths.par`). */
  par?: ParSpec
  /** RFC 8628 device authorization grant, where the vendor serves it (`paths.deviceAuthorization`). */
  device?: DeviceSpec
  /** RFC 8693 token exchange, where the vendor documents it. */
  tokenExchange?: TokenExchangeSpec
  /**
   * The `organization_switch` grant (tenant `organizations`): `claims` are templates (vars
   * `organization.id`, `organization.name`, `organization.handle`, `tenant.*`) set on the new id and
   * JWT access token, naming the organization the token is for.
   */
  organizationSwitch?: { claims: Record<string, unknown> }
  /**
   * The access token of a client whose `accessTokenFormat` is `"jwt"` (Asgardeo's per-app "Access
   * token type: JWT"): replaces `accessToken` for that client.
   */
  jwtAccessToken?: TokenSpec
  /** Grants the token endpoint accepts with a bare `client_id` even from a confidential client (Authing SDKs send no secret with `authing_token`). */
  clientIdOnlyGrants?: GrantType[]
  /** `emptyScope`: `omit` leaves out a `scope` that would be `""` (RFC 6749 §5.1 makes it optional). */
  tokenResponse: { fields: string[]; tokenType: string; headers: Record<string, string>; emptyScope?: 'omit' | 'send' }
  /**
   * Revocation: `headers` of the successful response (WSO2 sends `Content-Type: application/json`
   * with an empty body); `foreignToken: refuse` answers `revoke_foreign_token` for a token issued
   * to another client (node-oidc-provider v6), `ignore` (default) answers 200 and keeps it.
   */
  revocation?: {
    headers?: Record<string, string>
    foreignToken?: 'ignore' | 'refuse'
    /** Revoking a refresh token revokes every token of its grant (node-oidc-provider v6 revocation.js `revokeGrant`; WSO2 revokes the token pair). */
    refreshRevokesGrant?: boolean
    /** Revoking an (opaque) access token revokes its grant's tokens, the refresh token too (WSO2: access and refresh token are one row). */
    accessRevokesGrant?: boolean
  }
  /** Headers on every HTML page of the front channel (login, error, logout, form_post), e.g. `X-Frame-Options`. */
  pages?: { headers: Record<string, string> }
  /**
   * `oneTokenSource`: a token offered in more than one place, or an Authorization header that is
   * not `Bearer <token>`, is refused (node-oidc-provider v6 OIDCContext.getAccessToken).
   */
  userinfo: {
    claims: ClaimItem[]
    values?: Record<string, unknown>
    tokenFrom: ('header' | 'query' | 'body')[]
    oneTokenSource?: boolean
    /** An Authorization header that is not `Bearer <token>` is refused, not skipped (WSO2 UserInforRequestDefaultValidator). */
    refuseMalformedHeader?: boolean
  }
  /** `refreshTokenType`: `token_type` of an introspected refresh token; `null` leaves it out (default `Refresh`). */
  /** `publicOwnOnly`: a client authenticating with `none` sees only its own tokens as active (node-oidc-provider v6 allowedPolicy). */
  introspection: { fields: string[]; refreshTokenType?: string | null; publicOwnOnly?: boolean }
  jwks: { fields: string[] }
  endSession: {
    requireRegisteredPostLogoutUri: boolean
    /**
     * `verify`: an `id_token_hint` must be one of this server's ID tokens — signed by its key (or the
     * client secret for HS256), `iss` this issuer, `aud` the client — expiry ignored, as the vendors'
     * engines check it; `decode`: read unverified. Default `verify`.
     */
    idTokenHint?: 'verify' | 'decode'
  }
  /**
   * Body of the `userProfile` endpoint: JSON templates over `${user.*}` (the token's user),
   * `${claims.*}` (the user's claims for the token's scopes), `${sub}`, `${scope}`, `${tenant.*}`;
   * `error` is answered for a missing, unknown or expired access token.
   */
  userProfile?: { body: unknown; error: { status: number; body: unknown } }
  errors: ErrorSpec
  discovery?: Record<string, unknown>
  /** The vendor's own REST / GraphQL API at the tenant root (src/vendor-api). */
  api?: ApiSpec
}

/** RFC 9126: how pushed requests are answered and how long their `request_uri` lives. */
export interface ParSpec {
  /** Seconds a `request_uri` stays valid (`expires_in`). */
  ttl: number
  /** Prefix of the `request_uri` (RFC 9126 §2.2 shows `urn:ietf:params:oauth:request_uri:`). */
  requestUriPrefix: string
  requestUriFormat: IdFormat
  /** Body key order of the 201 response. */
  fields: string[]
}

/** RFC 8628: the device authorization response and the polling rules. */
export interface DeviceSpec {
  /** Seconds the device code lives (`expires_in`). */
  ttl: number
  /** Seconds between polls (`interval`); a faster poll gets `slow_down` when `slowDown` is set. */
  interval: number
  slowDown: boolean
  deviceCodeFormat: IdFormat
  /** The user code: characters drawn from `alphabet`, grouped by `-` every `group` characters (0: none). */
  userCode: { alphabet: string; length: number; group: number }
  /** Body key order of the device authorization response. */
  fields: string[]
  /** Query parameter of `verification_uri_complete` that carries the user code. */
  completeParam: string
}

/** RFC 8693: which subject tokens are accepted and the response's key order. */
export interface TokenExchangeSpec {
  /** `subject_token_type` values accepted (the vendor's documented ones). */
  subjectTokenTypes: string[]
  /** Body key order; `issued_token_type` joins the token-response fields. */
  fields: string[]
  /** Issue a refresh token too (Asgardeo does when the app has the refresh grant). */
  refresh: boolean
}

/**
 * The vendor's production host and path for a tenant (`https://${appDomain}.authing.cn`,
 * `https://auth.pingone.${tld}/${envId}`): templates over the tenant values, after `lookup`.
 */
export interface ProductionSpec {
  /** Host name template, e.g. `${appDomain}.authing.cn`. */
  host: string
  /** Path of the tenant's root on that host, e.g. `/${envId}`; `""` for the root. */
  path: string
  /** Derived values: `name` ← `values[tenant[from]]` (or `default` when the tenant does not set `from`). */
  lookup?: Record<string, { from: string; values: Record<string, string>; default?: string }>
}

export interface TenantParamSpec {
  name: string
  optional?: boolean
  pattern?: string
  hint?: string
}

/** A vendor profile: pure data read from `fixtures/profiles/<name>.json`, merged over `_base.json`. */
export interface Profile {
  name: string
  displayName: string
  brand: { color: string; logoText: string }
  /**
   * Copy-ready configuration of the vendor's own SDKs, shown in the console with a tenant's values
   * (`${root}`, `${issuer}`, `${discovery}`, `${clientId}`, `${clientSecret}`, `${redirectUri}`,
   * `${scope}`, `${scopesJson}`); `for` picks a public or a confidential client.
   */
  snippets?: { title: string; for: 'public' | 'confidential'; code: string }[]
  /**
   * Path under the tenant's basePath, e.g. `/t/${org}`; `params` are the tenant values it needs.
   * `hostPath` is the path when the tenant is reached by its own host name (a custom domain:
   * PingOne drops the envId there); default `path`.
   */
  tenant: { path: string; hostPath?: string; production?: ProductionSpec; params: TenantParamSpec[] }
  /** Signing-key fixture name in `fixtures/keys/`. */
  key: string
  /**
   * How the vendor names signing keys, which rotated keys follow: `thumbprint` (RFC 7638, oidc-provider's
   * default), `uuid` (PingOne), `wso2` (base64url of the certificate's hex SHA-256 + `_RS256`, with `x5t`/`x5c`).
   * Default `thumbprint`.
   */
  keyIds?: { style: 'thumbprint' | 'uuid' | 'wso2' }
  defaultServer: string
  /** Logout notifications the vendor sends to its apps (OIDC Back-/Front-Channel Logout 1.0); default neither. */
  logout?: { backchannel?: boolean; frontchannel?: boolean }
  claims: { missing: 'omit' | 'null'; scopes: Record<string, string[]> }
  servers: ServerSpec[]
}
