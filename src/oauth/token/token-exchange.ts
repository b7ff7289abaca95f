import { OAuthError } from '../errors.js'
import { requireParams } from '../params.js'
import { accessTokenSubject, verifyTenantJwt } from '../subject-token.js'
import type { GrantHandler } from './grant.js'
import { checkClientScopes, splitScope } from './grant.js'
import { issueUserTokens } from './user-grant.js'

/** RFC 8693 §3 token type identifiers. */
export const TOKEN_TYPE = {
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
} as const

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693 §2): a subject token of a
 * type the vendor accepts — here one this tenant signed, or an access token it issued — for a new
 * access token (and a refresh token where the vendor issues one), with `issued_token_type`.
 */
export const tokenExchangeGrant: GrantHandler = async (c, params, { client }) => {
  const server = c.get('server')
  const spec = server.spec.tokenExchange
  if (!spec) throw new OAuthError('unsupported_grant_type')
  requireParams(params, ['subject_token', 'subject_token_type'])
  const type = params.get('subject_token_type')!
  if (!spec.subjectTokenTypes.includes(type)) throw new OAuthError('unsupported_token_type', { subject_token_type: type })
  const requested = params.get('requested_token_type')
  if (requested !== undefined && requested !== TOKEN_TYPE.accessToken) throw new OAuthError('unsupported_token_type', { requested_token_type: requested })
  const token = params.get('subject_token')!
  const subject = type === TOKEN_TYPE.accessToken ? await accessTokenSubject(server, token) : verifyTenantJwt(server, token)
  if (!subject) throw new OAuthError('subject_token_invalid')
  const scopes = params.has('scope') ? splitScope(params.get('scope')) : splitScope(subject.scope)
  checkClientScopes(client, scopes)
  const parent = ['tx', client.clientId, token, scopes.join(' ')].join('\u0000')
  // RFC 8693 issues the requested token type only: no id_token
  const body = await issueUserTokens(c, client, subject.user, scopes, parent, { idToken: false, ...(spec.refresh ? {} : { refresh: { kind: 'none' } as const }) })
  const values: Record<string, unknown> = { ...body, issued_token_type: TOKEN_TYPE.accessToken }
  const out: Record<string, unknown> = {}
  for (const f of spec.fields) if (values[f] !== undefined) out[f] = values[f]
  return out
}
