import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { stringify } from '../lib/json.js'
import { renderValue } from '../lib/template.js'
import { OAuthError } from './errors.js'
import { resolveAccessToken } from './access-token.js'
import { buildClaims } from './claims.js'
import { splitScope } from './token/index.js'

/** The access token of `Authorization: Bearer <token>`, or of a bare `Authorization: <token>` (authing-node-sdk sends that). */
function readToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const token = /^bearer\s/i.test(header) ? header.slice(7).trim() : header.trim()
  return token || undefined
}

/**
 * A vendor's own "who am I" API (Authing's `GET /api/v3/get-profile`): the access token's user, in
 * the envelope the profile's `userProfile.body` describes. The user's claims are filtered by the
 * token's scopes (`${claims.*}`); `${user.*}` are the user's fixture values whatever the scope.
 * Without a valid token the profile's `userProfile.error` is answered, with its own status.
 */
export async function userProfileEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const spec = server.spec.userProfile
  if (!spec) throw new OAuthError('not_found')
  const tenant = server.tenant
  const token = readToken(c.req.header('authorization'))
  const grant = token === undefined ? undefined : await resolveAccessToken(server, token)
  const user = grant?.sub === undefined ? undefined : tenant.userBySub(grant.sub)
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (!grant || !user) return new Response(stringify(renderValue(spec.error.body, { tenant: tenant.values }), server.spec.json), { status: spec.error.status, headers })
  const claims = buildClaims(tenant.profile, ['@scopes'], undefined, { tenant: tenant.values, user }, splitScope(grant.scope))
  const body = renderValue(spec.body, { user, claims, sub: user.sub, scope: grant.scope, tenant: tenant.values })
  return new Response(stringify(body, server.spec.json), { status: 200, headers })
}
