import { cookies, headers } from 'next/headers'
import { forwardedOrigin } from 'mockidp/next'
import { issuerFor, SESSION } from '../lib/auth.js'

export const dynamic = 'force-dynamic'

export default async function Home({ searchParams }) {
  const raw = (await cookies()).get(SESSION)?.value
  const user = raw ? JSON.parse(Buffer.from(raw, 'base64url').toString()) : undefined
  const h = await headers()
  const origin = forwardedOrigin(new Request(`http://${h.get('host') ?? 'localhost'}/`, { headers: h }))
  const { error } = await searchParams
  return (
    <main>
      <h1>
        Next.js + mockidp <small>openid-client</small>
      </h1>
      <p className="note">
        The identity provider is this app&apos;s own route handler, <code>app/idp/[...path]/route.js</code>: issuer <code>{issuerFor(origin)}</code>.
        The code exchange runs on the server.
      </p>
      <dl>
        <dt>Status</dt>
        <dd>
          <output id="status">{user ? 'signed in' : 'signed out'}</output>
        </dd>
        <dt>User</dt>
        <dd>
          <output id="name">{user?.name ?? ''}</output>
        </dd>
        <dt>Issuer</dt>
        <dd>
          <output id="issuer">{user?.iss ?? ''}</output>
        </dd>
      </dl>
      <p className="actions">
        {user ? (
          <a className="button" id="sign-out" href="/auth/logout">
            Sign out
          </a>
        ) : (
          <a className="button" id="sign-in" href="/auth/login">
            Sign in
          </a>
        )}
      </p>
      {error ? (
        <pre id="error" role="alert">
          {error}
        </pre>
      ) : null}
    </main>
  )
}
