import type { createClient } from 'redis'
import { redactUrl } from '../../lib/redact-url.js'

/** The node-redis client type as `createClient()` makes it (RESP2, no modules used). */
export type RedisClient = ReturnType<typeof createClient>

/** A connection to the Redis that several mockidp replicas share (README: "Several replicas"). */
export interface RedisConnection {
  /** Commands: at most `timeoutMs` each, refused at once while the server is unreachable (no offline queue). */
  client: RedisClient
  /** Prefix of every key this mock writes (`store.prefix`, default `mockidp:`). */
  prefix: string
  /** Per-command timeout in milliseconds. */
  timeoutMs: number
  /** A second connection for SUBSCRIBE / blocking reads, made on first use (and closed with this one). */
  subscriber(): Promise<RedisClient>
  /**
   * Bound a command's wait for its reply by `timeoutMs` (node-redis's own timeout covers only the
   * wait to be written): past it the promise rejects, and the connection counts as unhealthy until
   * a command is answered again — a Redis that is paused or cut off without a reset hangs no request.
   */
  timed<T>(command: Promise<T>): Promise<T>
  /** Whether the server answers right now (false from a lost connection, or a command unanswered in time, until it is back). */
  healthy(): boolean
  /** Hear each change of `healthy()`; returns the function that stops listening. */
  onStatus(fn: (healthy: boolean) => void): () => void
  /** Close both connections (pending commands are answered first). */
  close(): Promise<void>
}

/** Options of {@link connectRedis}. */
export interface ConnectOptions {
  prefix: string
  /** Per-command and connect timeout in milliseconds. Default 1000. */
  timeoutMs?: number
  /** Where the loss / recovery lines go. Default `console.error`. */
  log?: (line: string) => void
}

/** Default per-command timeout: a request waits at most this long for a dead Redis. */
export const REDIS_TIMEOUT_MS = 1000

export { redactUrl }

/**
 * Connect to Redis at `url` (`redis://` or `rediss://`). Resolves once the server answered, or after
 * `timeoutMs` if it does not (the mock then starts unhealthy and keeps retrying, with backoff up to
 * 2 s): replicas may well start before their Redis. The `redis` package (node-redis) is an optional
 * peer dependency, imported here only: a mock without a Redis store never loads it.
 */
export async function connectRedis(url: string, opts: ConnectOptions): Promise<RedisConnection> {
  const timeoutMs = opts.timeoutMs ?? REDIS_TIMEOUT_MS
  const log = opts.log ?? ((line: string) => console.error(line))
  let mod: typeof import('redis')
  try {
    mod = await import('redis')
  } catch {
    throw new Error('mockidp: store.redis needs the "redis" package (node-redis), an optional peer dependency: npm install redis')
  }
  const where = redactUrl(url)
  const make = (): RedisClient =>
    mod.createClient({
      url,
      // a command for a server that is not there fails at once instead of waiting in a queue
      disableOfflineQueue: true,
      commandOptions: { timeout: timeoutMs },
      socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000) },
    }) as RedisClient
  const client = make()
  let up = false
  let everUp = false
  let closed = false
  const listeners = new Set<(healthy: boolean) => void>()
  const set = (next: boolean, why?: string) => {
    if (next === up || closed) return
    up = next
    if (next) log(everUp ? `mockidp: Redis at ${where} is back; serving again` : `mockidp: connected to Redis at ${where}`)
    else log(`mockidp: lost Redis at ${where}${why ? ` (${why})` : ''}; token and authorize requests answer temporarily_unavailable until it is back (retrying)`)
    everUp ||= next
    for (const fn of listeners) fn(next)
  }
  let warned = false
  client.on('ready', () => set(true))
  client.on('end', () => set(false, 'connection closed'))
  client.on('error', (err: Error) => {
    if (up) set(false, err.message || String(err))
    else if (!everUp && !warned) {
      warned = true
      log(`mockidp: cannot reach Redis at ${where} (${err.message || String(err)}); retrying, and answering temporarily_unavailable meanwhile`)
    }
  })
  client.on('reconnecting', () => set(false, 'reconnecting'))
  const connecting = client.connect().then(
    () => undefined,
    () => undefined,
  )
  await Promise.race([connecting, new Promise((r) => setTimeout(r, timeoutMs).unref())])
  let sub: Promise<RedisClient> | undefined
  /** The subscriber's client as soon as it exists: `close()` must not wait for a connect that may never finish. */
  let subClient: RedisClient | undefined
  /** A command went unanswered past the timeout, and none has been answered since. */
  let stalled = false
  return {
    client,
    prefix: opts.prefix,
    timeoutMs,
    subscriber() {
      sub ??= (async () => {
        // no per-command timeout here: a blocking read (BLPOP, XREAD BLOCK) waits as long as it asks to
        const s = (subClient = client.duplicate({ commandOptions: { timeout: undefined } as never }) as RedisClient)
        s.on('error', () => {}) // the main connection reports loss and recovery
        await s.connect()
        return s
      })().catch((err: unknown) => {
        sub = subClient = undefined // a later call tries again
        throw err
      })
      return sub
    },
    timed<T>(command: Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (!stalled && up) log(`mockidp: Redis at ${where} did not answer within ${timeoutMs} ms; answering temporarily_unavailable until it does`)
          stalled = true
          reject(new Error(`Redis did not answer within ${timeoutMs} ms`))
        }, timeoutMs)
        command.then(
          (v) => {
            clearTimeout(timer)
            if (stalled) {
              stalled = false
              if (up) log(`mockidp: Redis at ${where} answers again; serving again`)
            }
            resolve(v)
          },
          (err: unknown) => {
            clearTimeout(timer)
            reject(err instanceof Error ? err : new Error(String(err)))
          },
        )
      })
    },
    healthy: () => up && !stalled,
    onStatus(fn) {
      listeners.add(fn)
      return () => listeners.delete(fn)
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      const quit = async (c: RedisClient) => {
        try {
          if (c.isOpen) await c.close()
          else c.destroy()
        } catch {
          c.destroy()
        }
      }
      await Promise.all([quit(client), subClient ? quit(subClient) : undefined])
    },
  }
}
