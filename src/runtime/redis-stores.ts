import type { Clock } from '../lib/clock.js'
import { OAuthError } from '../oauth/errors.js'
import { redactUrl, type RedisConnection } from '../store/redis/connection.js'
import { clearTenant, RedisFamilies, RedisMaps, RedisRecords, type RedisContext } from '../store/redis/records.js'
import type { Expiring } from '../store/types.js'
import type { FlowRecordStores, SharedParticipant, StoresFactory } from './stores.js'
import { SESSION_TTL } from './sessions.js'
import type { AccessRecord, RefreshRecord } from './records.js'

/**
 * What a failed Redis command means to a flow: a write Redis refused for memory (OOM at maxmemory,
 * with the default `noeviction` policy) is `limit_reached` — a refusal, nothing live is evicted —
 * and anything else (no connection, a timeout) is `store_unavailable`: `temporarily_unavailable`
 * in the vendor's shape, never a hang and never a 5xx to an input.
 */
export function redisFailure(conn: RedisConnection, url: string, tenantId: string): (err: unknown) => Error {
  const where = redactUrl(url)
  return (err) => {
    if (err instanceof OAuthError) return err
    const msg = String((err as Error)?.message ?? err)
    if (msg.startsWith('OOM')) {
      const detail = `Redis at ${where} refused the write: it holds its maxmemory (${msg.replace(/\s+$/, '')}); raise maxmemory in Redis, or reset the mock between test runs — nothing live was evicted (maxmemory-policy noeviction)`
      const e = new OAuthError('limit_reached', { detail }, { cause: err })
      e.message = `mockidp: tenant ${tenantId}: ${detail}`
      return e
    }
    const why = /did not answer within/.test(msg) ? `it did not answer within ${conn.timeoutMs} ms` : `the connection is down (${msg}); mockidp reconnects by itself`
    const e = new OAuthError('store_unavailable', { detail: `the shared store, Redis at ${where}, is unavailable: ${why} — try again shortly` }, { cause: err })
    e.message = `mockidp: tenant ${tenantId}: Redis at ${where} is unavailable (${why})`
    return e
  }
}

/**
 * The {@link StoresFactory} of a Redis store: every tenant's codes, tokens, revocations, sessions,
 * families and PAR/device records under `<prefix><tenantId>:`, shared by every replica given the
 * same URL and prefix. Loaded (with the client) only when a Redis store is configured.
 */
export function redisStores(conn: RedisConnection, url: string, clock: Clock): StoresFactory {
  return (tenantId) => {
    const ctx: RedisContext = { conn, keyPrefix: `${conn.prefix}${tenantId}:`, clock, fail: redisFailure(conn, url, tenantId) }
    const records = <V extends Expiring>(kind: string) => new RedisRecords<V>(ctx, kind)
    const refreshTokens = records<RefreshRecord>('rt')
    const accessTokens = records<AccessRecord>('at')
    const revokedJtis = records<{ exp: number }>('jti')
    let flows: FlowRecordStores | undefined
    const parts = new RedisMaps(ctx, 'participants')
    return {
      kind: 'redis',
      codes: records('code'),
      refreshTokens,
      accessTokens,
      revokedJtis,
      sessions: records('session'),
      families: new RedisFamilies(ctx, { refresh: refreshTokens, access: accessTokens, jtis: revokedJtis }),
      // Redis bounds its own memory (maxmemory); a write it refuses is answered as limit_reached
      assertRoom: () => {},
      flows: () => (flows ??= { pushedRequests: records('par'), directFlows: records('direct'), devices: records('device'), userCodes: records('usercode') }),
      clear: () => clearTenant(ctx),
      // a session's participants live as long as a session can
      participants: {
        add: (sid, clientId, p) => parts.set(sid, clientId, p, SESSION_TTL * 1000),
        list: (sid) => parts.all<SharedParticipant>(sid),
        take: (sid) => parts.take<SharedParticipant>(sid),
      },
    }
  }
}
