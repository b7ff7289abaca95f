import { epochSeconds } from '../../lib/clock.js'
import { secretEquals } from '../client-auth.js'
import { OAuthError } from '../errors.js'
import { requireParams } from '../params.js'
import { grantScopes } from '../scope-policy.js'
import type { GrantHandler } from './grant.js'
import { checkClientScopes, splitScope } from './grant.js'
import { issueUserTokens } from './user-grant.js'

/** Password of a fixture user that does not set one. */
export const DEFAULT_PASSWORD = 'password'

/** `grant_type=password` (RFC 6749 §4.3), where the vendor still offers it (Authing/GenAuth, Asgardeo). */
export const passwordGrant: GrantHandler = (c, params, { client }) => {
  const server = c.get('server')
  const tenant = server.tenant
  requireParams(params, ['username', 'password'])
  const username = params.get('username')!
  const user = tenant.findUser(username)
  if (!user || !secretEquals(params.get('password')!, user.password ?? DEFAULT_PASSWORD)) {
    throw new OAuthError('invalid_user_credentials', { username })
  }
  const scopes = grantScopes(server.spec.authorization.scopePolicy, client, splitScope(params.get('scope') ?? server.spec.authorization.defaultScope))
  checkClientScopes(client, scopes)
  const sid = `pwd-${user.sub}`
  return issueUserTokens(c, client, user, scopes, `pwd\u0000${client.clientId}\u0000${user.sub}\u0000${scopes.join(' ')}`, { authTime: epochSeconds(tenant.clock), sid })
}
