import type { Clock } from '../lib/clock.js'
import type { Idp } from '../runtime/idp.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { SharedBus } from '../runtime/shared-bus.js'
import type { RedisClient } from '../store/redis/connection.js'
import { decodeEntry, isSecretParam, Journal, REDACTED, type JournalEntry, type JournalFilter, type RawEntry } from './journal.js'

/**
 * A recorded request as it travels through the stream: the raw fields, the server named by ids
 * (the reading replica, with the same config, finds its own), every credential already blanked
 * (Redis is not the place for a client secret) except what decoding still needs of it.
 */
interface PortableEntry {
  at: number
  method: string
  url: string
  path: string
  tenant?: string | undefined
  server?: string | undefined
  host?: 1 | undefined
  endpoint?: RawEntry['endpoint']
  origin: string
  status: number
  err?: RawEntry['err']
  location?: string | null | undefined
  form?: [string, string][] | undefined
  authorization?: string | undefined
  headerClientId?: string | undefined
  fault?: RawEntry['fault']
  faultError?: RawEntry['faultError']
  response?: Record<string, unknown> | undefined
  hint?: string | undefined
  /** A back-channel delivery, already in its public form. */
  delivery?: Omit<JournalEntry, 'seq' | 'time'> | undefined
}


/** `Basic base64(id:secret)` → `Basic base64(id:[redacted])`: the journal still shows the client id. */
function blankAuthorization(h: string | undefined): string | undefined {
  if (h === undefined) return undefined
  if (!/^basic\s/i.test(h)) return `${h.split(' ')[0]} ${REDACTED}`
  const text = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return `Basic ${Buffer.from(`${colon > 0 ? text.slice(0, colon) : ''}:${REDACTED}`).toString('base64')}`
}

/** A form with secrets blanked; a client assertion keeps its header and claims (how it authenticated) but not its signature. */
function blankForm(form: Map<string, string> | undefined): [string, string][] | undefined {
  if (!form) return undefined
  const out: [string, string][] = []
  for (const [k, v] of form) {
    if (k === 'client_assertion') out.push([k, v.split('.').slice(0, 2).join('.') + '.'])
    else out.push([k, isSecretParam(k) ? REDACTED : v])
  }
  return out
}

function portable(r: RawEntry): PortableEntry {
  if (r.decoded && r.method === undefined) {
    const { seq: _s, time: _t, ...delivery } = r.decoded
    return { at: r.at, method: r.decoded.method, url: '', path: r.decoded.path, origin: '', status: r.decoded.status, delivery }
  }
  const p: PortableEntry = { at: r.at, method: r.method, url: r.url, path: r.path, origin: r.origin, status: r.status }
  if (r.server) {
    p.tenant = r.server.tenant.id
    p.server = r.server.id
    if (!r.server.tenant.servers.includes(r.server)) p.host = 1
  }
  if (r.endpoint) p.endpoint = r.endpoint
  if (r.err !== undefined) p.err = r.err
  if (r.location) p.location = r.location
  if (r.form) p.form = blankForm(r.form)
  if (r.authorization !== undefined) p.authorization = blankAuthorization(r.authorization)
  if (r.headerClientId !== undefined) p.headerClientId = r.headerClientId
  if (r.fault) p.fault = r.fault
  if (r.faultError) p.faultError = r.faultError
  if (r.response) p.response = r.response
  if (r.hint !== undefined) p.hint = r.hint
  return p
}

/**
 * The journal shared by every replica on one Redis: a capped stream (`<prefix>journal`, `XADD …
 * MAXLEN ~ <journal.size>`) with one sequence counter (`<prefix>journal:seq`), so that the journal of
 * any replica lists every replica's requests in one order. `read()` (the admin API) reads the stream
 * itself; the synchronous `entries()` (the programmatic `journal()`) and the console's live list read
 * this replica's copy, which a blocking reader fills from the stream (each replica decodes entries
 * with its own config, the same file).
 */
export class RedisJournal extends Journal {
  private readonly stream: string
  private readonly seqKey: string
  private lastId = '0-0'
  private tail: RedisClient | undefined
  private loaded = false
  private following = false
  private closed = false

  constructor(
    private readonly idp: Idp,
    private readonly bus: SharedBus,
    clock: Clock,
    capacity: number,
  ) {
    super(clock, capacity)
    this.stream = bus.key('journal')
    this.seqKey = bus.key('journal:seq')
    bus.on('journal-clear', () => super.clear())
  }

  /** Load what the stream holds and start following it. */
  async start(): Promise<void> {
    // again after a start that failed part-way: each step is done once (no row taken twice, one follower)
    if (!this.enabled || this.following) return
    if (!this.loaded) {
      const rows = await this.bus.run(this.bus.client.sendCommand<[string, string[]][]>(['XRANGE', this.stream, '-', '+']))
      for (const row of rows.slice(-this.capacity)) this.take(row)
      this.loaded = true
    }
    if (!this.tail) {
      this.tail = this.bus.client.duplicate() as RedisClient
      this.tail.on('error', () => {}) // the main connection reports loss and recovery
    }
    if (!this.tail.isOpen) await this.tail.connect()
    this.following = true
    void this.follow()
  }

