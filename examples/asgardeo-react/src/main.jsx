// @asgardeo/react, unmodified from npm, in a React 19 app against mockidp's Asgardeo tenant.
// <AsgardeoProvider> signs in with a redirect to the tenant's /oauth2/authorize (PKCE), reads the
// user's SCIM profile (/scim2/Me with /scim2/Schemas), the branding (/api/server/v1/branding-
// preference/resolve) and the user's organizations (/api/users/v1/me/organizations); switching
// organization is the organization_switch grant at /oauth2/token. config.json names the tenant.
import { StrictMode, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { AsgardeoProvider, SignIn, useAsgardeo, useBranding, useOrganization } from '@asgardeo/react'
import './app.css'

function Header() {
  const { brandingPreference } = useBranding()
  const logo = brandingPreference?.preference?.theme?.LIGHT?.images?.logo
  return (
    <header className="bar">
      {logo?.imgURL ? <img id="brand-logo" src={logo.imgURL} alt={logo.altText ?? ''} height="28" /> : <span className="brand-text">Asgardeo</span>}
      <span className="bar-title">Sample app</span>
    </header>
  )
}

function Organizations() {
  const { currentOrganization, myOrganizations, switchOrganization } = useOrganization()
  const [busy, setBusy] = useState(null)
  const [error, setError] = useState('')
  const pick = async (org) => {
    setBusy(org.id)
    setError('')
    try {
      await switchOrganization(org)
    } catch (e) {
      setError(String(e?.message ?? e))
    } finally {
      setBusy(null)
    }
  }
  return (
    <section className="orgs">
      <h2>Organization</h2>
      <p className="current">
        Current: <strong id="current-org">{currentOrganization?.name ?? '—'}</strong>
        {currentOrganization?.orgHandle ? <span className="handle"> ({currentOrganization.orgHandle})</span> : null}
      </p>
      <ul id="organizations">
        {(myOrganizations ?? []).map((org) => (
          <li key={org.id}>
            <span>{org.name}</span>
            <button
              className="secondary"
              data-org={org.name}
              disabled={busy !== null || currentOrganization?.id === org.id}
              onClick={() => pick(org)}
            >
              {currentOrganization?.id === org.id ? 'Current' : busy === org.id ? 'Switching…' : 'Switch'}
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="error" id="org-error">{error}</p>}
    </section>
  )
}

function App() {
  const { isLoading, isSignedIn, user, signIn, signOut } = useAsgardeo()
  if (!isSignedIn && location.pathname === '/sign-in')
    // app-native sign-in: the SDK's own form (response_mode=direct, then POST /oauth2/authn). It is
    // kept mounted while the provider loads: the form's sign-in call itself sets isLoading
    return (
      <>
        <Header />
        <div className="embedded" id="embedded-sign-in">
          <SignIn />
        </div>
      </>
    )
  if (isLoading) return (<><Header /><p className="status" id="status">Checking your session…</p></>)
  if (!isSignedIn)
    return (
      <>
        <Header />
        <main className="card" id="signed-out">
          <h1>Welcome</h1>
          <p className="muted">Sign in with your Asgardeo account (here: mockidp's tenant) to see your profile.</p>
          <div className="actions">
            <button id="sign-in" onClick={() => signIn()}>Sign in</button>
            <a id="sign-in-here" className="link" href="/sign-in">or sign in without leaving the app</a>
          </div>
        </main>
      </>
    )
  const name = [user?.name?.givenName, user?.name?.familyName].filter(Boolean).join(' ')
  return (
    <>
      <Header />
      <main className="card" id="profile">
        <p className="eyebrow">Signed in with @asgardeo/react</p>
        <h1 id="name">{name || user?.userName}</h1>
        <dl>
          <dt>username</dt>
          <dd id="username">{user?.userName}</dd>
          <dt>email</dt>
          <dd id="email">{Array.isArray(user?.emails) ? user.emails.join(', ') : ''}</dd>
          <dt>user id</dt>
          <dd id="user-id">{user?.id}</dd>
        </dl>
        <Organizations />
        <button id="sign-out" onClick={() => signOut()}>Sign out</button>
      </main>
    </>
  )
}

const cfg = await (await fetch('/config.json', { cache: 'no-store' })).json()
createRoot(document.getElementById('root')).render(
  <StrictMode>
    <AsgardeoProvider
      baseUrl={cfg.baseUrl}
      organizationHandle={cfg.organizationHandle}
      clientId={cfg.clientId}
      afterSignInUrl={cfg.afterSignInUrl}
      afterSignOutUrl={cfg.afterSignOutUrl}
      scopes={cfg.scopes}
    >
      <App />
    </AsgardeoProvider>
  </StrictMode>,
)
