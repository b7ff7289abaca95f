import { timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import type { Context, MiddlewareHandler } from 'hono'
import type { Idp } from '../runtime/idp.js'
import { BodyTooLarge, readLimitedText } from '../lib/body.js'
import { clientGone } from '../server/aborted.js'

/** Largest admin request body (a user, client or fault is a few hundred bytes; a bulk fixture a few KiB). */
export const ADMIN_BODY_LIMIT = 1024 * 1024

/** Methods that change nothing, and the preflight (answered here). */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Methods a cross-site form or `no-cors` fetch can send, and PUT/PATCH: each must carry a JSON body. */
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])
const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE'
const ALLOW_HEADERS = 'content-type, authorization'

/** `application/json`, `application/merge-patch+json` …, with or without parameters. */
export function isJsonContentType(ct: string | undefined): boolean {
  if (!ct) return false
  const semi = ct.indexOf(';')
  const type = (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase()
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))
}

/** The host name of a Host header value: no port, no brackets, lowercased, without a trailing dot. */
export function hostNameOf(host: string): string {
  let h = host.trim().toLowerCase()
  if (h.startsWith('[')) h = h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'))
  else if (h.indexOf(':') === h.lastIndexOf(':')) h = h.split(':')[0]! // (a bare IPv6 address has no port to strip)
  return h.endsWith('.') ? h.slice(0, -1) : h
}

const hostOfUrl = (url: string | undefined): string | undefined => {
  if (!url) return undefined
  try {
    return hostNameOf(new URL(url).host)
  } catch {
    return undefined
  }
}

const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]'])

/**
 * May a request addressed to `host` (its Host header) reach the admin API? This machine's names
 * (any IP literal, `localhost`, `*.localhost`), the names the config gives (`admin.allowedHosts`,
 * tenant `hosts`, the hosts of `publicUrl` and `backchannelUrl`), and — when listening on all
 * interfaces, as in a container — single-label names such as a Docker Compose service name. A DNS
 * rebinding attack always arrives with the attacker's own, dotted, host name, which matches none.
 */
export function hostAllowed(idp: Idp, host: string): boolean {
  const name = hostNameOf(host)
  const admin = idp.config.admin
  if (admin?.allowedHosts?.includes('*')) return true
  if (isIP(name) !== 0) return true
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  if (admin?.allowedHosts?.some((h) => hostNameOf(h) === name)) return true
  if (name === hostOfUrl(idp.config.publicUrl) || name === hostOfUrl(idp.config.backchannelUrl)) return true
  if (idp.tenants.some((t) => t.config.hosts?.includes(name))) return true
  return ALL_INTERFACES.has(idp.config.host) && name !== '' && !name.includes('.')
}

/**
 * May a page at `origin` call the admin API? Its own origin (the console), and the origins listed
 * in `admin.allowedOrigins` (`"*"`: any). `Origin: null` (sandboxed frames, `data:` pages) never.
 */
export function originAllowed(idp: Idp, origin: string, host: string | undefined): boolean {
  if (origin === 'null') return false
  const list = idp.config.admin?.allowedOrigins ?? []
  if (list.includes('*') || list.includes(origin)) return true
  let own: string
  try {
    own = new URL(origin).host
  } catch {
    return false
  }
  return host !== undefined && own.toLowerCase() === host.trim().toLowerCase()
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const deny = (status: number, error: string, description: string, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })

/**
 * The one gate in front of every `/_mockidp/*` route — the admin API, the console, whatever is added
 * there — so that no web page the developer visits can drive the mock:
 *
 * 1. `Host` must be one of this machine's or a configured name (DNS rebinding, see {@link hostAllowed});
 * 2. a browser call from another origin is refused (`Origin`, or `Sec-Fetch-Site` where a `no-cors`
 *    request sends no `Origin`), unless `admin.allowedOrigins` lists it — then CORS is answered;
 * 3. with `admin.token` (or `MOCKIDP_ADMIN_TOKEN`), `Authorization: Bearer <token>` is required;
 * 4. POST, PUT and PATCH need a JSON content type — what no form and no `no-cors` fetch can send —
 *    and a body of at most {@link ADMIN_BODY_LIMIT} bytes that parses as JSON (read here, once; the
 *    route's `c.req.json()` gets the parsed copy).
 */
