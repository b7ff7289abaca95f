import { getRequestListener } from '@hono/node-server'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Idp } from '../runtime/idp.js'
import { buildRouting, pick, type GroupKey } from './routing.js'
import type { RequestLogger } from '../log/request-log.js'

/** A running listener set: the main port plus any tenant with its own port. */
export interface Listening {
  /** Base URL of the main listener, e.g. `http://127.0.0.1:9000`. */
  url: string
  port: number
  host: string
  /** Base URL per tenant id (its own port's URL, or the main URL). */
  tenantUrls: Map<string, string>
  /** Rebuild the apps from `idp.tenants` (hot reload): ports stay; a new tenant port is opened, a vanished one closed. */
  update(): Promise<void>
  close(): Promise<void>
}

/** Header on every response marking it as a mock's. */
export const MOCK_HEADER = 'x-mockidp'
export const MOCK_HEADER_VALUE = 'mock identity provider; not for production'

const urlHost = (host: string): string => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host)

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(err.code === 'EADDRINUSE' ? Object.assign(new Error(`port ${port} on ${host} is already in use; pick another with --port (or PORT), or 0 for a free one`), { code: 'EADDRINUSE' }) : err)
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

/** Start listening: one Hono app per port (tenants with their own `port` get their own listener). */
export async function serve(idp: Idp, opts: { port: number; host: string; log?: RequestLogger | undefined }): Promise<Listening> {
  type Listener = ReturnType<typeof getRequestListener>
  /** Listeners by own port (`undefined`: the main one); their actual port numbers. */
  const servers = new Map<number | undefined, Server>()
  const actual = new Map<number | undefined, number>()
  const tenantUrls = new Map<string, string>()
  const origin = (key: number | undefined) => `http://${urlHost(opts.host)}:${actual.get(key) ?? key ?? opts.port}`

  // The apps are rebuilt from idp.tenants on a hot reload; the listening sockets stay.
  const route = () => {
    const r = buildRouting(idp, (key) => origin(key).slice('http://'.length), opts.log)
    const listener = (app: { fetch: Parameters<typeof getRequestListener>[0] }): Listener => getRequestListener(app.fetch)
    const hosts = new Map<string, Listener>()
    const byApp = new Map<unknown, Listener>() // a host tenant's names share one app
    for (const [h, app] of r.hosts) hosts.set(h, byApp.get(app) ?? byApp.set(app, listener(app)).get(app)!)
    const apps = new Map<GroupKey, Listener>()
    for (const [key, app] of r.apps) apps.set(key, listener(app))
    return { groups: r.groups, hosts, apps }
  }
  let routing = route()

  const start = async (key: number | undefined) => {
    const server = createServer((req, res) => {
      // Every response says it comes from a mock (set here, it costs Hono nothing per request).
      res.setHeader(MOCK_HEADER, MOCK_HEADER_VALUE)
      void pick(routing, req.headers.host, key)(req, res)
    })
    server.keepAliveTimeout = 5000
    servers.set(key, server)
    actual.set(key, await listen(server, key ?? opts.port, opts.host))
  }
  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve())
      s.closeIdleConnections?.()
    })
  const setUrls = () => {
    tenantUrls.clear()
    for (const [key, tenants] of routing.groups) for (const t of tenants) tenantUrls.set(t.id, origin(key))
  }

  try {
    for (const key of routing.groups.keys()) await start(key)
  } catch (err) {
    await Promise.all([...servers.values()].map(closeServer))
    throw err
  }
  routing = route() // now with the actual ports as fallback hosts
  setUrls()
  return {
    url: origin(undefined),
    port: actual.get(undefined)!,
    host: opts.host,
    tenantUrls,
    async update() {
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
      return Promise.all([...servers.values()].map(closeServer)).then(() => undefined)
    },
  }
}
