import type { Context } from 'hono'
import { OAuthError } from './errors.js'
import type { ServerRuntime } from '../runtime/server.js'
import { BodyTooLarge, readLimitedText } from '../lib/body.js'

/** Request parameters, each present at most once (RFC 6749 §3.1). */
export type Params = Map<string, string>

/** Largest form body accepted (the vendors' own limits are larger; no OAuth request needs more). */
export const MAX_BODY_BYTES = 64 * 1024

/** Parse `application/x-www-form-urlencoded` text, rejecting repeated parameters. */
export function parseForm(text: string): Params {
  const params: Params = new Map()
  const dupes: string[] = []
  for (const [k, v] of new URLSearchParams(text)) {
    if (params.has(k)) {
      if (!dupes.includes(k)) dupes.push(k)
    } else params.set(k, v)
  }
  if (dupes.length) throw new OAuthError('duplicate_parameter', { params: dupes })
  return params
}

/** True for `application/x-www-form-urlencoded`, with or without parameters such as charset. */
export function isFormContentType(ct: string | undefined): boolean {
  if (!ct) return false
  const semi = ct.indexOf(';')
  return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

// A request's body is read once: the parsed form (and, for a body that failed to parse, its text)
// is kept on the request, so a second reader — the journal, after the endpoint — costs nothing.
const formCache = new WeakMap<Request, Params>()
const bodyCache = new WeakMap<Request, string>()

/** The form body already read for this request, if any (no I/O). */
export const cachedForm = (c: Context): Params | undefined => formCache.get(c.req.raw)

/** True for `application/json` (parameters such as charset allowed). */
export function isJsonContentType(ct: string | undefined): boolean {
  if (!ct) return false
  const semi = ct.indexOf(';')
  return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase() === 'application/json'
}

/**
 * Parameters of a JSON object body, the way WSO2's `EndpointUtil.parseJsonTokenRequest` reads one:
 * scalars as their string value, arrays and objects as their JSON text; `null` members are absent.
 */
export function parseJsonParams(text: string): Params {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new OAuthError('malformed_body')
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new OAuthError('malformed_body')
  const params: Params = new Map()
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue
    params.set(k, typeof x === 'object' ? JSON.stringify(x) : String(x))
  }
  return params
}

/**
 * Read a POST form body with the OAuth rules: right content type, size limit, no duplicates.
 * With `acceptJson` (a profile whose token endpoint takes JSON), a JSON object body is read too
 * and the request is marked `jsonBody`.
 */
export async function readForm(c: Context, acceptJson = false): Promise<Params> {
  const cachedForm = formCache.get(c.req.raw)
  if (cachedForm) return cachedForm
  const ct = c.req.header('content-type')
  const length = c.req.header('content-length')
  if (Number(length ?? 0) > MAX_BODY_BYTES) throw new OAuthError('body_too_large')
  let params: Params
  if (acceptJson && isJsonContentType(ct)) {
    params = parseJsonParams(await readLimited(c))
    c.set('jsonBody', true)
  } else if (!ct && (c.get('server') as ServerRuntime | undefined)?.spec.requestBody?.missingContentType === 'empty') {
    params = new Map()
  } else if (!isFormContentType(ct)) {
    throw new OAuthError(ct && /json/i.test(ct) ? 'invalid_body' : 'invalid_content_type')
  } else params = parseForm(await readLimited(c))
  formCache.set(c.req.raw, params)
  return params
}

/** Read the body as UTF-8 (once per request), refusing (`body_too_large`, 413) past MAX_BODY_BYTES even without a Content-Length. */
export async function readLimited(c: Context): Promise<string> {
  const raw = c.req.raw
  const cached = bodyCache.get(raw)
  if (cached !== undefined) return cached
  let text: string
  try {
    text = await readLimitedText(raw, MAX_BODY_BYTES)
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new OAuthError('body_too_large')
    throw err
  }
  bodyCache.set(raw, text)
  return text
}

/** Query parameters, rejecting repeated ones. */
export function readQuery(c: Context): Params {
  const url = c.req.url
  const q = url.indexOf('?')
  return parseForm(q === -1 ? '' : url.slice(q + 1))
}

/** Throw `missing_parameter` naming every absent or empty parameter. */
export function requireParams(params: Params, names: readonly string[], reason: 'missing_parameter' | 'authz_missing_parameter' = 'missing_parameter'): void {
  const missing = names.filter((n) => !params.get(n))
  if (missing.length) throw new OAuthError(reason, { params: missing })
}
