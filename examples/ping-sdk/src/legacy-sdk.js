// @forgerock/javascript-sdk (v4): configuration from discovery, redirect sign-in, a background
// renew in a hidden iframe (prompt=none), FRUser.logout() (revoke, then the IdP sign-off).
import { Config, FRUser, TokenManager, TokenStorage, UserManager } from '@forgerock/javascript-sdk'

export const name = '@forgerock/javascript-sdk'

export async function init(cfg) {
  // Config.setAsync reads serverConfig.wellknown: the endpoints come from PingOne's discovery
  await Config.setAsync({
    clientId: cfg.clientId,
    redirectUri: cfg.redirectUri,
    scope: cfg.scope,
    serverConfig: { wellknown: cfg.wellknown, timeout: 5000 },
  })
}

/** The redirect came back with ?code&state: exchange them (PKCE verifier from sessionStorage). */
export async function finishSignIn(code, state) {
  await TokenManager.getTokens({ query: { code, state } })
}

/**
 * Tries a hidden-iframe prompt=none first; with no session PingOne answers login_required and the
 * SDK sends the browser to the authorization endpoint (login: 'redirect').
 */
export async function signIn() {
  const t = await TokenManager.getTokens({ login: 'redirect' })
  // without tokens the SDK has called location.assign(): the page is leaving
  if (!t?.accessToken) return new Promise(() => {})
}

/**
 * forceRenew: revokes the current access token, then the hidden iframe fetches a new code; when the
 * iframe gets login_required, login: 'redirect' sends the whole page to PingOne (and back).
 */
export async function renew() {
  const t = await TokenManager.getTokens({ forceRenew: true, login: 'redirect' })
  // no session in the iframe (say, third-party cookies blocked): the SDK renews by redirect instead
  if (!t?.accessToken) return new Promise(() => {})
}

export async function tokens() {
  const t = await TokenStorage.get()
  return t ? { accessToken: t.accessToken, idToken: t.idToken, expiry: t.tokenExpiry } : undefined
}

export const userInfo = () => UserManager.getCurrentUser()

/** Revokes the access token, drops the stored tokens and signs off at PingOne. */
export async function signOut() {
  await FRUser.logout()
}
