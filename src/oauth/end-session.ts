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
import type { Client } from '../runtime/tenant.js'
import { clearedSessionCookie, sessionHandle } from './session.js'
import { isRedirectUri } from '../lib/redirect-uri.js'
import { verifyIdTokenHint } from './id-token-hint.js'
import { frontchannelTargets, notifySessionEnded } from './backchannel-logout.js'
import { frontchannelFrames } from './frontchannel-logout.js'

export { sessionCookieName } from './session.js'

/** The page a logout without a redirect ends on; it also clears the session cookie. */
export function signedOutPage(c: Context<Env>, ended: boolean, next?: string, frames = ''): Response {
  const server = c.get('server')
  const tenant = server.tenant
  const profile = tenant.profile
  const html = page(
    `Signed out — ${profile.displayName} (mockidp)`,
    `<header class="brand"><span class="brand-name">${escapeHtml(profile.brand.logoText)}</span><span class="badge">mock</span></header>
<section><h1 class="title">You are signed out</h1><p class="context">${escapeHtml(profile.displayName)} · tenant <code>${escapeHtml(tenant.id)}</code></p>
<p>${ended ? 'Your session with this tenant has ended.' : 'There was no session to end.'} ${next ? 'Taking you back to the app…' : 'You can close this window.'}</p></section>${frames}`,
    { color: profile.brand.color },
  )
  return c.html(html, 200, { 'cache-control': 'no-store', 'set-cookie': clearedSessionCookie(server, isHttps(c)) })
}

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
    let client: Client | undefined
    if (hint && (server.spec.endSession.idTokenHint ?? 'verify') === 'verify') {
      // the vendors' engines verify the hint, so an unsigned or foreign one ends nothing here either
      client = verifyIdTokenHint(server, hint, c.get('origin'))
      const clientId = params.get('client_id')
      if (clientId !== undefined && clientId !== client.clientId) throw new OAuthError('end_session_bad_hint')
    } else {
      const aud = hint ? decodePayload(hint)?.aud : undefined
      const clientId = params.get('client_id') ?? (typeof aud === 'string' ? aud : Array.isArray(aud) ? String(aud[0]) : undefined)
      client = clientId === undefined ? undefined : tenant.clients.get(clientId)
    }
    const target = params.get('post_logout_redirect_uri')
    if (target !== undefined && (!client || !postLogoutUris(client).includes(target) || !isRedirectUri(target))) throw new OAuthError('end_session_bad_redirect')
    const session = await tenant.sessions.find(sessionHandle(c))
    const ended = await tenant.sessions.end(sessionHandle(c))
    // Front-Channel Logout 1.0: the apps' logout URIs load in iframes of this page; Back-Channel
    // Logout 1.0: each app hears it server to server before the browser moves on
    const frames = session ? await frontchannelTargets(tenant, session.sid) : []
    if (session) await notifySessionEnded(tenant, session, 'logout')
    const state = params.get('state')
    const redirect = target === undefined ? undefined : respondToClient(target, 'query', state === undefined ? [] : [['state', state]])
    if (redirect && !frames.length) {
      redirect.headers.append('set-cookie', clearedSessionCookie(server, isHttps(c)))
      return redirect
    }
    const next = redirect?.headers.get('location') ?? undefined
    return signedOutPage(c, ended, next, frontchannelFrames(frames, next))
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(c, err)
    throw err
  }
}

/**
 * Logout by ID token alone, fetched by the app rather than navigated to (PingOne's IdP Signoff,
 * `GET /as/idpSignoff?id_token_hint=…`, which the Ping SDKs call with `fetch`): `id_token_hint` is
 * required and verified as at the end-session endpoint, a `client_id` must be its `aud`, and the
 * client must be allowed to (`idTokenLogout`, PingOne's `idpSignoff`, off by default). Ends every
 * session with the hint's `sid` — the browser's cookie is not needed — and answers 204, or, with a
 * registered `post_logout_redirect_uri`, redirects there with `state`.
 */
export async function idTokenLogoutEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  const params = readQuery(c)
  const hint = params.get('id_token_hint')
  if (hint === undefined || hint === '') throw new OAuthError('missing_parameter', { params: ['id_token_hint'] })
  const client = verifyIdTokenHint(server, hint, c.get('origin'))
  const clientId = params.get('client_id')
  if (clientId !== undefined && clientId !== client.clientId) throw new OAuthError('end_session_bad_hint')
  if (!client.idTokenLogout) throw new OAuthError('id_token_logout_not_allowed', { client_id: client.clientId })
  const target = params.get('post_logout_redirect_uri')
  if (target !== undefined && (!postLogoutUris(client).includes(target) || !isRedirectUri(target))) throw new OAuthError('end_session_bad_redirect')
  const sid = decodePayload(hint)?.sid
  const own = sessionHandle(c)
  let endedOwn = false
  for await (const session of typeof sid === 'string' ? tenant.sessions.all() : []) {
    if (session.sid !== sid) continue
    if (!(await tenant.sessions.end(session.handle))) continue
    if (session.handle === own) endedOwn = true
    await notifySessionEnded(tenant, session, 'logout')
  }
  const state = params.get('state')
  const res = target === undefined ? new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } }) : respondToClient(target, 'query', state === undefined ? [] : [['state', state]])
  if (endedOwn) res.headers.append('set-cookie', clearedSessionCookie(server, isHttps(c)))
  return res
}
