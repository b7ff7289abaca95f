import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from 'redis'
import { TtlStore } from '../../src/store/ttl-store.js'
import { MemoryRecords } from '../../src/store/memory.js'
import { connectRedis, type RedisConnection } from '../../src/store/redis/connection.js'
import { RedisFamilies, RedisRecords, type RedisContext } from '../../src/store/redis/records.js'
import { GrantIndex, MemoryFamilies } from '../../src/runtime/grants.js'
import type { FamilyStore, RecordStore } from '../../src/store/types.js'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'

// One contract, two implementations: the in-memory store (the default) and Redis (real redis-server).
requireRedis('test/store/contract.test.ts')

interface Rec {
  exp: number
  name: string
  used?: boolean
  revoked?: boolean
  by?: string
}

const NOW = Date.UTC(2026, 0, 1) // the mock's (frozen) clock
const clock = { now: () => NOW }
const exp = NOW / 1000 + 300

interface Impl {
  records(kind: string): RecordStore<Rec>
  families(): { families: FamilyStore; refresh: RecordStore<Rec>; access: RecordStore<Rec>; jtis: RecordStore<{ exp: number }> }
}

let redis: TestRedis
let conn: RedisConnection
let n = 0
const memory: Impl = {
  records: () => new MemoryRecords(new TtlStore<Rec>(clock, { limit: 1000, refuse: () => new Error('full') })),
  families() {
    const stores = { refreshTokens: new TtlStore<never>(clock, { limit: 100, refuse: () => new Error('full') }), accessTokens: new TtlStore<never>(clock, { limit: 100, refuse: () => new Error('full') }), revokedJtis: new TtlStore<{ exp: number }>(clock, { limit: 100, refuse: () => new Error('full') }) }
    const families = new MemoryFamilies(new GrantIndex(clock, { limit: 100, refuse: () => new Error('full') }), { clock, ...stores })
    return { families, refresh: new MemoryRecords(stores.refreshTokens as TtlStore<Rec>), access: new MemoryRecords(stores.accessTokens as TtlStore<Rec>), jtis: new MemoryRecords(stores.revokedJtis) }
  },
}
const ctx = (): RedisContext => ({ conn, keyPrefix: `test:${++n}:`, clock, fail: (e) => e as Error })
const redisImpl: Impl = {
  records: (kind) => new RedisRecords<Rec>(ctx(), kind),
  families() {
    const c = ctx()
    const refresh = new RedisRecords<Rec>(c, 'rt')
    const access = new RedisRecords<Rec>(c, 'at')
    const jtis = new RedisRecords<{ exp: number }>(c, 'jti')
    return { families: new RedisFamilies(c, { refresh, access, jtis }), refresh, access, jtis }
  },
}

beforeAll(async () => {
  if (!HAVE_REDIS) return
  redis = await startRedis()
  conn = await connectRedis(redis.url, { prefix: 'test:', log: () => {} })
})
afterAll(async () => {
  await conn?.close()
  await redis?.stop()
})

