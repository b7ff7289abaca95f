/**
 * The config file's JSON Schema. It is both the published `mockidp.schema.json` (written by the
 * build) and what `validate()` checks at start-up, so the two never drift. Only the JSON Schema
 * keywords `validate()` implements are used here.
 */
const url = { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*:' } as const

const LIMIT = { type: 'integer', minimum: 1, maximum: 100000000 } as const

const origin = {
  type: 'string',
  pattern: '^(\\*|[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#\\s]+)$',
  description: 'An origin, scheme://host[:port] with no path or trailing slash (e.g. "http://localhost:5173"), or "*" for any origin.',
} as const

/** An origin mockidp builds URLs on: http(s)://host[:port], no path (a trailing slash is dropped). */
// host labels may hold `_`: Docker Compose service names do (http://mock_idp:9000), and resolve
export const ORIGIN_PATTERN = '^https?://([A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?/?$'
const serverOrigin = (what: string, env: string) =>
  ({ type: 'string', pattern: ORIGIN_PATTERN, description: `${what} (env ${env}): http(s)://host[:port] with no path, e.g. "http://localhost:9000". Default: each request's Host.` }) as const

const corsSchema = {
  type: 'object',
  description: 'Which browser origins may call the token, userinfo, JWKS, discovery, revocation and introspection endpoints (CORS).',
  additionalProperties: false,
  properties: {
    origins: { type: 'array', items: origin, description: 'Allowed origins; "*" allows any. Default: the origins of the tenant\'s clients\' redirect URIs.' },
  },
} as const

/** JSON Schema of one `client` (also checks fixtures added at run time). */
export const clientSchema = {
  type: 'object',
  description: 'An application registered with the tenant.',
  required: ['clientId', 'redirectUris'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', minLength: 1, description: 'The client_id / app id.' },
    clientSecret: { type: 'string', minLength: 1, description: 'Omit for a public client (PKCE required).' },
    name: { type: 'string', description: 'Shown on the login page.' },
    redirectUris: { type: 'array', items: url, description: 'Registered redirect URIs (exact match).' },
    postLogoutRedirectUris: { type: 'array', items: url, description: 'Registered post-logout redirect URIs; defaults to the redirect URIs and their origins.' },
    tokenEndpointAuthMethod: {
      enum: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
      description: 'Pin one client-auth method (the vendors set one per app). Default: any secret method for a confidential client, none for a public one.',
    },
    grantTypes: {
      type: 'array',
      items: {
        enum: [
          'authorization_code',
          'refresh_token',
          'client_credentials',
          'password',
          'implicit',
          'urn:ietf:params:oauth:grant-type:device_code',
          'urn:ietf:params:oauth:grant-type:token-exchange',
          'http://authing.cn/oidc/grant_type/authing_token',
          'organization_switch',
        ],
      },
      description: 'Grants the app may use ("implicit" allows the token and id_token response types). Default: authorization_code and refresh_token.',
    },
    scopes: { type: 'array', items: { type: 'string' }, description: 'Scopes the app may request; default: any the profile knows.' },
    pkceRequired: { type: 'boolean', description: 'Require PKCE even for a confidential client (always required for public clients).' },
    jwks: { type: 'object', description: 'Public JWK Set for private_key_jwt client authentication.' },
    idTokenSigningAlg: { enum: ['RS256', 'HS256'], description: 'Authing apps may sign id_tokens with HS256 (the client secret).' },
    accessTokenTtl: { type: 'integer', minimum: 1, maximum: 315360000, description: 'Lifetime in seconds of this app\'s access tokens (every vendor makes it an application setting). Default: the vendor\'s.' },
    accessTokenFormat: { enum: ['jwt', 'opaque'], description: 'Asgardeo\'s per-app "Access token type": "jwt" issues JWT access tokens (at+jwt) where the profile defines them. Default: the profile\'s format.' },
    idTokenLogout: { type: 'boolean', description: 'The app may end a user\'s session with its ID token alone at the profile\'s idTokenLogout endpoint (PingOne "Terminate User Session by ID Token", idpSignoff: GET /as/idpSignoff). Default false, as on PingOne.' },
    parRequired: { type: 'boolean', description: 'The app must use the pushed authorization request endpoint (PingOne "Require Pushed Authorization Request").' },
    backchannelLogoutUri: { ...url, description: 'OIDC Back-Channel Logout 1.0: where a signed logout_token is POSTed when a session this client took part in ends (vendors that send them: docs/vendors/logout.md).' },
    backchannelLogoutSessionRequired: { type: 'boolean', description: 'Back-channel logout: the client needs `sid` in the logout_token (mockidp always sends it).' },
    frontchannelLogoutUri: { ...url, description: 'OIDC Front-Channel Logout 1.0: loaded in an iframe of the end-session page when a session this client took part in ends.' },
    frontchannelLogoutSessionRequired: { type: 'boolean', description: 'Front-channel logout: add `iss` and `sid` to the iframe URL. Default false.' },
  },
} as const

/** JSON Schema of one `user` (also checks fixtures added at run time). */
export const userSchema = {
  type: 'object',
  description: 'A user who can sign in. Any other member is a claim (OIDC standard or vendor-specific).',
  required: ['sub', 'username'],
  additionalProperties: true,
  properties: {
    sub: { type: 'string', minLength: 1, description: 'Stable subject identifier.' },
    username: { type: 'string', minLength: 1 },
    password: { type: 'string', description: 'For the login form and the password grant. Default: "password".' },
    email: { type: 'string' },
    phone_number: { type: 'string' },
    name: { type: 'string' },
  },
} as const

/** JSON Schema of one `code` (also checks fixtures added at run time). */
export const codeSchema = {
  type: 'object',
  description: 'A pre-issued authorization code (single-use; a restart restores it).',
  required: ['code', 'clientId', 'redirectUri', 'user'],
  additionalProperties: false,
  properties: {
    code: { type: 'string', minLength: 1 },
    clientId: { type: 'string' },
    redirectUri: url,
    user: { type: 'string', description: 'A user of this tenant, by sub, username or email.' },
    scope: { type: 'string', description: 'Space-separated granted scope.' },
    nonce: { type: 'string' },
    codeChallenge: { type: 'string' },
    codeChallengeMethod: { enum: ['S256', 'plain'] },
    server: { type: 'string', description: 'Which of the profile\'s servers the code belongs to (e.g. "oauth" or "oidc" for Authing/GenAuth). Default: the profile\'s default server.' },
    ttl: { type: 'integer', minimum: 1, description: 'Seconds until it expires, counted from start-up. Default: never.' },
  },
} as const

const organizationSchema = {
  type: 'object',
  description: 'A sub-organization of the tenant.',
  required: ['id', 'name'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,64}$', description: 'Its id, the switching_organization value (e.g. a UUID).' },
    name: { type: 'string', minLength: 1, description: 'Display name.' },
    handle: { type: 'string', pattern: '^[A-Za-z0-9._~-]{1,64}$', description: 'Its handle; default: the name lowercased, spaces as dashes.' },
    members: { type: 'array', items: { type: 'string' }, description: 'Users who belong to it, by sub, username or email. Default: every user of the tenant.' },
  },
} as const

