import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import type { MockIdpConfig } from '../../src/config/types.js'
import { defaultCfg } from '../helpers/idp.js'

// Every config that used to start wrong without a word (or with a stack trace): each is now refused
// at start-up, with the JSON path and what to do. One row per case: the config, and the problem line.

/** The problem lines of a config's error (no file name header), or [] when it loads. */
function problems(config: unknown, env: Record<string, string> = {}): string[] {
  try {
    loadConfig({ config: config as MockIdpConfig, env })
    return []
  } catch (err) {
    return (err as Error).message.split('\n').slice(1).map((l) => l.replace(/^ {2}- /, ''))
  }
}

const withTenant0 = (edit: (t: MockIdpConfig['tenants'][number], c: MockIdpConfig) => void): MockIdpConfig => {
  const c = defaultCfg()
  edit(c.tenants[0]!, c)
  return c
}
const redirect = (uri: string) =>
  withTenant0((t) => {
    t.clients[0]!.redirectUris = [uri]
    delete t.codes
  })

// A profiles directory with broken profiles, for the profile rows.
const dir = mkdtempSync(join(tmpdir(), 'mockidp-profiles-'))
const pingone = JSON.parse(readFileSync(new URL('../../fixtures/profiles/pingone.json', import.meta.url), 'utf8')) as Record<string, unknown>
writeFileSync(join(dir, 'mine.json'), JSON.stringify({ extends: 'missing' }))
writeFileSync(join(dir, 'no-tenant.json'), JSON.stringify({ ...pingone, tenant: undefined }))
const noAccessToken = JSON.parse(JSON.stringify(pingone)) as { servers: Record<string, unknown>[] }
noAccessToken.servers[0]!.accessToken = null
writeFileSync(join(dir, 'no-access-token.json'), JSON.stringify(noAccessToken))
const withProfile = (vendor: string): MockIdpConfig => {
  const c = defaultCfg({ profilesDir: dir })
  c.tenants = [{ ...c.tenants[2]!, vendor }]
  return c
}

