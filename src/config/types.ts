import type { ClientAuthMethod, GrantType, PkceMethod } from '../profiles/types.js'
import type { FaultConfig } from '../faults/faults.js'

/** An application registered with a tenant. */
export interface ClientConfig {
  clientId: string
  /** Omit for a public client; PKCE is then required. */
  clientSecret?: string
  name?: string
  redirectUris: string[]
  postLogoutRedirectUris?: string[]
  /** Pin one client-auth method; default: any secret method (confidential) or `none` (public). */
  tokenEndpointAuthMethod?: ClientAuthMethod
  /** Default `['authorization_code', 'refresh_token']`. */
  grantTypes?: GrantType[]
  scopes?: string[]
  pkceRequired?: boolean
  jwks?: { keys: Record<string, unknown>[] }
  idTokenSigningAlg?: 'RS256' | 'HS256'
  /** Lifetime in seconds of this app's access tokens; default: the vendor's. */
  accessTokenTtl?: number
  /** Asgardeo's per-app "Access token type": `jwt` issues the profile's `jwtAccessToken`. Default: the profile's own format. */
  accessTokenFormat?: 'jwt' | 'opaque'
  /** The client may end sessions by ID token alone at the `idTokenLogout` endpoint (PingOne `idpSignoff`); default false. */
  idTokenLogout?: boolean
  /** The client must push its authorization requests (RFC 9126 §6; PingOne `par_requirement: REQUIRED`). */
  parRequired?: boolean
  /** OIDC Back-Channel Logout 1.0: where the logout_token is POSTed when a session of this client ends. */
  backchannelLogoutUri?: string
  backchannelLogoutSessionRequired?: boolean
  /** OIDC Front-Channel Logout 1.0: loaded in an iframe of the end-session page. */
  frontchannelLogoutUri?: string
  /** Add `iss` and `sid` to the front-channel URL (default false). */
  frontchannelLogoutSessionRequired?: boolean
}

/** Most live items each tenant holds at once; reaching one refuses new issuance. Default 100000 each. */
export interface LimitsConfig {
  codes?: number
  refreshTokens?: number
  accessTokens?: number
  sessions?: number
  revocations?: number
}

/** A user; every member besides `sub`, `username` and `password` is a claim. */
export interface UserConfig {
  sub: string
  username: string
  password?: string
  [claim: string]: unknown
}

/** A pre-issued authorization code. */
export interface CodeConfig {
  code: string
  clientId: string
  redirectUri: string
  /** sub, username or email of a user of the tenant. */
  user: string
  scope?: string
  nonce?: string
  codeChallenge?: string
  codeChallengeMethod?: PkceMethod
  server?: string
  ttl?: number
}

/** Cross-origin access to the endpoints a browser app calls with fetch. */
export interface CorsConfig {
  /** Allowed origins (`scheme://host[:port]`), or `"*"` for any; default: the origins of the clients' redirect URIs. */
  origins?: string[]
}

/** One vendor app / environment / organization. */
export interface TenantConfig {
  id: string
  vendor: string
  /** Path prefix; omit for a tenant reached only by host name. */
  basePath?: string
  /** Host names (e.g. `authing-demo.localhost`) that reach this tenant at the root. */
  hosts?: string[]
  port?: number
  /** Authing/GenAuth app subdomain: the tenant is also at `https://<appDomain>.authing.cn` (or `.genauth.ai`). */
  appDomain?: string
  envId?: string
  orgId?: string
  region?: string
  org?: string
  autoLogin?: string
  cors?: CorsConfig
  clients: ClientConfig[]
  users: UserConfig[]
  codes?: CodeConfig[]
  /** Sub-organizations users may switch to (the `organization_switch` grant, `GET …/me/organizations`). */
  organizations?: OrganizationConfig[]
}

/** A sub-organization of a tenant and who belongs to it. */
export interface OrganizationConfig {
  /** Its id (the `switching_organization` value), e.g. a UUID. */
  id: string
  name: string
  /** Its handle (default: `name` lowercased, spaces as dashes). */
  handle?: string
  /** Its members, by sub, username or email; default: every user of the tenant. */
  members?: string[]
}

