import type { Client } from '../runtime/tenant.js'

/** Post-logout URIs a client may be sent to: its registered list, else its redirect URIs and their origins. */
export function postLogoutUris(client: Client): string[] {
  if (client.postLogoutRedirectUris) return client.postLogoutRedirectUris
  const out = new Set(client.redirectUris)
  for (const u of client.redirectUris) {
    try {
      const o = new URL(u).origin
      out.add(o)
      out.add(`${o}/`)
    } catch {
      /* validated at start-up */
    }
  }
  return [...out]
}
