import { epochSeconds } from '../../lib/clock.js'
import { OAuthError } from '../errors.js'
import { requireParams } from '../params.js'
import { verifyTenantJwt } from '../subject-token.js'
import type { GrantHandler } from './grant.js'
import { checkClientScopes, splitScope } from './grant.js'
import { issueUserTokens } from './user-grant.js'

/**
 * Authing's `http://authing.cn/oidc/grant_type/authing_token`: an Authing user token (an id_token
 * the tenant signed) in `token`, with `scope` and `redirect_uri`, for a fresh OIDC token set
 * (authing-js-sdk `getAccessTokenByIdToken`; authing-node-sdk `TokenEndPointParams`).
 */
export const authingTokenGrant: GrantHandler = (c, params, { client }) => {
  const server = c.get('server')
  requireParams(params, ['token'])
  const subject = verifyTenantJwt(server, params.get('token')!)
  if (!subject) throw new OAuthError('authing_token_invalid')
  const redirectUri = params.get('redirect_uri')
  if (redirectUri && !client.redirectUris.includes(redirectUri)) throw new OAuthError('redirect_uri_mismatch')
  const scopes = splitScope(params.get('scope') || 'openid')
  checkClientScopes(client, scopes)
  const { user } = subject
  const parent = ['authing_token', client.clientId, params.get('token')!, scopes.join(' ')].join('\u0000')
  return issueUserTokens(c, client, user, scopes, parent, { authTime: epochSeconds(server.tenant.clock), sid: `authing-token-${user.sub}` })
}
