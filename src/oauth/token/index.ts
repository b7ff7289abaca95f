import type { Context } from 'hono'
import type { Env } from '../../server/env.js'
import type { GrantType } from '../../profiles/types.js'
import { authenticateClient } from '../client-auth.js'
import type { GrantHandler } from './grant.js'
import { OAuthError } from '../errors.js'
import { readForm } from '../params.js'
import { stringify } from '../../lib/json.js'
import { authorizationCodeGrant } from './authorization-code.js'
import { refreshTokenGrant } from './refresh-token.js'
import { clientCredentialsGrant } from './client-credentials.js'
import { passwordGrant } from './password.js'
import { tokenExchangeGrant } from './token-exchange.js'
import { authingTokenGrant } from './authing-token.js'
import { deviceCodeGrant } from '../device.js'
import { organizationSwitchGrant } from './organization-switch.js'

// `implicit` is absent: it is an authorization-endpoint flow, unknown to the token endpoint
const grants: Partial<Record<GrantType, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  'urn:ietf:params:oauth:grant-type:device_code': deviceCodeGrant,
  'urn:ietf:params:oauth:grant-type:token-exchange': tokenExchangeGrant,
  'http://authing.cn/oidc/grant_type/authing_token': authingTokenGrant,
  organization_switch: organizationSwitchGrant,
}

/**
 * The token endpoint (RFC 6749 §3.2): POST form → client authentication → grant dispatch →
 * the vendor's token response, in its field order and headers.
 */
export async function tokenEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  if (c.req.method !== 'POST') throw new OAuthError('invalid_method', { method: c.req.method })
  const params = await readForm(c, server.spec.token.json !== undefined)
  const grantType = params.get('grant_type')
  const idOnly = grantType !== undefined && (server.spec.clientIdOnlyGrants ?? []).includes(grantType as GrantType)
  const auth = await authenticateClient(c, server, params, { idOnly })
  if (!grantType) throw new OAuthError('missing_grant_type')
  const handler = Object.hasOwn(grants, grantType) ? grants[grantType as GrantType] : undefined
  if (!handler || !server.spec.grants.includes(grantType as GrantType)) throw new OAuthError('unsupported_grant_type', { grant_type: grantType })
  if (!auth.client.grantTypes.includes(grantType as GrantType)) throw new OAuthError('unauthorized_grant', { grant_type: grantType })
  const body = await handler(c, params, auth)
  c.set('tokenResponse', body)
  return new Response(stringify(body, server.spec.json), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', ...server.spec.tokenResponse.headers },
  })
}

export { checkClientScopes, splitScope, type GrantHandler } from './grant.js'
