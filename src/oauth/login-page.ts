import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { escapeHtml, page } from '../server/html.js'
import type { AuthorizationRequest } from './authorize.js'

/** Form fields the hosted login page posts back to the authorization endpoint. */
export const LOGIN_FIELDS = { action: 'mockidp_action', user: 'mockidp_user', username: 'mockidp_username', password: 'mockidp_password' } as const

const RESERVED = new Set<string>(Object.values(LOGIN_FIELDS))

/**
 * The hosted login page: the tenant's users, one click each, and a username/password form. It posts
 * back to the authorization endpoint with the original request's parameters.
 */
export function loginPage(c: Context<Env>, req: AuthorizationRequest, error?: string): Response {
  const server = c.var.server
  const tenant = server.tenant
  const profile = tenant.profile
  const action = server.paths.authorization!
  const hidden = [...req.params]
    .filter(([k]) => !RESERVED.has(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('')
  const users = tenant.users
    .map((u) => {
      const label = String(u.name ?? u.preferred_username ?? u.username)
      const meta = [u.username, u.email].filter((x) => typeof x === 'string' && x !== label).join(' · ')
      return `<li><form method="post" action="${escapeHtml(action)}">${hidden}<input type="hidden" name="${LOGIN_FIELDS.action}" value="login"><input type="hidden" name="${LOGIN_FIELDS.user}" value="${escapeHtml(u.sub)}"><button type="submit" data-user="${escapeHtml(u.username)}"><span class="who">${escapeHtml(label)}</span><br><span class="meta">${escapeHtml(meta)}</span></button></form></li>`
    })
    .join('')
  const clientName = req.client.name ?? req.client.clientId
  const html = page(
    `Sign in — ${profile.displayName} (mockidp)`,
    `<header><h1>${escapeHtml(profile.brand.logoText)}</h1><p>Sign in to <strong>${escapeHtml(clientName)}</strong> · tenant ${escapeHtml(tenant.id)}</p></header>
<section>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<h2 id="pick">Choose a test user</h2><ul class="users" aria-labelledby="pick">${users}</ul></section>
<section><h2 id="pw">Or sign in with a password</h2><form method="post" action="${escapeHtml(action)}" aria-labelledby="pw">${hidden}<input type="hidden" name="${LOGIN_FIELDS.action}" value="login">
<label for="username">Username or email</label><input id="username" name="${LOGIN_FIELDS.username}" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="${LOGIN_FIELDS.password}" type="password" autocomplete="current-password" required>
<p><button class="primary" type="submit">Sign in</button></p></form></section>
<p class="warn">mockidp imitates ${escapeHtml(profile.displayName)} for development and tests. Not for production.</p>`,
    { color: profile.brand.color },
  )
  return c.html(html, error ? 401 : 200, { 'cache-control': 'no-store' })
}
