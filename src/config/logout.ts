import type { Profile } from '../profiles/types.js'
import type { ClientConfig } from './types.js'

/**
 * Problems with a client's logout notification URIs: only vendors that send back-channel or
 * front-channel logouts accept them (profile `logout`; sources in docs/vendors/logout.md). `at` is the
 * client's JSON path.
 */
export function logoutConfigProblems(c: ClientConfig, profile: Profile, at: string): string[] {
  const out: string[] = []
  const checks = [
    ['backchannelLogoutUri', profile.logout?.backchannel, 'back-channel'],
    ['frontchannelLogoutUri', profile.logout?.frontchannel, 'front-channel'],
  ] as const
  for (const [field, supported, what] of checks) {
    const v = c[field]
    if (v === undefined) continue
    if (!supported) out.push(`${at}.${field}: ${profile.displayName} does not send ${what} logout notifications; remove it (docs/vendors/logout.md)`)
    else if (!/^https?:\/\/[^/]/.test(v)) out.push(`${at}.${field}: "${v}" must be an absolute http(s) URL`)
  }
  return out
}
