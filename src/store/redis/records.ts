import type { Clock } from '../../lib/clock.js'
import type { Expiring, FamilyMember, FamilyStore, RecordStore } from '../types.js'
import type { RedisConnection } from './connection.js'

/*
 * Records in Redis. Each record is a hash: field `v` holds the record as JSON (as it was stored),
 * and each member a `mark` changed since is its own field (JSON), read over `v`. So a mark is a
 * field write inside one Lua script — it never re-encodes the record — and the key keeps the PX
 * expiry it was stored with. Every operation a flow needs to be atomic is one command or script:
 * nothing here reads a record into Node and writes it back.
 */

/**
 * Lua scripts, each sent whole with EVAL (Redis caches the compiled script by its SHA). Not EVALSHA
 * with a fallback: a NOSCRIPT answer (a restarted Redis) would send the script again AFTER commands
 * issued meanwhile, and commands of one connection must run in the order they were issued (a
 * createCode's write before the request that redeems the code).
 */
const SCRIPTS = {
  // KEYS[1] record; ARGV[1] JSON, ARGV[2] PX ms (0: no expiry)
  claim: `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1])
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`,
  put: `redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1])
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`,
  // KEYS[1] record; ARGV[1] the member that must be false; ARGV[2..] field, JSON value pairs.
  // Returns the hash as it was (empty: no record).
  mark: `local was = redis.call('HGETALL', KEYS[1])
if #was == 0 then return was end
local f = redis.call('HGET', KEYS[1], ARGV[1])
local set
if f then set = (f == 'true') else
  local ok, r = pcall(cjson.decode, redis.call('HGET', KEYS[1], 'v'))
  set = ok and r[ARGV[1]] == true
end
if not set then for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end end
return was`,
  take: `local was = redis.call('HGETALL', KEYS[1])
if #was > 0 then redis.call('DEL', KEYS[1]) end
return was`,
  // KEYS[1] family set, KEYS[2] its revoked marker, KEYS[3] the member's record (a jti: its revocation);
  // ARGV[1] member, ARGV[2] PX ms, ARGV[3] kind, ARGV[4] a jti's revocation JSON
  familyAdd: `redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('EXISTS', KEYS[2]) == 1 then
  if ARGV[3] == 'jti' then
    redis.call('DEL', KEYS[3])
    redis.call('HSET', KEYS[3], 'v', ARGV[4])
    redis.call('PEXPIRE', KEYS[3], ARGV[2])
  elseif redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HSET', KEYS[3], 'revoked', 'true') end
end
return 1`,
  // KEYS[1] family set, KEYS[2] its revoked marker; ARGV[1..3] key prefixes of refresh tokens,
  // access tokens and revoked jtis, ARGV[4] the mock clock's now (ms), ARGV[5] the marker's least PX
  familyRevoke: `local px = tonumber(ARGV[5])
local ft = redis.call('PTTL', KEYS[1])
if ft > px then px = ft end
redis.call('SET', KEYS[2], '1', 'PX', px)
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local kind = string.sub(m, 1, 1)
  local rest = string.sub(m, 3)
  if kind == 'r' or kind == 'a' then
    local k = (kind == 'r' and ARGV[1] or ARGV[2]) .. rest
    if redis.call('EXISTS', k) == 1 then redis.call('HSET', k, 'revoked', 'true') n = n + 1 end
  elseif kind == 'j' then
    local sep = string.find(rest, ':', 1, true)
    local exp = string.sub(rest, 1, sep - 1)
    local left = tonumber(exp) * 1000 - tonumber(ARGV[4])
    if left > 0 then
      local k = ARGV[3] .. string.sub(rest, sep + 1)
      redis.call('DEL', k)
      redis.call('HSET', k, 'v', '{"exp":' .. exp .. '}')
      redis.call('PEXPIRE', k, math.floor(left))
      n = n + 1
    end
  end
end
return n`,
  // ARGV[1] a KEYS pattern: everything of one tenant (a reset). O(keys), as a reset of a mock may be.
  clear: `local n = 0
for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) n = n + 1 end
return n`,
} as const

type ScriptName = keyof typeof SCRIPTS

/** Turns a failed command into the error a flow throws (store unavailable, or a write Redis refused). */
export type FailureMapper = (err: unknown) => Error