const CORPUS: [string, unknown, string][] = [
  ['a tenant at the admin API path', withTenant0((t) => (t.basePath = '/_mockidp')), 'tenants[0].basePath: "/_mockidp" is mockidp\'s own admin API path; requests there would never reach the tenant — pick another basePath, e.g. "/genauth-demo"'],
  ['a tenant below the admin API path', withTenant0((t) => (t.basePath = '/_mockidp/x')), 'tenants[0].basePath: "/_mockidp/x" is mockidp\'s own admin API path'],
  ['a tenant at the health check', withTenant0((t) => (t.basePath = '/healthz')), 'tenants[0].basePath: "/healthz" is mockidp\'s own health check'],
  ['a redirect URI with a space', redirect('https://exa mple.com/cb'), 'tenants[0].clients[0].redirectUris[0]: "https://exa mple.com/cb" contains a space or control character (percent-encode it, e.g. %20)'],
  ['a redirect URI with a fragment', redirect('http://localhost:3000/cb#x'), 'tenants[0].clients[0].redirectUris[0]: "http://localhost:3000/cb#x" has a fragment ("#…"), which a redirect URI must not have (RFC 6749 §3.1.2)'],
  ['a javascript: redirect URI', redirect('javascript:alert(document.domain)//'), 'tenants[0].clients[0].redirectUris[0]: "javascript:alert(document.domain)//" uses the "javascript:" scheme, which would run script instead of redirecting; use an http(s) or app URI'],
  ['a data: redirect URI', redirect('data:text/html,<script>alert(1)</script>'), 'tenants[0].clients[0].redirectUris[0]: "data:text/html,<script>alert(1)</script>" uses the "data:" scheme'],
  ['a VBScript: redirect URI (any case)', redirect('VBScript:msgbox(1)'), 'tenants[0].clients[0].redirectUris[0]: "VBScript:msgbox(1)" uses the "vbscript:" scheme'],
  ['a redirect URI with no host', redirect('http://'), 'tenants[0].clients[0].redirectUris[0]: "http://" is not a valid URI (check the host, the port (0-65535) and any IPv6 brackets)'],
  ['a redirect URI with an open IPv6 bracket', redirect('http://[::1/cb'), 'tenants[0].clients[0].redirectUris[0]: "http://[::1/cb" is not a valid URI'],
  ['a redirect URI with port 99999', redirect('http://localhost:99999/cb'), 'tenants[0].clients[0].redirectUris[0]: "http://localhost:99999/cb" is not a valid URI'],
  ['a relative redirect URI', redirect('/callback'), 'tenants[0].clients[0].redirectUris[0]: "/callback" is not valid'],
  ['a post-logout URI with javascript:', withTenant0((t) => (t.clients[0]!.postLogoutRedirectUris = ['javascript:alert(1)'])), 'tenants[0].clients[0].postLogoutRedirectUris[0]: "javascript:alert(1)" uses the "javascript:" scheme'],
  ['a publicUrl that is no URL', defaultCfg({ publicUrl: 'http:// bad' }), 'publicUrl: "http:// bad" is not valid ('],
  ['a publicUrl with a query', defaultCfg({ publicUrl: 'http://localhost:9000/?x=1' }), 'publicUrl: "http://localhost:9000/?x=1" is not valid ('],
  ['a backchannelUrl of another scheme', defaultCfg({ backchannelUrl: 'ftp://mockidp:9000' }), 'backchannelUrl: "ftp://mockidp:9000" is not valid ('],
  ['a missing profilesDir', defaultCfg({ profilesDir: './no-such-profiles' }), `profilesDir: "./no-such-profiles" is not a directory (resolved to ${join(process.cwd(), 'no-such-profiles')}, relative to the config file); create it or fix the path`],
  ['two users with one username', withTenant0((t) => t.users.push({ ...t.users[0]!, sub: 'another-sub' })), 'tenants[0].users[2].username: "test1" is already the username of tenants[0].users[0]; sign-in by username would pick one of them, so give each user its own'],
  ['a public client with only client_credentials', withTenant0((t) => t.clients.push({ clientId: 'pub', redirectUris: ['http://localhost/cb'], grantTypes: ['client_credentials'] })), 'tenants[0].clients[2].grantTypes: a public client (no clientSecret) cannot use "client_credentials", which needs client authentication; give it a clientSecret or remove the grant'],
  ['a top-level __proto__ key', JSON.parse(`{"__proto__": {"polluted": true}, "tenants": ${JSON.stringify(defaultCfg().tenants)}}`), '__proto__: "__proto__" is not allowed as a key; remove it'],
  ['a __proto__ claim in a user', JSON.parse(JSON.stringify(defaultCfg()).replace('"username":"test1"', '"username":"test1","__proto__":{"admin":true}')), 'tenants[0].users[0].__proto__: "__proto__" is not allowed as a key; remove it'],
  ['a vendor that is a path', withTenant0((t) => (t.vendor = '../../package')), 'tenants[0].vendor: "../../package" is not valid (A profile name (not a path) from fixtures/profiles (genauth, authing, pingone, asgardeo) or profilesDir.)'],
  ['a vendor that is an absolute path', withTenant0((t) => (t.vendor = '/etc/passwd')), 'tenants[0].vendor: "/etc/passwd" is not valid'],
  ['a listen host that is no host', defaultCfg({ host: 'not-a-host!!' }), 'host: "not-a-host!!" is neither an IP address nor a host name (use e.g. "127.0.0.1", "0.0.0.0" for all interfaces, or "localhost")'],
  ['a clock that is no instant', defaultCfg({ clock: '2026-13-45T99:99:99Z' }), 'clock: "2026-13-45T99:99:99Z" is not a real instant (a month 01-12, a day that month has, a time up to 23:59:59), e.g. "2026-01-01T00:00:00Z"'],
  ['a clock on February 30th', defaultCfg({ clock: '2026-02-30T00:00:00Z' }), 'clock: "2026-02-30T00:00:00Z" is not a real instant'],
  ['a fault with a 1xx status', defaultCfg({ faults: [{ tenant: 'authing-demo', kind: 'status', status: 101 }] }), 'faults[0].status: 101 is too small: must be ≥ 200 (HTTP status (error, status, malformed), 200-599 (a 1xx is no final answer).)'],
  ['a profile extending a missing profile', withProfile('mine'), `tenants[0].vendor: ${join(dir, 'mine.json')}: "extends": unknown profile "missing" (known: asgardeo, authing, genauth, mine, no-access-token, no-tenant, pingone)`],
  ['a profile without "tenant"', withProfile('no-tenant'), `tenants[0].vendor: ${join(dir, 'no-tenant.json')}: tenant is required (an object) — the profile lacks it; add it or "extends" a profile that has it`],
  ['a profile without "accessToken"', withProfile('no-access-token'), `tenants[0].vendor: ${join(dir, 'no-access-token.json')}: servers[0].accessToken is required (an object) — the profile lacks it; add it or "extends" a profile that has it`],
]

describe('config corpus: every silent wrong start is an error naming its JSON path and the fix', () => {
  it.each(CORPUS)('%s', (_name, config, expected) => {
    const lines = problems(config)
    expect(lines.length, 'the config must be refused').toBeGreaterThan(0)
    expect(lines.some((l) => l.startsWith(expected)), `expected a line starting with:\n  ${expected}\ngot:\n  ${lines.join('\n  ')}`).toBe(true)
  })

  it('the environment overrides are checked too, naming the variable', () => {
    expect(problems(defaultCfg(), { MOCKIDP_PUBLIC_URL: 'localhost:9000' })).toEqual(['MOCKIDP_PUBLIC_URL (environment): "localhost:9000" must be an http:// or https:// URL, not localhost:'])
    expect(problems(defaultCfg(), { HOST: 'bad host' })[0]).toMatch(/^HOST \(environment\): "bad host" is neither an IP address nor a host name/)
  })

  it('allowed: custom schemes of native apps, loopback ports, a percent-encoded space', () => {
    expect(problems(withTenant0((t) => t.clients[0]!.redirectUris.push('com.example.app:/oauth2redirect', 'myapp://callback', 'http://127.0.0.1:51234/cb', 'http://[::1]:8080/cb', 'https://example.com/a%20b?x=1')))).toEqual([])
  })

  it('prototype pollution does not happen on the way to the error', () => {
    problems(JSON.parse(`{"__proto__": {"polluted": true}, "tenants": []}`))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
