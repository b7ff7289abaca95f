/**
 * The config file's JSON Schema. It is both the published `mockidp.schema.json` (written by the
 * build) and what `validate()` checks at start-up, so the two never drift. Only the JSON Schema
 * keywords `validate()` implements are used here.
 */
const url = { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*:' } as const

const clientSchema = {
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
      items: { enum: ['authorization_code', 'refresh_token', 'client_credentials', 'password'] },
      description: 'Grants the app may use. Default: authorization_code and refresh_token.',
    },
    scopes: { type: 'array', items: { type: 'string' }, description: 'Scopes the app may request; default: any the profile knows.' },
    pkceRequired: { type: 'boolean', description: 'Require PKCE even for a confidential client (always required for public clients).' },
    jwks: { type: 'object', description: 'Public JWK Set for private_key_jwt client authentication.' },
    idTokenSigningAlg: { enum: ['RS256', 'HS256'], description: 'Authing apps may sign id_tokens with HS256 (the client secret).' },
  },
} as const

const userSchema = {
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

const codeSchema = {
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

const tenantSchema = {
  type: 'object',
  description: 'One vendor app / environment / organization, mounted at basePath.',
  required: ['id', 'vendor', 'basePath', 'clients', 'users'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', description: 'Tenant id (lowercase, digits, dashes).' },
    vendor: { type: 'string', description: 'A profile name from fixtures/profiles (genauth, authing, pingone, asgardeo) or profilesDir.' },
    basePath: { type: 'string', pattern: '^(/[A-Za-z0-9._~-]+)*$', description: 'Path prefix, e.g. "/authing/demo"; "" mounts at the root.' },
    port: { type: 'integer', minimum: 0, maximum: 65535, description: 'Also serve this tenant on its own port.' },
    envId: { type: 'string', description: 'PingOne environment id (UUID).' },
    orgId: { type: 'string', description: 'PingOne organization UUID or Asgardeo org_id claim.' },
    region: { type: 'string', description: 'PingOne p1.region claim (NA, EU, CA, AP).' },
    org: { type: 'string', description: 'Asgardeo organization name.' },
    autoLogin: { type: 'string', description: 'Sign this user in at once (by sub, username or email) when the authorize request has no login_hint.' },
    clients: { type: 'array', items: clientSchema },
    users: { type: 'array', items: userSchema },
    codes: { type: 'array', items: codeSchema },
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
    host: { type: 'string', description: 'Listen address. Default 127.0.0.1.' },
    clock: {
      type: 'string',
      pattern: '^(system|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))$',
      description: '"system", or an ISO instant such as "2026-01-01T00:00:00Z" to freeze time there.',
    },
    publicUrl: { ...url, description: 'Origin browsers use: the issuer, authorization and logout URLs (env MOCKIDP_PUBLIC_URL). Default: each request\'s Host.' },
    backchannelUrl: { ...url, description: 'Origin servers use for token, userinfo, JWKS, introspection and revocation URLs in discovery (env MOCKIDP_BACKCHANNEL_URL). Default: each request\'s Host.' },
    profilesDir: { type: 'string', description: 'Extra directory of vendor profiles, relative to the config file.' },
    tenants: { type: 'array', items: tenantSchema, minItems: 1 },
  },
} as const
