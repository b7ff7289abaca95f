import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import type { ServerRuntime } from '../runtime/server.js'

const cache = new WeakMap<ServerRuntime, string>()

/** The JWKS endpoint: the server's public signing key with `kid`, `alg`, `use`, in the vendor's member order. */
export function jwksEndpoint(c: Context<Env>): Response {
  const server = c.get('server')
  let body = cache.get(server)
  if (body === undefined) {
    const jwk: Record<string, unknown> = {}
    for (const f of server.spec.jwks.fields) if (server.key.publicJwk[f] !== undefined) jwk[f] = server.key.publicJwk[f]
    body = JSON.stringify({ keys: [jwk] })
    cache.set(server, body)
  }
  return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } })
}

/** The discovery document (OIDC Discovery §4), rendered once per origin. */
export function discoveryEndpoint(c: Context<Env>): Response {
  const body = c.get('server').discovery(c.get('origin'), c.get('backOrigin'))
  if (body === undefined) return c.json({ error: 'not_found' }, 404)
  return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } })
}
