import { loadConfig, type LoadOptions } from './config/load.js'
import type { MockIdpConfig } from './config/types.js'
import { createIdp, type Idp } from './runtime/idp.js'
import { serve } from './server/serve.js'
import type { EndpointName } from './profiles/types.js'
import type { ControllableClock } from './lib/clock.js'

export type { MockIdpConfig, TenantConfig, ClientConfig, UserConfig, CodeConfig } from './config/types.js'
export type { Profile, ServerSpec, GrantType, ClientAuthMethod, EndpointName } from './profiles/types.js'
export { ConfigError } from './config/errors.js'
export { OAuthError } from './oauth/errors.js'
export { configSchema } from './config/schema.js'

/** Options of {@link startMockIdp}. */
export interface StartOptions {
  /** A whole config object (instead of a file). */
  config?: MockIdpConfig
  /** Path of a config file; default: `$MOCKIDP_CONFIG`, `./mockidp.config.json`, then the built-in default. */
  configFile?: string
  /** Listen port; `0` (the default here) picks a free one. */
  port?: number
  /** Listen address; default `127.0.0.1`. */
  host?: string
  /** Environment for overrides; default `process.env`. */
  env?: Record<string, string | undefined>
}

/** URLs of one server (endpoint family) of a tenant. */
export interface ServerInfo {
  id: string
  issuer: string
  discoveryUrl?: string
  authorizationEndpoint?: string
  tokenEndpoint: string
  userinfoEndpoint?: string
  jwksUri?: string
  introspectionEndpoint?: string
  revocationEndpoint?: string
  endSessionEndpoint?: string
}

/** URLs of a tenant; top-level fields are its default server's. */
export interface TenantInfo extends ServerInfo {
  tenantId: string
  vendor: string
  /** Every server of the tenant, by id (Authing/GenAuth: `oidc` and `oauth`). */
  servers: Record<string, ServerInfo>
  clientIds: string[]
}

/** A running mockidp. */
export interface MockIdp {
  /** Base URL, e.g. `http://127.0.0.1:53211`. */
  url: string
  port: number
  /** URLs of a tenant by id; throws for an unknown id. */
  tenant(id: string): TenantInfo
  /** Ids of all tenants. */
  tenantIds: string[]
  /** The clock (frozen or system); tests may `set` or `advance` it. */
  clock: ControllableClock
  /** Restore the loaded config and forget every issued code and token. */
  reset(): void
  /** Stop listening. */
  stop(): Promise<void>
}

const FIELD: Partial<Record<EndpointName, keyof ServerInfo>> = {
  discovery: 'discoveryUrl',
  authorization: 'authorizationEndpoint',
  token: 'tokenEndpoint',
  userinfo: 'userinfoEndpoint',
  jwks: 'jwksUri',
  introspection: 'introspectionEndpoint',
  revocation: 'revocationEndpoint',
  endSession: 'endSessionEndpoint',
}

/** Describe a tenant's URLs as seen from `origin`. */
export function describeTenant(idp: Idp, id: string, origin: string): TenantInfo {
  const t = idp.tenant(id)
  if (!t) throw new Error(`mockidp: no tenant "${id}" (tenants: ${idp.tenants.map((x) => x.id).join(', ')})`)
  const servers: Record<string, ServerInfo> = {}
  for (const s of t.servers) {
    const u = s.urls(origin)
    const info: Record<string, string> = { id: s.id, issuer: u.issuer }
    for (const [k, v] of Object.entries(u.url)) {
      const f = FIELD[k as EndpointName]
      if (f && v) info[f] = v
    }
    servers[s.id] = info as unknown as ServerInfo
  }
  return { ...servers[t.defaultServer.id]!, tenantId: t.id, vendor: t.profile.name, servers, clientIds: [...t.clients.keys()] }
}

/**
 * Start a mock IdP, by default on a free port with the built-in tenants (GenAuth, Authing, PingOne,
 * Asgardeo). Resolves once it is listening.
 *
 * @example
 * const idp = await startMockIdp()
 * const { tokenEndpoint } = idp.tenant('authing-demo')
 * await idp.stop()
 */
export async function startMockIdp(opts: StartOptions = {}): Promise<MockIdp> {
  const load: LoadOptions = { env: opts.env ?? process.env, port: opts.port ?? 0 }
  if (opts.config) load.config = opts.config
  if (opts.configFile) load.file = opts.configFile
  if (opts.host) load.host = opts.host
  const { config, profiles } = loadConfig(load)
  const idp = createIdp(config, profiles)
  const listening = await serve(idp, { port: config.port, host: config.host })
  return {
    url: listening.url,
    port: listening.port,
    tenantIds: idp.tenants.map((t) => t.id),
    tenant: (id) => describeTenant(idp, id, config.publicUrl ?? listening.tenantUrls.get(id) ?? listening.url),
    clock: idp.clock,
    reset: () => idp.reset(),
    stop: () => listening.close(),
  }
}
