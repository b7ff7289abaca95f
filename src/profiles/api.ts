/**
 * A vendor's own REST / GraphQL API beside its OAuth endpoints (Authing's `/api/v3/signin`,
 * `/graphql/v2` …), described as profile data: routes, each one generic action, and the vendor's
 * response bodies as JSON templates. See docs/vendors/product-sdks.md for what each SDK calls.
 */

/** Why an API request failed, in vendor-neutral terms; each route's `errors` words it as the vendor does. */
export type ApiReason =
  /** The body is not the JSON object the route reads, or a required input is missing. */
  | 'bad_request'
  /** No client names itself (header, body or Basic) where the route needs one. */
  | 'unknown_client'
  /** The client's secret is missing or wrong, or it used an auth method it is not registered for. */
  | 'client_auth_failed'
  /** No user matches the account, or the password is wrong (or does not decrypt). */
  | 'invalid_credentials'
  /** The password arrived encrypted in a way mockidp does not implement (SM2). */
  | 'unsupported_encryption'
  /** A sign-in connection (social, LDAP, AD, passcode …) mockidp does not serve. */
  | 'unsupported'
  /** No token was sent where one is needed. */
  | 'no_token'
  /** The token is not one this tenant issued (bad signature, unknown, revoked). */
  | 'invalid_token'
  /** The token expired. */
  | 'expired_token'
  /** No browser SSO session (cookie) for the `session` action. */
  | 'no_session'
  /** A GraphQL operation the route does not serve. */
  | 'unknown_operation'
  /** A client's public config was asked for an application id the tenant does not have. */
  | 'unknown_application'
  /** `authenticate`: no open direct-mode flow has this id (unknown, expired, used), or another authenticator was picked. */
  | 'unknown_flow'

/** One vendor error: HTTP status and body template (vars: `message` — mockidp's plain-words reason). */
export interface ApiErrorSpec {
  status: number
  body: unknown
  /** The body in other languages, keyed `en-US` or `en`, picked by the API's `langHeader`. */
  byLanguage?: Record<string, unknown>
}

/** Where an action reads its inputs: dotted paths into the JSON body (GraphQL: into `variables`). */
export interface ApiInputSpec {
  /** The user's account: the first of these paths that holds a string (username, email, phone …). */
  account?: string[]
  password?: string
  /**
   * How the password is encrypted: `"rsa"` always (authing-js-sdk encrypts every password), or a
   * path whose value says so (`options.passwordEncryptType`: `rsa`, `sm2`, `none`/absent = plain).
   */
  encryption?: 'rsa' | { path: string }
  /** Path of the requested scope. */
  scope?: string
  /** Path of a token to check; else the `Authorization` header's bearer token. */
  token?: string
  /** `application`: the path parameter (`:appId` in the route path) naming the client. Default `appId`. */
  application?: string
  /** authenticate: path of the flow id, and of the picked authenticator's id. */
  flow?: string
  authenticator?: string
  /** Path of a discriminator that must hold one of `values` (e.g. `connection: PASSWORD`), else `unsupported`. */
  require?: { path: string; values: string[] }
}

/**
 * What a route or GraphQL operation does. Every action is vendor-neutral:
 * - `static`: answer `body` (templates over `${tenant.*}`, `${appHost}`, `${brand.*}` (name, logoText, color, colorHex), `${passwordKey.pem}`, `${pool}`; these are offered to every action).
 * - `signIn`: check a user's password, issue tokens from the server's token settings, answer `body`
 *   (vars: `tokens.*`, `user.*`, `claims.*`, `client.*`, `exp`, `iat`, `expiresAt`, and `session.*` — the
 *   `token` the user now holds (id token, else access token), its `issuedAt` and `expiresAt`).
 * - `tokenStatus`: verify a token this server issued, answer `body` (vars: `token.*` = its payload, `token.raw` the token itself; `user.*`, `claims.*`, `session.*` as for `signIn`).
 * - `application`: a public view of the client a path parameter names (vars: `application.*` — id,
 *   name, redirectUris, postLogoutRedirectUris, grantTypes, public, tokenEndpointAuthMethod — and
 *   `appHost`, the tenant root URL); an unknown id is `unknown_application`.
 * - `session`: the browser's SSO session and its user (vars: `user.*`, `claims.*`, `sso.sid`,
 *   `sso.authTime`, `sso.expiresAt`); without one, `no_session`.
 * - `logout`: end the browser's session; answer `body` when the route has one (an API call), else
 *   redirect to a registered `redirect_uri` (or show the signed-out page).
 * - `organizations`: as `tokenStatus`, plus `organizations` — the token user's sub-organizations
 *   (tenant `organizations`), each rendered from `item` (vars `organization.id`, `.name`, `.handle`, `appHost`).
 * - `authenticate`: complete a `response_mode=direct` sign-in (`authorization.direct`): the flow id
 *   at `input.flow`, the authenticator at `input.authenticator`, the account and password at
 *   `input.account` / `input.password`; answers the profile's `direct.success` (the code) or
 *   `direct.failure` (wrong password, the flow stays open); an unknown flow is `unknown_flow`.
 * - `refuse`: always answer `errors.unsupported` (an API mockidp knowingly does not serve).
 */
export interface ApiActionSpec {
  action: 'static' | 'signIn' | 'tokenStatus' | 'organizations' | 'application' | 'session' | 'logout' | 'authenticate' | 'refuse'
  /** organizations: the template of one organization in the list. */
  item?: unknown
  input?: ApiInputSpec
  /** signIn: scope when none is requested. */
  defaultScope?: string
  /** signIn: also start the browser's SSO session (the tenant's session cookie), as a hosted login form does. */
  startSession?: boolean
  /** signIn: the client must authenticate (client_secret_post in the body or Basic) when it is confidential. */
  clientAuth?: boolean
  body?: unknown
  /** Per-reason errors; the API's `errors` fill in what a route does not list. */
  errors?: Partial<Record<ApiReason, ApiErrorSpec>>
}

/** A route: an action, or a GraphQL endpoint dispatching on the operation name. */
export interface ApiRouteSpec extends Partial<ApiActionSpec> {
  /** Path under the tenant root; `:name` segments are parameters (`/api/v2/applications/:appId/public-config`). */
  path: string
  method: 'GET' | 'POST'
  /** GraphQL: `{query, variables}` bodies; the operation's name (`mutation loginByUsername(…)`) picks the entry. */
  graphql?: Record<string, ApiActionSpec>
  /** A non-JSON answer: its Content-Type, `body` being a string template (an SVG sprite, a script). */
  contentType?: string
  /** Whether browser apps may call it cross-origin (with credentials). Default true. */
  cors?: boolean
}

/** A server's vendor API. */
export interface ApiSpec {
  /** Key fixture (`fixtures/keys/<name>.json`) whose RSA public key encrypts passwords (PKCS#1 v1.5, as JSEncrypt). */
  passwordKey?: string
  /** Request header naming the user's language (`x-authing-lang: en-US`), which picks an error's `byLanguage` body. */
  langHeader?: string
  /** Response headers of every route. */
  headers?: Record<string, string>
  /**
   * Named JSON fragments a body or error may use as `{"$use": "<name>"}` (one user object shared by
   * a REST login and a GraphQL one).
   */
  fragments?: Record<string, unknown>
  /** Errors shared by every route. */
  errors: Partial<Record<ApiReason, ApiErrorSpec>>
  routes: ApiRouteSpec[]
}
