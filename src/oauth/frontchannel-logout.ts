import { escapeHtml } from '../server/html.js'

/** How long the end-session page waits for the apps' logout iframes before it moves on. */
export const FRONTCHANNEL_WAIT_MS = 3000

/**
 * The end-session page's part of OIDC Front-Channel Logout 1.0 (§3): one hidden iframe per app
 * that registered a `frontchannelLogoutUri`, listed by client for a developer reading the page;
 * with a post-logout redirect, the page moves on once every iframe loaded (or after
 * {@link FRONTCHANNEL_WAIT_MS}), as oidc-provider's and WSO2's logout pages do.
 */
export function frontchannelFrames(frames: { clientId: string; url: string }[], next: string | undefined): string {
  if (!frames.length) return ''
  const items = frames.map((f, i) => `<li><code>${escapeHtml(f.clientId)}</code> <span class="meta" id="fcl-state-${i}">notifying…</span></li>`).join('')
  const iframes = frames
    .map((f, i) => `<iframe class="fcl" src="${escapeHtml(f.url)}" title="Sign-out of ${escapeHtml(f.clientId)}" hidden width="0" height="0" data-state="fcl-state-${i}"></iframe>`)
    .join('')
  const target = next === undefined ? 'null' : JSON.stringify(next).replace(/</g, '\\u003c')
  // each app's line says when its logout URI has loaded; with a redirect, go on once all have (or after the wait)
  const script = `<script>(function(){var fs=document.querySelectorAll('iframe.fcl'),n=fs.length,t=${target},d=false;function go(){if(t&&!d){d=true;location.replace(t)}}fs.forEach(function(f){f.addEventListener('load',function(){var s=document.getElementById(f.getAttribute('data-state'));if(s)s.textContent='notified';if(--n===0)go()})});setTimeout(go,${FRONTCHANNEL_WAIT_MS})})()</script>`
  return `<section style="padding-bottom:16px"><h2>Apps told about the sign-out</h2><ul class="users">${items}</ul>${next ? `<p class="meta"><a href="${escapeHtml(next)}">Continue</a></p>` : ''}</section>${iframes}${script}`
}
