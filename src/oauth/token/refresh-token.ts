import { epochSeconds } from '../../lib/clock.js'
import type { Client } from '../../runtime/tenant.js'
import type { ServerRuntime } from '../../runtime/server.js'
import { OAuthError } from '../errors.js'
import { requireParams } from '../params.js'
import { issueTokens } from '../issue.js'
import type { GrantHandler } from './grant.js'
import { splitScope } from './grant.js'

/**
 * Whether a refresh token is issued: the client has the refresh grant, and, where the vendor asks
 * for it (GenAuth/Authing OIDC), the scope holds `offline_access`.
 */
export function refreshPolicy(server: ServerRuntime, client: Client, scopes: readonly string[]): boolean {
  if (!client.grantTypes.includes('refresh_token') || !server.spec.grants.includes('refresh_token')) return false
  const need = server.spec.refreshToken.requireScope
  return need === undefined || scopes.includes(need)
}

/**
 * `grant_type=refresh_token` (RFC 6749 §6). Rotation and replay protection follow the profile: a
 * rotated token is single-use; with replay protection, reusing one revokes its whole family.
 */
export const refreshTokenGrant: GrantHandler = async (c, params, { client }) => {
  const server = c.get('server')
  const tenant = server.tenant
  const spec = server.spec.refreshToken
  requireParams(params, ['refresh_token'])
  const token = params.get('refresh_token')!
  const rec = await tenant.store.refreshTokens.get(token)
  if (!rec || rec.serverId !== server.id || rec.revoked) throw new OAuthError('refresh_not_found')
  if (rec.clientId !== client.clientId) throw new OAuthError('refresh_client_mismatch')
  if (rec.exp <= epochSeconds(tenant.clock)) throw new OAuthError('refresh_expired')
  if (rec.used) {
    // its successors were stored before the winning request awaited anything, so they are all found
    if (spec.replayProtection) await tenant.revokeGrant(rec.family)
    throw new OAuthError('refresh_reused')
  }
  const granted = splitScope(rec.scope)
  const requested = params.has('scope') ? splitScope(params.get('scope')) : granted
  const extra = requested.filter((s) => !granted.includes(s))
  // `scopes` (listed, counted for the plural wording) before `scope` (the space-joined value)
  if (extra.length) throw new OAuthError('refresh_invalid_scope', { scopes: extra, scope: extra.join(' ') })
  const user = tenant.userBySub(rec.sub)
  if (!user) throw new OAuthError('refresh_not_found')
  tenant.assertRoomForTokens(server, spec.rotate)
  if (spec.rotate) {
    // used in one step by the store: of concurrent requests (on any replica) exactly one rotates it
    const was = await tenant.store.refreshTokens.mark(token, 'used', { used: true })
    if (!was || was.revoked) throw new OAuthError('refresh_not_found')
    if (was.used) {
      if (spec.replayProtection) await tenant.revokeGrant(rec.family)
      throw new OAuthError('refresh_reused')
    }
  }
  return issueTokens({
    server,
    origin: c.get('origin'),
    client,
    user,
    scopes: requested,
    parent: token,
    nonce: rec.nonce,
    authTime: rec.authTime,
    sid: rec.sid,
    authTimeRequired: rec.authTimeRequired,
    idToken: requested.includes('openid') && server.spec.idToken?.onRefresh === true,
    family: rec.family,
    refresh: spec.rotate ? { kind: 'new', family: rec.family } : { kind: 'keep', token },
  })
}