const tenantSchema = {
  type: 'object',
  description: 'One vendor app / environment / organization, mounted at basePath.',
  required: ['id', 'vendor', 'clients', 'users'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'Tenant id (lowercase, digits, dashes).' },
    vendor: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$', description: 'A profile name (not a path) from fixtures/profiles (genauth, authing, pingone, asgardeo) or profilesDir.' },
    basePath: { type: 'string', pattern: '^(/[A-Za-z0-9._~-]+)*$', description: 'Path prefix, e.g. "/authing/demo"; "" mounts at the root. Omit for a tenant reached only by host name.' },
    hosts: {
      type: 'array',
      items: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$' },
      description: 'Host names that reach this tenant at the root of the host, e.g. "authing-demo.localhost" (*.localhost resolves to loopback in browsers).',
    },
    port: { type: 'integer', minimum: 0, maximum: 65535, description: 'Also serve this tenant on its own port.' },
    appDomain: { type: 'string', description: 'Authing/GenAuth app subdomain: the tenant is also served at https://<appDomain>.authing.cn (GenAuth: .genauth.ai), its production URL.' },
    envId: { type: 'string', description: 'PingOne environment id (UUID).' },
    orgId: { type: 'string', description: 'PingOne organization UUID or Asgardeo org_id claim.' },
    region: { type: 'string', description: 'PingOne p1.region claim (NA, EU, CA, AP).' },
    org: { type: 'string', description: 'Asgardeo organization name.' },
    autoLogin: { type: 'string', description: 'Sign this user in at once (by sub, username or email) when the authorize request has no login_hint.' },
    cors: corsSchema,
    clients: { type: 'array', items: clientSchema },
    users: { type: 'array', items: userSchema },
    codes: { type: 'array', items: codeSchema },
    organizations: { type: 'array', items: organizationSchema, description: 'Sub-organizations users may switch to (Asgardeo: the organization_switch grant and GET /api/users/v1/me/organizations).' },
  },
} as const

