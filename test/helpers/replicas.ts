import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './redis.js'

const ROOT = new URL('../..', import.meta.url).pathname
const CLI = join(ROOT, 'dist/cli.js')

/** One mockidp process (`node dist/cli.js`), its port and what it printed. */
export interface Replica {
  port: number
  url: string
  output: () => string
  stop(): Promise<void>
}

/**
 * Start `count` mockidp processes from the built CLI, each on its own free port, all with
 * `--store redisUrl` and one config (the default one, with `patch` over it). `origin` (default: the
 * first replica's) is every replica's publicUrl and backchannelUrl, so they name one issuer.
 */
export async function startReplicas(count: number, redisUrl: string, patch: Record<string, unknown> = {}): Promise<Replica[]> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()))
  const dir = mkdtempSync(join(tmpdir(), 'mockidp-replicas-'))
  const cfg: Record<string, unknown> = { ...(JSON.parse(readFileSync(join(ROOT, 'mockidp.config.json'), 'utf8')) as Record<string, unknown>), publicUrl: `http://127.0.0.1:${ports[0]}`, backchannelUrl: `http://127.0.0.1:${ports[0]}`, ...patch }
  delete cfg.$schema
  const file = join(dir, 'mockidp.config.json')
  writeFileSync(file, JSON.stringify(cfg))
  const started = await Promise.all(ports.map((port) => launch(file, port, redisUrl)))
  const stops = started.map((r) => r.stop)
  return started.map((r, i) => ({
    ...r,
    async stop() {
      await stops[i]!()
      if (i === 0) rmSync(dir, { recursive: true, force: true })
    },
  }))
}

function launch(file: string, port: number, redisUrl: string): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, MOCKIDP_STORE: '', NODE_ENV: 'test' }
    const proc: ChildProcess = spawn(process.execPath, [CLI, '--config', file, '--port', String(port), '--store', redisUrl, '--no-watch', '--log', 'off'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const timer = setTimeout(() => reject(new Error(`mockidp on port ${port} did not start within 15 s:\n${out}`)), 15_000)
    const onData = (d: Buffer) => {
      out += d.toString()
      if (out.includes('mockidp listening on')) {
        clearTimeout(timer)
        resolve({
          port,
          url: `http://127.0.0.1:${port}`,
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (proc.exitCode !== null) return done()
              proc.once('exit', () => done())
              proc.kill('SIGTERM')
            }),
        })
      }
    }
    proc.stdout!.on('data', onData)
    proc.stderr!.on('data', onData)
    proc.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`mockidp on port ${port} exited (${code}) before listening:\n${out}`))
    })
  })
}
