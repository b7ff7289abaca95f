/**
 * The one rule for redirect URIs (and post-logout redirect URIs), applied where they are registered
 * — config load, the admin and programmatic APIs — and again where they are used (authorize,
 * end-session). RFC 6749 §3.1.2: an absolute URI without a fragment. Schemes that run code in the
 * mock's own origin when navigated to or posted to (`javascript:`, `data:`, `vbscript:`) are refused;
 * custom schemes of native apps (`com.example.app:/cb`, RFC 8252 §7.1) and loopback redirects with
 * any port (RFC 8252 §7.3) are allowed.
 */

/** Schemes refused everywhere: navigating to them runs script in the page that navigates. */
export const REFUSED_SCHEMES: ReadonlySet<string> = new Set(['javascript', 'data', 'vbscript'])

/** Schemes whose URIs must have an authority (`scheme://host`): the WHATWG URL "special" ones that can be redirected to. */
const NEEDS_HOST = new Set(['http', 'https', 'ws', 'wss', 'ftp'])

/**
 * Why `uri` is not an acceptable redirect URI, in words that fit after `"<uri>" ` — or undefined
 * when it is one. Pure; never throws.
 */
export function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string') return 'is not a string'
  if (uri === '') return 'is empty'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(uri)) return 'contains a space or control character (percent-encode it, e.g. %20)'
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)
  if (!m) return 'is not an absolute URI (it needs a scheme, e.g. "http://localhost:3000/callback" or "com.example.app:/callback"; RFC 6749 §3.1.2)'
  const scheme = m[1]!.toLowerCase()
  if (REFUSED_SCHEMES.has(scheme)) return `uses the "${scheme}:" scheme, which would run script instead of redirecting; use an http(s) or app URI`
  if (uri.includes('#')) return 'has a fragment ("#…"), which a redirect URI must not have (RFC 6749 §3.1.2)'
  let url: URL
  try {
    url = new URL(uri)
  } catch {
    return 'is not a valid URI (check the host, the port (0-65535) and any IPv6 brackets)'
  }
  if (NEEDS_HOST.has(scheme)) {
    if (!uri.slice(m[0].length).startsWith('//') || url.hostname === '') return `needs a host ("${scheme}://host/path")`
  }
  return undefined
}

/** True for an acceptable redirect URI (see {@link redirectUriProblem}). */
export const isRedirectUri = (uri: unknown): uri is string => redirectUriProblem(uri) === undefined

/**
 * Why `url` is not an acceptable origin-like base URL (`publicUrl`, `backchannelUrl`): http(s), a
 * host, no query or fragment — or undefined when it is one.
 */
export function baseUrlProblem(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(url)) return 'contains a space or control character'
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'is not a URL (e.g. "http://localhost:9000")'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `must be an http:// or https:// URL, not ${u.protocol}`
  if (!/^https?:\/\/[^/]/i.test(url) || u.hostname === '') return 'needs a host (e.g. "http://localhost:9000")'
  if (u.search || u.hash || url.includes('?') || url.includes('#')) return 'must not have a query or fragment'
  if (u.username || u.password) return 'must not contain a user name or password'
  return undefined
}
