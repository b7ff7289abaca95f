import { NextResponse } from 'next/server'
import { client, oidc, originOf, PENDING, SESSION } from '../../../lib/auth.js'

export const dynamic = 'force-dynamic'

// The server-side code exchange: this route calls the token endpoint (on this same app) itself.
export async function GET(request) {
  const origin = originOf(request)
  const pending = JSON.parse(request.cookies.get(PENDING)?.value ?? 'null')
  if (!pending) return NextResponse.redirect(`${origin}/?error=no_pending_sign_in`)
  const url = new URL(request.url)
  const current = new URL(`${url.pathname}${url.search}`, origin)
  try {
    const tokens = await client.authorizationCodeGrant(await oidc(origin), current, { pkceCodeVerifier: pending.verifier, expectedState: pending.state })
    const { iss, sub, name, email } = tokens.claims()
    const res = NextResponse.redirect(`${origin}/`)
    res.cookies.delete(PENDING)
    res.cookies.set(SESSION, Buffer.from(JSON.stringify({ iss, sub, name, email, idToken: tokens.id_token })).toString('base64url'), { httpOnly: true, sameSite: 'lax', path: '/' })
    return res
  } catch (err) {
    return NextResponse.redirect(`${origin}/?error=${encodeURIComponent(err.error ?? err.code ?? err.message)}`)
  }
}