export function adminGuard(idp: Idp): MiddlewareHandler {
  return async function guard(c: Context, next) {
    const host = c.req.header('host')
    if (host !== undefined && !hostAllowed(idp, host))
      return deny(
        403,
        'forbidden_host',
        `mockidp: the admin API does not answer requests addressed to "${hostNameOf(host)}" (a web page could use such a name to reach this machine). If that name is yours, add it to "admin.allowedHosts" in the config.`,
      )
    const origin = c.req.header('origin')
    const site = c.req.header('sec-fetch-site')
    const cors = origin !== undefined && origin !== 'null' && (idp.config.admin?.allowedOrigins ?? []).length > 0 && originAllowed(idp, origin, host)
    if (origin !== undefined ? !originAllowed(idp, origin, host) : (site === 'cross-site' || site === 'same-site') && c.req.header('sec-fetch-mode') !== 'navigate')
      return deny(
        403,
        'forbidden_origin',
        `mockidp: the admin API refuses calls from web pages of other origins${origin ? ` (${origin})` : ''}. To allow one deliberately, add it to "admin.allowedOrigins" in the config.`,
        { vary: 'Origin' },
      )
    const corsHeaders: Record<string, string> = cors ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' } : {}
    if (c.req.method === 'OPTIONS') {
      if (!cors || c.req.header('access-control-request-method') === undefined) return new Response(null, { status: 204, headers: { allow: `${ALLOW_METHODS}, OPTIONS`, vary: 'Origin' } })
      return new Response(null, {
        status: 204,
        headers: { ...corsHeaders, 'access-control-allow-methods': ALLOW_METHODS, 'access-control-allow-headers': ALLOW_HEADERS, 'access-control-max-age': '600' },
      })
    }
    const token = idp.config.admin?.token
    if (token !== undefined) {
      const auth = c.req.header('authorization') ?? ''
      const m = /^bearer[ \t]+(\S+)\s*$/i.exec(auth)
      if (!m || !sameToken(m[1]!, token))
        return deny(401, 'invalid_token', `mockidp: the admin API needs "Authorization: Bearer <token>" with the configured admin token (${auth ? 'the one sent does not match' : 'none was sent'}); connectMockIdp(url, { token }) sends it.`, {
          'www-authenticate': 'Bearer realm="mockidp admin"',
          ...corsHeaders,
        })
    }
    if (!SAFE.has(c.req.method) && WITH_BODY.has(c.req.method)) {
      if (!isJsonContentType(c.req.header('content-type')))
        return deny(415, 'invalid_request', `mockidp: admin ${c.req.method} requests need "Content-Type: application/json" (got ${c.req.header('content-type') ? `"${c.req.header('content-type')}"` : 'none'}); send {} when there is nothing to say.`, corsHeaders)
      let text: string
      try {
        text = await readLimitedText(c.req.raw, ADMIN_BODY_LIMIT)
      } catch (err) {
        if (err instanceof BodyTooLarge) return deny(413, 'invalid_request', `mockidp: the admin request body is larger than ${ADMIN_BODY_LIMIT} bytes`, corsHeaders)
        if (clientGone(c)) return new Response(null, { status: 400 })
        throw err
      }
      if (text.trim() !== '') {
        try {
          JSON.parse(text)
        } catch (err) {
          return deny(400, 'invalid_request', `body: not valid JSON (${(err as Error).message})`, corsHeaders)
        }
      } else text = '{}'
      // Hono reads a cached body instead of the (now consumed) stream.
      ;(c.req as unknown as { bodyCache: Record<string, Promise<unknown>> }).bodyCache.text = Promise.resolve(text)
    }
    await next()
    if (cors) for (const [k, v] of Object.entries(corsHeaders)) c.res.headers.set(k, v)
    return undefined
  }
}
