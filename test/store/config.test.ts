import { describe, expect, it } from 'vitest'
import { loadConfig, type LoadOptions } from '../../src/config/load.js'
import { createMockIdp, startMockIdp } from '../../src/index.js'
import { defaultCfg } from '../helpers/idp.js'

const problems = (patch: Record<string, unknown>, opts: Partial<LoadOptions> = {}): string => {
  try {
    loadConfig({ config: { ...defaultCfg(), ...patch } as never, env: {}, ...opts })
    return ''
  } catch (err) {
    return (err as Error).message
  }
}

describe('store config (store.redis, --store, MOCKIDP_STORE)', () => {
  it('resolves the URL from --store over MOCKIDP_STORE over store.redis, with the default prefix', () => {
    const load = (patch: Record<string, unknown>, opts: Partial<LoadOptions> = {}) => loadConfig({ config: { ...defaultCfg(), ...patch } as never, env: {}, ...opts }).config.redisStore
    expect(load({})).toBeUndefined()
    expect(load({ store: { redis: 'redis://a:6379/0' } })).toEqual({ redis: 'redis://a:6379/0', prefix: 'mockidp:' })
    expect(load({ store: { redis: 'redis://a:6379/0', prefix: 'team-b:' } }, { env: { MOCKIDP_STORE: 'rediss://b:6380/1' } })).toEqual({ redis: 'rediss://b:6380/1', prefix: 'team-b:' })
    expect(load({ store: { redis: 'redis://a:6379/0' } }, { env: { MOCKIDP_STORE: 'redis://b/1' }, store: 'redis://c:1/2' })).toEqual({ redis: 'redis://c:1/2', prefix: 'mockidp:' })
  })

  it('names the JSON path (or the flag) and the fix for a URL that is not a Redis URL', () => {
    expect(problems({ store: { redis: 'http://localhost:6379' } })).toContain('store.redis: "http://localhost:6379" has the scheme "http", not redis or rediss — use redis://host:6379/0 (rediss:// for TLS)')
    expect(problems({ store: { redis: 'localhost:6379' } })).toMatch(/store\.redis: "localhost:6379" has the scheme "localhost"/)
    expect(problems({ store: { redis: 'not a url' } })).toContain('store.redis: "not a url" is not a URL — use redis://host:6379/0')
    expect(problems({ store: { redis: 'redis://h:6379/zero' } })).toContain('the path is the database number')
    expect(problems({}, { store: 'redis//h' })).toContain('--store: "redis//h" is not a URL')
    expect(problems({}, { env: { MOCKIDP_STORE: 'memcached://h' } })).toContain('MOCKIDP_STORE (environment): "memcached://h" has the scheme "memcached"')
    expect(problems({ store: { prefix: 'x:' } })).toContain('store.prefix: is used only with a Redis store; add store.redis')
    expect(problems({ store: { redis: 'redis://h', extra: 1 } })).toContain('store.extra: unknown setting')
  })

  it('with a Redis store, refuses a tenant id that is the name of the replicas\' own keys (a reset of it would delete them)', () => {
    const tenants = defaultCfg().tenants.map((t, i) => (i === 1 ? { ...t, id: 'journal' } : t))
    expect(problems({ tenants, store: { redis: 'redis://h:6379/0' } })).toContain('tenants[1].id: "journal" is the name of the replicas\' own keys in Redis (journal, fixtures); give the tenant another id')
    expect(problems({ tenants }, { store: 'redis://h' })).toContain('tenants[1].id: "journal"')
    // in memory there are no such keys
    expect(problems({ tenants })).not.toContain('own keys in Redis')
  })

  it('refuses a state file together with a Redis store, naming both and the fix', () => {
    const msg = problems({ store: { redis: 'redis://h:6379/0' }, state: { file: 'x.json' } })
    expect(msg).toContain('state.file and store.redis')
    expect(msg).toContain('remove state.file, or remove store.redis to keep state in a file')
    expect(problems({}, { stateFile: 's.json', store: 'redis://h' })).toContain('(here --state and --store)')
  })

  it('createMockIdp (synchronous) refuses a Redis store and points at startMockIdp', () => {
    expect(() => createMockIdp({ config: { store: { redis: 'redis://127.0.0.1:1/0' } } as never, env: {} })).toThrow(/use `await startMockIdp\(\{ store \}\)`/)
  })

  it('startMockIdp checks the store option', async () => {
    await expect(startMockIdp({ store: 42 as never })).rejects.toThrow(/store: expected string/)
  })
})
