import { escapeHtml } from '../server/html.js'

/** How authorization responses travel back to the client (OAuth 2.0 Multiple Response Types, Form Post). */
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'web_message' | 'direct'

/** Build the response to `redirectUri` carrying `params` in `mode`. */
export function respondToClient(redirectUri: string, mode: ResponseMode, params: [string, string][]): Response {
  const headers = { 'cache-control': 'no-store' }
  if (mode === 'direct') {
    // response_mode=direct (WSO2 app-native): no browser to send back; an error is JSON to the app
    // (a success is the profile's `direct.success` body, built by the authorization endpoint)
    const error = params.some(([k]) => k === 'error')
    return new Response(JSON.stringify(Object.fromEntries(params)), { status: error ? 400 : 200, headers: { ...headers, 'content-type': 'application/json' } })
  }
  if (mode === 'web_message') {
    // oidc-provider's web_message mode (used by @authing/web for silent login): post the response
    // to the opener or parent window at the redirect URI's origin.
    const origin = new URL(redirectUri).origin
    const data = JSON.stringify({ type: 'authorization_response', response: Object.fromEntries(params) }).replace(/</g, '\\u003c')
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Web Message Response</title></head><body><script>(function(){var t=window.opener||window.parent;t.postMessage(${data},${JSON.stringify(origin)});})()</script></body></html>`
    return new Response(html, { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } })
  }
  if (mode === 'form_post') {
    const inputs = params.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('')
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Submit This Form</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`
    return new Response(html, { status: 200, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } })
  }
  const encoded = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
  let location: string
  if (encoded === '') location = redirectUri
  else if (mode === 'fragment') {
    const hash = redirectUri.indexOf('#')
    location = `${hash === -1 ? redirectUri : redirectUri.slice(0, hash)}#${encoded}`
  } else {
    const hash = redirectUri.indexOf('#')
    const base = hash === -1 ? redirectUri : redirectUri.slice(0, hash)
    location = `${base}${base.includes('?') ? '&' : '?'}${encoded}`
  }
  return new Response(null, { status: 302, headers: { ...headers, location } })
}
