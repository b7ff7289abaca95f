// The app's sign-in, server side, with openid-client: discovery, PKCE, code exchange, all against
// the issuer on the app's own origin (served by app/idp/[...path]/route.js).
import * as client from 'openid-client'
import { forwardedOrigin } from 'mockidp/next'

const port = process.env.PORT ?? '3000'
/** This app as a client of the Authing tenant. */
export const APP_CLIENT = {
  clientId: 'next-app',
  clientSecret: 'next-app-secret',
  name: 'Next.js example',
  redirectUris: [`http://localhost:${port}/auth/callback`, `http://127.0.0.1:${port}/auth/callback`],
  postLogoutRedirectUris: [`http://localhost:${port}/`, `http://127.0.0.1:${port}/`],
  grantTypes: ['authorization_code', 'refresh_token'],
}

/** The app's origin as the browser sees it (a preview deployment's proxy sets X-Forwarded-*). */
export const originOf = (request) => forwardedOrigin(request)
export const issuerFor = (origin) => `${origin}/idp/authing/demo/oidc`

const configs = new Map()
export async function oidc(origin) {
  const issuer = issuerFor(origin)
  if (!configs.has(issuer)) {
    // plain http on localhost: openid-client insists on being told
    configs.set(issuer, await client.discovery(new URL(issuer), APP_CLIENT.clientId, APP_CLIENT.clientSecret, undefined, { execute: [client.allowInsecureRequests] }))
  }
  return configs.get(issuer)
}

export const SESSION = 'session'
export const PENDING = 'oidc-pending'
export { client }
