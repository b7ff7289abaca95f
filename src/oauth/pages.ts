import type { Context } from 'hono'
import type { Env } from '../server/env.js'
import { escapeHtml, page } from '../server/html.js'
import type { OAuthError } from './errors.js'
import { describeError } from './render-error.js'
import { diagnoseRequest, type Diagnosis } from '../diagnose/hint.js'
import { cachedForm } from './params.js'

const COPY_SCRIPT = `<script>document.querySelectorAll('[data-copy]').forEach(function(b){b.addEventListener('click',function(){var t=document.getElementById(b.getAttribute('data-copy')).textContent;(navigator.clipboard?navigator.clipboard.writeText(t):Promise.reject()).then(function(){b.textContent='Copied'},function(){var r=document.createRange();r.selectNodeContents(document.getElementById(b.getAttribute('data-copy')));getSelection().removeAllRanges();getSelection().addRange(r);b.textContent='Press Ctrl+C'})})})</script>`

/** The diagnosis of a refusal, from the request's own parameters (the error page echoes only non-secret ones). */
function diagnosisOf(c: Context<Env>, err: OAuthError): Diagnosis | undefined {
  const idp = c.get('idp')
  const d = idp && diagnoseRequest(idp.config, c.get('server'), err, cachedForm(c), c.req.url)
  if (d) c.set('refusalHint', d.hint) // the journal's hint: not worked out twice
  return d
}

function details(d: Diagnosis, source: string): string {
  const out: string[] = [`<section class="why"><h2>Why</h2><p>${escapeHtml(d.hint)}</p></section>`]
  if (d.sent.length)
    out.push(`<section><h2>What the app sent</h2><dl class="kv">${d.sent.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd><code>${escapeHtml(v)}</code></dd>`).join('')}</dl></section>`)
  if (d.registered)
    out.push(
      `<section><h2>What is registered</h2><p class="meta">${escapeHtml(d.registered.label)}</p>${
        d.registered.values.length ? `<ul class="values">${d.registered.values.map((v) => `<li><code>${escapeHtml(v)}</code></li>`).join('')}</ul>` : '<p class="meta">none</p>'
      }</section>`,
    )
  if (d.path)
    out.push(
      `<section><h2>Where to change it</h2><p><code class="path">${escapeHtml(d.path)}</code> in ${source === '(inline config)' ? 'the config given to <code>startMockIdp()</code>' : `<code>${escapeHtml(source)}</code>`}</p>${
        d.snippet
          ? `<div class="snippet"><div class="snippet-bar"><span>JSON</span><button type="button" class="copy" data-copy="snippet">Copy</button></div><pre id="snippet">${escapeHtml(d.snippet)}</pre></div>`
          : ''
      }<p class="meta">The CLI watches its config file: saving it applies the change at once.</p></section>`,
    )
  return out.join('\n')
}

/**
 * The error page shown instead of redirecting, when the client or redirect URI cannot be trusted
 * (RFC 6749 §4.1.2.1: never redirect to an unverified URI): the vendor's error, and for the developer
 * what was sent, what is registered, and the config entry to change.
 */
export function errorPage(c: Context<Env>, err: OAuthError): Response {
  c.set('refusal', err)
  const server = c.get('server')
  const { error, description } = describeError(server, err, c.get('origin'))
  const profile = server.tenant.profile
  const logout = err.reason === 'end_session_bad_redirect'
  const d = diagnosisOf(c, err)
  const source = c.get('idp')?.config.source ?? 'the config'
  const html = page(
    `${error} — ${profile.displayName} (mockidp)`,
    `<header class="brand"><span class="brand-name">${escapeHtml(profile.brand.logoText)}</span><span class="badge">mock</span></header>
<section><h1 class="title">${logout ? 'This sign-out request was refused' : 'This sign-in request was refused'}</h1>
<p class="context">${escapeHtml(profile.displayName)} · tenant <code>${escapeHtml(server.tenant.id)}</code> · ${logout ? 'logout' : 'authorization'} endpoint</p>
<p class="error" role="alert"><strong>${escapeHtml(error)}</strong>: ${escapeHtml(description)}</p></section>
${d ? details(d, source) : ''}
<p class="warn">The ${logout ? 'post-logout redirect' : 'client or redirect URI'} could not be trusted with a redirect, so the error is shown here instead of being sent to the app. mockidp · not for production</p>
${d?.snippet ? COPY_SCRIPT : ''}`,
    { color: profile.brand.color, width: 680 },
  )
  // an oversized body is a 413 whatever the page says (RFC 9110 §15.5.14), as the JSON endpoints answer it
  return c.html(html, err.reason === 'body_too_large' ? 413 : 400, { 'cache-control': 'no-store' })
}
