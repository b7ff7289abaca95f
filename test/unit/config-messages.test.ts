import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { nearest } from '../../src/lib/suggest.js'
import { defaultCfg } from '../helpers/idp.js'

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname
const tmp = (name: string, text: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mockidp-cfg-'))
  chmodSync(dir, 0o755)
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
const problem = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('no error')
}

describe('config messages', () => {
  it('invalid JSON: line and column, the line itself and a caret', () => {
    const file = tmp('bad.json', '{\n  "port": 9000,\n  "seed" "x"\n}\n')
    const msg = problem(() => loadConfig({ file, env: {} }))
    expect(msg).toContain(`${file}: not valid JSON at line 3, column 10:`)
    expect(msg).toContain('\n      "seed" "x"\n             ^')
    const cut = tmp('cut.json', '{"tenants": [')
    expect(problem(() => loadConfig({ file: cut, env: {} }))).toContain('not valid JSON at line 1, column 14: Unexpected end of JSON input')
  })

  it('an unknown key suggests the nearest known one', () => {
    const cfg = defaultCfg()
    const client = cfg.tenants[1]!.clients[1]! as unknown as Record<string, unknown>
    client.clientID = client.clientId
    delete client.clientId
    ;(cfg as unknown as Record<string, unknown>).publcUrl = 'http://localhost:9000'
    const msg = problem(() => loadConfig({ config: cfg, env: {} }))
    expect(msg).toMatch(/tenants\[1\]\.clients\[1\]\.clientID: unknown setting \(known here: clientId, clientSecret, [^)]*\) — did you mean "clientId"\?/)
    expect(msg).toMatch(/publcUrl: unknown setting \(known here: [^)]*\) — did you mean "publicUrl"\?/)
  })

  it('an unknown value suggests the nearest allowed one (enums, vendors)', () => {
    const cfg = defaultCfg()
    cfg.tenants[0]!.clients[0]!.tokenEndpointAuthMethod = 'client_secret_bsic' as never
    cfg.tenants[2]!.vendor = 'pingon'
    const msg = problem(() => loadConfig({ config: cfg, env: {} }))
    expect(msg).toContain('tenants[0].clients[0].tokenEndpointAuthMethod: "client_secret_bsic" is not allowed (use one of: "client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none") — did you mean "client_secret_basic"?')
    const vendor = problem(() => loadConfig({ config: { ...defaultCfg(), tenants: [{ ...defaultCfg().tenants[2]!, vendor: 'pingon' }] }, env: {} }))
    expect(vendor).toContain('tenants[0].vendor: unknown profile "pingon" (known: asgardeo, authing, genauth, pingone) — did you mean "pingone"?')
  })

  it('suggests only what is close: no "did you mean" for a different word', () => {
    expect(nearest('colour', ['clientId', 'redirectUris'])).toBeUndefined()
    expect(nearest('redirectUri', ['clientId', 'redirectUris'])).toBe('redirectUris')
    expect(nearest('redirectUris', ['redirectUris'])).toBeUndefined() // not a typo
  })

  it('publicUrl / backchannelUrl take a host name with an underscore (a Docker Compose service name), in the file and the environment', () => {
    for (const key of ['publicUrl', 'backchannelUrl'] as const) expect(loadConfig({ config: { ...defaultCfg(), [key]: 'http://mock_idp:9000' }, env: {} }).config[key]).toBe('http://mock_idp:9000')
    expect(loadConfig({ config: defaultCfg(), env: { MOCKIDP_PUBLIC_URL: 'http://mock_idp:9000' } }).config.publicUrl).toBe('http://mock_idp:9000')
  })

  it.each([
    ['localhost:9000', 'no scheme'],
    ['http://localhost:9000/idp', 'a path'],
    ['ftp://localhost:9000', 'another scheme'],
  ])('publicUrl / backchannelUrl and their environment variables refuse %s (%s)', (value) => {
    for (const key of ['publicUrl', 'backchannelUrl']) {
      const msg = problem(() => loadConfig({ config: { ...defaultCfg(), [key]: value }, env: {} }))
      expect(msg).toContain(`${key}: ${JSON.stringify(value)} is not valid (`)
      expect(msg).toContain('http(s)://host[:port] with no path')
    }
    for (const name of ['MOCKIDP_PUBLIC_URL', 'MOCKIDP_BACKCHANNEL_URL']) {
      const msg = problem(() => loadConfig({ config: defaultCfg(), env: { [name]: value } }))
      // #14's check names the variable with (environment); #16's origin check without: either names it and the fix
      expect(msg).toMatch(new RegExp(`^(invalid config .*\\n  - )?${name}( \\(environment\\))?: "${value.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&')}" `))
      expect(msg).toMatch(/http:\/\/ or https:\/\/|no path|origin/)
    }
  })

  it('accepts origins with a port, IPv6, https and a trailing slash', () => {
    for (const v of ['http://localhost:9000', 'https://idp.example.test', 'http://[::1]:9000', 'http://mockidp:9000/']) {
      expect(loadConfig({ config: defaultCfg(), env: { MOCKIDP_PUBLIC_URL: v } }).config.publicUrl).toBe(v.replace(/\/$/, ''))
      expect(loadConfig({ config: { ...defaultCfg(), backchannelUrl: v }, env: {} }).config.backchannelUrl).toBe(v.replace(/\/$/, ''))
    }
  })

  it("an unreadable file says chmod a+r; as the Docker image's uid 65532, that the file must be readable by it", () => {
    const file = tmp('secret.json', JSON.stringify(defaultCfg()))
    chmodSync(file, 0o600)
    const root = process.getuid?.() === 0
    if (!root) chmodSync(file, 0o000) // its owner cannot read it either
    // as root, run the CLI as the image's user, which cannot read a root-owned 0600 file
    const r = spawnSync(process.execPath, [CLI, '--config', file, '--port', '0'], { encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH }, ...(root ? { uid: 65532, gid: 65532 } : {}) })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`${file}: cannot read the config file (EACCES)`)
    expect(r.stderr).toContain(root ? 'the container runs as uid 65532, so the mounted file must be readable by it — on the host, chmod a+r the file' : 'chmod a+r it')
  })
})
