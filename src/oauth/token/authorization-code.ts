import { epochSeconds } from '../../lib/clock.js'
import { OAuthError } from '../errors.js'
import { requireParams } from '../params.js'
import { verifyPkce } from '../pkce.js'
import { issueTokens } from '../issue.js'
import type { GrantHandler } from './grant.js'
import { splitScope } from './grant.js'
import { refreshPolicy } from './refresh-token.js'

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3, RFC 7636 §4.5). Checks, in order: code known to
 * this server → issued to this client → not expired → not yet used → PKCE → redirect_uri.
 */
export const authorizationCodeGrant: GrantHandler = async (c, params, { client }) => {
  const server = c.get('server')
  const tenant = server.tenant
  requireParams(params, server.spec.token.redirectUriRequired ? ['code', 'redirect_uri'] : ['code'])
  const code = params.get('code')!
  const rec = await tenant.store.codes.get(code)
  if (!rec || rec.serverId !== server.id) throw new OAuthError('code_not_found')
  // what the hint names travels with the error: the record may live in another replica's Redis, not here
  if (rec.clientId !== client.clientId) throw new OAuthError('code_client_mismatch', { issued_to: rec.clientId })
  if (rec.exp <= epochSeconds(tenant.clock)) throw new OAuthError('code_expired')
  if (rec.consumed) {
    // RFC 6749 §4.1.2: the tokens the code issued SHOULD be revoked; where the vendor does, they are
    if (server.spec.code.reuseRevokes && rec.family !== undefined) await tenant.revokeGrant(rec.family)
    throw new OAuthError('code_used')
  }
  verifyPkce(params.get('code_verifier'), rec.codeChallenge, rec.codeChallengeMethod, client.public || client.pkceRequired === true, server.spec.pkce.unexpectedVerifier)
  const redirectUri = params.get('redirect_uri')
  if ((redirectUri !== undefined || server.spec.token.redirectUriRequired) && redirectUri !== rec.redirectUri) throw new OAuthError('redirect_uri_mismatch', { issued_for: rec.redirectUri })
  const user = tenant.userBySub(rec.sub)
  if (!user) throw new OAuthError('code_not_found')
  const scopes = splitScope(rec.scope)
  const refresh = refreshPolicy(server, client, scopes)
  tenant.assertRoomForTokens(server, refresh)
  // redeemed in one step by the store: of concurrent requests (on any replica) exactly one sees it unused
  const was = await tenant.store.codes.mark(code, 'consumed', { consumed: true, family: code })
  if (!was) throw new OAuthError('code_not_found')
  if (was.consumed) {
    if (server.spec.code.reuseRevokes) await tenant.revokeGrant(was.family ?? code)
    throw new OAuthError('code_used')
  }

  return issueTokens({
    server,
    origin: c.get('origin'),
    client,
    user,
    scopes,
    parent: code,
    nonce: rec.nonce,
    authTime: rec.authTime,
    sid: rec.sid,
    authTimeRequired: rec.authTimeRequired,
    code,
    family: code,
    idToken: scopes.includes('openid'),
    refresh: refresh ? { kind: 'new' } : { kind: 'none' },
  })
}
