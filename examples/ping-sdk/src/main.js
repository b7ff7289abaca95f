import * as legacy from './legacy-sdk.js'
import * as oidcClient from './oidc-client.js'

const SDKS = { 'javascript-sdk': legacy, 'oidc-client': oidcClient }
const $ = (sel) => document.querySelector(sel)
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** The chosen SDK survives the round trip to PingOne in sessionStorage. */
function chooseSdk() {
  const asked = new URL(location.href).searchParams.get('sdk')
  if (asked && SDKS[asked]) sessionStorage.setItem('sample-sdk', asked)
  return sessionStorage.getItem('sample-sdk') ?? 'javascript-sdk'
}

const LOG = 'sample-log'
function log(text) {
  const entries = JSON.parse(sessionStorage.getItem(LOG) ?? '[]')
  entries.push({ at: new Date().toLocaleTimeString(), text })
  sessionStorage.setItem(LOG, JSON.stringify(entries.slice(-12)))
  showLog()
}
function showLog() {
  const entries = JSON.parse(sessionStorage.getItem(LOG) ?? '[]')
  $('#log').innerHTML = entries.length ? entries.map((e) => `<li><span>${esc(e.at)}</span> ${esc(e.text)}</li>`).join('') : '<li><span>—</span> nothing yet</li>'
}

async function main() {
  const key = chooseSdk()
  const sdk = SDKS[key]
  for (const a of document.querySelectorAll('.sdk a')) a.classList.toggle('active', a.href.endsWith(`sdk=${key}`))
  showLog()
  try {
    const cfg = await (await fetch('/config.json')).json()
    $('#issuer').textContent = new URL(cfg.wellknown).href.replace('/.well-known/openid-configuration', '')
    await sdk.init(cfg)
    const url = new URL(location.href)
    if (url.pathname === '/callback') {
      history.replaceState(null, '', '/')
      const [code, state, error] = ['code', 'state', 'error'].map((p) => url.searchParams.get(p))
      if (error) throw new Error(`${error}: ${url.searchParams.get('error_description') ?? ''}`)
      if (code && state) {
        await sdk.finishSignIn(code, state)
        log('redirect back from PingOne: code exchanged for tokens (PKCE)')
      }
    }
    await render(sdk)
  } catch (err) {
    await render(sdk, err)
  }
}

async function render(sdk, err) {
  const tokens = await sdk.tokens().catch(() => undefined)
  const card = $('#card')
  const error = err ? `<p class="error" id="error">${esc(err.message ?? err)}</p>` : ''
  if (!tokens?.accessToken) {
    card.innerHTML = `<span class="status out" id="status">Signed out</span>
      <h1>Welcome</h1>
      <p class="muted">Sign in with your PingOne account. This page uses <code>${esc(sdk.name)}</code>, unmodified from npm.</p>
      <div class="actions"><button id="sign-in">Sign in with PingOne</button></div>${error}`
    $('#sign-in').onclick = () => act(sdk, 'sign-in', async () => {
      log('sign in: background check (hidden iframe, prompt=none), else redirect to PingOne')
      await sdk.signIn()
      log('signed in from the existing PingOne session, without a redirect')
    })
    return
  }
  let user
  try {
    user = await sdk.userInfo()
  } catch (e) {
    err ??= e
  }
  const renewed = Number(sessionStorage.getItem('sample-renewed') ?? 0)
  card.innerHTML = `<span class="status in" id="status">Signed in</span>
    <h1 id="name">${esc(user?.name ?? user?.preferred_username ?? 'Signed in')}</h1>
    <p class="muted">from the PingOne userinfo endpoint</p>
    <dl>
      <dt>username</dt><dd id="username">${esc(user?.preferred_username)}</dd>
      <dt>email</dt><dd id="email">${esc(user?.email)}</dd>
      <dt>subject</dt><dd id="sub">${esc(user?.sub)}</dd>
      <dt>access token</dt><dd>…<span id="token-tail">${esc(tokens.accessToken.slice(-12))}</span></dd>
      <dt>expires</dt><dd id="expires">${tokens.expiry ? esc(new Date(tokens.expiry).toLocaleTimeString()) : '—'}</dd>
      <dt>renewed</dt><dd id="renewed">${renewed} time${renewed === 1 ? '' : 's'} in the background</dd>
    </dl>
    <div class="actions">
      <button id="renew" class="secondary">Renew tokens in the background</button>
      <button id="sign-out">Sign out</button>
    </div>${error}`
  $('#renew').onclick = () => act(sdk, 'renew', async () => {
    log('renew: hidden iframe (prompt=none) with the PingOne session; without one there, a redirect')
    await sdk.renew()
    sessionStorage.setItem('sample-renewed', String(renewed + 1))
    log('renewed in the background: new code → new tokens; old access token revoked')
  })
  $('#sign-out').onclick = () => act(sdk, 'sign-out', async () => {
    await sdk.signOut()
    sessionStorage.removeItem('sample-renewed')
    log('signed out: access token revoked, PingOne session ended')
  })
}

async function act(sdk, id, fn) {
  for (const b of document.querySelectorAll('button')) b.disabled = true
  try {
    await fn()
    await render(sdk)
  } catch (err) {
    await render(sdk, err)
  }
}

// Inside the SDK's hidden renew iframe this page only has to land on /callback: the SDK reads the
// code from the frame's URL. Running the app there would redeem the code twice.
if (window.top === window) main()
