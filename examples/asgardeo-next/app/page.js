'use client'
// The page: signed out, the SDK's <SignInButton> (a server action returns the authorize URL); signed
// in, the name from the SCIM profile the server fetched, the user's organizations (a switch is the
// SDK's server action: organization_switch with the client secret), and the SDK's <SignOutButton>.
import { SignedIn, SignedOut, SignInButton, SignOutButton, useAsgardeo } from '@asgardeo/nextjs'
// the organization context @asgardeo/nextjs's provider fills (its server action switches)
import { useOrganization } from '@asgardeo/react'
import { useState } from 'react'

function Organizations() {
  const { currentOrganization, myOrganizations, switchOrganization } = useOrganization()
  const [busy, setBusy] = useState(null)
  const pick = async (org) => {
    setBusy(org.id)
    try {
      await switchOrganization(org)
    } finally {
      setBusy(null)
    }
  }
  return (
    <section className="orgs">
      <h2>Organization</h2>
      <p className="current">
        Current: <strong id="current-org">{currentOrganization?.name || '—'}</strong>
      </p>
      <ul id="organizations">
        {(myOrganizations ?? []).map((org) => (
          <li key={org.id}>
            <span>{org.name}</span>
            <button className="secondary" data-org={org.name} disabled={busy !== null || currentOrganization?.id === org.id} onClick={() => pick(org)}>
              {currentOrganization?.id === org.id ? 'Current' : busy === org.id ? 'Switching…' : 'Switch'}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

function Profile() {
  const { user } = useAsgardeo()
  const name = [user?.name?.givenName, user?.name?.familyName].filter(Boolean).join(' ')
  return (
    <main className="card" id="profile">
      <p className="eyebrow">Signed in with @asgardeo/nextjs</p>
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
      <SignOutButton id="sign-out" className="button" />
    </main>
  )
}

export default function Page() {
  return (
    <>
      <header className="bar">
        <span className="brand">Asgardeo</span>
        <span className="bar-title">Next.js sample</span>
      </header>
      <SignedOut>
        <main className="card" id="signed-out">
          <h1>Welcome</h1>
          <p className="muted">Sign in through this app's Next.js server with your Asgardeo account (here: mockidp's tenant).</p>
          <SignInButton id="sign-in" className="button" />
        </main>
      </SignedOut>
      <SignedIn>
        <Profile />
      </SignedIn>
    </>
  )
}
