// @forgerock/oidc-client (v2): the newer Ping client. Every call answers a value or an { error }.
import { oidc } from '@forgerock/oidc-client'

export const name = '@forgerock/oidc-client'
let client

const check = (r, what) => {
  if (r && typeof r === 'object' && 'error' in r) throw new Error(`${what}: ${r.error}${r.error_description || r.message ? ` — ${r.error_description ?? r.message}` : ''}`)
  return r
}

export async function init(cfg) {
  client = check(await oidc({ config: { clientId: cfg.clientId, redirectUri: cfg.redirectUri, scope: cfg.scope, serverConfig: { wellknown: cfg.wellknown } } }), 'oidc()')
}

export async function finishSignIn(code, state) {
  check(await client.token.exchange(code, state), 'token.exchange')
}

/** authorize.background() (hidden iframe, prompt=none) first; without a session, the redirect. */
export async function signIn() {
  const bg = await client.authorize.background()
  if ('code' in bg) return finishSignIn(bg.code, bg.state)
  location.assign(check(await client.authorize.url(), 'authorize.url'))
  return new Promise(() => {}) // navigating away
}

/**
 * token.get({ forceRenew }): a new code in the hidden iframe, then the old access token is revoked.
 * oidc-client 2.1 resolves with the new tokens before it has revoked the old one and stored the new
 * ones (dist/src/lib/client.store.js: a Micro.tap(async …) nobody awaits), so wait for the store to
 * hold them before anything reads it (user.info() would still send the revoked token).
 */
export async function renew() {
  const renewed = check(await client.token.get({ forceRenew: true, backgroundRenew: true }), 'token.get')
  for (let i = 0; i < 50 && (await tokens())?.accessToken !== renewed.accessToken; i++) await new Promise((r) => setTimeout(r, 40))
}

export async function tokens() {
  const t = await client.token.get()
  return t && !('error' in t) ? { accessToken: t.accessToken, idToken: t.idToken, expiry: t.expiryTimestamp } : undefined
}

export const userInfo = async () => check(await client.user.info(), 'user.info')

/** Signs off at PingOne (fetch, with the ID token) and revokes the access token. */
export async function signOut() {
  check(await client.user.logout(), 'user.logout')
}
