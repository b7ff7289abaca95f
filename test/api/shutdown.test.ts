import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startMockIdp } from '../../src/index.js'
import { defaultCfg } from '../helpers/idp.js'
import { AUTHING } from './helpers.js'

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname

/** GET `url` over `agent`, resolving with the status and body (or the error, for a cut connection). */
const get = (url: string, agent?: Agent) =>
  new Promise<{ status: number; body: string } | Error>((resolve) => {
    const req = httpRequest(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', resolve)
    })
    req.on('error', resolve)
    req.end()
  })

/** Resolves once `taken()` holds (the request reached the server), polling every 10 ms; fails after 5 s. */
async function inFlight(taken: () => boolean): Promise<void> {
  for (const until = Date.now() + 5000; !taken(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > until) throw new Error('the request never reached the server')
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('shutdown', () => {
  it('stop() with idle keep-alive sockets takes well under 100 ms', async () => {
    const idp = await startMockIdp({ env: {} })
    const agent = new Agent({ keepAlive: true, maxSockets: 4 })
    const results = await Promise.all([1, 2, 3, 4].map(() => get(idp.tenant(AUTHING.id).discoveryUrl!, agent)))
    expect(results.every((r) => !(r instanceof Error) && r.status === 200)).toBe(true)
    const t0 = performance.now()
    await idp.stop()
    const ms = performance.now() - t0
    agent.destroy()
    expect(ms).toBeLessThan(100)
  })

  it('stop() lets a request in flight finish, then closes its keep-alive socket at once', async () => {
    const idp = await startMockIdp({ env: {} })
    idp.injectFault({ tenant: AUTHING.id, endpoint: 'jwks', kind: 'delay', delayMs: 1500, times: 1 })
    const agent = new Agent({ keepAlive: true })
    const sent = performance.now()
    const pending = get(idp.tenant(AUTHING.id).jwksUri!, agent)
    await inFlight(() => idp.faults().length === 0) // the delay fault (times: 1) has taken the request
    const t0 = performance.now()
    await idp.stop()
    const stopped = performance.now()
    const res = await pending
    agent.destroy()
    expect(res).not.toBeInstanceOf(Error)
    expect((res as { status: number }).status).toBe(200)
    expect(stopped - sent).toBeGreaterThan(1500) // stop() waited for the delayed answer
    expect(stopped - t0).toBeLessThan(3000) // not the whole grace period: the socket closed once the answer was sent
  })

  it('shutdown.graceMs: a request longer than the grace period is cut when it ends', async () => {
    const idp = await startMockIdp({ env: {}, config: { shutdown: { graceMs: 200 } } })
    idp.injectFault({ tenant: AUTHING.id, endpoint: 'jwks', kind: 'delay', delayMs: 3000, times: 1 })
    const pending = get(idp.tenant(AUTHING.id).jwksUri!)
    await inFlight(() => idp.faults().length === 0)
    const t0 = performance.now()
    await idp.stop()
    expect(performance.now() - t0).toBeLessThan(1500)
    expect(await pending).toBeInstanceOf(Error)
  })

  it('an aborted upload is journaled as status 0, with no server error and no stack trace', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const idp = await startMockIdp({ env: {} })
    try {
      const url = new URL(idp.tenant(AUTHING.id).tokenEndpoint)
      await new Promise<void>((resolve) => {
        const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '5000' } })
        req.on('error', () => resolve())
        req.write('grant_type=client_credentials&client_id=')
        setTimeout(() => {
          req.destroy()
          resolve()
        }, 150)
      })
      // the server notices the abort asynchronously
      for (let i = 0; i < 50 && idp.journal({ endpoint: 'token' }).length === 0; i++) await new Promise((r) => setTimeout(r, 20))
      const entries = idp.journal({ endpoint: 'token' })
      expect(entries.map((e) => [e.status, e.error])).toEqual([[0, undefined]])
      expect(errors).not.toHaveBeenCalled()
    } finally {
      await idp.stop()
    }
  })

  it('the CLI on SIGTERM lets a 5 s request finish within the grace period, then exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockidp-stop-'))
    const file = join(dir, 'mockidp.config.json')
    writeFileSync(file, JSON.stringify({ ...defaultCfg(), faults: [{ tenant: AUTHING.id, endpoint: 'jwks', kind: 'delay', delayMs: 5000, times: 1 }] }))
    const child = spawn(process.execPath, [CLI, '--config', file, '--port', '0', '--no-watch'], { env: { PATH: process.env.PATH } })
    const url = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /listening on (http:\/\/[^\s]+)/.exec(out)
        if (m) resolve(m[1]!)
      })
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    const pending = get(`${url}/authing/demo/oidc/.well-known/jwks.json`)
    // the fault (times: 1) is gone from the list once it has taken the request
    for (const until = Date.now() + 5000; ((await (await fetch(`${url}/_mockidp/faults`)).json()) as { faults: unknown[] }).faults.length > 0; await new Promise((r) => setTimeout(r, 10))) {
      if (Date.now() > until) throw new Error('the request never reached the server')
    }
    const t0 = performance.now()
    child.kill('SIGTERM')
    const res = await pending
    expect(res).not.toBeInstanceOf(Error)
    expect((res as { status: number; body: string }).status).toBe(200)
    expect((res as { body: string }).body).toContain('"keys"')
    expect(await exited).toBe(0)
    expect(performance.now() - t0).toBeGreaterThan(4000)
  }, 20_000)
})
