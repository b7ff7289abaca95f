
/** The default tenants' confidential clients. */
export const AUTHING = { id: 'authing-demo', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', redirectUri: 'http://localhost:3000/callback' }
export const ASGARDEO = { id: 'asgardeo-demo', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', redirectUri: 'http://localhost:3000/callback' }
export const PINGONE = { id: 'pingone-demo', clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', redirectUri: 'http://localhost:3000/callback' }
export const GENAUTH = { id: 'genauth-demo', clientId: '5e37979f7b757ead14c534af', secret: '64b517f8de3648091654eb4ee9b479d3', redirectUri: 'http://localhost:3000/callback' }

/** Form-encoded POST. */
export const formPost = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(fields).toString(),
})

export const jsonPost = (body: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

export { basic, pkce } from '../helpers/idp.js'

/** A JWT's payload, unverified. */
export const payloadOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
