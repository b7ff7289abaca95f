import type { Context } from 'hono'
import type { Env } from '../../server/env.js'
import type { Client, User } from '../../runtime/tenant.js'
import { issueTokens, type Grant } from '../issue.js'
import { refreshPolicy } from './refresh-token.js'

/**
 * Issue a user's tokens the way every grant that authenticates a user does: an id_token when
 * `openid` was granted, a refresh token when the client and the profile allow one; `extra`
 * overrides (session, auth_time, no refresh …).
 */
export function issueUserTokens(c: Context<Env>, client: Client, user: User, scopes: string[], parent: string, extra: Partial<Grant> = {}): Promise<Record<string, unknown>> {
  const server = c.get('server')
  return issueTokens({
    server,
    origin: c.get('origin'),
    client,
    user,
    scopes,
    parent,
    idToken: scopes.includes('openid'),
    refresh: refreshPolicy(server, client, scopes) ? { kind: 'new' } : { kind: 'none' },
    ...extra,
  })
}
