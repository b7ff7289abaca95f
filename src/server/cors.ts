import type { Context, MiddlewareHandler } from 'hono'
import type { EndpointName } from '../profiles/types.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { Client, Tenant } from '../runtime/tenant.js'
import type { Env } from './env.js'

/**
 * The endpoints a browser app calls with fetch, and the methods it may use on each. The others
 * (authorization, end-session) are navigations, never cross-origin fetches.
 */
export const CORS_METHODS: Partial<Record<EndpointName, string>> = {
  token: 'POST',
  userinfo: 'GET, POST',
  jwks: 'GET',
  discovery: 'GET',
  introspection: 'POST',
  revocation: 'POST',
}

/**
 * Request headers always allowed, with the profile's client-id headers (e.g. `x-authing-app-id`).
 * Whatever else an allowed origin's preflight asks for is allowed too, as the `cors` middleware of
 * Express does by default: vendor SDKs send their own headers (@authing/web: `x-authing-sdk-version`,
 * `x-authing-request-from` …), and the origin is the check that matters.
 */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept']

/** Header names listed in `Access-Control-Request-Headers` (RFC 9110 tokens only, lowercased). */
function requestedHeaders(value: string | undefined): string[] {
  if (!value) return []
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(h))
}

/** Response headers a page may read: userinfo's and the token endpoint's errors explain themselves there. */
const EXPOSED_HEADERS = 'WWW-Authenticate'

/** Seconds a browser may cache a preflight (short: a restart with other origins should show soon). */
export const PREFLIGHT_MAX_AGE = 600

/** The origin of a URL, or undefined for one that has none (custom schemes such as `com.example.app:/cb`). */
function originOf(url: string): string | undefined {
  try {
    const o = new URL(url).origin
    return o === 'null' ? undefined : o
  } catch {
    return undefined
  }
}

const configured = new WeakMap<readonly string[], { any: boolean; origins: Set<string> }>()

/**
 * May `origin` call the tenant's browser-facing endpoints? Precedence: the tenant's `cors.origins`
 * (where `"*"` allows any origin) > the origins of its clients' redirect URIs (the default, looked
 * up per request so clients registered at run time count).
 */
export function originAllowed(tenant: Tenant, origin: string): boolean {
  const list = tenant.config.cors?.origins
  if (list) {
    let policy = configured.get(list)
    if (!policy) {
      const origins = new Set(list.flatMap((o) => (o === '*' ? [] : [originOf(o) ?? o])))
      policy = { any: list.includes('*'), origins }
      configured.set(list, policy)
    }
    return policy.any || policy.origins.has(origin)
  }
  for (const client of tenant.clients.values()) if (redirectOrigins(client).has(origin)) return true
  return false
}

// Keyed by the client object: a client replaced at run time is a new object, so it is looked up anew.
const clientOrigins = new WeakMap<Client, Set<string>>()

/** The origins of a client's redirect URIs, parsed once. */
function redirectOrigins(client: Client): Set<string> {
  let set = clientOrigins.get(client)
  if (!set) clientOrigins.set(client, (set = new Set(client.redirectUris.flatMap((u) => originOf(u) ?? []))))
  return set
}

function appendVary(headers: Headers, name: string): void {
  const vary = headers.get('vary')
  if (!vary) headers.set('vary', name)
  else if (!vary.split(',').some((v) => v.trim().toLowerCase() === name.toLowerCase() || v.trim() === '*')) headers.set('vary', `${vary}, ${name}`)
}

/**
 * CORS for one endpoint of `server` (Fetch Standard §3.2): answers preflights itself and adds
 * `Access-Control-Allow-Origin` to the endpoint's responses, errors included, when the request's
 * `Origin` is allowed. An allowed origin is echoed (never a literal `*`) with
 * `Access-Control-Allow-Credentials`, so SDKs that fetch with credentials work too. A disallowed
 * origin gets no CORS headers, and its preflight a 403 that says what to configure. Every response
 * carries `Vary: Origin` (preflights also vary on `Access-Control-Request-Headers`).
 */
export function corsMiddleware(server: ServerRuntime, methods: string, only?: (res: Response) => boolean): MiddlewareHandler<Env> {
  const baseHeaders = [...ALLOWED_HEADERS, ...server.spec.clientIdHeaders.map((h) => h.toLowerCase())]
  return async function cors(c: Context<Env>, next) {
    const origin = c.req.header('origin')
    const allowed = origin !== undefined && originAllowed(server.tenant, origin)
    // `only`: decorate just the responses it picks, and answer no preflight (simple requests only)
    if (only) {
      await next()
      if (c.res.type !== 'error' && allowed && only(c.res)) {
        appendVary(c.res.headers, 'Origin')
        c.res.headers.set('access-control-allow-origin', origin)
        c.res.headers.set('access-control-allow-credentials', 'true')
        c.res.headers.set('access-control-expose-headers', EXPOSED_HEADERS)
      }
      return undefined
    }
    if (c.req.method === 'OPTIONS') {
      const headers = new Headers({ vary: 'Origin, Access-Control-Request-Headers', allow: `${methods}, OPTIONS` })
      if (origin === undefined || c.req.header('access-control-request-method') === undefined) return new Response(null, { status: 204, headers })
      if (!allowed) {
        headers.set('content-type', 'text/plain; charset=utf-8')
        const body = `mockidp: origin ${origin} may not call ${c.req.path}. Add it to the cors.origins of tenant "${server.tenant.id}" in the config (or register a redirect URI at that origin).\n`
        return new Response(body, { status: 403, headers })
      }
      headers.set('access-control-allow-origin', origin)
      headers.set('access-control-allow-credentials', 'true')
      headers.set('access-control-allow-methods', methods)
      headers.set('access-control-allow-headers', [...new Set([...baseHeaders, ...requestedHeaders(c.req.header('access-control-request-headers'))])].join(', '))
      headers.set('access-control-max-age', String(PREFLIGHT_MAX_AGE))
      return new Response(null, { status: 204, headers })
    }
    await next()
    if (c.res.type === 'error') return undefined // a dropped connection in-process (Response.error()): nothing to decorate
    const headers = c.res.headers
    appendVary(headers, 'Origin')
    if (allowed) {
      headers.set('access-control-allow-origin', origin)
      headers.set('access-control-allow-credentials', 'true')
      headers.set('access-control-expose-headers', EXPOSED_HEADERS)
    }
    return undefined
  }
}
