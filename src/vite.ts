// `mockidp/vite`: the IdP on the Vite dev server's (and `vite preview`'s) own origin.
// Built as its own entry (dist/vite.js) that imports the main one; vite is an optional peer and only
// its types are used here.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Plugin, PreviewServer, ViteDevServer } from 'vite'
import { getRequestListener } from '@hono/node-server'
import { createMockIdp, type CreateOptions, type InProcessMockIdp } from './index.js'

/** Options of the {@link mockidp} Vite plugin. */
export interface MockIdpPluginOptions extends Pick<CreateOptions, 'config' | 'merge' | 'env' | 'onReload' | 'tenants' | 'mount'> {
  /**
   * The config file, relative to Vite's `root`. Default: `mockidp.config.json` in the root when
   * there is one, else the built-in tenants. It is watched: an edit reloads the tenants (an invalid
   * one keeps the running config and says why in Vite's log).
   */
  configFile?: string
  /** Reload when the config file changes. Default `true`. */
  watch?: boolean
  /** Called with each engine the plugin creates (one for `vite`, one for `vite preview`), e.g. to reach its journal. */
  onEngine?: (idp: InProcessMockIdp) => void
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void
type Host = Pick<ViteDevServer | PreviewServer, 'config' | 'httpServer' | 'middlewares' | 'printUrls' | 'resolvedUrls'>

/** Path of the admin API (as in the main entry: the in-process engine serves it too). */
const ADMIN = '/_mockidp'

/** Does the request belong to the engine: a tenant path, the admin API, or a host-mounted tenant's host? */
function owns(idp: InProcessMockIdp, req: IncomingMessage): boolean {
  const host = req.headers.host
  if (host && idp.hosts.length && idp.servesHost(`http://${host}`)) return true
  const path = (req.url ?? '/').split('?')[0]!
  if (path === ADMIN || path.startsWith(`${ADMIN}/`)) return true
  return idp.tenantPaths.some((root) => path === root || path.startsWith(`${root}/`))
}

/** The dev server's origin, from the URLs Vite resolved (the first local one), without its base path. */
const originOf = (server: Host): string | undefined => {
  const local = server.resolvedUrls?.local[0]
  return local ? new URL(local).origin : undefined
}

/**
 * Serve mockidp's tenants on the Vite dev server (and `vite preview`): same origin as the app, so no
 * second process, no CORS and no third-party cookies. Each tenant's issuer is the server's origin
 * plus its path — `authority: '/authing/demo/oidc'`-style client configs work — and the issuers are
 * printed under Vite's own URLs at start-up. The config file is watched; the engine stops with the
 * server.
 *
 * @example
 * // vite.config.ts
 * import { defineConfig } from 'vite'
 * import mockidp from 'mockidp/vite'
 * export default defineConfig({ plugins: [mockidp({ tenants: ['authing-demo'] })] })
 */
export default function mockidp(options: MockIdpPluginOptions = {}): Plugin {
  let root = process.cwd()

  const attach = (server: Host): void => {
    const logger = server.config.logger
    const configFile = options.configFile !== undefined ? resolve(root, options.configFile) : existsSync(resolve(root, 'mockidp.config.json')) ? resolve(root, 'mockidp.config.json') : undefined
    const create: CreateOptions = {
      env: options.env ?? process.env,
      watch: options.watch ?? true,
      onReload:
        options.onReload ??
        ((err, dropped = []) => {
          if (err) return logger.error(`mockidp: kept the running config; ${err.message}`, { timestamp: true })
          logger.info(`mockidp: config reloaded${dropped.map((line) => `\n  ${line}`).join('')}`, { timestamp: true })
        }),
    }
    if (configFile !== undefined) create.configFile = configFile
    if (options.config !== undefined) create.config = options.config
    if (options.merge !== undefined) create.merge = options.merge
    if (options.tenants !== undefined) create.tenants = options.tenants
    if (options.mount !== undefined) create.mount = options.mount
    const idp = createMockIdp(create)
    options.onEngine?.(idp)
    const listener = getRequestListener((req) => idp.fetch(req))
    const middleware: Middleware = (req, res, next) => {
      if (!owns(idp, req)) return next()
      void listener(req, res)
    }
    server.middlewares.use(middleware)

    const print = server.printUrls.bind(server)
    server.printUrls = () => {
      print()
      const origin = originOf(server)
      if (origin) idp.origin = origin
      for (const id of idp.tenantIds) logger.info(`  \x1b[32m➜\x1b[0m  \x1b[1mmockidp\x1b[0m ${id.padEnd(14)} ${idp.tenant(id).issuer}`)
    }
    server.httpServer?.once('close', () => void idp.stop())
  }

  return {
    name: 'mockidp',
    configResolved(config) {
      root = config.root
    },
    // registered before Vite's own middlewares: tenant paths never reach the SPA fallback
    configureServer: (server) => attach(server),
    configurePreviewServer: (server) => attach(server),
  }
}
