import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { stringify } from '../lib/json.js'
import { OAuthError } from './errors.js'
import { isFormContentType, readForm, readQuery } from './params.js'
import { resolveAccessToken } from './access-token.js'
import { buildClaims } from './claims.js'
import { splitScope } from './token/index.js'

/**
 * Find the access token where the vendor accepts it: Bearer header, `?access_token=`, or a form
 * body — the first found, or, with `oneTokenSource`, the only one offered.
 */
async function findToken(c: Context<Env>): Promise<string | undefined> {
  const spec = c.get('server').spec.userinfo
  const from = spec.tokenFrom
  const auth = c.req.header('authorization')
  const found: string[] = []
  if (from.includes('header') && auth) {
    if (/^bearer\s/i.test(auth)) found.push(auth.slice(7).trim())
    else if (spec.oneTokenSource || spec.refuseMalformedHeader) throw new OAuthError('malformed_token_header')
  }
  if (from.includes('query')) {
    const q = readQuery(c).get('access_token')
    if (q) found.push(q)
  }
  if (from.includes('body') && c.req.method === 'POST' && isFormContentType(c.req.header('content-type'))) {
    const b = (await readForm(c)).get('access_token')
    if (b) found.push(b)
  }
  if (spec.oneTokenSource && found.length > 1) throw new OAuthError('multiple_tokens')
  return found[0]
}

/** The userinfo endpoint (OIDC Core §5.3): the user's claims for the token's scopes. */
export async function userinfoEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  const token = await findToken(c)
  if (!token) throw new OAuthError('missing_token')
  const grant = await resolveAccessToken(server, token)
  if (!grant) throw new OAuthError('invalid_token')
  const user = grant.sub === undefined ? undefined : tenant.userBySub(grant.sub)
  if (!user) throw new OAuthError('invalid_token')
  const scopes = splitScope(grant.scope)
  if (server.spec.openid && !scopes.includes('openid')) throw new OAuthError('insufficient_scope')
  const claims = buildClaims(tenant.profile, server.spec.userinfo.claims, server.spec.userinfo.values, { sub: user.sub, tenant: tenant.values, user }, scopes)
  return new Response(stringify(claims, server.spec.json), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } })
}
