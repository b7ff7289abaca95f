import * as nodeCrypto from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { createClock } from '../../src/lib/clock.js'
import { createIdSource, formatId } from '../../src/lib/ids.js'
import { TtlStore } from '../../src/store/ttl-store.js'
import { loadKey } from '../../src/keys/keystore.js'
import { makeIdp } from '../helpers/idp.js'

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof nodeCrypto>()
  return { ...real, generateKeyPairSync: vi.fn(real.generateKeyPairSync), generateKeyPair: vi.fn(real.generateKeyPair) }
})

describe('fast-path guards', () => {
  it('start-up loads the fixture keys and generates none', () => {
    makeIdp()
    expect(vi.mocked(nodeCrypto.generateKeyPairSync)).not.toHaveBeenCalled()
    expect(vi.mocked(nodeCrypto.generateKeyPair)).not.toHaveBeenCalled()
    expect(loadKey('authing')).toBe(loadKey('authing')) // loaded once per process
  })

  const refuse = (limit: number) => new Error(`limit ${limit}`)

  it('stores never evict a live entry: past the limit a new one is refused, naming the limit', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new TtlStore<{ exp: number }>(clock, { limit: 100, refuse })
    for (let i = 0; i < 100; i++) store.set(`k${i}`, { exp: Number.MAX_SAFE_INTEGER })
    expect(() => store.set('k100', { exp: Number.MAX_SAFE_INTEGER })).toThrow('limit 100')
    expect(store.size).toBe(100)
    for (let i = 0; i < 100; i++) expect(store.has(`k${i}`), `k${i}`).toBe(true)
    store.set('k5', { exp: 1 }) // replacing an entry is not a new one
    expect(store.get('k5')).toEqual({ exp: 1 })
  })

  it('stores sweep expired entries as new ones arrive, in expiry order whatever the insertion order', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new TtlStore<{ exp: number }>(clock, { limit: 1_000_000, refuse, retainMs: 0, retainMax: 0 })
    const now = () => Math.floor(clock.now() / 1000)
    // a long-lived entry first must not shield the short-lived ones behind it from the sweep
    store.set('long', { exp: now() + 3600 })
    for (let i = 0; i < 500; i++) store.set(`old${i}`, { exp: now() + 60 })
    clock.advance(61_000)
    for (let i = 0; i < 100; i++) store.set(`new${i}`, { exp: now() + 60 })
    // each insert sweeps up to 4 expired entries
    expect(store.size).toBe(1 + 100 + 500 - 4 * 100)
    store.sweep()
    expect(store.size).toBe(101)
    expect(store.has('long')).toBe(true)
  })

  it('a full store sweeps before it refuses: expired entries make room, live ones never do', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new TtlStore<{ exp: number }>(clock, { limit: 10, refuse })
    const now = () => Math.floor(clock.now() / 1000)
    for (let i = 0; i < 5; i++) store.set(`live${i}`, { exp: now() + 3600 })
    for (let i = 0; i < 5; i++) store.set(`short${i}`, { exp: now() + 10 })
    expect(() => store.set('x', { exp: now() + 10 })).toThrow('limit 10')
    clock.advance(11_000)
    for (let i = 0; i < 5; i++) store.set(`n${i}`, { exp: now() + 10 })
    for (let i = 0; i < 5; i++) expect(store.has(`live${i}`)).toBe(true)
    // recently expired entries are still found (expired is told apart from unknown), outside the limit
    expect(store.get('short0')).toEqual({ exp: now() - 1 })
  })

  it('entries that never expire (fixture codes) are kept until clear()', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new TtlStore<{ exp: number }>(clock, { limit: 100, refuse, retainMs: 0, retainMax: 0 })
    store.set('fixture', { exp: Number.POSITIVE_INFINITY })
    for (let i = 0; i < 50; i++) store.set(`k${i}`, { exp: 0 })
    store.sweep()
    expect(store.has('fixture')).toBe(true)
    expect(store.size).toBe(1)
    store.clear()
    expect(store.has('fixture')).toBe(false)
  })

  it('ids: same seed and inputs → same value; repeats differ; a reset starts over; other inputs do not shift them', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const a = createIdSource('s', clock)
    const b = createIdSource('s', clock)
    const fmt = { kind: 'random', alphabet: 'hex', length: 40 } as const
    const a1 = formatId(a, ['x'], fmt)
    formatId(b, ['unrelated'], fmt)
    expect(formatId(b, ['x'], fmt)).toBe(a1)
    expect(formatId(a, ['x'], fmt)).not.toBe(a1)
    a.reset()
    expect(formatId(a, ['x'], fmt)).toBe(a1)
    expect(formatId(createIdSource('other', clock), ['x'], fmt)).not.toBe(a1)
    expect(formatId(a, ['u'], { kind: 'uuid', version: 3 })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(formatId(a, ['n'], { kind: 'random', alphabet: 'nanoid', length: 21 })).toMatch(/^[A-Za-z0-9_-]{21}$/)
  })

  it('ids never repeat within a run: not over 100,000 derivations, not when the clock moves on, nor when it is moved back', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const ids = createIdSource('s', clock)
    const fmt = { kind: 'random', alphabet: 'base64url', length: 16 } as const
    const seen = new Set<string>()
    const take = (parts: string[]) => {
      const v = formatId(ids, parts, fmt)
      expect(seen.has(v), v).toBe(false)
      seen.add(v)
    }
    for (let i = 0; i < 60_000; i++) take(['same'])
    for (let i = 0; i < 20_000; i++) take([`k${i % 7}`])
    clock.advance(1000)
    for (let i = 0; i < 10_000; i++) take(['same'])
    clock.set(clock.now() - 5000) // back in time: a new epoch, not the old counters
    for (let i = 0; i < 10_000; i++) take(['same'])
    clock.advance(5000)
    for (let i = 0; i < 100; i++) take(['same'])
    expect(seen.size).toBe(100_100)
  })

  it('ids: a saved id state continues without repeats after a restart (state file)', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const a = createIdSource('s', clock)
    const fmt = { kind: 'random', alphabet: 'hex', length: 32 } as const
    const before = new Set(Array.from({ length: 100 }, () => formatId(a, ['x'], fmt)))
    const b = createIdSource('s', clock)
    b.restore(JSON.parse(JSON.stringify(a.save())))
    for (let i = 0; i < 100; i++) expect(before.has(formatId(b, ['x'], fmt))).toBe(false)
  })

  it("every fixture key's JWT header decodes with atob (@authing/web uses atob on headers)", async () => {
    const idp = makeIdp()
    for (const t of idp.core.tenants) {
      for (const s of t.servers) {
        for (const h of [s.accessHeaderB64, s.idHeaderB64]) if (h) expect(h, `${t.id}/${s.id}`).not.toMatch(/[-_]/)
      }
    }
  })
})
