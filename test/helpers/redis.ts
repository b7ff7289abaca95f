import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Debian's redis-server (apt-get install redis-server); MOCKIDP_REDIS_SERVER points elsewhere. */
export const REDIS_SERVER = process.env.MOCKIDP_REDIS_SERVER ?? '/usr/bin/redis-server'
export const HAVE_REDIS = existsSync(REDIS_SERVER)

/**
 * Warn loudly that `file` is skipped and say how to get a redis-server. Under CI a missing
 * redis-server is a failure, not a skip.
 */
export function requireRedis(file: string): void {
  if (HAVE_REDIS) return
  const msg =
    `${file} SKIPPED: no redis-server at ${REDIS_SERVER}.\n` +
    '   To run it: Debian/Ubuntu: sudo apt-get install -y redis-server · Fedora: sudo dnf install redis · macOS: brew install redis\n' +
    '   (or point MOCKIDP_REDIS_SERVER at a redis-server binary)'
  if (process.env.CI === 'true') throw new Error(`CI=true: ${msg}`)
  console.warn(`\n${'!'.repeat(78)}\n!! ${msg}\n${'!'.repeat(78)}\n`)
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** A redis-server of a test's own, on 127.0.0.1, persisting nothing. */
export interface TestRedis {
  port: number
  url: string
  /** Stop the server (SIGKILL: an outage, as a crash would be). */
  kill(): Promise<void>
  /** Start it again on the same port (empty: it persisted nothing). */
  restart(): Promise<void>
  /** Stop the process answering (SIGSTOP): connections stay open, nothing replies — a hung server. */
  pause(): Promise<void>
  /** Let a paused server go on (SIGCONT). */
  resume(): Promise<void>
  /** Stop it and remove its directory. */
  stop(): Promise<void>
}

const waitFor = async (port: number, up: boolean, timeoutMs = 5000): Promise<void> => {
  const until = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: '127.0.0.1' })
      c.once('connect', () => (c.destroy(), resolve(true)))
      c.once('error', () => resolve(false))
    })
    if (ok === up) return
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not ${up ? 'start' : 'stop'} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Start a redis-server on a free port with `--save '' --appendonly no` in a temp dir. */
export async function startRedis(): Promise<TestRedis> {
  let port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mockidp-redis-'))
  let proc: ChildProcess | undefined
  /** Start redis-server on `port`; false when it exited first (the port was taken meanwhile). */
  const spawnOn = async (): Promise<boolean> => {
    const p = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'], { stdio: 'ignore' })
    proc = p
    const exited = new Promise<false>((r) => p.once('exit', () => r(false)))
    // something answering on the port is ours only while our process is alive
    const up = await Promise.race([waitFor(port, true).then(() => p.exitCode === null, () => false), exited])
    if (!up && p.exitCode === null) p.kill('SIGKILL')
    return up
  }
  const launch = async () => {
    if (!(await spawnOn())) throw new Error(`redis-server could not start again on port ${port}`)
  }
  // freePort() closes its probe before redis binds: another process can take the port in between
  for (let attempt = 1; !(await spawnOn()); attempt++) {
    if (attempt === 3) throw new Error(`redis-server did not start (3 free ports tried, last ${port})`)
    port = await freePort()
  }
  const kill = async () => {
    const p = proc
    proc = undefined
    if (!p || p.exitCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    p.kill('SIGKILL')
    await exited
    await waitFor(port, false)
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    kill,
    restart: launch,
    async pause() {
      proc?.kill('SIGSTOP')
    },
    async resume() {
      proc?.kill('SIGCONT')
    },
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
