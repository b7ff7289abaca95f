import { ConfigError } from './config/errors.js'
import { createIdp, type Idp } from './runtime/idp.js'
import { configSource, reloadIdp, watchAndReload, type ConfigSource, type ConfigWatch } from './runtime/reload.js'
import { buildRouting, pick, type Routing } from './server/routing.js'
import { MOCK_HEADER, MOCK_HEADER_VALUE } from './server/serve.js'
import {
  createCode,
  describeTenant,
  injectFault,
  journalEntries,
  mintTokens,
  removeClient,
  removeUser,
  upsertClient,
  upsertUser,
} from './admin/control.js'
import { changeClock, clockState } from './admin/clock.js'
import { endTenantSessions, nextSignIn, revokeTokens, rotateKeys } from './admin/lifecycle.js'
import type { MockIdpControls, StartOptions } from './index.js'
import { requestLogFor } from './log/request-log.js'

/** Options of {@link createMockIdp}: those of `startMockIdp` without a socket's, plus where it is mounted. */
export interface CreateOptions extends Omit<StartOptions, 'port' | 'host' | 'stateFile' | 'store'> {
  /**
   * Path prefix the host app serves mockidp under, e.g. `/idp`: it is put before every tenant's
   * `basePath`, so `/authing/demo/oidc` is served (and issued) as `/idp/authing/demo/oidc`. Default `''`.
   */
  mount?: string
  /**
   * Origin used for the URLs `tenant(id)` describes, e.g. the dev server's `http://localhost:5173`.
   * Requests themselves are always answered for the origin they were addressed to. Default
   * `http://localhost`.
   */
  origin?: string
  /** Serve only these tenants (by id) of the config; default all. An unknown id is a config error. */
  tenants?: string[]
}

/** A mockidp without a socket: a web-standard `fetch` handler plus the programmatic API. */
export interface InProcessMockIdp extends MockIdpControls {
  /**
   * Answer a request the way the server would, byte for byte, for the origin it is addressed to
   * (`https://demo.authing.cn/oidc/token` is answered as that host): tenants reached by host name
   * are chosen by the URL's host, the others by path. Rejects only where `new Request()` throws
   * (an invalid URL); a dropped-connection fault answers `Response.error()`.
   */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>
  /** Whether a request to `url` reaches this mock's host-mounted tenants (its other tenants answer on any origin); `false` for a malformed URL. */
  servesHost(url: string | URL): boolean
  /** Host names of tenants reached by host (`hosts` in the config, and each tenant's production host such as `demo.authing.cn`), lowercased. */
  readonly hosts: string[]
  /** The path prefix every path-mounted tenant is served under (the `mount` option), `''` by default. */
  readonly mount: string
  /** Path prefixes (mount + tenant root) of the path-mounted tenants, e.g. `/authing/demo`. */
  readonly tenantPaths: string[]
  /** Origin the URLs of `tenant(id)` are described for (the `origin` option); settable, e.g. once a dev server listens. */
  origin: string
  /** Stop watching the config file; the engine still answers. */
  stop(): Promise<void>
}

/** Check a `mount` path: `''` or `/a/b`, no trailing slash. */
function checkMount(mount: string): string {
  if (mount !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(mount)) throw new ConfigError(`mount: "${mount}" is not a path prefix; use "" or one like "/idp" (leading slash, no trailing slash)`)
  return mount
}

/** A config source keeping only the tenants `only` names, with their basePaths put under `mount`. */
function narrowed(source: ConfigSource, mount: string, only: string[] | undefined): ConfigSource {
  if (!mount && !only) return source
  return {
    file: source.file,
    load() {
      const loaded = source.load()
      let tenants = loaded.config.tenants
      if (only) {
        const known = tenants.map((t) => t.id)
        const unknown = only.filter((id) => !known.includes(id))
        if (unknown.length) throw new ConfigError(`tenants: ${unknown.map((id) => `"${id}"`).join(', ')} not in ${loaded.config.source} (its tenants: ${known.join(', ')})`)
        tenants = tenants.filter((t) => only.includes(t.id))
      }
      loaded.config.tenants = tenants.map((t) => (t.basePath === undefined || !mount ? t : { ...t, basePath: mount + t.basePath }))
      return loaded
    },
  }
}

/** Load the config and build the engine; shared by {@link createMockIdp} and `startMockIdp`. */
export function openIdp(opts: StartOptions & { mount?: string | undefined; tenants?: string[] | undefined }): { idp: Idp; source: ConfigSource } {
  const source = narrowed(
    configSource({ config: opts.config, configFile: opts.configFile, merge: opts.merge, env: opts.env ?? process.env, port: opts.port ?? 0, host: opts.host, https: opts.https, httpPort: opts.httpPort, tlsDir: opts.tlsDir, store: opts.store }),
    checkMount(opts.mount ?? ''),
    opts.tenants,
  )
  const { config, profiles } = source.load()
  return { idp: createIdp(config, profiles), source }
}

/** Watch the config file when asked to; failures go to `onReload` or `console.error`. */
export function watchIf(opts: Pick<StartOptions, 'watch' | 'onReload'>, source: ConfigSource, reload: () => Promise<string[]>): ConfigWatch | undefined {
  if (!opts.watch || !source.file) return undefined
  const report = opts.onReload ?? ((err: Error | undefined) => err && console.error(`mockidp: kept the running config; ${err.message}`))
  return watchAndReload(source.file, reload, report)
}

