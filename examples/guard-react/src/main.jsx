// Authing Guard, unmodified from npm, in a React 18 app. Guard renders Authing's login form from the
// app's public config (GET {host}/api/v2/applications/{appId}/public-config), signs in with
// POST {host}/api/v2/login/account and keeps the user's token; config.json says which tenant:
// mockidp's Authing tenant at /authing/demo or the GenAuth one at /genauth/demo.
import { useEffect, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { GuardProvider, useGuard } from '@authing/guard-react18'
import '@authing/guard-react18/dist/esm/guard.min.css'
import './app.css'

function App() {
  const guard = useGuard()
  // undefined: still asking Guard; null: signed out (Guard's form is shown)
  const [user, setUser] = useState(undefined)

  useEffect(() => {
    guard.on('login', (u) => {
      setUser(u)
    })
    // a user from an earlier visit: Guard asks /graphql/v2 `user` with the token it stored
    guard.trackSession().then((u) => setUser(u ?? null))
  }, [guard])

  // signed out: Guard renders its login form into #guard
  useEffect(() => {
    if (user === null) guard.start('#guard')
  }, [guard, user])

  return (
    <>
      {user === undefined && <p className="status">Checking your session…</p>}
      {user && (
        <main className="card" id="profile">
          <p className="eyebrow">Signed in with Authing Guard</p>
          <h1>{user.name ?? user.username}</h1>
          <dl>
            <dt>username</dt>
            <dd id="username">{user.username}</dd>
            <dt>email</dt>
            <dd id="email">{user.email}</dd>
            <dt>user id</dt>
            <dd id="user-id">{user.id}</dd>
          </dl>
          <button id="sign-out" onClick={() => guard.logout({ redirectUri: `${location.origin}/` })}>
            Sign out
          </button>
        </main>
      )}
      <div id="guard" hidden={Boolean(user)} />
    </>
  )
}

const config = await (await fetch('/config.json')).json()
createRoot(document.getElementById('root')).render(
  <GuardProvider appId={config.appId} host={config.host} redirectUri={`${location.origin}/callback`}>
    <App />
  </GuardProvider>,
)
