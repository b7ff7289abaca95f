import { getRequestListener } from '@hono/node-server'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Idp } from '../runtime/idp.js'
import { buildRouting, pick, type GroupKey } from './routing.js'
import { ConfigError } from '../config/errors.js'
import type { RequestLogger } from '../log/request-log.js'

/** A running listener set: the main port plus any tenant with its own port. */
export interface Listening {
  /** Base URL of the main listener, e.g. `http://127.0.0.1:9000`. */
  url: string
  port: number
  host: string
  /** Base URL per tenant id (its own port's URL, or the main URL). */
  tenantUrls: Map<string, string>
  /** With HTTPS and an extra plain-HTTP port (`--http-port`): that listener's base URL. */
  httpUrl?: string
  /** Rebuild the apps from `idp.tenants` (hot reload): ports stay; a new tenant port is opened, a vanished one closed. */
  update(): Promise<void>
  close(): Promise<void>
}

/**
 * Key and certificate of the HTTPS listeners, asked for at start and again after each reload (new
 * host names); `ca` is the CA certificate. Passing it also spares the listener Node's default of
 * parsing its whole bundled root store into the server context (~10 ms of a cold start), which a
 * server that asks for no client certificates never uses.
 */
export type TlsSource = () => Promise<{ key: string; cert: string; ca: string }>

/** Options of {@link serve}. */
export interface ServeOptions {
  port: number
  host: string
  /** Serve HTTPS (on `port` and every tenant port) with this certificate. */
  tls?: TlsSource
  /** With `tls`: also serve plain HTTP (the main tenants) on this port. */
  httpPort?: number
  /** One line per request (the CLI's request log). */
  log?: RequestLogger | undefined
}

/** Default of `shutdown.graceMs`: long enough for any normal request (and a slow test's), short of Docker's 10 s stop timeout. */
export const SHUTDOWN_GRACE_MS = 8000

/** Header on every response marking it as a mock's. */
export const MOCK_HEADER = 'x-mockidp'
export const MOCK_HEADER_VALUE = 'mock identity provider; not for production'

const urlHost = (host: string): string => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host)

