import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import type { User } from '../runtime/tenant.js'
import type { AuthorizationRequest } from './authorize.js'
import { issueTokens } from './issue.js'

/** Members of an implicit or hybrid authorization response, as the authorization endpoint sends them. */
const FRONT_FIELDS = ['access_token', 'token_type', 'expires_in', 'scope', 'id_token'] as const

/**
 * The tokens of an implicit or hybrid response (OIDC Core §3.2.2.5, §3.3.2.5): an access token for
 * `token`, an id_token for `id_token` (with `at_hash`, `c_hash`, `s_hash` where the profile lists
 * them), never a refresh token (RFC 6749 §4.2.2). Values are strings, ready for the redirect.
 */
export async function frontChannelParams(c: Context<Env>, req: AuthorizationRequest, user: User, session: { sid: string; authTime: number }, code: string | undefined): Promise<[string, string][]> {
  const server = c.get('server')
  const types = req.responseType.split(' ')
  const scope = req.scopes.join(' ')
  const body = await issueTokens({
    server,
    origin: c.get('origin'),
    client: req.client,
    user,
    scopes: req.scopes,
    // derived from the request's own inputs (or the code, which already is), so replays give the same tokens
    parent: code ?? ['implicit', req.responseType, req.client.clientId, user.sub, req.redirectUri, scope, req.nonce ?? '', req.state ?? '', session.sid].join('\u0000'),
    nonce: req.nonce,
    authTime: session.authTime,
    sid: session.sid,
    authTimeRequired: req.params.has('max_age'),
    code,
    state: req.state,
    frontChannel: true,
    accessToken: types.includes('token'),
    idToken: types.includes('id_token') && req.scopes.includes('openid'),
    refresh: { kind: 'none' },
  })
  const out: [string, string][] = []
  for (const f of FRONT_FIELDS) if (body[f] !== undefined) out.push([f, String(body[f])])
  return out
}
