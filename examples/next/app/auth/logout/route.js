import { NextResponse } from 'next/server'
import { client, oidc, originOf, SESSION } from '../../../lib/auth.js'

export const dynamic = 'force-dynamic'

export async function GET(request) {
  const origin = originOf(request)
  const session = request.cookies.get(SESSION)?.value
  const idToken = session ? JSON.parse(Buffer.from(session, 'base64url').toString()).idToken : undefined
  const url = client.buildEndSessionUrl(await oidc(origin), { post_logout_redirect_uri: `${origin}/`, ...(idToken ? { id_token_hint: idToken } : {}) })
  const res = NextResponse.redirect(url)
  res.cookies.delete(SESSION)
  return res
}
