import type { Context } from 'hono'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import type { Env } from '../server/env.js'
import type { User } from '../runtime/tenant.js'
import { secretEquals } from './client-auth.js'
import { OAuthError } from './errors.js'
import { completeAuthorization, type AuthorizationRequest } from './authorize.js'
import { loginPage, LOGIN_FIELDS } from './login-page.js'
import { DEFAULT_PASSWORD } from './token/password.js'

/**
 * Decide who signs in: the login page's answer, a `login_hint`, or the tenant's `autoLogin` user.
 * With none of these the login page is shown (`prompt=none` gets `login_required` instead).
 */
export async function signIn(c: Context<Env>, req: AuthorizationRequest): Promise<Response> {
  const tenant = c.var.server.tenant
  const { params } = req
  const prompt = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean))

  if (params.get(LOGIN_FIELDS.action) === 'login') {
    const picked = params.get(LOGIN_FIELDS.user)
    let user: User | undefined
    if (picked !== undefined) user = tenant.userBySub(picked)
    else {
      const u = tenant.findUser(params.get(LOGIN_FIELDS.username) ?? '')
      if (u && secretEquals(params.get(LOGIN_FIELDS.password) ?? '', u.password ?? DEFAULT_PASSWORD)) user = u
    }
    if (!user) return loginPage(c, req, 'Wrong username or password.')
    return complete(c, req, user)
  }

  const hint = params.get('login_hint') ?? tenant.config.autoLogin
  const hinted = hint === undefined ? undefined : tenant.findUser(hint)
  if (hinted && !prompt.has('login')) return complete(c, req, hinted)
  if (prompt.has('none')) throw new OAuthError('login_required')
  return loginPage(c, req)
}

function complete(c: Context<Env>, req: AuthorizationRequest, user: User): Response {
  const tenant = c.var.server.tenant
  const sid = formatId(tenant.ids, [tenant.id, 'sid', user.sub], { kind: 'uuid', version: 4 })
  return completeAuthorization(c, req, user, { sid, authTime: epochSeconds(tenant.clock) })
}
