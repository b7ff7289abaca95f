// Sample SPA: @asgardeo/browser (unmodified) against mockidp's Asgardeo tenant.
// Bundle: npx esbuild examples/spa-asgardeo/main.js --bundle --format=esm --outfile=examples/spa-asgardeo/app.js
import { AsgardeoSPAClient } from '@asgardeo/browser'

const $ = (id) => document.getElementById(id)
const show = (id, on) => ($(id).hidden = !on)
const fail = (err) => {
  $('status').textContent = 'error'
  $('error').textContent = typeof err === 'object' && err && !(err instanceof Error) ? JSON.stringify(err) : String(err?.stack ?? err)
}

async function main() {
  const cfg = await (await fetch('./config.json', { cache: 'no-store' })).json()
  const auth = AsgardeoSPAClient.getInstance()
  // No discovery: the SDK builds every endpoint from baseUrl (…/oauth2/token, …/oidc/checksession …).
  await auth.initialize({
    baseUrl: cfg.baseUrl,
    clientId: cfg.clientId,
    afterSignInUrl: cfg.afterSignInUrl,
    afterSignOutUrl: cfg.afterSignOutUrl,
    scopes: cfg.scopes,
    storage: 'sessionStorage',
    syncSession: true, // OIDC Session Management: the check_session iframe + session_state
    checkSessionInterval: cfg.checkSessionInterval ?? 3,
  })

  // Reports of the check-session OP iframe ("unchanged" / "changed" / "error"), shown for the curious.
  const opOrigin = new URL(cfg.baseUrl).origin
  window.addEventListener('message', (e) => {
    if (e.origin === opOrigin && typeof e.data === 'string') $('session').textContent = e.data
  })

  // On the callback: exchange the code (PKCE), validate the id_token against the JWKS, keep session_state.
  await auth.signIn({ callOnlyOnRedirect: true })
  const signedIn = await auth.isSignedIn()

  const showUser = async () => {
    const res = await auth.httpRequest({ url: `${cfg.baseUrl}/oauth2/userinfo`, method: 'GET' }) // Bearer attached by the SDK
    $('name').textContent = res.data.name ?? res.data.username ?? res.data.sub
  }

  $('sign-in').onclick = () => auth.signIn().catch(fail)
  $('refresh').onclick = async () => {
    try {
      const before = await auth.getAccessToken()
      await auth.refreshAccessToken() // rotated refresh token; a new id_token, validated again
      await showUser()
      $('refreshed').textContent = (await auth.getAccessToken()) !== before ? 'yes' : 'same token'
    } catch (err) {
      fail(err)
    }
  }
  $('sign-out').onclick = () => auth.signOut().catch(fail) // /oidc/logout?client_id=…&post_logout_redirect_uri=…

  if (signedIn) {
    await showUser()
    $('status').textContent = 'signed in'
  } else {
    $('status').textContent = 'signed out'
  }
  show('sign-in', !signedIn)
  show('refresh', !!signedIn)
  show('sign-out', !!signedIn)
}

main().catch(fail)
