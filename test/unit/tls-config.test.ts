import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { defaultTlsDir } from '../../src/config/tls.js'
import { productionAddress } from '../../src/profiles/production.js'
import { loadProfile } from '../../src/profiles/load.js'
import { packagePath } from '../../src/lib/paths.js'
import { defaultCfg } from '../helpers/idp.js'

const load = (patch: Record<string, unknown> = {}, opts: Record<string, unknown> = {}, env: Record<string, string> = {}) =>
  loadConfig({ config: { ...defaultCfg(), ...patch } as never, env, ...opts }).config
const problems = (mutate: (cfg: ReturnType<typeof defaultCfg>) => void): string => {
  const cfg = defaultCfg()
  mutate(cfg)
  try {
    loadConfig({ config: cfg, env: {} })
    return ''
  } catch (err) {
    return (err as Error).message
  }
}

describe('HTTPS settings', () => {
  it('are off by default; --https, MOCKIDP_HTTPS and a "tls" object turn them on, the command line first', () => {
    expect(load().https).toBeUndefined()
    expect(load({}, { https: true }, { XDG_DATA_HOME: '/x' }).https).toEqual({ dir: '/x/mockidp' })
    expect(load({}, {}, { MOCKIDP_HTTPS: '1', MOCKIDP_TLS_DIR: 'rel/tls', MOCKIDP_HTTP_PORT: '9080' }).https).toEqual({ dir: resolve('rel/tls'), httpPort: 9080 })
    expect(load({ tls: { httpPort: 0 } }, {}, { XDG_DATA_HOME: '/x' }).https).toEqual({ dir: '/x/mockidp', httpPort: 0 })
    expect(load({ tls: { enabled: false } }).https).toBeUndefined()
    expect(load({ tls: {} }, { https: false }).https).toBeUndefined()
    expect(load({ tls: { dir: '/from/config' } }, { tlsDir: '/from/flag', httpPort: 1 }, { MOCKIDP_TLS_DIR: '/from/env' }).https).toEqual({ dir: '/from/flag', httpPort: 1 })
    expect(load({}, {}, { MOCKIDP_HTTPS: 'no' }).https).toBeUndefined()
  })

  it('refuse a MOCKIDP_HTTPS that is not yes or no, and a bad port, naming the variable', () => {
    expect(() => load({}, {}, { MOCKIDP_HTTPS: 'maybe' })).toThrow('MOCKIDP_HTTPS: "maybe" is not a yes/no value (use 1 or 0)')
    expect(() => load({}, {}, { MOCKIDP_HTTPS: '1', MOCKIDP_HTTP_PORT: '99999' })).toThrow('MOCKIDP_HTTP_PORT: "99999" is not a port (0-65535)')
    expect(problems((c) => ((c as unknown as Record<string, unknown>).tls = { dir: '' }))).toContain('tls.dir: must not be empty')
    expect(problems((c) => ((c as unknown as Record<string, unknown>).tls = { certs: 1 }))).toContain('tls.certs: unknown setting (known here: enabled, dir, httpPort)')
  })

  it('put the CA in a per-user data directory by default, never the working directory', () => {
    expect(defaultTlsDir({ XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/mockidp')
    expect(defaultTlsDir({}, 'linux')).toBe(join(homedir(), '.local', 'share', 'mockidp'))
    expect(defaultTlsDir({}, 'darwin')).toBe(join(homedir(), 'Library', 'Application Support', 'mockidp'))
    expect(defaultTlsDir({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32')).toBe(join('C:\\Users\\me\\AppData\\Local', 'mockidp'))
  })
})

describe('production addresses (profile data, tenant values)', () => {
  const profile = (name: string) => loadProfile(name, [packagePath('fixtures/profiles')])

  it('follow each vendor\'s host pattern and path', () => {
    expect(productionAddress(profile('authing'), { id: 'a', appDomain: 'demo' })).toEqual({ host: 'demo.authing.cn', root: '' })
    expect(productionAddress(profile('genauth'), { id: 'g', appDomain: 'myapp' })).toEqual({ host: 'myapp.genauth.ai', root: '' })
    expect(productionAddress(profile('asgardeo'), { id: 's', org: 'bifrost' })).toEqual({ host: 'api.asgardeo.io', root: '/t/bifrost' })
    const env = '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
    expect(productionAddress(profile('pingone'), { id: 'p', envId: env })).toEqual({ host: 'auth.pingone.com', root: `/${env}` })
    for (const [region, host] of [['NA', 'auth.pingone.com'], ['CA', 'auth.pingone.ca'], ['EU', 'auth.pingone.eu'], ['AU', 'auth.pingone.com.au'], ['SG', 'auth.pingone.sg'], ['AP', 'auth.pingone.asia']])
      expect(productionAddress(profile('pingone'), { id: 'p', envId: env, region })).toEqual({ host, root: `/${env}` })
  })

  it('are absent without the value they need; a value with no domain and two tenants at one URL are config errors', () => {
    expect(productionAddress(profile('authing'), { id: 'a' })).toBeUndefined()
    expect(problems((c) => (c.tenants[2]!.region = 'XX'))).toContain('tenants[2].region: "XX" has no PingOne production domain (known: NA, CA, EU, AU, SG, AP)')
    expect(problems((c) => c.tenants.push({ ...c.tenants[1]!, id: 'authing-two', basePath: '/authing/two' }))).toContain("tenants[4]: its production URL https://demo.authing.cn is also tenants[1]'s; give one of them another appDomain")
    expect(problems((c) => (c.tenants[1]!.appDomain = 'Not_A_Label'))).toContain('tenants[1].appDomain: "Not_A_Label" is not valid')
  })
})