/** The programmatic API over an engine; `originOf(id)` is the origin a tenant's URLs are described for. */
export function controls(idp: Idp, originOf: (id: string) => string, reload: () => Promise<string[]>): MockIdpControls {
  return {
    get tenantIds() {
      return idp.tenants.map((t) => t.id)
    },
    get clock() {
      return idp.clock
    },
    tenant(id) {
      const origin = originOf(id)
      return {
        ...describeTenant(idp, id, origin),
        info: async () => describeTenant(idp, id, originOf(id)),
        issueTokens: async (o = {}) => mintTokens(idp, id, o, origin),
        createCode: (o) => createCode(idp, id, o),
        upsertUser: (u) => upsertUser(idp, id, u),
        removeUser: (hint) => removeUser(idp, id, hint),
        upsertClient: (c) => upsertClient(idp, id, c),
        removeClient: (clientId) => removeClient(idp, id, clientId),
        rotateKeys: (o) => rotateKeys(idp, id, o),
        endSessions: (o) => endTenantSessions(idp, id, o),
        revokeTokens: (o) => revokeTokens(idp, id, o),
        nextSignIn: (o) => nextSignIn(idp, id, o),
      }
    },
    getClock: () => clockState(idp),
    setClock: (change) => changeClock(idp, change),
    journal: (filter) => journalEntries(idp, filter),
    clearJournal: () => idp.journal.clear(),
    injectFault: (fault) => injectFault(idp, fault),
    faults: () => idp.faults.all(),
    clearFaults: (id) => idp.faults.remove(id),
    reset: () => idp.reset(),
    reload,
  }
}

/** `extra`'s members added to `controls`, getters kept live (a spread would read them once). */
export function withControls<T extends object>(base: MockIdpControls, extra: T): MockIdpControls & NoInfer<T> {
  return Object.defineProperties(base, Object.getOwnPropertyDescriptors(extra)) as MockIdpControls & T
}

/**
 * `req` addressed to `url`, with the Host header that URL implies (the Host the server would see);
 * method, headers and body kept.
 */
export function readdress(req: Request, url: URL): Request {
  const headers = new Headers(req.headers)
  headers.set('host', url.host)
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : req.body
  return new Request(url, { method: req.method, headers, body, redirect: 'manual', signal: req.signal, ...(body ? { duplex: 'half' } : {}) } as RequestInit)
}

/** Mark a response as a mock's, as the server does on every response. */
function marked(res: Response): Response {
  if (res.type === 'error') return res
  try {
    res.headers.set(MOCK_HEADER, MOCK_HEADER_VALUE)
    return res
  } catch {
    // immutable headers (e.g. Response.redirect): copy
    const copy = new Response(res.body, res)
    copy.headers.set(MOCK_HEADER, MOCK_HEADER_VALUE)
    return copy
  }
}

/**
 * The engine without a listening socket: the same tenants, fixtures, journal, faults and hot reload
 * as `startMockIdp`, answering web-standard requests in the calling process. It is what the Vite
 * plugin, the Next.js route handler and the MSW handlers (`mockidp/vite`, `mockidp/next`,
 * `mockidp/msw`) are built on. Throws a {@link ConfigError} for a bad config.
 *
 * @example
 * const idp = createMockIdp({ config: { clock: '2026-01-01T00:00:00Z' } })
 * const res = await idp.fetch('http://localhost/authing/demo/oidc/.well-known/openid-configuration')
 * (await res.json()).issuer // 'http://localhost/authing/demo/oidc'
 */
export function createMockIdp(opts: CreateOptions = {}): InProcessMockIdp {
  const { idp, source } = openIdp(opts)
  // connecting is asynchronous, and this constructor is not
  if (idp.config.redisStore) throw new ConfigError('createMockIdp: a Redis store (store.redis or MOCKIDP_STORE) needs a connection made before serving; use `await startMockIdp({ store })` instead, or remove the store for an in-process mock')
  let fallback = new URL(opts.origin ?? 'http://localhost')
  const log = requestLogFor(opts.log) // off unless asked for, as with startMockIdp
  let routing: Routing = buildRouting(idp, () => fallback.host, log)
  const reload = () =>
    reloadIdp(idp, source, async () => {
      routing = buildRouting(idp, () => fallback.host, log)
    })
  idp.reload = reload
  const watcher = watchIf(opts, source, reload)

  const originOf = (id: string): string => {
    const t = idp.tenant(id)
    if (t && !t.servers.length && t.config.hosts?.length) return `${fallback.protocol}//${t.config.hosts[0]}`
    return idp.config.publicUrl ?? fallback.origin
  }

  return withControls(controls(idp, originOf, reload), {
    mount: opts.mount ?? '',
    get origin() {
      return fallback.origin
    },
    set origin(value: string) {
      fallback = new URL(value)
    },
    get hosts() {
      return [...routing.hosts.keys()]
    },
    get tenantPaths() {
      return idp.tenants.filter((t) => t.servers.length).map((t) => t.rootPath)
    },
    servesHost(url: string | URL) {
      if (routing.hosts.size === 0) return false
      try {
        return routing.hosts.has(new URL(url).hostname.toLowerCase())
      } catch {
        return false // not a URL: not ours
      }
    },
    async fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      const req = input instanceof Request && init === undefined ? input : new Request(input, init)
      const url = new URL(req.url)
      // the Host header the server would see; the key: a tenant on its own port, by the URL's port
      const port = url.port === '' ? undefined : Number(url.port)
      const app = pick(routing, url.host, routing.groups.has(port) ? port : undefined)
      const forwarded = req.headers.get('host') === url.host ? req : readdress(req, url)
      // the origin each request is answered for: its URL's scheme and the Host set above
      return marked(await app.fetch(forwarded))
    },
    async stop() {
      watcher?.close()
    },
  })
}
