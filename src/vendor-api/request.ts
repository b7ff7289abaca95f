import type { Context } from 'hono'
import { MAX_BODY_BYTES, readLimited } from '../oauth/params.js'
import { OAuthError } from '../oauth/errors.js'
import type { ApiReason } from '../profiles/api.js'

/** A failed vendor-API request: a reason the route's `errors` word, and mockidp's own explanation. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly reason: ApiReason,
    /** Plain words for the developer (the `x-mockidp-reason` header and `${message}`). */
    readonly detail: string,
  ) {
    super(detail)
  }
}

export type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

/** The value at a dotted path (`passwordPayload.username`), or undefined. Own members only. */
export function at(value: unknown, path: string): unknown {
  let v = value
  for (const key of path.split('.')) {
    if (!isObject(v) || !Object.hasOwn(v, key)) return undefined
    v = v[key]
  }
  return v
}

/** A string at a path; anything else (absent, number, object) is undefined. */
export function stringAt(value: unknown, path: string | undefined): string | undefined {
  if (path === undefined) return undefined
  const v = at(value, path)
  return typeof v === 'string' ? v : undefined
}

/**
 * The JSON object body of a POST (any JSON content type; axios sends `application/json`), at most
 * MAX_BODY_BYTES. A GET has an empty body. Anything else is `bad_request`.
 */
export async function readJsonBody(c: Context): Promise<Json> {
  if (c.req.method !== 'POST') return {}
  if (Number(c.req.header('content-length') ?? 0) > MAX_BODY_BYTES) throw new ApiError('bad_request', `the request body is larger than ${MAX_BODY_BYTES} bytes`)
  const ct = c.req.header('content-type') ?? ''
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(ct.trim())) throw new ApiError('bad_request', `expected a JSON body (Content-Type: application/json), got ${ct ? `"${ct}"` : 'no Content-Type'}`)
  let text: string
  try {
    text = await readLimited(c)
  } catch (err) {
    if (err instanceof OAuthError) throw new ApiError('bad_request', `the request body is larger than ${MAX_BODY_BYTES} bytes`)
    throw err
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ApiError('bad_request', 'the request body is not valid JSON')
  }
  if (!isObject(parsed)) throw new ApiError('bad_request', 'the request body must be a JSON object')
  return parsed
}

/** The bearer token of the `Authorization` header (also a bare token, as authing-node-sdk sends it). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header || /^basic\s/i.test(header)) return undefined
  const token = /^bearer\s/i.test(header) ? header.slice(7).trim() : header.trim()
  return token || undefined
}

/** The operation name of a GraphQL document: `mutation loginByUsername(…)` → `loginByUsername`. */
export function operationName(query: string): string | undefined {
  const named = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query)
  if (named) return named[1]
  // an anonymous operation: its first field (`{ checkLoginStatus(token: …) { … } }`)
  return /^\s*(?:query|mutation)?\s*\{\s*([_A-Za-z][_0-9A-Za-z]*)/.exec(query)?.[1]
}
