import { isIP } from 'node:net'
import type { Idp } from '../runtime/idp.js'
import type { TlsMaterial } from '../tls/store.js'
import { hostMounts } from './hosts.js'
import type { TlsSource } from './serve.js'

const WILDCARD = new Set(['0.0.0.0', '::', ''])

/** The names the leaf must cover besides loopback: every host-mounted name, the listen address, the configured origins. */
export function certificateNames(idp: Idp, listenHost: string): string[] {
  const names = [...hostMounts(idp.tenants).keys()]
  if (!WILDCARD.has(listenHost)) names.push(listenHost)
  for (const u of [idp.config.publicUrl, idp.config.backchannelUrl]) {
    if (!u) continue
    try {
      const h = new URL(u).hostname
      names.push(isIP(h.replace(/^\[|\]$/g, '')) ? h.replace(/^\[|\]$/g, '') : h)
    } catch {
      // validated at load: never here
    }
  }
  return names
}

/**
 * The HTTPS certificate of a running mock, from the CA in `dir`: the TLS code (./tls/store.ts and,
 * to create a CA or leaf, node-forge) is imported on the first call only, so a plain start loads none
 * of it. `onLoad` hears what was loaded (and whether a CA or leaf had to be made).
 */
export function tlsSource(idp: Idp, dir: string, listenHost: string, onLoad?: (m: TlsMaterial) => void): TlsSource {
  return async () => {
    const { loadTlsMaterial } = await import('../tls/store.js')
    const m = await loadTlsMaterial(dir, certificateNames(idp, listenHost))
    onLoad?.(m)
    return m
  }
}
