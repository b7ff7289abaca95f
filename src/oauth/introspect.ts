import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { stringify } from '../lib/json.js'
import { epochSeconds } from '../lib/clock.js'
import { authenticateClient } from './client-auth.js'
import { readForm, requireParams } from './params.js'
import { resolveAccessToken } from './access-token.js'
import { OAuthError } from './errors.js'

/** Token introspection (RFC 7662): `{"active":false}` for anything unknown, expired or revoked. */
export async function introspectionEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  const params = await readForm(c)
  const caller = await authenticateClient(c, server, params)
  requireParams(params, ['token'])
  const token = params.get('token')!
  const { issuer } = server.urls(c.get('origin'))
  let values: Record<string, unknown> | undefined
  const access = await resolveAccessToken(server, token)
  if (access) {
    const user = access.sub === undefined ? undefined : tenant.userBySub(access.sub)
    values = { active: true, scope: access.scope, client_id: access.clientId, username: user?.username, token_type: 'Bearer', exp: access.exp, iat: access.iat, nbf: access.iat, sub: access.sub, aud: access.aud ?? access.clientId, iss: issuer, jti: access.jti, aut: user ? 'APPLICATION_USER' : 'APPLICATION' }
  } else {
    const rt = await tenant.store.refreshTokens.get(token)
    if (rt && rt.serverId === server.id && !rt.revoked && !rt.used && rt.exp > epochSeconds(tenant.clock)) {
      const user = tenant.userBySub(rt.sub)
      values = { active: true, scope: rt.scope, client_id: rt.clientId, username: user?.username, token_type: server.spec.introspection.refreshTokenType === undefined ? 'Refresh' : (server.spec.introspection.refreshTokenType ?? undefined), exp: rt.exp, sub: rt.sub, aud: rt.clientId, iss: issuer }
    }
  }
  let body: Record<string, unknown> = { active: false }
  if (values && server.spec.introspection.publicOwnOnly && caller.method === 'none' && values.client_id !== caller.client.clientId) values = undefined
  if (values) {
    body = {}
    for (const f of server.spec.introspection.fields) if (values[f] !== undefined) body[f] = values[f]
  }
  return new Response(stringify(body, server.spec.json), { headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } })
}

/** Token revocation (RFC 7009): always 200 with an empty body, known token or not. */
export async function revocationEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  const params = await readForm(c)
  const { client } = await authenticateClient(c, server, params)
  requireParams(params, ['token'])
  const token = params.get('token')!
  const stores = tenant.store
  const rt = await stores.refreshTokens.get(token)
  const at = await stores.accessTokens.get(token)
  const access = at ? undefined : await resolveAccessToken(server, token)
  const owner = rt?.serverId === server.id ? rt.clientId : at?.serverId === server.id ? at.clientId : access?.clientId
  if (owner !== undefined && owner !== client.clientId) {
    if (server.spec.revocation?.foreignToken === 'refuse') throw new OAuthError('revoke_foreign_token')
    return new Response(null, { status: 200, headers: { 'cache-control': 'no-store', ...server.spec.revocation?.headers } })
  }
  const spec = server.spec.revocation
  if (rt && rt.serverId === server.id) {
    await stores.refreshTokens.mark(token, 'revoked', { revoked: true })
    if (spec?.refreshRevokesGrant) await tenant.revokeGrant(rt.family)
  }
  if (at && at.serverId === server.id) {
    await stores.accessTokens.mark(token, 'revoked', { revoked: true })
    if (spec?.accessRevokesGrant && at.family !== undefined) await tenant.revokeGrant(at.family)
  }
  if (access?.jti !== undefined) await stores.revokedJtis.put(access.jti, { exp: access.exp })
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store', ...server.spec.revocation?.headers } })
}
