import { epochSeconds } from '../lib/clock.js'
import type { ServerRuntime } from '../runtime/server.js'
import { OAuthError } from './errors.js'
import type { Params } from './params.js'

/**
 * At the authorization endpoint: a `request_uri` is replaced by the parameters pushed with it
 * (RFC 9126 §4), which must belong to the same client and be unexpired. The `request_uri` stays in
 * the parameters so that the login page posts it back; it is consumed when the response is sent.
 */
export async function resolvePushedRequest(server: ServerRuntime, params: Params): Promise<Params> {
  const requestUri = params.get('request_uri')
  if (requestUri === undefined) return params
  if (!server.spec.par) throw new OAuthError('request_uri_not_supported')
  const rec = await server.tenant.store.flows().pushedRequests.get(requestUri)
  if (!rec || rec.serverId !== server.id || rec.exp <= epochSeconds(server.tenant.clock)) throw new OAuthError('invalid_request_uri')
  // RFC 9126 §4: client_id is required beside request_uri and must be the pushing client
  if (params.get('client_id') !== rec.clientId) throw new OAuthError('invalid_request_uri')
  const merged: Params = new Map(rec.params)
  merged.set('request_uri', requestUri)
  // the login page's own fields ride along on its post-back
  for (const [k, v] of params) if (k.startsWith('mockidp_')) merged.set(k, v)
  return merged
}

/** A `request_uri` is single-use (RFC 9126 §2.2): forget it once the authorization response is sent. */
export async function consumePushedRequest(server: ServerRuntime, params: Params): Promise<void> {
  const requestUri = params.get('request_uri')
  if (requestUri !== undefined && server.spec.par) await server.tenant.store.flows().pushedRequests.delete(requestUri)
}
