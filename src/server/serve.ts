import { getRequestListener } from '@hono/node-server'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import type { Idp } from '../runtime/idp.js'
import { buildApp } from './app.js'

/** A running listener set: the main port plus any tenant with its own port. */
export interface Listening {
  /** Base URL of the main listener, e.g. `http://127.0.0.1:9000`. */
  url: string
  port: number
  host: string
  /** Base URL per tenant id (its own port's URL, or the main URL). */
  tenantUrls: Map<string, string>
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
export async function serve(idp: Idp, opts: { port: number; host: string }): Promise<Listening> {
  const groups = new Map<number | undefined, typeof idp.tenants>()
  for (const t of idp.tenants) {
    const key = t.config.port
    groups.set(key, [...(groups.get(key) ?? []), t])
  }
  if (!groups.has(undefined)) groups.set(undefined, [])
  const servers: Server[] = []
  const tenantUrls = new Map<string, string>()
  let mainPort = 0
  try {
    for (const [port, tenants] of groups) {
      const wanted = port ?? opts.port
      const holder: { port: number } = { port: wanted }
      const app = buildApp(idp, tenants, `${urlHost(opts.host)}:${wanted}`)
      const listener = getRequestListener(app.fetch)
      const server = createServer((req, res) => {
        // Every response says it comes from a mock (set here, it costs Hono nothing per request).
        res.setHeader(MOCK_HEADER, MOCK_HEADER_VALUE)
        void listener(req, res)
      })
      server.keepAliveTimeout = 5000
      servers.push(server)
      holder.port = await listen(server, wanted, opts.host)
      if (port === undefined) mainPort = holder.port
      for (const t of tenants) tenantUrls.set(t.id, `http://${urlHost(opts.host)}:${holder.port}`)
    }
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(undefined)))))
    throw err
  }
  return {
    url: `http://${urlHost(opts.host)}:${mainPort}`,
    port: mainPort,
    host: opts.host,
    tenantUrls,
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve())
              s.closeIdleConnections?.()
            }),
        ),
      ).then(() => undefined),
  }
}
