// `mockidp/next`: the IdP in a Next.js App Router route handler. Built as its own entry
// (dist/next.js) that imports the main one; nothing of Next.js is imported (route handlers are
// web-standard Request → Response functions).
import { createMockIdp, type CreateOptions, type InProcessMockIdp } from './index.js'

/** A route handler: what an App Router `route.ts` exports per HTTP method. */
export type RouteHandler = (request: Request) => Promise<Response>

/** The handlers to export from `app/<mount>/[...path]/route.ts`, and the engine behind them. */
export interface MockIdpRouteHandlers {
  GET: RouteHandler
  POST: RouteHandler
  PUT: RouteHandler
  PATCH: RouteHandler
  DELETE: RouteHandler
  HEAD: RouteHandler
  /** CORS preflights (Next.js would otherwise answer OPTIONS itself). */
  OPTIONS: RouteHandler
  /** The engine: its journal, tenants, faults, `reset()` … */
  idp: InProcessMockIdp
}

/** Options of {@link createRouteHandler}. */
export interface RouteHandlerOptions extends CreateOptions {
  /**
   * The route's folder as a path, e.g. `/idp` for `app/idp/[...path]/route.ts`; every tenant is
   * served (and issued) under it: `/idp/authing/demo/oidc`. Default `''`: the route is
   * `app/[...path]/route.ts` or a folder named like the tenants' paths (`app/authing/[...path]`).
   */
  mount?: string
  /** Trust `X-Forwarded-Host` and `X-Forwarded-Proto` for the issuer's origin (a proxy or a preview deployment). Default `true`. */
  trustForwarded?: boolean
}

const first = (request: Request, name: string): string | undefined => request.headers.get(name)?.split(',')[0]?.trim() || undefined

/**
 * The origin the browser addressed: the request's own, or on a proxy / preview deployment what its
 * `X-Forwarded-Proto` and `X-Forwarded-Host` say. A malformed header is ignored, never an error.
 */
export function forwardedOrigin(request: Request, trust = true): string {
  const own = new URL(request.url)
  if (!trust) return own.origin
  const proto = first(request, 'x-forwarded-proto')
  const host = first(request, 'x-forwarded-host') ?? request.headers.get('host') ?? own.host
  // a host name or an IP literal, with an optional port: nothing that could carry a path or user info
  if (!/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(host)) return own.origin
  try {
    return new URL(`${proto === 'http' || proto === 'https' ? proto : own.protocol.slice(0, -1)}://${host}`).origin
  } catch {
    return own.origin
  }
}

/**
 * Serve mockidp's tenants from a Next.js App Router route handler, on the app's own origin. Each
 * issuer follows the request's origin (and `X-Forwarded-*`), so callback URLs that change with each
 * deployment keep working. Add `serverExternalPackages: ['mockidp']` to `next.config` (mockidp reads
 * its fixtures from its package directory at run time).
 *
 * @example
 * // app/idp/[...path]/route.ts
 * import { createRouteHandler } from 'mockidp/next'
 * export const { GET, POST, OPTIONS } = createRouteHandler({ mount: '/idp' })
 */
export function createRouteHandler(options: RouteHandlerOptions = {}): MockIdpRouteHandlers {
  const { trustForwarded = true, ...create } = options
  const idp = createMockIdp(create)
  const handle: RouteHandler = async (request) => {
    const url = new URL(request.url)
    const origin = forwardedOrigin(request, trustForwarded)
    return idp.fetch(origin === url.origin ? request : new Request(new URL(url.pathname + url.search, origin), request))
  }
  return { GET: handle, POST: handle, PUT: handle, PATCH: handle, DELETE: handle, HEAD: handle, OPTIONS: handle, idp }
}
