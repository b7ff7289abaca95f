import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { escapeHtml, page } from '../server/html.js'
import type { OAuthError } from './errors.js'
import { describeError } from './render-error.js'

/**
 * The error page shown instead of redirecting, when the client or redirect URI cannot be trusted
 * (RFC 6749 §4.1.2.1: never redirect to an unverified URI).
 */
export function errorPage(c: Context<Env>, err: OAuthError): Response {
  const server = c.get('server')
  const { error, description } = describeError(server, err, c.get('origin'))
  const profile = server.tenant.profile
  const html = page(
    `${error} — ${profile.displayName} (mockidp)`,
    `<header><h1>${escapeHtml(profile.displayName)}</h1><p>mockidp · tenant ${escapeHtml(server.tenant.id)}</p></header>
<section><h2>The request was refused</h2><p class="error" role="alert"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p>
<p class="meta">The client could not be trusted with a redirect, so the error is shown here instead.</p></section>`,
    { color: profile.brand.color },
  )
  // an oversized body is a 413 whatever the page says (RFC 9110 §15.5.14), as the JSON endpoints answer it
  return c.html(html, err.reason === 'body_too_large' ? 413 : 400, { 'cache-control': 'no-store' })
}