  /** Blocking reads of new entries, on a connection of their own (a blocked connection serves nothing else). */
  private async follow(): Promise<void> {
    // below the connection's command timeout, so a quiet stream never looks like a dead server
    const block = String(Math.max(50, Math.min(500, Math.floor(this.bus.redis.timeoutMs / 2))))
    while (!this.closed) {
      try {
        const reply = await this.tail!.sendCommand<[string, [string, string[]][]][] | Record<string, [string, string[]][]> | null>(['XREAD', 'BLOCK', block, 'COUNT', '500', 'STREAMS', this.stream, this.lastId])
        // RESP2 answers [[stream, rows]], RESP3 a map of stream to rows
        const streams = reply === null ? [] : Array.isArray(reply) ? reply.map(([, rows]) => rows) : Object.values(reply)
        for (const rows of streams) for (const row of rows) this.take(row)
      } catch {
        if (this.closed) return
        await new Promise((r) => setTimeout(r, 200).unref()) // Redis away: the main connection says so; try again
      }
    }
  }

  /**
   * One stream row into this replica's copy (its own rows too: the stream's order is the journal's).
   * Kept as text until someone reads it — every replica hears every row, few rows are ever read —
   * unless a console is listening live.
   */
  private take([id, fields]: [string, string[]]): void {
    this.lastId = id
    const f: Record<string, string> = {}
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!
    const seq = Number(f.s)
    const text = f.e
    let decoded: JournalEntry | undefined
    const restore = () => {
      const raw = this.restore(seq, text)
      return raw ? (raw.decoded ?? decodeEntry(raw)) : { seq, time: '', method: '', path: '', status: 0, query: {} }
    }
    const lazy = {
      seq,
      get decoded(): JournalEntry {
        return (decoded ??= restore())
      },
    }
    this.insert(lazy as unknown as RawEntry)
  }

  /** A raw entry from its stream form, its server this replica's own of the same ids. */
  private restore(seq: number, text: string | undefined): RawEntry | undefined {
    let p: PortableEntry
    try {
      p = JSON.parse(text ?? '') as PortableEntry
    } catch {
      return undefined
    }
    if (p.delivery) return { seq, at: p.at, decoded: { seq, time: new Date(p.at).toISOString(), ...p.delivery } } as unknown as RawEntry
    const tenant = p.tenant === undefined ? undefined : this.idp.tenant(p.tenant)
    const server: ServerRuntime | undefined = tenant && (p.host ? tenant.hostServers : tenant.servers).find((s) => s.id === p.server)
    return {
      seq,
      at: p.at,
      method: p.method,
      url: p.url,
      path: p.path,
      server,
      endpoint: p.endpoint,
      origin: p.origin,
      status: p.status,
      err: p.err,
      location: p.location,
      form: p.form ? new Map(p.form) : undefined,
      authorization: p.authorization,
      headerClientId: p.headerClientId,
      fault: p.fault,
      faultError: p.faultError,
      response: p.response,
      hint: p.hint,
    }
  }

  /**
   * Add the entry to the stream; resolves once Redis has it (the request's answer waits for that,
   * so a journal read at any replica after the answer lists it).
   */
  override record(raw: Omit<RawEntry, 'seq' | 'at'>): Promise<void> | undefined {
    if (!this.enabled) return undefined
    const entry = raw as RawEntry
    entry.seq = 0 // the stream's counter gives the real one
    entry.at = this.clock.now()
    const text = JSON.stringify(portable(entry))
    return this.bus
      .track(this.bus.script(APPEND, [this.stream, this.seqKey], [String(this.capacity), text]))
      .then(() => undefined)
  }

  override recordDelivery(entry: Omit<JournalEntry, 'seq' | 'time'>): void {
    void this.record({ decoded: entry } as unknown as Omit<RawEntry, 'seq' | 'at'>)
  }

  /** Every replica's entries, read from the stream now. */
  override async read(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    if (!this.enabled) return []
    const rows = await this.bus.run(this.bus.client.sendCommand<[string, string[]][]>(['XRANGE', this.stream, '-', '+']))
    const all: JournalEntry[] = []
    for (const [, fields] of rows.slice(-this.capacity)) {
      const f: Record<string, string> = {}
      for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!
      const raw = this.restore(Number(f.s), f.e)
      if (raw) all.push((raw.decoded ??= decodeEntry(raw)))
    }
    return Journal.select(all, filter)
  }

  /** Empty this replica's copy only (another replica emptied the stream). */
  clearLocal(): void {
    super.clear()
  }

  /** Empty the shared journal (every replica's copy too); the sequence keeps counting. */
  override clear(): void {
    super.clear()
    void this.bus.track(this.bus.client.del(this.stream))
    void this.bus.publish('journal-clear')
  }

  override close(): void {
    super.close()
    this.closed = true
    const tail = this.tail
    this.tail = undefined
    if (tail) void tail.close().catch(() => tail.destroy())
  }
}

// INCR and XADD in one step: the counter's order is the stream's order
const APPEND = `local s = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 's', s, 'e', ARGV[2])
return s`
