import { OAuthError } from '../errors.js'
import { issueTokens } from '../issue.js'
import { grantScopes } from '../scope-policy.js'
import type { GrantHandler } from './grant.js'
import { checkClientScopes, splitScope } from './grant.js'

/** `grant_type=client_credentials` (RFC 6749 §4.4): an access token for the client itself, no refresh or id token. */
export const clientCredentialsGrant: GrantHandler = (c, params, { client }) => {
  const server = c.get('server')
  if (client.public) throw new OAuthError('unauthorized_grant')
  const asked = splitScope(params.get('scope')).filter((s) => s !== 'openid' && s !== 'offline_access')
  const scopes = grantScopes(server.spec.authorization.scopePolicy, client, asked)
  checkClientScopes(client, scopes)
  return issueTokens({
    server,
    origin: c.get('origin'),
    client,
    user: undefined,
    scopes,
    parent: `cc\u0000${client.clientId}\u0000${scopes.join(' ')}`,
    idToken: false,
    refresh: { kind: 'none' },
  })
}
