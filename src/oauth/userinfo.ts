import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { stringify } from '../lib/json.js'
import { OAuthError } from './errors.js'
import { isFormContentType, readForm, readQuery } from './params.js'
import { resolveAccessToken } from './access-token.js'
import { buildClaims } from './claims.js'
import { splitScope } from './token/index.js'

/** Find the access token where the vendor accepts it: Bearer header, `?access_token=`, or a form body. */
async function findToken(c: Context<Env>): Promise<string | undefined> {
  const from = c.get('server').spec.userinfo.tokenFrom
  const auth = c.req.header('authorization')
  if (from.includes('header') && auth !== undefined && /^bearer\s/i.test(auth)) return auth.slice(7).trim()
  if (from.includes('query')) {
    const q = readQuery(c).get('access_token')
    if (q) return q
  }
  if (from.includes('body') && c.req.method === 'POST' && isFormContentType(c.req.header('content-type'))) {
    const b = (await readForm(c)).get('access_token')
    if (b) return b
  }
  return undefined
}

/** The userinfo endpoint (OIDC Core §5.3): the user's claims for the token's scopes. */
export async function userinfoEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  const token = await findToken(c)
  if (!token) throw new OAuthError('missing_token')
  const grant = resolveAccessToken(server, token)
  if (!grant) throw new OAuthError('invalid_token')
  const user = grant.sub === undefined ? undefined : tenant.userBySub(grant.sub)
  if (!user) throw new OAuthError('invalid_token')
  const scopes = splitScope(grant.scope)
  if (server.spec.openid && !scopes.includes('openid')) throw new OAuthError('insufficient_scope')
  const claims = buildClaims(tenant.profile, server.spec.userinfo.claims, server.spec.userinfo.values, { sub: user.sub, tenant: tenant.values, user }, scopes)
  return new Response(stringify(claims, server.spec.json), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } })
}
