import { resolve } from 'node:path'
import type { ClientConfig, UserConfig } from './config/types.js'
import { reloadIdp } from './runtime/reload.js'
import { attachStore, closeStore } from './runtime/idp.js'
import { serve } from './server/serve.js'
import { controls, openIdp, watchIf, withControls } from './in-process.js'
import { tlsSource } from './server/tls-source.js'
import { ConfigError } from './config/errors.js'
import { checkStartOptions } from './config/start-options.js'
import { productionRefusal } from './config/production.js'
import type { ControllableClock } from './lib/clock.js'
import type { JournalEntry, JournalFilter } from './journal/journal.js'
import type { Fault, FaultConfig } from './faults/faults.js'
import type { ConfigPatch } from './runtime/reload.js'
import type { RemoteTenant } from './admin/client.js'
import type { CreateCodeOptions, IssueTokensOptions, TenantInfo, TokenResponse } from './admin/control.js'
import type { ClockChange, ClockState } from './admin/clock.js'
import type { EndSessionsOptions, EndSessionsResult, NextSignInResult, RevokeTokensOptions, RevokeTokensResult, RotateKeysOptions } from './admin/lifecycle.js'
import type { RotationResult } from './keys/rotation.js'
import type { NextSignInOptions } from './runtime/next-sign-in.js'
import { requestLogFor, type RequestLogOptions } from './log/request-log.js'

export type { MockIdpConfig, TenantConfig, ClientConfig, UserConfig, CodeConfig, AdminConfig, ShutdownConfig } from './config/types.js'
export type { Profile, ServerSpec, GrantType, ClientAuthMethod, EndpointName } from './profiles/types.js'
export type { ConfigPatch, TenantPatch } from './runtime/reload.js'
export type { JournalEntry, JournalFilter } from './journal/journal.js'
export type { Fault, FaultConfig, FaultKind } from './faults/faults.js'
export type { ServerInfo, TenantInfo, IssueTokensOptions, CreateCodeOptions, TokenResponse } from './admin/control.js'
export type { RemoteMockIdp, RemoteTenant, ConnectOptions } from './admin/client.js'
export type { ClockChange, ClockState } from './admin/clock.js'
export type { RotateKeysOptions, EndSessionsOptions, EndSessionsResult, RevokeTokensOptions, RevokeTokensResult, NextSignInResult } from './admin/lifecycle.js'
export type { RotationResult } from './keys/rotation.js'
export type { LogoutDelivery, LogoutReason } from './oauth/backchannel-logout.js'
export type { NextSignInOptions } from './runtime/next-sign-in.js'
export type { RequestLogOptions, LogFormat } from './log/request-log.js'
export { ConfigError } from './config/errors.js'
export { InputError } from './lib/input-error.js'
export { OAuthError } from './oauth/errors.js'
export { configSchema } from './config/schema.js'
export { mergeConfig } from './runtime/reload.js'
export { describeTenant, NotFound } from './admin/control.js'
export { connectMockIdp } from './admin/client.js'
export { createMockIdp, type CreateOptions, type InProcessMockIdp } from './in-process.js'

