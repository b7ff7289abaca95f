import type { Context } from 'hono'
import type { Idp } from '../runtime/idp.js'
import { isHttps } from '../lib/request.js'

/** How a tenant is reached: by path under any host, or at the root of its own host name. */
export type Mount = 'path' | 'host'

export { isHttps }

/** The origin a request was addressed to: its scheme, and the host of its Host header. */
export const requestOrigin = (c: Context, fallbackHost: string): string => `${isHttps(c) ? 'https' : 'http'}://${c.req.header('host') ?? fallbackHost}`

/**
 * The browser-facing origin, the issuer's base: the configured public URL, else the request's own.
 * A tenant reached by its own host name is addressed by that host, whatever publicUrl says.
 */
export const frontOrigin = (c: Context, idp: Idp, fallbackHost: string, mount: Mount = 'path'): string =>
  mount === 'host' ? requestOrigin(c, fallbackHost) : (idp.config.publicUrl ?? requestOrigin(c, fallbackHost))

/** The back-channel origin (token, userinfo, JWKS … URLs): the configured one, else the request's own. */
export const backOrigin = (c: Context, idp: Idp, fallbackHost: string, mount: Mount = 'path'): string =>
  mount === 'host' ? requestOrigin(c, fallbackHost) : (idp.config.backchannelUrl ?? requestOrigin(c, fallbackHost))
