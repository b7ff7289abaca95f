import type { Context } from 'hono'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import { stringify } from '../lib/json.js'
import type { Env } from '../server/env.js'
import type { PushedRequestRecord } from '../runtime/flow-stores.js'
import { claimFresh } from '../store/claim.js'
import { authenticateClient } from './client-auth.js'
import { OAuthError } from './errors.js'
import { readForm, type Params } from './params.js'
import { parseAuthorizationRequest } from './authorize.js'

/** Parameters that authenticate the client at the PAR endpoint; they are not part of the request. */
const CLIENT_AUTH_PARAMS = new Set(['client_secret', 'client_assertion', 'client_assertion_type'])

/**
 * The pushed authorization request endpoint (RFC 9126 §2): the client authenticates as at the token
 * endpoint, the request is checked as the authorization endpoint would check it, and a one-time
 * `request_uri` comes back (201).
 */
export async function pushedAuthorizationRequestEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const spec = server.spec.par
  if (!spec) throw new OAuthError('not_found')
  const params = await readForm(c)
  const { client } = await authenticateClient(c, server, params)
  // RFC 9126 §2.1: request_uri must not be pushed
  if (params.has('request_uri')) throw new OAuthError('par_request_uri_not_allowed')
  const request: Params = new Map([...params].filter(([k]) => !CLIENT_AUTH_PARAMS.has(k)))
  request.set('client_id', client.clientId)
  parseAuthorizationRequest(server, request, { pushed: true })

  const tenant = server.tenant
  const store = tenant.store.flows().pushedRequests
  const parts = [tenant.id, server.id, 'par', client.clientId, ...[...request].map(([k, v]) => `${k}=${v}`)]
  const exp = epochSeconds(tenant.clock) + spec.ttl
  const make = (requestUri: string): PushedRequestRecord => ({ requestUri, serverId: server.id, clientId: client.clientId, params: [...request], exp })
  const requestUri = await claimFresh(store, () => spec.requestUriPrefix + formatId(tenant.ids, parts, spec.requestUriFormat), make)

  const values: Record<string, unknown> = { request_uri: requestUri, expires_in: spec.ttl }
  const body: Record<string, unknown> = {}
  for (const f of spec.fields) if (values[f] !== undefined) body[f] = values[f]
  return new Response(stringify(body, server.spec.json), {
    status: 201,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  })
}
