import * as nodeCrypto from 'node:crypto'
import { describe, expect, it, vi } from 'vitest'
import { createClock } from '../../src/lib/clock.js'
import { createIdSource, formatId } from '../../src/lib/ids.js'
import { BoundedStore } from '../../src/store/bounded.js'
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

  it('stores are capped: past capacity the oldest entry goes', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new BoundedStore<{ exp: number }>(clock, 100)
    for (let i = 0; i < 1000; i++) store.set(`k${i}`, { exp: Number.MAX_SAFE_INTEGER })
    expect(store.size).toBe(100)
    expect(store.has('k0')).toBe(false)
    expect(store.has('k999')).toBe(true)
  })

  it('stores sweep entries past expiry (+ retention) as new ones arrive', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new BoundedStore<{ exp: number }>(clock, 1_000_000, 0)
    const now = () => Math.floor(clock.now() / 1000)
    for (let i = 0; i < 500; i++) store.set(`old${i}`, { exp: now() + 60 })
    clock.advance(61_000)
    for (let i = 0; i < 100; i++) store.set(`new${i}`, { exp: now() + 60 })
    // each insert sweeps up to 4 expired entries from the old end
    expect(store.size).toBe(100 + 500 - 4 * 100)
    store.sweep()
    expect(store.size).toBe(100)
  })

  it('pinned fixture codes survive sweeping and capacity, and go on clear()', () => {
    const clock = createClock('2026-01-01T00:00:00Z')
    const store = new BoundedStore<{ exp: number }>(clock, 10, 0)
    store.pin('fixture', { exp: Number.POSITIVE_INFINITY })
    for (let i = 0; i < 50; i++) store.set(`k${i}`, { exp: 0 })
    expect(store.has('fixture')).toBe(true)
    store.clear()
    expect(store.has('fixture')).toBe(false)
  })

  it('ids: same seed and inputs → same value; repeats differ; a reset starts over; other inputs do not shift them', () => {
    const a = createIdSource('s')
    const b = createIdSource('s')
    const fmt = { kind: 'random', alphabet: 'hex', length: 40 } as const
    const a1 = formatId(a, ['x'], fmt)
    formatId(b, ['unrelated'], fmt)
    expect(formatId(b, ['x'], fmt)).toBe(a1)
    expect(formatId(a, ['x'], fmt)).not.toBe(a1)
    a.reset()
    expect(formatId(a, ['x'], fmt)).toBe(a1)
    expect(formatId(createIdSource('other'), ['x'], fmt)).not.toBe(a1)
    expect(formatId(a, ['u'], { kind: 'uuid', version: 3 })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(formatId(a, ['n'], { kind: 'random', alphabet: 'nanoid', length: 21 })).toMatch(/^[A-Za-z0-9_-]{21}$/)
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