/** Options of {@link startMockIdp}. */
export interface StartOptions {
  /**
   * A config, merged over `configFile` or else the built-in default (see {@link mergeConfig}): a
   * tenant with a known `id` merges over that tenant, a new `id` adds one. Pass `merge: false` to
   * use it as the whole config instead.
   */
  config?: ConfigPatch
  /** Path of a config file; default: `$MOCKIDP_CONFIG`, `./mockidp.config.json`, then the built-in default (with `config`: the built-in default). */
  configFile?: string
  /** Use `config` as it is instead of merging it over the defaults. Default `true`. */
  merge?: boolean
  /** Listen port; `0` (the default here) picks a free one. */
  port?: number
  /** Listen address; default `127.0.0.1`. */
  host?: string
  /** Environment for overrides; default `process.env`. */
  env?: Record<string, string | undefined>
  /** Reload when `configFile` changes (debounced; an invalid edit keeps the running config). Default `false`. */
  watch?: boolean
  /** Hears each hot reload: `undefined` (and what was dropped) when it took, else why not. Default: failures go to `console.error`. */
  onReload?: (error: Error | undefined, dropped?: string[]) => void
  /**
   * Keep codes, tokens, sessions and run-time fixtures in this file over restarts (like the CLI's
   * `--state`; default: the config's `state.file`, else off). Written on change and on `stop()`.
   */
  stateFile?: string
  /**
   * Keep codes, tokens, sessions and revocations in the Redis at this URL (`redis://host:6379/0`),
   * shared with every other mock given the same URL and `seed` (like the CLI's `--store`; default:
   * `MOCKIDP_STORE`, the config's `store.redis`, else this process's memory). Needs the `redis` package.
   */
  store?: string
  /**
   * Print one line per request (method, path, status, OAuth error and, for a failure, why in plain
   * words with the fix), secrets redacted as in the journal. Off by default here (the CLI has it on):
   * `true` for the CLI's coloured lines on stdout, `'json'` for one JSON object per line, or options
   * such as `{ write: (line) => … }`.
   */
  log?: boolean | 'pretty' | 'json' | RequestLogOptions
  /**
   * Serve HTTPS on `port` with a certificate from the local development CA in `tlsDir` (created on
   * first use, then reused); also `MOCKIDP_HTTPS` and the config's `tls`. Trust `caFile`.
   */
  https?: boolean
  /** With `https`: also serve plain HTTP on this port (`0`: a free one; see `httpUrl`). */
  httpPort?: number
  /** The CA directory (`ca.pem`, `ca-key.pem`); default: `$XDG_DATA_HOME/mockidp` or `~/.local/share/mockidp`. */
  tlsDir?: string
  /** Start even when `NODE_ENV` is `production` (as `--allow-in-production` / `MOCKIDP_ALLOW_PRODUCTION=1`). Default `false`. */
  allowInProduction?: boolean
}

/** One tenant of a running mock: its URLs, and fixtures and tokens on demand. */
export interface TenantHandle extends TenantInfo {
  /**
   * The tenant's URLs, as {@link RemoteTenant.info} gives them over HTTP: code written for
   * `connectMockIdp(url).tenant(id)` (which has no URL properties) runs unchanged in process.
   */
  info(): Promise<TenantInfo>
  /**
   * Mint tokens without a browser: exactly what the token endpoint would answer (formats, keys,
   * claims, field order), with per-call `claims`, `sub`, `expiresIn` or `expired` overrides.
   *
   * @example
   * const { access_token } = await idp.tenant('authing-demo').issueTokens({ user: 'alice', claims: { role: 'admin' } })
   */
  issueTokens(opts?: IssueTokensOptions): Promise<TokenResponse>
  /** Store an authorization code redeemable at the token endpoint; returns the code. */
  createCode(opts: CreateCodeOptions): string
  /** Add a user, or replace the one with the same `sub`; returns true when it replaced one. */
  upsertUser(user: UserConfig): boolean
  /** Remove a user by sub, username or email; returns whether there was one. */
  removeUser(hint: string): boolean
  /** Add a client, or replace the one with the same `clientId`; returns true when it replaced one. */
  upsertClient(client: ClientConfig): boolean
  removeClient(clientId: string): boolean
  /**
   * Sign new tokens with a new key (derived from the seed and the rotation count, in the vendor's
   * kid style); the old key stays in JWKS for `graceSeconds` by the mock's clock (0: replaced at once).
   *
   * @example
   * const { kid, retained } = idp.tenant('asgardeo-demo').rotateKeys({ graceSeconds: 300 })
   */
  rotateKeys(opts?: RotateKeysOptions): RotationResult
  /** End the tenant's sessions (one user's, or all), sending back-channel logouts; resolves when every app answered. */
  endSessions(opts?: EndSessionsOptions): Promise<EndSessionsResult>
  /** Revoke a user's or client's refresh tokens and opaque access tokens (all of the tenant's without options). */
  revokeTokens(opts?: RevokeTokensOptions): Promise<RevokeTokensResult>
  /**
   * Sign `user` in on the next matching authorization request, without the login page.
   *
   * @example
   * idp.tenant('authing-demo').nextSignIn({ user: 'alice', amr: ['pwd', 'mfa'] })
   */
  nextSignIn(opts: NextSignInOptions): NextSignInResult
}

