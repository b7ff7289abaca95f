import { Hono, type Context, type Handler, type MiddlewareHandler } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'
import type { Idp } from '../runtime/idp.js'
import type { Tenant } from '../runtime/tenant.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { EndpointName } from '../profiles/types.js'
import { OAuthError } from '../oauth/errors.js'
import { renderError } from '../oauth/render-error.js'
import { tokenEndpoint } from '../oauth/token/index.js'
import { authorizationEndpoint } from '../oauth/authorize.js'
import { userinfoEndpoint } from '../oauth/userinfo.js'
import { discoveryEndpoint, jwksEndpoint } from '../oauth/jwks.js'
import { introspectionEndpoint, revocationEndpoint } from '../oauth/introspect.js'
import { endSessionEndpoint, idTokenLogoutEndpoint } from '../oauth/end-session.js'
import { checkSessionEndpoint } from '../oauth/check-session.js'
import { userProfileEndpoint } from '../oauth/user-profile.js'
import { pushedAuthorizationRequestEndpoint } from '../oauth/par.js'
import { deviceAuthorizationEndpoint } from '../oauth/device.js'
import { deviceVerificationEndpoint } from '../oauth/device-page.js'
import type { Env } from './env.js'
import { backOrigin, frontOrigin, type Mount } from './origin.js'
import { ADMIN_PATH, observeRequests } from '../journal/observe.js'
import { adminRoutes } from '../admin/routes.js'
import { CORS_METHODS, corsMiddleware } from './cors.js'
import { withPageHeaders } from './page-headers.js'
import type { RequestLogger } from '../log/request-log.js'
import { indexPage, type IndexTenant } from './index-page.js'
import { hostMounts, routeByHost } from './hosts.js'
import { apiRoutes } from '../vendor-api/routes.js'
import { adminGuard } from '../admin/guard.js'
import { clientGone } from './aborted.js'
import { attachJournal } from '../oauth/backchannel-logout.js'
import { storeHealth } from '../runtime/idp.js'

type Endpoint = (c: Context<Env>) => Response | Promise<Response>

/** Endpoints that answer with HTML pages (login, error, form_post, logout); not the check-session iframe, which exists to be framed. */
const PAGE_ENDPOINTS: ReadonlySet<EndpointName> = new Set(['authorization', 'endSession'])

// `cors`: methods a browser app may fetch with, for endpoints CORS_METHODS does not list.
const endpoints: Record<EndpointName, { methods: string[]; handler: Endpoint; cors?: string }> = {
  authorization: { methods: ['GET', 'POST'], handler: authorizationEndpoint },
  token: { methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], handler: tokenEndpoint },
  userinfo: { methods: ['GET', 'POST'], handler: userinfoEndpoint },
  jwks: { methods: ['GET'], handler: jwksEndpoint },
  discovery: { methods: ['GET'], handler: discoveryEndpoint },
  introspection: { methods: ['POST'], handler: introspectionEndpoint },
  revocation: { methods: ['POST'], handler: revocationEndpoint },
  endSession: { methods: ['GET', 'POST'], handler: endSessionEndpoint },
  // fetched by the app with credentials (the Ping SDKs' logout), not navigated to
  idTokenLogout: { methods: ['GET'], handler: idTokenLogoutEndpoint, cors: 'GET' },
  checkSession: { methods: ['GET'], handler: checkSessionEndpoint },
  userProfile: { methods: ['GET'], handler: userProfileEndpoint, cors: 'GET' },
  par: { methods: ['POST'], handler: pushedAuthorizationRequestEndpoint, cors: 'POST' },
  deviceAuthorization: { methods: ['POST'], handler: deviceAuthorizationEndpoint, cors: 'POST' },
  deviceVerification: { methods: ['GET', 'POST'], handler: deviceVerificationEndpoint },
}


/** A browser's navigation (Accept: text/html … before any JSON), not an API client. */
const prefersHtml = (accept: string | undefined): boolean => {
  if (!accept) return false
  const html = accept.indexOf('text/html')
  const json = accept.indexOf('application/json')
  return html !== -1 && (json === -1 || html < json)
}

const indexTenants = (tenants: readonly Tenant[], origin: string, back: string): IndexTenant[] =>
  tenants.map((t) => ({
    id: t.id,
    displayName: t.profile.displayName,
    color: t.profile.brand.color,
    servers: t.servers.map((s) => {
      const { issuer, url } = s.urls(origin, back)
      return { id: s.id, issuer, url }
    }),
    clients: [...t.clients.values()].map((c) => ({ clientId: c.clientId, name: c.name, public: c.public, redirectUris: c.redirectUris })),
    users: t.users.map((u) => u.username),
  }))

/**
 * Middleware answering every host-mounted name of `idp.tenants` (their `hosts`, their production
 * hosts) from that host's app, built on its first request; undefined when there is none.
 */
export function hostRouter(idp: Idp, log?: RequestLogger): MiddlewareHandler<Env> | undefined {
  const mounts = hostMounts(idp.tenants)
  return mounts.size ? routeByHost(mounts, (ss, host) => buildApp(idp, [...new Set(ss.map((s) => s.tenant))], host, 'host', ss, log)) : undefined
}

/**
 * Build the Hono app serving `tenants`: every endpoint of every server at its vendor path, one error
 * renderer, a JSON 404, `/healthz` and an index of tenants at `/`. A request whose Host is a
 * host-mounted name (a tenant's `hosts`, a production host such as `demo.authing.cn`) goes to that
 * host's app first (`servers`: the servers of such an app).
 */