describe.each([
  ['memory', () => memory],
  ['redis', () => redisImpl],
] as const)('RecordStore / FamilyStore contract: %s', (name, impl) => {
  it.skipIf(name === 'redis' && !HAVE_REDIS)('claim: the first wins, a second claim of the same key is refused and changes nothing', async () => {
    const s = impl().records('code')
    expect(await s.claim('k', { exp, name: 'first' })).toBe(true)
    expect(await s.claim('k', { exp, name: 'second' })).toBe(false)
    expect((await s.get('k'))?.name).toBe('first')
    expect(await s.get('missing')).toBeUndefined()
  })

  it.skipIf(name === 'redis' && !HAVE_REDIS)('mark: of 20 concurrent marks exactly one sees the flag unset; the patch is kept, the rest of the record too', async () => {
    const s = impl().records('rt')
    await s.put('t', { exp, name: 'tok', used: false })
    const seen = await Promise.all(Array.from({ length: 20 }, (_, i) => s.mark('t', 'used', { used: true, by: `r${i}` })))
    expect(seen.filter((w) => w && !w.used)).toHaveLength(1)
    expect(seen.filter((w) => w?.used)).toHaveLength(19)
    const after = await s.get('t')
    expect([after?.name, after?.used, after?.exp, after?.by]).toEqual(['tok', true, exp, expect.stringMatching(/^r\d+$/)])
    expect(await s.mark('nothing', 'used', { used: true })).toBeUndefined()
  })

  it.skipIf(name === 'redis' && !HAVE_REDIS)('consume twice: one win; take: once; put replaces; delete; Infinity survives', async () => {
    const s = impl().records('code')
    await s.put('c', { exp, name: 'code' })
    const [x, y] = await Promise.all([s.mark('c', 'used', { used: true }), s.mark('c', 'used', { used: true })])
    expect([x?.used, y?.used].sort()).toEqual([true, undefined].sort())
    await s.put('p', { exp, name: 'par' })
    const taken = await Promise.all([s.take('p'), s.take('p')])
    expect(taken.filter(Boolean).map((r) => r!.name)).toEqual(['par'])
    await s.put('c', { exp, name: 'replaced' })
    expect(await s.get('c')).toEqual({ exp, name: 'replaced' })
    expect(await s.delete('c')).toBe(true)
    expect(await s.delete('c')).toBe(false)
    await s.put('fixture', { exp: Number.POSITIVE_INFINITY, name: 'fixed' })
    expect((await s.get('fixture'))?.exp).toBe(Number.POSITIVE_INFINITY)
  })

  it.skipIf(name === 'redis' && !HAVE_REDIS)('revoke: every member of the family, the jtis recorded; a member added after is revoked as it is added', async () => {
    const { families, refresh, access, jtis } = impl().families()
    await refresh.put('rt1', { exp, name: 'rt1', revoked: false })
    await access.put('at1', { exp, name: 'at1', revoked: false })
    await refresh.put('other', { exp, name: 'other', revoked: false })
    await families.add('fam', { kind: 'refresh', value: 'rt1', exp })
    await families.add('fam', { kind: 'access', value: 'at1', exp })
    await families.add('fam', { kind: 'jti', value: 'j1', exp })
    await families.add('fam2', { kind: 'refresh', value: 'other', exp })
    expect(await jtis.get('j1')).toBeUndefined()
    await families.revoke('fam')
    expect([(await refresh.get('rt1'))?.revoked, (await access.get('at1'))?.revoked, await jtis.get('j1')]).toEqual([true, true, { exp }])
    expect((await refresh.get('other'))?.revoked).toBe(false)
    await refresh.put('rt2', { exp, name: 'rt2', revoked: false })
    await families.add('fam', { kind: 'refresh', value: 'rt2', exp })
    await families.add('fam', { kind: 'jti', value: 'j2', exp })
    expect([(await refresh.get('rt2'))?.revoked, await jtis.get('j2')]).toEqual([true, { exp }])
    // a family revoked before it had members (a replay racing the winner) still revokes what comes
    await families.revoke('early')
    await refresh.put('rt3', { exp, name: 'rt3', revoked: false })
    await families.add('early', { kind: 'refresh', value: 'rt3', exp })
    expect((await refresh.get('rt3'))?.revoked).toBe(true)
  })
})

describe.skipIf(!HAVE_REDIS)('Redis specifics', () => {
  it('expiry is Redis PX from the record\'s exp by the mock clock; keys carry the tenant prefix', async () => {
    const c = ctx()
    const s = new RedisRecords<Rec>(c, 'code')
    await s.claim('abc', { exp, name: 'x' })
    const raw = createClient({ url: redis.url })
    await raw.connect()
    try {
      const ttl = await raw.pTTL(`${c.keyPrefix}code:abc`)
      expect(ttl).toBeGreaterThan(299_000)
      expect(ttl).toBeLessThanOrEqual(300_000)
      await s.mark('abc', 'used', { used: true })
      expect(await raw.pTTL(`${c.keyPrefix}code:abc`)).toBeGreaterThan(299_000) // a mark keeps the expiry
      await s.put('forever', { exp: Number.POSITIVE_INFINITY, name: 'f' })
      expect(await raw.pTTL(`${c.keyPrefix}code:forever`)).toBe(-1)
    } finally {
      await raw.close()
    }
  })
})
