import type { EndpointName } from '../profiles/types.js'
import type { SharedBus } from '../runtime/shared-bus.js'
import { FaultSet, type Fault, type FaultConfig, type RequestFacts } from './faults.js'

/**
 * The active faults of every replica on one Redis: one list (`<prefix>faults`, JSON), changed only by
 * the Lua script below, so that a fault injected at one replica answers at all of them and a
 * `times: n` fault answers exactly n requests across all of them (its count is decremented on the
 * server, atomically with its removal). Each replica keeps a copy for the request path (no Redis
 * round trip for a request no fault matches); every change is published with the whole new list.
 */
export class RedisFaults extends FaultSet {
  private readonly key: string
  private readonly tag: string

  constructor(private readonly bus: SharedBus) {
    super([])
    this.key = bus.key('faults')
    // API faults are numbered per replica: two replicas adding at once must not make the same id
    this.tag = bus.replica.slice(-4)
    bus.on('faults', (m) => this.adopt(m.list))
  }

  /** Take the shared list, or (the first replica up) write the config's faults as it. */
  async start(fromConfig: readonly FaultConfig[]): Promise<void> {
    this.adopt(await this.run('init', JSON.stringify(this.configFaults(fromConfig))))
  }

  private configFaults(fromConfig: readonly FaultConfig[]): Fault[] {
    // the same ids at every replica: each reads the same config
    return fromConfig.map((f, i) => ({ ...f, id: `fault-${i + 1}`, source: 'config', hits: 0 }))
  }

  /** The list as Redis has it (a reply or a message); `null`: not yet started. */
  private adopt(list: unknown): void {
    if (typeof list === 'string') list = JSON.parse(list)
    if (Array.isArray(list)) this.list = list as Fault[]
  }

  /** One step of the script; resolves with the new list (or `[hits, list]` for a take). */
  private run(op: string, ...args: string[]): Promise<unknown> {
    return this.bus.track(this.bus.script(SCRIPT, [this.key, this.bus.channel], [op, this.bus.replica, ...args]))
  }

  override add(spec: FaultConfig, source: Fault['source']): Fault {
    const fault: Fault = { ...spec, id: `fault-${this.tag}-${++this.counter}`, source, hits: 0 }
    this.list.push(fault)
    void this.run('add', JSON.stringify(fault)).then((l) => this.adopt(l))
    return { ...fault }
  }

  override remove(id?: string): number {
    const before = this.list.length
    this.list = id === undefined ? [] : this.list.filter((f) => f.id !== id)
    void this.run('remove', id ?? '').then((l) => this.adopt(l))
    return before - this.list.length
  }

  override reset(fromConfig: readonly FaultConfig[]): void {
    this.list = this.configFaults(fromConfig)
    void this.run('reset', JSON.stringify(this.list)).then((l) => this.adopt(l))
  }

  override replaceConfig(fromConfig: readonly FaultConfig[]): void {
    const config = this.configFaults(fromConfig)
    this.list = [...config, ...this.list.filter((f) => f.source === 'api')]
    void this.run('replace', JSON.stringify(config)).then((l) => this.adopt(l))
  }

  /** Reset this replica's copy only (a reset another replica made, and wrote to Redis). */
  resetLocal(fromConfig: readonly FaultConfig[]): void {
    this.list = this.configFaults(fromConfig)
  }

  /**
   * As `FaultSet.take`, the fault claimed in Redis: a fault another replica has used up (or removed)
   * meanwhile is passed over for the next match.
   */
  override async take(tenant: string, endpoint: EndpointName, facts: () => Promise<RequestFacts>): Promise<Fault | undefined> {
    let known: RequestFacts | undefined
    for (const f of [...this.list]) {
      if (f.tenant !== tenant || (f.endpoint !== undefined && f.endpoint !== endpoint)) continue
      if (f.grantType !== undefined || f.clientId !== undefined) {
        known ??= await facts()
        if (f.grantType !== undefined && f.grantType !== known.grantType) continue
        if (f.clientId !== undefined && f.clientId !== known.clientId) continue
      }
      const reply = (await this.run('take', f.id)) as [number, string] | undefined
      if (!reply) return undefined // Redis away: no fault rather than a failed request
      this.adopt(reply[1])
      if (reply[0] < 0) continue
      return { ...f, hits: reply[0] }
    }
    return undefined
  }
}

// The list is one JSON array. Every op returns the new list (a take: {hits, list}, hits -1 when the
// fault is gone) and publishes it to the other replicas as a `faults` bus message.
// (cjson encodes an empty table as {}: an empty list is written as [] by hand.)
const SCRIPT = `
local op, from = ARGV[1], ARGV[2]
local raw = redis.call('GET', KEYS[1])
if op == 'init' then
  if raw then return raw end
  redis.call('SET', KEYS[1], ARGV[3])
  return ARGV[3]
end
local list = cjson.decode(raw or '[]')
local out, hits = {}, nil
if op == 'add' then
  out = list
  table.insert(out, cjson.decode(ARGV[3]))
elseif op == 'remove' then
  if ARGV[3] ~= '' then for _, f in ipairs(list) do if f.id ~= ARGV[3] then table.insert(out, f) end end end
elseif op == 'reset' then
  out = cjson.decode(ARGV[3])
elseif op == 'replace' then
  out = cjson.decode(ARGV[3])
  for _, f in ipairs(list) do if f.source == 'api' then table.insert(out, f) end end
elseif op == 'take' then
  hits = -1
  for _, f in ipairs(list) do
    if f.id == ARGV[3] and hits == -1 then
      f.hits = f.hits + 1
      hits = f.hits
      if not (f.times and f.hits >= f.times) then table.insert(out, f) end
    else
      table.insert(out, f)
    end
  end
end
local text = '[]'
if #out > 0 then text = cjson.encode(out) end
if hits ~= -1 then
  redis.call('SET', KEYS[1], text)
  redis.call('PUBLISH', KEYS[2], '{"kind":"faults","from":' .. cjson.encode(from) .. ',"list":' .. text .. '}')
end
if op == 'take' then return {hits, text} end
return text`
