import { AsgardeoSPAClient } from '@asgardeo/browser'

const $ = (id) => document.getElementById(id)
const fail = (err) => {
  $('status').textContent = 'error'
  $('error').textContent = typeof err === 'object' && err && !(err instanceof Error) ? JSON.stringify(err) : String(err?.stack ?? err)
}

async function main() {
  const baseUrl = `${location.origin}/asgardeo/t/bifrost` // this dev server
  const auth = AsgardeoSPAClient.getInstance()
  await auth.initialize({
    baseUrl,
    clientId: 'spa-client',
    afterSignInUrl: `${location.origin}/asgardeo.html`,
    afterSignOutUrl: `${location.origin}/asgardeo.html`,
    scopes: ['openid', 'profile', 'email'],
    storage: 'sessionStorage',
    syncSession: true, // the check-session iframe, with the session cookie of this same origin
    checkSessionInterval: 1,
  })
  window.addEventListener('message', (e) => {
    if (e.origin === location.origin && typeof e.data === 'string' && ['changed', 'unchanged', 'error'].includes(e.data)) $('session').textContent = e.data
  })
  await auth.signIn({ callOnlyOnRedirect: true })
  const signedIn = await auth.isSignedIn()
  if (signedIn) {
    const res = await auth.httpRequest({ url: `${baseUrl}/oauth2/userinfo`, method: 'GET' })
    $('name').textContent = res.data.name ?? res.data.username ?? res.data.sub
  }
  $('status').textContent = signedIn ? 'signed in' : 'signed out'
  $('sign-in').hidden = !!signedIn
  $('sign-out').hidden = !signedIn
  $('sign-in').onclick = () => auth.signIn().catch(fail)
  $('sign-out').onclick = () => auth.signOut().catch(fail)
}

main().catch(fail)
