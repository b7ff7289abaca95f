import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load.js'
import { configSchema } from '../../src/config/schema.js'
import { defaultCfg } from '../helpers/idp.js'

const problems = (config: unknown): string => {
  try {
    loadConfig({ config: config as never, env: {} })
    return ''
  } catch (err) {
    return (err as Error).message
  }
}

describe('config validation', () => {
  it('accepts the default config', () => {
    expect(problems(defaultCfg())).toBe('')
  })

  it('names the JSON path of type, enum, pattern and unknown-key mistakes, all at once', () => {
    const cfg = defaultCfg() as unknown as { port: unknown; tenants: Record<string, unknown>[]; extra?: number }
    cfg.port = 'x'
    cfg.extra = 1
    ;(cfg.tenants[0]!.clients as Record<string, unknown>[])[0]!.tokenEndpointAuthMethod = 'magic'
    cfg.tenants[2]!.envId = 'not-a-uuid'
    const msg = problems(cfg)
    expect(msg).toContain('port: expected integer, got string')
    expect(msg).toMatch(/extra: unknown setting \(known here: seed, port, host, clock, publicUrl, .*tenants/)
    expect(msg).toContain('tenants[0].clients[0].tokenEndpointAuthMethod: "magic" is not allowed (use one of: "client_secret_basic"')
  })

  it('checks references: code client, redirect URI, user; autoLogin; duplicates; vendor values', () => {
    const cfg = defaultCfg()
    cfg.tenants[3]!.codes![0]!.redirectUri = 'https://elsewhere.example/cb'
    cfg.tenants[3]!.codes![0]!.user = 'nobody'
    cfg.tenants[0]!.autoLogin = 'ghost'
    cfg.tenants[1]!.id = 'genauth-demo'
    cfg.tenants[2]!.envId = 'nope'
    const msg = problems(cfg)
    expect(msg).toContain(`tenants[3].codes[0].redirectUri: "https://elsewhere.example/cb" is not one of z8RB6ysdDZhe4QO0zJAQzKbi6P4a's redirectUris`)
    expect(msg).toContain('tenants[3].codes[0].user: no user "nobody" in this tenant')
    expect(msg).toContain('tenants[0].autoLogin: no user "ghost" in this tenant')
    expect(msg).toContain('tenants[1].id: "genauth-demo" is already used by tenants[0]')
    expect(msg).toContain('tenants[2].envId: "nope" is not valid (the PingOne environment id, a UUID')
  })

  it('the published mockidp.schema.json is the validator schema', () => {
    const published = JSON.parse(readFileSync(new URL('../../mockidp.schema.json', import.meta.url), 'utf8'))
    expect(published).toEqual(JSON.parse(JSON.stringify(configSchema)))
  })

  it('env overrides: PORT, HOST, MOCKIDP_PUBLIC_URL', () => {
    const { config } = loadConfig({ config: defaultCfg(), env: { PORT: '1234', HOST: '0.0.0.0', MOCKIDP_PUBLIC_URL: 'http://localhost:9000/' } })
    expect(config.port).toBe(1234)
    expect(config.host).toBe('0.0.0.0')
    expect(config.publicUrl).toBe('http://localhost:9000')
    expect(problems({ ...defaultCfg() })).toBe('')
    expect(() => loadConfig({ config: defaultCfg(), env: { PORT: 'abc' } })).toThrow('PORT: "abc" is not a port (0-65535)')
  })
})
