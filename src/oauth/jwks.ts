import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import type { ServerRuntime } from '../runtime/server.js'

const cache = new WeakMap<ServerRuntime, { version: number; body: string; etag: string }>()

/**
 * How long a client may cache the key set. Short enough that a client honouring it sees a rotation
 * within minutes; a client that refetches on an unknown `kid` (jose's createRemoteJWKSet) sees it at once.
 */
export const JWKS_MAX_AGE = 300

/**
 * The JWKS endpoint: the tenant's signing key, then keys still in their rotation grace period, with
 * `kid`, `alg`, `use` in the vendor's member order. Cacheable (`max-age`, `ETag`; a matching
 * `If-None-Match` gets 304), so a test shows whether an app refetches after a rotation.
 */
export function jwksEndpoint(c: Context<Env>): Response {
  const server = c.get('server')
  const version = server.tenant.keys.version
  let hit = cache.get(server)
  if (hit === undefined || hit.version !== version) {
    const keys = server.tenant.keys.verificationKeys().map((key) => {
      const jwk: Record<string, unknown> = {}
      for (const f of server.spec.jwks.fields) if (key.publicJwk[f] !== undefined) jwk[f] = key.publicJwk[f]
      return jwk
    })
    const body = JSON.stringify({ keys })
    hit = { version, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
    cache.set(server, hit)
  }
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${JWKS_MAX_AGE}`, etag: hit.etag }
  const inm = c.req.header('if-none-match')
  if (inm !== undefined && inm.split(',').some((t) => t.trim() === hit.etag || t.trim() === `W/${hit.etag}`)) return new Response(null, { status: 304, headers })
  return new Response(hit.body, { headers })
}

/** The discovery document (OIDC Discovery §4), rendered once per origin. */
export function discoveryEndpoint(c: Context<Env>): Response {
  const body = c.get('server').discovery(c.get('origin'), c.get('backOrigin'))
  if (body === undefined) return c.json({ error: 'not_found' }, 404)
  return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } })
}
