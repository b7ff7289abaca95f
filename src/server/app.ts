import { Hono, type Context, type Handler } from 'hono'
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
import { endSessionEndpoint } from '../oauth/end-session.js'
import type { Env } from './env.js'

type Endpoint = (c: Context<Env>) => Response | Promise<Response>

const endpoints: Record<EndpointName, { methods: string[]; handler: Endpoint }> = {
  authorization: { methods: ['GET', 'POST'], handler: authorizationEndpoint },
  token: { methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], handler: tokenEndpoint },
  userinfo: { methods: ['GET', 'POST'], handler: userinfoEndpoint },
  jwks: { methods: ['GET'], handler: jwksEndpoint },
  discovery: { methods: ['GET'], handler: discoveryEndpoint },
  introspection: { methods: ['POST'], handler: introspectionEndpoint },
  revocation: { methods: ['POST'], handler: revocationEndpoint },
  endSession: { methods: ['GET', 'POST'], handler: endSessionEndpoint },
}

/** The origin a request was addressed to, from its Host header. */
const requestOrigin = (c: Context, fallbackHost: string): string => `http://${c.req.header('host') ?? fallbackHost}`

/**
 * Build the Hono app serving `tenants`: every endpoint of every server at its vendor path, one error
 * renderer, a JSON 404, `/healthz` and an index of tenants at `/`.
 */
export function buildApp(idp: Idp, tenants: readonly Tenant[], fallbackHost = 'localhost'): Hono<Env> {
  const app = new Hono<Env>()

  const bind = (server: ServerRuntime, endpoint: Endpoint): Handler<Env> =>
    function tenantRoute(c) {
      c.set('server', server)
      const own = requestOrigin(c, fallbackHost)
      c.set('origin', idp.config.publicUrl ?? own)
      c.set('backOrigin', idp.config.backchannelUrl ?? own)
      return endpoint(c)
    }

  for (const tenant of tenants) {
    for (const server of tenant.servers) {
      for (const [name, path] of Object.entries(server.paths)) {
        const ep = endpoints[name as EndpointName]
        for (const p of Array.isArray(path) ? path : [path]) app.on(ep.methods, p, bind(server, ep.handler))
      }
    }
  }

  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/', (c) => {
    const own = requestOrigin(c, fallbackHost)
    const origin = idp.config.publicUrl ?? own
    const back = idp.config.backchannelUrl ?? own
    return c.json({
      name: 'mockidp',
      warning: 'A mock identity provider for development and tests. Not for production.',
      tenants: tenants.map((t) => ({
        id: t.id,
        vendor: t.profile.name,
        servers: t.servers.map((s) => ({ id: s.id, issuer: s.urls(origin, back).issuer, ...s.urls(origin, back).url })),
        clients: [...t.clients.keys()],
      })),
    })
  })

  app.notFound((c) => c.json({ error: 'not_found', error_description: `no mockidp endpoint at ${c.req.method} ${c.req.path}` }, 404))
  app.onError((err, c) => {
    if (err instanceof OAuthError && c.var.server) return renderError(c as Context<Env>, err)
    console.error('mockidp: unexpected error:', err)
    if (c.var.server) return renderError(c as Context<Env>, new OAuthError('server_error', {}, { cause: err }))
    return c.json({ error: 'server_error', error_description: 'oops! something went wrong' }, 500)
  })
  return app
}
