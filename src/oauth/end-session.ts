import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { escapeHtml, page } from '../server/html.js'
import { OAuthError } from './errors.js'
import { readForm, readQuery } from './params.js'
import { decodePayload } from './jwt.js'
import { respondToClient } from './redirect.js'
import { errorPage } from './pages.js'
import type { Client } from '../runtime/tenant.js'

/** Post-logout URIs a client may be sent to: its registered list, else its redirect URIs and their origins. */
export function postLogoutUris(client: Client): string[] {
  if (client.postLogoutRedirectUris) return client.postLogoutRedirectUris
  const out = new Set(client.redirectUris)
  for (const u of client.redirectUris) {
    try {
      const o = new URL(u).origin
      out.add(o)
      out.add(`${o}/`)
    } catch {
      /* validated at start-up */
    }
  }
  return [...out]
}

/**
 * RP-initiated logout (OIDC RP-Initiated Logout 1.0): ends the session and, when a registered
 * `post_logout_redirect_uri` is given, returns there with `state`. Never redirects elsewhere.
 */
export async function endSessionEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.var.server
  const tenant = server.tenant
  try {
    const params = c.req.method === 'POST' ? await readForm(c) : readQuery(c)
    const hint = params.get('id_token_hint')
    const aud = hint ? decodePayload(hint)?.aud : undefined
    const clientId = params.get('client_id') ?? (typeof aud === 'string' ? aud : Array.isArray(aud) ? String(aud[0]) : undefined)
    const client = clientId === undefined ? undefined : tenant.clients.get(clientId)
    const target = params.get('post_logout_redirect_uri')
    c.header('set-cookie', `${sessionCookieName(tenant.id)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`)
    if (target !== undefined) {
      if (!client || !postLogoutUris(client).includes(target)) throw new OAuthError('end_session_bad_redirect')
      const state = params.get('state')
      const res = respondToClient(target, 'query', state === undefined ? [] : [['state', state]])
      res.headers.append('set-cookie', `${sessionCookieName(tenant.id)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`)
      return res
    }
    const html = page(
      `Signed out — ${tenant.profile.displayName} (mockidp)`,
      `<header><h1>${escapeHtml(tenant.profile.brand.logoText)}</h1><p>mockidp · tenant ${escapeHtml(tenant.id)}</p></header><section><h2>You are signed out.</h2></section>`,
      { color: tenant.profile.brand.color },
    )
    return c.html(html, 200)
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(c, err)
    throw err
  }
}

/** Name of a tenant's SSO session cookie. */
export const sessionCookieName = (tenantId: string): string => `mockidp_${tenantId.replace(/[^A-Za-z0-9_]/g, '_')}`