/** The programmatic API, the same in-process ({@link createMockIdp}) and over a socket ({@link startMockIdp}). */
export interface MockIdpControls {
  /** A tenant by id: its URLs and methods; throws for an unknown id. */
  tenant(id: string): TenantHandle
  /** Ids of all tenants. */
  readonly tenantIds: string[]
  /** The clock (frozen or system); tests may `set` or `advance` it. */
  readonly clock: ControllableClock
  /** The clock's reading, as `GET /_mockidp/clock` answers. */
  getClock(): ClockState
  /**
   * Change the clock (`{ advance: "1h" }`, `{ set: ISO }`, `{ freeze: true }`, `{ system: true }`), as
   * `POST /_mockidp/clock` does; sessions that expire by it end with their back-channel logouts.
   */
  setClock(change: ClockChange): Promise<ClockState>
  /** Requests received, oldest first, decoded and with every secret redacted. */
  journal(filter?: JournalFilter): JournalEntry[]
  clearJournal(): void
  /** Answer the next matching requests with a fault (an OAuth error, a 5xx, a delay, a bad body, a dropped connection). */
  injectFault(fault: FaultConfig): Fault
  /** Active faults. */
  faults(): Fault[]
  /** Remove one fault by id, or all; returns how many were removed. */
  clearFaults(id?: string): number
  /**
   * Restore the loaded config: fixtures as configured, every issued code, token and session
   * forgotten, the journal emptied, and only the config's faults active. The clock is not touched.
   */
  reset(): void
  /**
   * Re-read the config now (as the watcher does on change). Live codes, tokens, sessions and
   * run-time fixtures are kept; resolves with one line per kind of item the new config dropped
   * (a removed client, user or tenant). Rejects, keeping the running config whole, when the new
   * one is invalid or cannot be served.
   */
  reload(): Promise<string[]>
}

/** A running mockidp. */
export interface MockIdp extends MockIdpControls {
  /** Base URL, e.g. `http://127.0.0.1:53211` (`https://…` with `https`). */
  url: string
  port: number
  /** With `https` and `httpPort`: the plain-HTTP listener's base URL. */
  httpUrl?: string
  /** With `https`: the CA certificate clients must trust (`NODE_EXTRA_CA_CERTS`, an agent's `ca`). */
  caFile?: string
  /** Stop listening (and watching). */
  stop(): Promise<void>
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
  checkStartOptions(opts)
  const refusal = productionRefusal(opts.env ?? process.env, opts.allowInProduction, 'allowInProduction: true (or set MOCKIDP_ALLOW_PRODUCTION=1)')
  if (refusal) throw new ConfigError(`startMockIdp: ${refusal}`)
  const { idp, source } = openIdp(opts)
  const statePath = opts.stateFile ? resolve(opts.stateFile) : idp.config.stateFile
  if (statePath && idp.config.redisStore)
    throw new ConfigError('startMockIdp: state.file and store.redis (here stateFile and the Redis store): a state file keeps one process\'s state, while with a Redis store the state already lives in Redis — remove stateFile, or the store')
  await attachStore(idp)
  // journal, faults, fixtures, clock, keys and reloads shared with the other replicas (loaded only with a Redis store)
  if (idp.redis) await (await import('./runtime/shared-state.js')).shareState(idp)
  // loaded only when asked for: most runs (tests) want a clean start
  const state = statePath ? (await import('./state/state-file.js')).openStateFile(idp, statePath) : undefined
  for (const line of state?.report ?? []) console.log(`mockidp: ${line}`)
  const config = idp.config
  let caFile: string | undefined
  const tls = config.https ? { tls: tlsSource(idp, config.https.dir, config.host, (m) => (caFile = m.caFile)), ...(config.https.httpPort !== undefined ? { httpPort: config.https.httpPort } : {}) } : {}
  // a failed start (a busy port) closes the Redis connection opened above: it must not outlive it
  const listening = await serve(idp, { port: config.port, host: config.host, log: requestLogFor(opts.log), ...tls }).catch(async (err: unknown) => {
    state?.close()
    await closeStore(idp)
    throw err
  })
  idp.reload = () => reloadIdp(idp, source, () => listening.update())
  // through idp.reload: with a Redis store it also tells the other replicas
  const reload = () => idp.reload!()
  const watcher = watchIf(opts, source, reload)

  const originOf = (id: string): string => {
    const t = idp.tenant(id)
    if (t && !t.servers.length && t.config.hosts?.length) return `${config.https ? 'https' : 'http'}://${t.config.hosts[0]}:${listening.port}`
    return idp.config.publicUrl ?? listening.tenantUrls.get(id) ?? listening.url
  }
  return withControls(controls(idp, originOf, reload), {
    url: listening.url,
    port: listening.port,
    ...(listening.httpUrl ? { httpUrl: listening.httpUrl } : {}),
    ...(caFile ? { caFile } : {}),
    async stop() {
      watcher?.close()
      await listening.close()
      state?.close()
      await closeStore(idp)
    },
  })
}