/** What the Redis stores of one tenant share. */
export interface RedisContext {
  conn: RedisConnection
  /** `<prefix><tenantId>:`, before every key of the tenant. */
  keyPrefix: string
  /** The mock's clock: PX is the record's `exp` less the mock's now. */
  clock: Clock
  fail: FailureMapper
}

/** Await one command within the connection's timeout; a failure becomes the flow's error (ctx.fail). */
async function call<T>(ctx: RedisContext, command: (client: RedisConnection['client']) => Promise<T>): Promise<T> {
  try {
    return await ctx.conn.timed(command(ctx.conn.client))
  } catch (err) {
    throw ctx.fail(err)
  }
}

/** Run one of the scripts (one command: it keeps its place in the connection's order). */
export function runScript(ctx: RedisContext, name: ScriptName, keys: string[], args: string[]): Promise<unknown> {
  return call(ctx, (c) => c.sendCommand(['EVAL', SCRIPTS[name], String(keys.length), ...keys, ...args]))
}

/** PX in ms for a record expiring at `exp` (epoch seconds) by the mock's clock; 0 for no expiry. */
const pxFor = (ctx: RedisContext, exp: number): number => (Number.isFinite(exp) ? Math.max(1, Math.ceil(exp * 1000 - ctx.clock.now())) : 0)

/** JSON of a record; `Infinity` (until reset), which JSON cannot spell, as null. */
const encode = (value: Expiring): string => JSON.stringify(value, (k, v: unknown) => (k === 'exp' && v === Number.POSITIVE_INFINITY ? null : v))

/** A record from its hash's flat field/value list (HGETALL as Lua returns it) or object. */
function decode<V extends Expiring>(hash: unknown): V | undefined {
  const pairs: [string, string][] = Array.isArray(hash)
    ? Array.from({ length: hash.length / 2 }, (_, i) => [String(hash[2 * i]), String(hash[2 * i + 1])])
    : Object.entries((hash ?? {}) as Record<string, string>)
  const v = pairs.find(([k]) => k === 'v')
  if (!v) return undefined
  const rec = JSON.parse(v[1]) as Record<string, unknown>
  for (const [k, x] of pairs) if (k !== 'v') rec[k] = JSON.parse(x)
  if (rec.exp === null) rec.exp = Number.POSITIVE_INFINITY
  return rec as V
}

/** A {@link RecordStore} of one kind of record of one tenant, keys `<prefix><tenant>:<kind>:<value>`. */
export class RedisRecords<V extends Expiring> implements RecordStore<V> {
  /** `<prefix><tenant>:<kind>:` */
  readonly keyPrefix: string

  constructor(
    private readonly ctx: RedisContext,
    kind: string,
  ) {
    this.keyPrefix = `${ctx.keyPrefix}${kind}:`
  }

  key(value: string): string {
    return this.keyPrefix + value
  }

  async get(key: string): Promise<V | undefined> {
    return decode<V>(await call(this.ctx, (c) => c.hGetAll(this.key(key))))
  }

  async *scan(): AsyncIterable<V> {
    const match = `${globEscape(this.keyPrefix)}*`
    let cursor = '0'
    do {
      const reply = (await call(this.ctx, (c) => c.sendCommand(['SCAN', cursor, 'MATCH', match, 'COUNT', '1000']))) as [unknown, unknown[]]
      cursor = String(reply[0])
      for (const key of reply[1].map(String)) {
        const rec = decode<V>(await call(this.ctx, (c) => c.hGetAll(key)))
        // gone since the SCAN (expired, used): not held any more
        if (rec) yield rec
      }
    } while (cursor !== '0')
  }

  async claim(key: string, value: V): Promise<boolean> {
    return (await runScript(this.ctx, 'claim', [this.key(key)], [encode(value), String(pxFor(this.ctx, value.exp))])) === 1
  }

  async put(key: string, value: V): Promise<void> {
    await runScript(this.ctx, 'put', [this.key(key)], [encode(value), String(pxFor(this.ctx, value.exp))])
  }

  async delete(key: string): Promise<boolean> {
    return (await call(this.ctx, (c) => c.del(this.key(key)))) > 0
  }

  async mark(key: string, unless: keyof V & string, patch: Partial<V>): Promise<V | undefined> {
    const args: string[] = [unless]
    for (const [k, v] of Object.entries(patch)) args.push(k, JSON.stringify(v))
    return decode<V>(await runScript(this.ctx, 'mark', [this.key(key)], args))
  }

