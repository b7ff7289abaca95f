import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectRedis, type RedisConnection } from '../../src/store/redis/connection.js'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'

// connectRedis against a real redis-server: the contract the shared-state code builds on.
requireRedis('test/store/connection.test.ts')

let redis: TestRedis
beforeAll(async () => {
  if (HAVE_REDIS) redis = await startRedis()
})
afterAll(() => redis?.stop())

const waitFor = async (cond: () => boolean, ms = 8000) => {
  const until = Date.now() + ms
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.skipIf(!HAVE_REDIS)('connectRedis', () => {
  it('healthy, fails fast while Redis is down, says so in plain words, and recovers by itself', async () => {
    const lines: string[] = []
    const seen: boolean[] = []
    const conn: RedisConnection = await connectRedis(redis.url, { prefix: 'p:', timeoutMs: 500, log: (l) => lines.push(l) })
    try {
      expect([conn.healthy(), conn.prefix, conn.timeoutMs]).toEqual([true, 'p:', 500])
      conn.onStatus((h) => seen.push(h))
      await conn.client.set('p:k', 'v')
      await redis.kill()
      await waitFor(() => !conn.healthy())
      const t0 = Date.now()
      await expect(conn.client.get('p:k')).rejects.toThrow()
      expect(Date.now() - t0).toBeLessThan(500)
      await redis.restart()
      await waitFor(() => conn.healthy())
      expect(await conn.client.get('p:k')).toBeNull() // it persisted nothing: a fresh, empty Redis
      expect(seen).toEqual([false, true])
      expect(lines[0]).toMatch(/^mockidp: connected to Redis at redis:\/\/127\.0\.0\.1:\d+\/0$/)
      expect(lines.some((l) => /^mockidp: lost Redis at redis:\/\/127\.0\.0\.1:\d+\/0 \(.+\); token and authorize requests answer temporarily_unavailable until it is back \(retrying\)$/.test(l))).toBe(true)
      expect(lines.at(-1)).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/0 is back; serving again$/)
    } finally {
      await conn.close()
    }
  }, 30_000)

  it('the subscriber is a second connection, made on first use, for SUBSCRIBE and blocking reads past the command timeout', async () => {
    const conn = await connectRedis(redis.url, { prefix: 'p:', timeoutMs: 200, log: () => {} })
    try {
      const sub = await conn.subscriber()
      expect(await conn.subscriber()).toBe(sub)
      let heard: (m: string) => void = () => {}
      const got = new Promise<string>((resolve) => (heard = resolve))
      await sub.subscribe('p:chan', (m) => heard(m)) // resolves once Redis confirmed the subscription
      await conn.client.publish('p:chan', 'hello')
      expect(await got).toBe('hello')
      // another mock's subscriber used for a blocking read instead
      const other = await connectRedis(redis.url, { prefix: 'p:', timeoutMs: 200, log: () => {} })
      try {
        const blocking = await other.subscriber()
        const t0 = Date.now()
        const popped = blocking.blPop('p:list', 2)
        setTimeout(() => void conn.client.rPush('p:list', 'x'), 400)
        expect((await popped)?.element).toBe('x')
        expect(Date.now() - t0).toBeGreaterThan(350) // waited longer than the 200 ms command timeout
        // the main connection's commands are bounded by the timeout, reply included
        const t1 = Date.now()
        await expect(other.timed(other.client.blPop('p:none', 1))).rejects.toThrow('Redis did not answer within 200 ms')
        expect(Date.now() - t1).toBeLessThan(600)
      } finally {
        await other.close()
      }
    } finally {
      await conn.close()
    }
  })

  it('starts unhealthy when Redis is not there yet (after the connect timeout), and becomes healthy when it comes', async () => {
    const port = redis.port
    await redis.kill()
    const t0 = Date.now()
    const conn = await connectRedis(`redis://127.0.0.1:${port}/0`, { prefix: 'p:', timeoutMs: 300, log: () => {} })
    try {
      expect(Date.now() - t0).toBeLessThan(1500)
      expect(conn.healthy()).toBe(false)
      await redis.restart()
      await waitFor(() => conn.healthy())
    } finally {
      await conn.close()
    }
  }, 20_000)

  it('a Redis that stops answering (paused, the socket still open) fails commands after the timeout and counts as unhealthy until it answers again', async () => {
    const lines: string[] = []
    const conn = await connectRedis(redis.url, { prefix: 'p:', timeoutMs: 300, log: (l) => lines.push(l) })
    try {
      await redis.pause()
      const t0 = Date.now()
      await expect(conn.timed(conn.client.get('p:k'))).rejects.toThrow('Redis did not answer within 300 ms')
      expect(Date.now() - t0).toBeLessThan(800)
      expect(conn.healthy()).toBe(false)
      await redis.resume()
      await conn.timed(conn.client.get('p:k'))
      expect(conn.healthy()).toBe(true)
      expect(lines.some((l) => /did not answer within 300 ms; answering temporarily_unavailable until it does$/.test(l))).toBe(true)
      expect(lines.at(-1)).toMatch(/answers again; serving again$/)
    } finally {
      await redis.resume()
      await conn.close()
    }
  })
})
