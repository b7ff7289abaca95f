import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import type { RedisClient, RedisConnection } from '../store/redis/connection.js'

/**
 * One message between replicas. `kind` names the concept (`faults`, `clock`, `fixture`, `keys`,
 * `sign-in`, `reset`, `reload`); `from` is the sending replica, which ignores its own messages.
 */
export interface BusMessage {
  kind: string
  from: string
  [member: string]: unknown
}

/**
 * The replicas' pub/sub channel (`<prefix>bus`) and the writes this replica has sent but not yet
 * seen answered. Every shared concept (journal, faults, fixtures, clock, keys, reload) talks
 * through it; it is made only when a Redis store is configured.
 */
export class SharedBus {
  /** This replica, as other replicas' log lines name it: host name, process id and a short random tag. */
  readonly replica: string
  readonly channel: string
  private readonly handlers = new Map<string, (m: BusMessage) => void | Promise<unknown>>()
  /** Changes still being applied (a reload re-reads a file): a barrier is acknowledged after them. */
  private applying: Promise<unknown> = Promise.resolve()
  private readonly pending = new Set<Promise<unknown>>()
  private sub: RedisClient | undefined
  private subscribed = false
  private readonly ackChannel: string
  /** Something was sent since the last barrier (a flush then waits for the others to apply it). */
  private dirty = false
  private barriers = 0
  /** The last barrier's wait (a flush with nothing new to cover waits for it). */
  private inflight: Promise<void> = Promise.resolve()
  private readonly waiting = new Map<string, { need: number; got: number; done: () => void }>()
  private lastFailureLog = 0
  private failuresUnlogged = 0
  private readonly onMessage = (text: string) => {
    let m: BusMessage
    try {
      m = JSON.parse(text) as BusMessage
    } catch {
      return // not ours
    }
    if (m.from === this.replica) return
    if (m.kind === 'barrier') {
      // every message before it on the channel is applied (handlers run in order, synchronously): say so
      void this.applying.then(() => this.run(this.client.publish(this.ackChannel, JSON.stringify({ to: m.from, id: m.id })))).catch(() => undefined)
      return
    }
    try {
      const applying = this.handlers.get(m.kind)?.(m)
      if (applying) this.applying = Promise.all([this.applying, applying.catch(() => undefined)])
    } catch (err) {
      this.log(`mockidp: could not apply a ${m.kind} change from replica ${m.from}: ${(err as Error).message}`)
    }
  }
  private readonly onAck = (text: string) => {
    let a: { to?: string; id?: string }
    try {
      a = JSON.parse(text) as { to?: string; id?: string }
    } catch {
      return
    }
    if (a.to !== this.replica || typeof a.id !== 'string') return
    const w = this.waiting.get(a.id)
    if (w && ++w.got >= w.need) w.done()
  }

  constructor(
    readonly redis: RedisConnection,
    readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    // random on purpose: two replicas on one host with the same pid (containers) must differ
    const tag = createHash('sha256').update(`${Math.random()}${process.hrtime.bigint()}`).digest('hex').slice(0, 6)
    this.replica = `${hostname()}:${process.pid}:${tag}`
    this.channel = `${redis.prefix}bus`
    this.ackChannel = `${redis.prefix}bus:ack`
  }

  /** A key under the connection's prefix. */
  key(name: string): string {
    return this.redis.prefix + name
  }

  /** The command connection. Send every command through {@link run}: a hung Redis must not hang a request. */
  get client(): RedisClient {
    return this.redis.client
  }

  /** Bound the wait for a command's reply (the connection's timeout; node-redis bounds only the write). */
  run<T>(command: Promise<T>): Promise<T> {
    return this.redis.timed(command)
  }

  /**
   * Run a Lua script: one EVAL, so it keeps its place among this connection's commands (an EVALSHA
   * with a NOSCRIPT fallback would re-send it after commands issued meanwhile — a fault added, then
   * the barrier that says every replica has it, could then arrive in the wrong order).
   */
  evalScript<T>(lua: string, keys: string[], args: string[]): Promise<T> {
    return this.run(this.script<T>(lua, keys, args))
  }