/** Who may use the admin API (`/_mockidp/*`): by default, programs on this machine only. */
export interface AdminConfig {
  /** Serve the admin API. Default `true`. */
  enabled?: boolean
  /** More `Host` names the admin API answers (besides IP literals, `localhost`, `*.localhost`, the configured URLs and hosts); `"*"`: any. */
  allowedHosts?: string[]
  /** Web origins whose pages may call the admin API (CORS); `"*"`: any. Default: none but its own. */
  allowedOrigins?: string[]
  /** Require `Authorization: Bearer <token>` (also `MOCKIDP_ADMIN_TOKEN`). */
  token?: string
}

/** Stopping: how long requests in flight may take to finish. */
export interface ShutdownConfig {
  /** Milliseconds in-flight requests get to finish on stop (SIGTERM) before their connections are cut. Default 8000. */
  graceMs?: number
}

/** The contents of `mockidp.config.json`. */
export interface MockIdpConfig {
  $schema?: string
  /** Seed for every derived code, token and jti. Default `"mockidp"`. */
  seed?: string
  /** Default 9000; 0 picks a free port. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** `"system"` (default) or an ISO instant to freeze time. */
  clock?: string
  /** Browser-facing origin: issuer, authorization and logout URLs; default: each request's Host. */
  publicUrl?: string
  /** Back-channel origin for token, userinfo, JWKS … URLs in discovery; default: each request's Host. */
  backchannelUrl?: string
  profilesDir?: string
  tenants: TenantConfig[]
  /** The admin HTTP API under `/_mockidp/`; default enabled, for this machine only (see {@link AdminConfig}). */
  admin?: AdminConfig
  /** The request journal; default enabled, 1000 requests. */
  journal?: { enabled?: boolean; size?: number }
  /** Faults active from the start (and again after a reset). */
  faults?: FaultConfig[]
  /** Per-tenant limits of live items (codes, tokens, sessions). */
  limits?: LimitsConfig
  /** Keep state over a restart: `file` relative to the config file. Off by default. */
  state?: { file?: string }
  /** Where issued state lives: this process's memory (default), or a Redis shared by replicas. */
  store?: StoreConfig
  /** Stopping gracefully. */
  shutdown?: ShutdownConfig
  /** HTTPS with a local development CA (also `--https`, `MOCKIDP_HTTPS`). */
  tls?: TlsConfig
}

/** `store`: a Redis that several replicas share (README: "Several replicas"). */
export interface StoreConfig {
  /** `redis://host:6379/0` (or `rediss://`); also `--store`, `MOCKIDP_STORE`. */
  redis?: string
  /** Prefix of every key; default `mockidp:`. */
  prefix?: string
}

/** The store as resolved from the config, `--store` and `MOCKIDP_STORE`. */
export interface ResolvedStore {
  redis: string
  prefix: string
}

/** HTTPS settings (see the README, "HTTPS and production URLs"). */
export interface TlsConfig {
  /** Serve HTTPS on `port`. Default: true when `tls` is given. */
  enabled?: boolean
  /** Directory of the CA (`ca.pem`, `ca-key.pem`) and cached leaf certificates; default: a per-user data directory. */
  dir?: string
  /** Also serve plain HTTP on this port. */
  httpPort?: number
}

/** A validated config with defaults applied. */
export interface ResolvedConfig extends MockIdpConfig {
  seed: string
  port: number
  host: string
  clock: string
  /** Where the config came from (for messages and hot reload). */
  source: string
  /** Profile directories, built-in first. */
  profileDirs: string[]
  /** Absolute path of the state file, when state is kept over restarts. */
  stateFile?: string
  /** Set when state lives in Redis (`store.redis`, `--store`, `MOCKIDP_STORE`). */
  redisStore?: ResolvedStore
  /** Set when HTTPS is on: the CA directory and the extra plain-HTTP port. */
  https?: ResolvedTls
}

/** HTTPS as resolved from `tls`, `--https`/`--tls-dir`/`--http-port` and the environment. */
export interface ResolvedTls {
  dir: string
  httpPort?: number
}
