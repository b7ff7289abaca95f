// Sample SPA: the Ping OIDC client SDK (unmodified) against mockidp's PingOne tenant.
// Bundle: npx esbuild examples/spa-pingone/main.js --bundle --format=esm --outfile=examples/spa-pingone/app.js
import { OidcClient } from '@pingidentity-developers-experience/ping-oidc-client-sdk'

const $ = (id) => document.getElementById(id)
const show = (id, on) => ($(id).hidden = !on)
const fail = (err) => {
  $('status').textContent = 'error'
  $('error').textContent = typeof err === 'object' && err && !(err instanceof Error) ? JSON.stringify(err) : String(err?.stack ?? err)
}

async function main() {
  const cfg = await (await fetch('./config.json', { cache: 'no-store' })).json()
  const options = { client_id: cfg.clientId, redirect_uri: cfg.redirectUri, scope: cfg.scope, storageType: 'session', logLevel: 'warn' }
  // initializeFromOpenIdConfig() reads {issuer}/.well-known/openid-configuration but accepts only an
  // https issuer; over plain http (a local mockidp) read the discovery document here and hand it to
  // initializeClient(), the SDK's documented alternative. Either way, on the callback the SDK
  // exchanges the code (PKCE) before resolving.
  const client = cfg.issuer.startsWith('https:')
    ? await OidcClient.initializeFromOpenIdConfig(cfg.issuer, options)
    : await OidcClient.initializeClient(options, await (await fetch(`${cfg.issuer}/.well-known/openid-configuration`)).json())
  if (location.pathname !== '/') history.replaceState(null, '', '/')
  const signedIn = await client.hasToken()

  const showUser = async () => {
    const info = await client.fetchUserInfo()
    $('name').textContent = info.name ?? info.preferred_username ?? info.sub
  }

  $('sign-in').onclick = () => client.authorize().catch(fail)
  $('refresh').onclick = async () => {
    try {
      const before = (await client.getToken()).access_token
      const token = await client.refreshToken() // rotated refresh token
      if (!token) return // the SDK fell back to a prompt=none redirect
      await showUser()
      $('refreshed').textContent = token.access_token !== before ? 'yes' : 'same token'
    } catch (err) {
      fail(err)
    }
  }
  $('sign-out').onclick = () => client.endSession(cfg.postLogoutRedirectUri).catch(fail) // /as/signoff?id_token_hint=…

  if (signedIn) {
    await showUser()
    $('status').textContent = 'signed in'
  } else {
    $('status').textContent = 'signed out'
  }
  show('sign-in', !signedIn)
  show('refresh', signedIn)
  show('sign-out', signedIn)
}

main().catch(fail)
