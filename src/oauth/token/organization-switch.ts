import { renderValue } from '../../lib/template.js'
import { memberOrganization } from '../../runtime/organizations.js'
import { OAuthError } from '../errors.js'
import { requireParams } from '../params.js'
import { accessTokenSubject } from '../subject-token.js'
import type { GrantHandler } from './grant.js'
import { checkClientScopes, splitScope } from './grant.js'
import { issueUserTokens } from './user-grant.js'

/**
 * `grant_type=organization_switch`: a live access token of this tenant (`token`) traded for tokens
 * of one of the user's sub-organizations (`switching_organization`, tenant `organizations`). The
 * scope is the one requested (none: no id_token); the new tokens carry the profile's
 * `organizationSwitch.claims`. No refresh token: a refresh would lose the organization [mockidp].
 */
export const organizationSwitchGrant: GrantHandler = async (c, params, { client }) => {
  const server = c.get('server')
  const spec = server.spec.organizationSwitch
  if (!spec) throw new OAuthError('unsupported_grant_type', { grant_type: 'organization_switch' })
  requireParams(params, ['token'])
  const token = params.get('token')!
  const subject = await accessTokenSubject(server, token)
  if (!subject) throw new OAuthError('organization_switch_invalid_token')
  const orgId = params.get('switching_organization') ?? ''
  const organization = memberOrganization(server.tenant, subject.user, orgId)
  if (!organization) throw new OAuthError('organization_switch_denied', { organization: orgId.slice(0, 80), user: subject.user.username ?? subject.user.sub })
  const scopes = splitScope(params.get('scope'))
  checkClientScopes(client, scopes)
  const claims = renderValue(spec.claims, { organization, tenant: server.tenant.values }) as Record<string, unknown>
  const parent = ['orgswitch', client.clientId, token, organization.id, scopes.join(' ')].join('\u0000')
  return issueUserTokens(c, client, subject.user, scopes, parent, { refresh: { kind: 'none' }, extraClaims: claims })
}
