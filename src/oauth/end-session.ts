import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { isHttps } from '../lib/request.js'
import { escapeHtml, page } from '../server/html.js'
import { OAuthError } from './errors.js'
import { readForm, readQuery } from './params.js'
import { decodePayload } from './jwt.js'
import { respondToClient } from './redirect.js'
import { errorPage } from './pages.js'
import { postLogoutUris } from './logout-uris.js'
import { clearedSessionCookie, sessionHandle } from './session.js'

export { sessionCookieName } from './session.js'
export { postLogoutUris } from './logout-uris.js'

/**
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0): ends the browser's SSO session (cookie and
 * server-side record) and, when a registered `post_logout_redirect_uri` is given, returns there with
 * `state`. Never redirects elsewhere; an unregistered URI gets an error page and leaves the session.
 */
export async function endSessionEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  try {
    const params = c.req.method === 'POST' ? await readForm(c) : readQuery(c)
    const hint = params.get('id_token_hint')
    const aud = hint ? decodePayload(hint)?.aud : undefined
    const clientId = params.get('client_id') ?? (typeof aud === 'string' ? aud : Array.isArray(aud) ? String(aud[0]) : undefined)
    const client = clientId === undefined ? undefined : tenant.clients.get(clientId)
    const target = params.get('post_logout_redirect_uri')
    if (target !== undefined && (!client || !postLogoutUris(client).includes(target))) throw new OAuthError('end_session_bad_redirect')
    const ended = tenant.sessions.end(sessionHandle(c))
    if (target !== undefined) {
      const state = params.get('state')
      const res = respondToClient(target, 'query', state === undefined ? [] : [['state', state]])
      res.headers.append('set-cookie', clearedSessionCookie(server, isHttps(c)))
      return res
    }
    const profile = tenant.profile
    const html = page(
      `Signed out — ${profile.displayName} (mockidp)`,
      `<header class="brand"><span class="brand-name">${escapeHtml(profile.brand.logoText)}</span><span class="badge">mock</span></header>
<section><h1 class="title">You are signed out</h1><p class="context">${escapeHtml(profile.displayName)} · tenant <code>${escapeHtml(tenant.id)}</code></p>
<p>${ended ? 'Your session with this tenant has ended.' : 'There was no session to end.'} You can close this window.</p></section>`,
      { color: profile.brand.color },
    )
    return c.html(html, 200, { 'cache-control': 'no-store', 'set-cookie': clearedSessionCookie(server, isHttps(c)) })
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(c, err)
    throw err
  }
}