export function buildApp(idp: Idp, tenants: readonly Tenant[], fallbackHost = 'localhost', mount: Mount = 'path', hostServers?: ServerRuntime[], log?: RequestLogger): Hono<Env> {
  // Every route is a fixed path: a trie is built as routes are added, while the default RegExpRouter
  // compiles ~150 routes on the first request (10-17 ms of every cold start, see bench/README.md).
  const app = new Hono<Env>({ router: new TrieRouter() })
  attachJournal(idp, tenants)
  const servers = hostServers ?? tenants.flatMap((t) => (mount === 'host' ? t.hostServers : t.servers))
  // First of all: one gate for every /_mockidp/* route (admin API, console, whatever is added there)
  const adminOn = idp.config.admin?.enabled !== false
  if (adminOn) app.use(`${ADMIN_PATH}/*`, adminGuard(idp))
  if (mount === 'path') {
    // every tenant's host names, whichever port this app listens on (the server and the in-process
    // engine pick a host's app before this one: ./routing.ts; this serves a bare buildApp too)
    const byHost = hostRouter(idp, log)
    if (byHost) app.use(byHost)
  }
  // CORS outermost: it answers preflights and decorates every response, injected faults included
  for (const server of servers) {
    for (const [name, path] of Object.entries(server.paths)) {
      // a navigation endpoint, but in response_mode=direct it answers an app's fetch (a simple
      // form POST) with JSON: only those answers carry CORS headers
      if (name === 'authorization' && server.spec.authorization.direct !== undefined) {
        const cors = corsMiddleware(server, 'GET, POST', (res) => (res.headers.get('content-type') ?? '').startsWith('application/json'))
        for (const p of Array.isArray(path) ? path : [path]) app.use(p, cors)
        continue
      }
      const corsMethods = CORS_METHODS[name as EndpointName] ?? endpoints[name as EndpointName].cors
      if (corsMethods === undefined) continue
      const cors = corsMiddleware(server, corsMethods)
      for (const p of Array.isArray(path) ? path : [path]) app.use(p, cors)
    }
    for (const r of apiRoutes(server)) if (r.cors) app.use(r.path, corsMiddleware(server, r.method))
  }
  // then: injected faults answer before the endpoint; the journal records after everything else
  app.use(observeRequests(idp, tenants, fallbackHost, mount, servers, log))

  // `name` is undefined for a vendor-API route that answers no OAuth error of its own
  const bind = (server: ServerRuntime, name: EndpointName | undefined, endpoint: Endpoint): Handler<Env> => {
    // the profile's page headers (PingOne's X-Frame-Options) on the HTML pages of the front channel
    const pageHeaders = name && PAGE_ENDPOINTS.has(name) ? server.spec.pages?.headers : undefined
    const handle: Endpoint = pageHeaders ? async (c) => withPageHeaders(await endpoint(c), pageHeaders) : endpoint
    return function tenantRoute(c) {
      c.set('server', server)
      if (name) c.set('endpoint', name)
      c.set('idp', idp)
      c.set('origin', frontOrigin(c, idp, fallbackHost, mount))
      c.set('backOrigin', backOrigin(c, idp, fallbackHost, mount))
      // records change in place (a code consumed, a token revoked): tell the state file afterwards
      if (idp.persisted) return Promise.resolve(handle(c)).finally(() => idp.changed())
      return handle(c)
    }
  }

  for (const server of servers) {
    for (const [name, path] of Object.entries(server.paths)) {
      const ep = endpoints[name as EndpointName]
      for (const p of Array.isArray(path) ? path : [path]) app.on(ep.methods, p, bind(server, name as EndpointName, ep.handler))
    }
    for (const r of apiRoutes(server)) app.on(r.method, r.path, bind(server, r.endpoint, r.handler))
  }

  app.get('/healthz', (c) => {
    // a replica whose shared store is down cannot answer as the others would: take it out of rotation
    const store = storeHealth(idp)
    return store.healthy ? c.json({ status: 'ok' }) : c.json({ status: 'unhealthy', store: store.report }, 503, { 'cache-control': 'no-store' })
  })
  app.get('/', (c) => {
    const origin = frontOrigin(c, idp, fallbackHost, mount)
    const back = backOrigin(c, idp, fallbackHost, mount)
    if (prefersHtml(c.req.header('accept'))) return c.html(indexPage(indexTenants(tenants, origin, back), adminOn), 200, { 'cache-control': 'no-store' })
    return c.json({
      name: 'mockidp',
      warning: 'A mock identity provider for development and tests. Not for production.',
      tenants: tenants.map((t) => ({
        id: t.id,
        vendor: t.profile.name,
        servers: t.servers.map((s) => {
          const { issuer, url } = s.urls(origin, back)
          return { id: s.id, issuer, ...url }
        }),
        clients: [...t.clients.keys()],
      })),
    })
  })

  if (adminOn) {
    app.route(ADMIN_PATH, adminRoutes(idp, fallbackHost))
    app.get(`${ADMIN_PATH}/`, (c) => c.redirect(ADMIN_PATH + (new URL(c.req.url).search || ''), 302)) // the console, typed with a slash
  }
  app.notFound((c) => c.json({ error: 'not_found', error_description: `no mockidp endpoint at ${c.req.method} ${c.req.path}` }, 404))
  app.onError((err, c) => {
    if (err instanceof OAuthError && c.get('server')) return renderError(c as Context<Env>, err)
    // the client's own disconnect (an aborted upload): nobody to answer, nothing to report
    if (clientGone(c)) return new Response(null, { status: 499 })
    console.error('mockidp: unexpected error:', err)
    if (c.get('server')) return renderError(c as Context<Env>, new OAuthError('server_error', {}, { cause: err }))
    return c.json({ error: 'server_error', error_description: 'oops! something went wrong' }, 500)
  })
  return app
}