  async take(key: string): Promise<V | undefined> {
    return decode<V>(await runScript(this.ctx, 'take', [this.key(key)], []))
  }
}

/** How long a family revoked before any member was registered stays marked (ms): longer than any request. */
const REVOKED_MARKER_MS = 24 * 3600_000

/**
 * The {@link FamilyStore} in Redis: a set per family (`r:<token>`, `a:<token>`, `j:<exp>:<jti>`)
 * living as long as its longest-lived member, and a marker once revoked. `revoke` marks every
 * member revoked and records the jtis in one script; `add` after that revokes the newcomer.
 */
export class RedisFamilies implements FamilyStore {
  constructor(
    private readonly ctx: RedisContext,
    private readonly members: { refresh: RedisRecords<Expiring>; access: RedisRecords<Expiring>; jtis: RedisRecords<Expiring> },
  ) {}

  private keys(family: string): [string, string] {
    return [`${this.ctx.keyPrefix}fam:${family}`, `${this.ctx.keyPrefix}famx:${family}`]
  }

  async add(family: string, m: FamilyMember): Promise<void> {
    const [set, marker] = this.keys(family)
    const member = m.kind === 'jti' ? `j:${m.exp}:${m.value}` : `${m.kind === 'refresh' ? 'r' : 'a'}:${m.value}`
    const target = m.kind === 'jti' ? this.members.jtis.key(m.value) : (m.kind === 'refresh' ? this.members.refresh : this.members.access).key(m.value)
    await runScript(this.ctx, 'familyAdd', [set, marker, target], [member, String(pxFor(this.ctx, m.exp)), m.kind, JSON.stringify({ exp: m.exp })])
  }

  async jtis(family: string): Promise<[string, number][]> {
    const [set] = this.keys(family)
    const members = (await call(this.ctx, (c) => c.sMembers(set))).map(String)
    const out: [string, number][] = []
    for (const m of members) {
      if (!m.startsWith('j:')) continue
      const sep = m.indexOf(':', 2)
      out.push([m.slice(sep + 1), Number(m.slice(2, sep))])
    }
    return out
  }

  async revoke(family: string): Promise<void> {
    const [set, marker] = this.keys(family)
    await runScript(this.ctx, 'familyRevoke', [set, marker], [this.members.refresh.keyPrefix, this.members.access.keyPrefix, this.members.jtis.keyPrefix, String(this.ctx.clock.now()), String(REVOKED_MARKER_MS)])
  }
}

/**
 * Small maps kept beside records (which clients took part in a session): a hash per key, one field
 * per member, the whole hash living `pxMs` from its last addition.
 */
export class RedisMaps {
  private readonly keyPrefix: string

  constructor(
    private readonly ctx: RedisContext,
    kind: string,
  ) {
    this.keyPrefix = `${ctx.keyPrefix}${kind}:`
  }

  async set(key: string, field: string, value: unknown, pxMs: number): Promise<void> {
    await call(this.ctx, (c) => c.multi().hSet(this.keyPrefix + key, field, JSON.stringify(value)).pExpire(this.keyPrefix + key, pxMs).exec())
  }

  async all<T>(key: string): Promise<Map<string, T>> {
    return toMap<T>(await call(this.ctx, (c) => c.hGetAll(this.keyPrefix + key)))
  }

  /** Read and remove in one step (of two replicas ending one session, one gets the members). */
  async take<T>(key: string): Promise<Map<string, T> | undefined> {
    const m = toMap<T>(await runScript(this.ctx, 'take', [this.keyPrefix + key], []))
    return m.size ? m : undefined
  }
}

function toMap<T>(hash: unknown): Map<string, T> {
  const pairs: [string, string][] = Array.isArray(hash)
    ? Array.from({ length: hash.length / 2 }, (_, i) => [String(hash[2 * i]), String(hash[2 * i + 1])])
    : Object.entries((hash ?? {}) as Record<string, string>)
  return new Map(pairs.map(([k, v]) => [k, JSON.parse(v) as T]))
}

/** Escape a KEYS/SCAN glob's special characters. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (ch) => `\\${ch}`)

/** Forget every key of one tenant (a reset): one script, so commands sent after it see it done. */
export async function clearTenant(ctx: RedisContext): Promise<void> {
  await runScript(ctx, 'clear', [], [`${globEscape(ctx.keyPrefix)}*`])
}
