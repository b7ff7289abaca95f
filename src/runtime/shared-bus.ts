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
  private readonly handlers = new Map<string, (m: BusMessage) => void>()
  private readonly pending = new Set<Promise<unknown>>()
  private sub: RedisClient | undefined
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
    try {
      this.handlers.get(m.kind)?.(m)
    } catch (err) {
      this.log(`mockidp: could not apply a ${m.kind} change from replica ${m.from}: ${(err as Error).message}`)
    }
  }

  constructor(
    readonly redis: RedisConnection,
    readonly log: (line: string) => void = (line) => console.error(line),
  ) {
    // random on purpose: two replicas on one host with the same pid (containers) must differ
    const tag = createHash('sha256').update(`${Math.random()}${process.hrtime.bigint()}`).digest('hex').slice(0, 6)
    this.replica = `${hostname()}:${process.pid}:${tag}`
    this.channel = `${redis.prefix}bus`
  }

  /** A key under the connection's prefix. */
  key(name: string): string {
    return this.redis.prefix + name
  }

  /** The command connection. */
  get client(): RedisClient {
    return this.redis.client
  }

  /** Start hearing other replicas (resolves once subscribed). */
  async start(): Promise<void> {
    this.sub = await this.redis.subscriber()
    await this.sub.subscribe(this.channel, this.onMessage)
  }

  /** Handle messages of one kind (one handler per kind). */
  on(kind: string, handler: (m: BusMessage) => void): void {
    this.handlers.set(kind, handler)
  }

  /** Tell the other replicas; the returned promise is also tracked by {@link flush}. */
  publish(kind: string, body: Record<string, unknown> = {}): Promise<unknown> {
    return this.track(this.client.publish(this.channel, JSON.stringify({ ...body, kind, from: this.replica })))
  }

  /**
   * Track a write that is not awaited where it is made (a synchronous API such as `injectFault`):
   * its failure is logged, never thrown at a request; {@link flush} waits for it.
   */
  track<T>(p: Promise<T>): Promise<T | undefined> {
    const tracked = p.then(
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

  /** Wait for every tracked write (the admin API answers after it, so the next request, at any replica, sees the change). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending])
  }

  /** Stop hearing other replicas (the connection itself is closed by its owner). */
  async close(): Promise<void> {
    await this.flush()
    if (this.sub?.isOpen) await this.sub.unsubscribe(this.channel, this.onMessage).catch(() => undefined)
  }
}
