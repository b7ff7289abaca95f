import { NextResponse } from 'next/server'
import { client, oidc, originOf, PENDING } from '../../../lib/auth.js'

export const dynamic = 'force-dynamic'

export async function GET(request) {
  const origin = originOf(request)
  const config = await oidc(origin)
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: `${origin}/auth/callback`,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  })
  const res = NextResponse.redirect(url)
  res.cookies.set(PENDING, JSON.stringify({ verifier, state }), { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 600 })
  return res
}
