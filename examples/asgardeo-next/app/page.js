'use client'
// The page: signed out, the SDK's <SignInButton> (a server action returns the authorize URL); signed
// in, the name from the SCIM profile the server fetched, and the SDK's <SignOutButton>.
import { SignedIn, SignedOut, SignInButton, SignOutButton, useAsgardeo } from '@asgardeo/nextjs'

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
