import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ASGARDEO } from '../api/helpers.js'
import { mockForFile } from './helpers.js'

const mock = mockForFile()

// The new admin calls take any body without a 5xx: 2xx for what they accept, 400 (bad member,
// with its JSON path) or 404 (unknown tenant, user or client) for the rest.
const anyValue = fc.oneof(fc.jsonValue(), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null))
const calls: [string, fc.Arbitrary<unknown>][] = [
  ['keys/rotate', fc.oneof(fc.jsonValue(), fc.record({ graceSeconds: fc.oneof(fc.string(), fc.double(), fc.constant(-1), fc.constant(1e15), fc.boolean()) }))],
  ['sessions/end', fc.oneof(fc.jsonValue(), fc.record({ user: anyValue }, { requiredKeys: [] }))],
  ['revoke', fc.oneof(fc.jsonValue(), fc.record({ user: anyValue, clientId: anyValue }, { requiredKeys: [] }))],
  ['next-sign-in', fc.oneof(fc.jsonValue(), fc.record({ user: fc.oneof(anyValue, fc.constantFrom('alice@bifrost.com', 'test1')), clientId: anyValue, claims: anyValue, amr: fc.oneof(anyValue, fc.array(fc.string())), acr: anyValue, ticketOnly: anyValue }, { requiredKeys: [] }))],
]

describe('admin inputs (property, seeded)', () => {
  it.each(calls)('POST /_mockidp/tenants/{id}/%s never answers 5xx', async (path, body) => {
    await fc.assert(
      fc.asyncProperty(body, fc.boolean(), async (b, raw) => {
        const res = await fetch(`${mock.idp.url}/_mockidp/tenants/${ASGARDEO.id}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw && typeof b === 'string' ? b : JSON.stringify(b) })
        expect([200, 201, 400, 404]).toContain(res.status)
        const j = (await res.json()) as { error?: string; error_description?: string }
        if (res.status >= 400) expect(j.error_description).toMatch(/^(keys\/rotate|sessions\/end|revoke|next-sign-in)\b|^no |the body must be/)
      }),
      { seed: 2020, numRuns: 80 },
    )
    await mock.remote.reset()
  })
})