  /** {@link evalScript} without its own timeout: for {@link track}, which bounds the wait already. */
  script<T>(lua: string, keys: string[], args: string[]): Promise<T> {
    return this.client.sendCommand<T>(['EVAL', lua, String(keys.length), ...keys, ...args])
  }

  /** Start hearing other replicas (resolves once subscribed). */
  async start(): Promise<void> {
    if (this.subscribed) return // again after a start that failed later on: subscribed once
    this.sub = await this.redis.subscriber()
    await this.sub.subscribe(this.channel, this.onMessage)
    await this.sub.subscribe(this.ackChannel, this.onAck)
    this.subscribed = true
  }

  /** Handle messages of one kind (one handler per kind). */
  on(kind: string, handler: (m: BusMessage) => void | Promise<unknown>): void {
    this.handlers.set(kind, handler)
  }

  /** Tell the other replicas; the returned promise is also tracked by {@link flush}. */
  publish(kind: string, body: Record<string, unknown> = {}): Promise<unknown> {
    this.dirty = true
    return this.track(this.client.publish(this.channel, JSON.stringify({ ...body, kind, from: this.replica })))
  }

  /**
   * Track a write that is not awaited where it is made (a synchronous API such as `injectFault`):
   * its failure is logged, never thrown at a request; {@link flush} waits for it.
   */
  track<T>(p: Promise<T>): Promise<T | undefined> {
    this.dirty = true
    const tracked = this.run(p).then(
      (v) => v,
      (err: unknown) => {
        // one line per 10 s at most: with Redis away every request would say it (the connection says when it is back)
        const now = Date.now()
        if (now - this.lastFailureLog < 10_000) this.failuresUnlogged++
        else {
          const more = this.failuresUnlogged ? ` (and ${this.failuresUnlogged} more since the last such line)` : ''
          this.log(`mockidp: a shared write to Redis failed (${(err as Error).message ?? String(err)})${more}; the other replicas may not see it`)
          this.lastFailureLog = now
          this.failuresUnlogged = 0
        }
        return undefined
      },
    )
    this.pending.add(tracked)
    void tracked.finally(() => this.pending.delete(tracked))
    return tracked
  }

  /**
   * Wait for the writes tracked so far, then until every other replica has applied what was published
   * (a barrier message each acknowledges; at most `timeoutMs`, so that a replica going away stalls
   * nothing for long). The admin API answers after it: the next request, at any replica, sees the
   * change. 2 s: a healthy replica answers in milliseconds; the margin is for one rebuilding its
   * tenants after a reload on a busy machine (a stuck replica then delays an admin write by 2 s).
   */
  async flush(timeoutMs = 2000): Promise<void> {
    // the writes sent so far, the caller's among them — not those other requests keep sending after
    // (under steady traffic waiting for none to be pending could last as long as the traffic)
    await Promise.all([...this.pending])
    if (!this.sub) return
    // nothing sent since the last barrier was published: that barrier, perhaps still awaited, covers it
    if (!this.dirty) return this.inflight
    this.dirty = false
    return (this.inflight = this.barrier(timeoutMs))
  }

  /** Publish a barrier and wait until every other replica acknowledged it (at most `timeoutMs`). */
  private async barrier(timeoutMs: number): Promise<void> {
    const id = `${this.replica}#${++this.barriers}`
    let done!: () => void
    const acked = new Promise<void>((resolve) => (done = resolve))
    const w = { need: Number.POSITIVE_INFINITY, got: 0, done }
    this.waiting.set(id, w)
    try {
      // the reply counts every subscriber, this replica's own included
      const heard = await this.run(this.client.publish(this.channel, JSON.stringify({ kind: 'barrier', from: this.replica, id })))
      w.need = heard - 1
      if (w.got >= w.need) return
      let timer: NodeJS.Timeout | undefined
      await Promise.race([acked, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
      clearTimeout(timer)
    } catch {
      // Redis away: nothing more to wait for
    } finally {
      this.waiting.delete(id)
    }
  }

  /** Stop hearing other replicas (the connection itself is closed by its owner). */
  async close(): Promise<void> {
    await this.flush()
    if (this.sub?.isOpen) {
      await this.sub.unsubscribe(this.channel, this.onMessage).catch(() => undefined)
      await this.sub.unsubscribe(this.ackChannel, this.onAck).catch(() => undefined)
    }
  }
}
