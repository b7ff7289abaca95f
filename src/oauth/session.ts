import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Env } from '../server/env.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { SessionRecord } from '../runtime/sessions.js'

/** Name of a tenant's SSO session cookie. */
export const sessionCookieName = (tenantId: string): string => `mockidp_${tenantId.replace(/[^A-Za-z0-9_]/g, '_')}`

// Scoped to the tenant's root on the mount the request came through (path or host), so two tenants
// on one host never see each other's cookie; a browser-session cookie (no Max-Age) that the server
// also expires (SESSION_TTL). Over plain HTTP Lax: still sent on the top-level GET navigations that
// authorization requests and logouts are. Over TLS `Secure; SameSite=None`, as the vendors set
// theirs: also sent to the cross-site iframes (prompt=none silent sign-in, web_message, check
// session) of an app on another site (RFC 6265bis §5.4.7: None requires Secure).
const attributes = (server: ServerRuntime, secure: boolean): string => `Path=${server.rootPath || '/'}; HttpOnly; ${secure ? 'Secure; SameSite=None' : 'SameSite=Lax'}`

/** The `Set-Cookie` value that starts `session` in the browser (`secure`: the request came over TLS). */
export const sessionCookie = (server: ServerRuntime, session: SessionRecord, secure = false): string =>
  `${sessionCookieName(server.tenant.id)}=${session.handle}; ${attributes(server, secure)}`

/** The `Set-Cookie` value that removes the tenant's session cookie. */
export const clearedSessionCookie = (server: ServerRuntime, secure = false): string => `${sessionCookieName(server.tenant.id)}=; Max-Age=0; ${attributes(server, secure)}`

/** The session cookie's value as sent, if any. */
export function sessionHandle(c: Context<Env>): string | undefined {
  return getCookie(c, sessionCookieName(c.get('server').tenant.id)) || undefined
}

/** The request's live session whose user still exists, if any. */
export async function currentSession(c: Context<Env>): Promise<SessionRecord | undefined> {
  const tenant = c.get('server').tenant
  const session = await tenant.sessions.find(sessionHandle(c))
  return session && tenant.userBySub(session.sub) ? session : undefined
}