function listen(server: Server, port: number, host: string, flag = '--port (or PORT)'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      if (err.code === 'EADDRINUSE') reject(Object.assign(new Error(`port ${port} on ${host} is already in use; pick another with ${flag}, or 0 for a free one`), { code: 'EADDRINUSE' }))
      else if (err.code === 'EACCES')
        // e.g. the image's HTTPS port 443 under `docker run --network host`, where the host's privileged-port rule applies
        reject(Object.assign(new Error(`no permission to listen on port ${port} on ${host} (ports below 1024 need privileges here); pick another with ${flag}${port < 1024 ? ', e.g. 8443 — in Docker with --network host: -e PORT=8443' : ''}`), { code: 'EACCES' }))
      else if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EADDRNOTAVAIL'].includes(err.code ?? ''))
        reject(Object.assign(new ConfigError(`host: "${host}" is not an address of this machine (${err.code}); use e.g. "127.0.0.1", or "0.0.0.0" for all interfaces`), { code: err.code }))
      else reject(err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
}

/**
 * Start listening: one Hono app per port (tenants with their own `port` get their own listener),
 * and one per host name (./routing.ts), over HTTPS with `tls`.
 */
export async function serve(idp: Idp, opts: ServeOptions): Promise<Listening> {
  type Listener = ReturnType<typeof getRequestListener>
  /** Listeners by own port (`undefined`: the main one); their actual port numbers. */
  const servers = new Map<number | undefined, Server>()
  const actual = new Map<number | undefined, number>()
  const tenantUrls = new Map<string, string>()
  const scheme = opts.tls ? 'https' : 'http'
  const origin = (key: number | undefined) => `${scheme}://${urlHost(opts.host)}:${actual.get(key) ?? key ?? opts.port}`
  // node:https only when asked for: a plain start loads no TLS code (synchronously where Node can:
  // process.getBuiltinModule, Node >= 20.16, saves the start an event-loop turn)
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule
  const https = opts.tls ? ((getBuiltin?.('node:https') as typeof import('node:https') | undefined) ?? (await import('node:https'))) : undefined
  let secure = opts.tls ? await opts.tls() : undefined

  // The apps are rebuilt from idp.tenants on a hot reload; the listening sockets stay.
  const route = () => {
    const r = buildRouting(idp, (key) => origin(key).slice(scheme.length + 3), opts.log)
    const listener = (app: { fetch: Parameters<typeof getRequestListener>[0] }): Listener => getRequestListener(app.fetch)
    const hosts = new Map<string, Listener>()
    const byApp = new Map<unknown, Listener>() // a host tenant's names share one app
    for (const [h, app] of r.hosts) hosts.set(h, byApp.get(app) ?? byApp.set(app, listener(app)).get(app)!)
    const apps = new Map<GroupKey, Listener>()
    for (const [key, app] of r.apps) apps.set(key, listener(app))
    return { groups: r.groups, hosts, apps }
  }
  let routing = route()

  let closing = false
  const handler = (key: number | undefined) => (req: Parameters<Listener>[0], res: Parameters<Listener>[1]) => {
    // Every response says it comes from a mock (set here, it costs Hono nothing per request).
    res.setHeader(MOCK_HEADER, MOCK_HEADER_VALUE)
    // stopping: answer what is in flight, then let no connection linger idle
    if (closing && "shouldKeepAlive" in res) res.shouldKeepAlive = false
    res.once('finish', () => {
      if (closing) setImmediate(() => [...servers.values(), ...(plain ? [plain.server] : [])].forEach((s) => s.closeIdleConnections()))
    })
    void pick(routing, req.headers.host, key)(req, res)
  }
  const start = async (key: number | undefined) => {
    const server: Server = https && secure ? (https.createServer({ key: secure.key, cert: secure.cert, ca: secure.ca }, handler(key)) as unknown as Server) : createServer(handler(key))
    server.keepAliveTimeout = 5000
    servers.set(key, server)
    actual.set(key, await listen(server, key ?? opts.port, opts.host))
  }
  // --http-port: plain HTTP beside HTTPS, serving what the main port serves
  let plain: { server: Server; port: number } | undefined
  // Graceful: stop accepting, close idle keep-alive sockets at once, give requests in flight
  // `shutdown.graceMs` to finish, then cut whatever is left.
  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      const graceMs = idp.config.shutdown?.graceMs ?? SHUTDOWN_GRACE_MS
      const cut = setTimeout(() => s.closeAllConnections(), graceMs)
      cut.unref()
      s.close(() => {
        clearTimeout(cut)
        resolve()
      })
      s.closeIdleConnections()
    })
  const setUrls = () => {
    tenantUrls.clear()
    for (const [key, tenants] of routing.groups) for (const t of tenants) tenantUrls.set(t.id, origin(key))
  }

  try {
    for (const key of routing.groups.keys()) await start(key)
    if (secure && opts.httpPort !== undefined) {
      const server = createServer(handler(undefined))
      server.keepAliveTimeout = 5000
      plain = { server, port: await listen(server, opts.httpPort, opts.host, '--http-port (or MOCKIDP_HTTP_PORT)') }
    }
  } catch (err) {
    await Promise.all([...servers.values(), ...(plain ? [plain.server] : [])].map(closeServer))
    throw err
  }
  routing = route() // now with the actual ports as fallback hosts
  setUrls()
  return {
    url: origin(undefined),
    port: actual.get(undefined)!,
    host: opts.host,
    tenantUrls,
    ...(plain ? { httpUrl: `http://${urlHost(opts.host)}:${plain.port}` } : {}),
    async update() {
      if (opts.tls) {
        // a reload may add host names: the (cached) certificate for the new set, on every TLS listener
        secure = await opts.tls()
        for (const s of servers.values()) (s as unknown as import('node:tls').Server).setSecureContext({ key: secure.key, cert: secure.cert, ca: secure.ca })
      }
      routing = route()
      for (const key of routing.groups.keys()) if (!servers.has(key)) await start(key)
      for (const [key, s] of servers) {
        if (key === undefined || routing.groups.has(key)) continue
        servers.delete(key)
        actual.delete(key)
        await closeServer(s)
      }
      routing = route()
      setUrls()
    },
    close: () => {
      idp.journal.close() // live console streams would hold their connections open
      closing = true
      return Promise.all([...servers.values(), ...(plain ? [plain.server] : [])].map(closeServer)).then(() => undefined)
    },
  }
}