/** JSON Schema of one injected fault (config `faults[]`, `injectFault()`, `POST /_mockidp/faults`). */
export const faultSchema = {
  type: 'object',
  description: 'A fault injected into the next matching requests of a tenant.',
  required: ['tenant', 'kind'],
  additionalProperties: false,
  properties: {
    tenant: { type: 'string', description: 'Tenant id.' },
    endpoint: { type: 'string', description: 'Only this endpoint: token, authorization, userinfo, jwks, discovery, introspection, revocation, endSession … (the profile\'s endpoint names). Default: every endpoint of the tenant.' },
    grantType: { type: 'string', description: 'Only requests with this grant_type.' },
    clientId: { type: 'string', description: 'Only requests of this client.' },
    times: { type: 'integer', minimum: 1, description: 'Answer this many matching requests, then stop. Default: until cleared.' },
    kind: { enum: ['error', 'status', 'delay', 'malformed', 'drop'], description: 'error: an OAuth error in the vendor\'s shape; status: a bare HTTP status; delay: wait, then answer normally; malformed: a body that is not JSON; drop: close the connection.' },
    reason: { type: 'string', description: 'error: a reason of the profile\'s errors table, e.g. "code_expired" (worded as the vendor words it).' },
    error: { type: 'string', minLength: 1, description: 'error: the OAuth error code, e.g. "invalid_grant".' },
    description: { type: 'string', description: 'error: the error_description.' },
    status: { type: 'integer', minimum: 200, maximum: 599, description: 'HTTP status (error, status, malformed), 200-599 (a 1xx is no final answer).' },
    delayMs: { type: 'integer', minimum: 0, maximum: 600000, description: 'Wait this many milliseconds first (required for delay).' },
    body: { type: 'string', description: 'status, malformed: the response body.' },
  },
} as const

/** JSON Schema of `issueTokens()` options (and `POST /_mockidp/tenants/:id/tokens`). */
export const issueTokensSchema = {
  type: 'object',
  description: 'What to mint tokens for.',
  additionalProperties: false,
  properties: {
    user: { type: ['string', 'object'], description: 'A user of the tenant (sub, username or email), or a user object.' },
    clientId: { type: 'string', minLength: 1, description: 'The client; default: the tenant\'s first.' },
    scope: { type: ['string', 'array'], items: { type: 'string' }, description: 'Granted scope: space-separated, or a list.' },
    claims: { type: 'object', description: 'Claims to add to or override in the access and id tokens.' },
    sub: { type: 'string', minLength: 1, description: 'A different sub.' },
    expiresIn: { type: 'integer', minimum: -315360000, maximum: 315360000, description: 'Lifetime in seconds (≤ 10 years either way); zero or negative: already expired.' },
    expired: { type: 'boolean', description: 'Tokens that expired an hour ago.' },
    nonce: { type: 'string' },
    server: { type: 'string', minLength: 1, description: 'Which server of the tenant.' },
  },
} as const

/** JSON Schema of a journal filter (`journal(filter)`). */
export const journalFilterSchema = {
  type: 'object',
  description: 'Which journal entries to return.',
  additionalProperties: false,
  properties: {
    tenant: { type: 'string' },
    endpoint: { type: 'string' },
    grantType: { type: 'string' },
    clientId: { type: 'string' },
    method: { type: 'string' },
    status: { type: 'integer' },
    error: { type: 'string' },
    fault: { type: 'boolean' },
    since: { type: 'number' },
    limit: { type: 'integer', minimum: 0 },
  },
} as const

