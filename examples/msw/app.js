// The code under test, with its production config: nothing in it knows about mockidp.
import * as client from 'openid-client'
import { createRemoteJWKSet, jwtVerify } from 'jose'

export const AUTHING = { issuer: 'https://demo.authing.cn/oidc', clientId: '5e37979f7b757ead14c534af', clientSecret: '64b517f8de3648091654eb4ee9b479d3' }
export const PINGONE = { issuer: 'https://auth.pingone.com/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as', clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', clientSecret: 'pingone-demo-secret' }

const configs = new Map()
/** The client for a vendor, from its discovery document (cached, as an app would). */
async function configFor(vendor) {
  const key = `${vendor.issuer} ${vendor.clientId} ${vendor.clientSecret}`
  if (!configs.has(key)) configs.set(key, await client.discovery(new URL(vendor.issuer), vendor.clientId, vendor.clientSecret))
  return configs.get(key)
}

/** A sign-in callback (an Express or Next.js route would call this): code → tokens, at the vendor's token endpoint. */
export async function signInCallback(vendor, callbackUrl, checks = {}) {
  const config = await configFor(vendor)
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), checks)
  return { tokens, claims: tokens.claims() }
}

/** A service token for calling an API (client credentials). */
export async function serviceToken(vendor, scope) {
  return client.clientCredentialsGrant(await configFor(vendor), scope ? { scope } : {})
}

/** Verify a JWT against the issuer's JWKS, fetched from the URL its discovery names. */
export async function verify(vendor, jwt, audience) {
  const config = await configFor(vendor)
  const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri))
  const { payload } = await jwtVerify(jwt, jwks, { issuer: vendor.issuer, ...(audience ? { audience } : {}) })
  return payload
}
