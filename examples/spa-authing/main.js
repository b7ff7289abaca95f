// Sample SPA: @authing/web (unmodified) against mockidp's Authing tenant.
// Bundle: npx esbuild examples/spa-authing/main.js --bundle --format=esm --outfile=examples/spa-authing/app.js
// @authing/web only accepts a bare domain (no port, no path): config.json's `domain` must be a host
// tenant served on port 80, e.g. http://authing-demo.localhost (see the README, "Frontend SDKs").
import { Authing } from '@authing/web'

const $ = (id) => document.getElementById(id)
const show = (id, on) => ($(id).hidden = !on)
const fail = (err) => {
  $('status').textContent = 'error'
  $('error').textContent = String(err?.stack ?? err)
}

async function main() {
  const cfg = await (await fetch('./config.json', { cache: 'no-store' })).json()
  const authing = new Authing({
    domain: cfg.domain,
    appId: cfg.appId,
    userPoolId: cfg.userPoolId,
    redirectUri: cfg.redirectUri,
    logoutRedirectUri: cfg.logoutRedirectUri,
    scope: cfg.scope,
  })

  if (authing.isRedirectCallback()) {
    await authing.handleRedirectCallback() // code + PKCE verifier → /oidc/token
    history.replaceState(null, '', '/')
  }

  // From localStorage, else a hidden prompt=none iframe (response_mode=web_message).
  let state = await authing.getLoginState()

  const showUser = async () => {
    const profile = await authing.getUserInfo({ accessToken: state.accessToken }) // /api/v3/get-profile
    if (!profile.userId) throw new Error(`get-profile answered ${JSON.stringify(profile)}`)
    $('name').textContent = profile.name ?? profile.username
  }

  $('sign-in').onclick = () => authing.loginWithRedirect().catch(fail)
  $('refresh').onclick = async () => {
    try {
      const before = state.accessToken
      // refresh_token grant, client named by x-authing-app-id. Authing issues a refresh token only when
      // the login asked for offline_access with prompt=consent, which @authing/web never sends: this
      // reports the SDK's "获取 refresh_token 失败" error here, as it does against Authing.
      state = await authing.refreshToken()
      await showUser()
      $('refreshed').textContent = state.accessToken !== before ? 'yes' : 'same token'
    } catch (err) {
      fail(err)
    }
  }
  $('sign-out').onclick = () => authing.logoutWithRedirect().catch(fail) // /oidc/session/end

  if (state) {
    await showUser()
    $('status').textContent = 'signed in'
  } else {
    $('status').textContent = 'signed out'
  }
  show('sign-in', !state)
  show('refresh', !!state)
  show('sign-out', !!state)
}

main().catch(fail)