/** JSON Schema (draft 2020-12) of `mockidp.config.json`. */
export const configSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/mockidp/mockidp/mockidp.schema.json',
  title: 'mockidp configuration',
  type: 'object',
  required: ['tenants'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    seed: { type: 'string', description: 'Seed of every derived code, token and jti. Default: "mockidp".' },
    port: { type: 'integer', minimum: 0, maximum: 65535, description: 'Listen port; 0 picks a free one. Default 9000.' },
    host: { type: 'string', minLength: 1, description: 'Listen address: an IP address or a host name, e.g. "127.0.0.1", "0.0.0.0" (all interfaces) or "localhost". Default 127.0.0.1.' },
    clock: {
      type: 'string',
      pattern: '^(system|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))$',
      description: '"system", or an ISO instant such as "2026-01-01T00:00:00Z" to freeze time there.',
    },
    publicUrl: serverOrigin('Origin browsers use: the issuer, authorization and logout URLs', 'MOCKIDP_PUBLIC_URL'),
    backchannelUrl: serverOrigin('Origin servers use for token, userinfo, JWKS, introspection and revocation URLs in discovery', 'MOCKIDP_BACKCHANNEL_URL'),
    profilesDir: { type: 'string', description: 'Extra directory of vendor profiles, relative to the config file.' },
    tenants: { type: 'array', items: tenantSchema, minItems: 1 },
    admin: {
      type: 'object',
      additionalProperties: false,
      description: 'The admin HTTP API under /_mockidp/ (fixtures, minted tokens, journal, faults, reset).',
      properties: {
        enabled: { type: 'boolean', description: 'Serve the admin API. Default: true (it is a mock).' },
        allowedHosts: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description: 'More Host names the admin API answers, e.g. "mockidp.test" ("*": any). Always allowed: IP addresses, localhost, *.localhost, the hosts of publicUrl, backchannelUrl and tenant hosts, and single-label names (a Compose service name) when listening on all interfaces.',
        },
        allowedOrigins: { type: 'array', items: origin, description: 'Web origins whose pages may call the admin API (CORS), e.g. "http://localhost:5173" ("*": any). Default: none but its own.' },
        token: { type: 'string', minLength: 1, description: 'Require "Authorization: Bearer <token>" on every admin request (env MOCKIDP_ADMIN_TOKEN; connectMockIdp(url, { token })).' },
      },
    },
    shutdown: {
      type: 'object',
      additionalProperties: false,
      description: 'Stopping (SIGTERM, SIGINT, stop()).',
      properties: { graceMs: { type: 'integer', minimum: 0, maximum: 600000, description: 'Milliseconds requests in flight get to finish before their connections are cut. Default: 8000.' } },
    },
    journal: {
      type: 'object',
      additionalProperties: false,
      description: 'The request journal (a ring buffer of the last requests, secrets redacted).',
      properties: {
        enabled: { type: 'boolean', description: 'Record requests. Default: true.' },
        size: { type: 'integer', minimum: 1, maximum: 1000000, description: 'Requests kept. Default: 1000.' },
      },
    },
    faults: { type: 'array', items: faultSchema, description: 'Faults active from the start (and again after a reset).' },
    limits: {
      type: 'object',
      additionalProperties: false,
      description: 'Most live items each tenant holds at once (README: State). Reaching one refuses new issuance with temporarily_unavailable (HTTP 429) naming the setting; nothing live is ever evicted. Default 100000 each.',
      properties: {
        codes: { ...LIMIT, description: 'Live authorization codes per tenant.' },
        refreshTokens: { ...LIMIT, description: 'Live refresh tokens per tenant.' },
        accessTokens: { ...LIMIT, description: 'Live opaque access tokens per tenant (JWT access tokens are not stored).' },
        sessions: { ...LIMIT, description: 'Live SSO sessions per tenant.' },
        revocations: { ...LIMIT, description: 'Revoked JWT access tokens per tenant, each kept until the token expires.' },
      },
    },
    state: {
      type: 'object',
      additionalProperties: false,
      description: 'Keep codes, tokens, sessions and run-time fixtures over a restart (README: State). Off by default: tests want a clean start.',
      properties: {
        file: { type: 'string', minLength: 1, description: 'State file, relative to the config file (CLI --state, env MOCKIDP_STATE). Written atomically on change and on stop; read at start.' },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      description: 'Where codes, tokens, sessions and revocations live (README: Several replicas). Default: this process\'s memory. With "redis", every replica given the same URL and seed answers as one mock.',
      properties: {
        redis: { type: 'string', minLength: 1, description: 'A Redis URL, redis://[user:password@]host[:port][/db] or rediss:// for TLS, e.g. "redis://localhost:6379/0" (also --store, MOCKIDP_STORE). Needs the "redis" package.' },
        prefix: { type: 'string', minLength: 1, maxLength: 100, pattern: '^\\S+$', description: 'Prefix of every key, so two mock deployments can share one Redis. Default: "mockidp:".' },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      description: 'HTTPS with a local development CA (also --https, MOCKIDP_HTTPS).',
      properties: {
        enabled: { type: 'boolean', description: 'Serve HTTPS on port. Default: true when tls is given.' },
        dir: { type: 'string', minLength: 1, description: 'Directory of ca.pem, ca-key.pem and cached leaf certificates, relative to the config file (also --tls-dir, MOCKIDP_TLS_DIR). Default: $XDG_DATA_HOME/mockidp or ~/.local/share/mockidp.' },
        httpPort: { type: 'integer', minimum: 0, maximum: 65535, description: 'Also serve plain HTTP on this port (also --http-port, MOCKIDP_HTTP_PORT).' },
      },
    },
  },
} as const
