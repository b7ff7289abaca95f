import { UserManager } from 'oidc-client-ts'
import { settings } from './settings.js'

const $ = (id) => document.getElementById(id)
const fail = (err) => {
  $('status').textContent = 'error'
  $('error').textContent = String(err?.stack ?? err)
}
const users = new UserManager(settings())

async function main() {
  if (new URLSearchParams(location.search).has('code')) {
    await users.signinRedirectCallback() // code + PKCE exchange, id_token checked against the JWKS
    history.replaceState(null, '', '/')
  }
  const user = await users.getUser()
  const show = (u) => {
    $('status').textContent = u ? 'signed in' : 'signed out'
    $('name').textContent = u?.profile.name ?? ''
    $('issuer').textContent = u?.profile.iss ?? ''
    $('sign-in').hidden = !!u
    $('renew').hidden = !u
    $('sign-out').hidden = !u
  }
  show(user)
  $('sign-in').onclick = () => users.signinRedirect().catch(fail)
  $('renew').onclick = async () => {
    try {
      const before = (await users.getUser())?.access_token
      const renewed = await users.signinSilent() // prompt=none in a hidden iframe, answered from the session cookie
      $('renewed').textContent = renewed && renewed.access_token !== before ? 'yes' : 'same token'
      show(renewed)
    } catch (err) {
      fail(err)
    }
  }
  $('sign-out').onclick = () => users.signoutRedirect().catch(fail)
}

main().catch(fail)
