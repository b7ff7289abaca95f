import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { escapeHtml, page } from '../server/html.js'
import type { User } from '../runtime/tenant.js'
import type { AuthorizationRequest } from './authorize.js'

/** Form fields the hosted login page posts back to the authorization endpoint. */
export const LOGIN_FIELDS = { action: 'mockidp_action', user: 'mockidp_user', username: 'mockidp_username', password: 'mockidp_password' } as const

const RESERVED = new Set<string>(Object.values(LOGIN_FIELDS))

/** Request parameters worth showing a developer under "Request details". */
const SHOWN = ['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'prompt', 'max_age', 'login_hint'] as const

/** What the login page says besides the users. */
export interface LoginPageOptions {
  /** Why the last attempt failed (the page is then a 401). */
  error?: string
  /** The user of the browser's current session, when re-authentication was asked for. */
  signedIn?: User
}

const displayName = (u: User): string => String(u.name ?? u.preferred_username ?? u.username)

/** Up to two initials for the avatar. */
const initials = (name: string): string =>
  name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('')

/**
 * The hosted login page: the tenant's users, one click each, and a username/password form. Both
 * post back to the authorization endpoint with the original request's parameters. Plain HTML with
 * no script and no external assets; the vendor shows only through its brand colour and name.
 */
export function loginPage(c: Context<Env>, req: AuthorizationRequest, opts: LoginPageOptions = {}): Response {
  const server = c.get('server')
  const tenant = server.tenant
  const profile = tenant.profile
  const action = escapeHtml(server.paths.authorization!)
  const hidden = [...req.params]
    .filter(([k]) => !RESERVED.has(k))
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('')
  const loginAs = `<input type="hidden" name="${LOGIN_FIELDS.action}" value="login">`
  const users = tenant.users
    .map((u) => {
      const label = displayName(u)
      const meta = [u.username, u.email].filter((x, i, all) => typeof x === 'string' && x !== label && all.indexOf(x) === i).join(' · ')
      return `<li><form method="post" action="${action}">${hidden}${loginAs}<input type="hidden" name="${LOGIN_FIELDS.user}" value="${escapeHtml(u.sub)}"><button type="submit" class="user" data-user="${escapeHtml(u.username)}"><span class="avatar" aria-hidden="true">${escapeHtml(initials(label))}</span><span class="who">${escapeHtml(label)}</span><span class="meta">${escapeHtml(meta)}</span></button></form></li>`
    })
    .join('\n')
  const clientName = req.client.name ?? req.client.clientId
  const { error, signedIn } = opts
  const typed = req.params.get(LOGIN_FIELDS.username) ?? ''
  const invalid = error ? ' aria-invalid="true" aria-describedby="login-error"' : ''
  const details = SHOWN.flatMap((k) => {
    const v = req.params.get(k)
    return v === undefined ? [] : [`<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`]
  }).join('')
  const html = page(
    `Sign in to ${clientName} — ${profile.displayName} (mockidp)`,
    `<header class="brand"><span class="logo" aria-hidden="true">${escapeHtml(initials(profile.brand.logoText).slice(0, 1))}</span><span class="brand-name">${escapeHtml(profile.brand.logoText)}</span><span class="badge">mock</span></header>
<section aria-labelledby="title">
<h1 class="title" id="title">Sign in to ${escapeHtml(clientName)}</h1>
<p class="context">${escapeHtml(profile.displayName)} · tenant <code>${escapeHtml(tenant.id)}</code></p>
${signedIn ? `<p class="note">You are signed in as <strong>${escapeHtml(displayName(signedIn))}</strong>; the app asked you to sign in again.</p>` : ''}${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<h2 id="pick">Choose a test user</h2>
<ul class="users" aria-labelledby="pick">
${users}
</ul></section>
<p class="or" aria-hidden="true">or</p>
<section aria-labelledby="pw"><h2 id="pw">Sign in with a password</h2>
<form method="post" action="${action}">${hidden}${loginAs}
<label for="username">Username or email</label><input id="username" name="${LOGIN_FIELDS.username}" value="${escapeHtml(typed)}" autocomplete="username" autocapitalize="none" spellcheck="false" required${invalid}${error ? ' autofocus' : ''}>
<label for="password">Password</label><input id="password" name="${LOGIN_FIELDS.password}" type="password" autocomplete="current-password" required${invalid}>
<p><button class="primary" type="submit">Sign in</button></p></form></section>
<details><summary>Request details</summary><dl>${details}</dl></details>
<p class="warn">mockidp imitates ${escapeHtml(profile.displayName)} for development and tests. Not for production.</p>`,
    { color: profile.brand.color },
  )
  return c.html(html, error ? 401 : 200, { 'cache-control': 'no-store' })
}
