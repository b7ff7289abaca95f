import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const INDEX = new URL('../../dist/index.js', import.meta.url).href

// Starts and stops 20 mocks in one process — with requests over keep-alive connections, journal,
// faults and a config watcher — then lists what is still open. The process must exit by itself.
const SCRIPT = `
import { startMockIdp, connectMockIdp } from ${JSON.stringify(INDEX)}
const file = process.argv[2]
const listeners = () => process.eventNames().map((n) => String(n) + ':' + process.listenerCount(n)).join(',')
const before = listeners()
const t0 = Date.now()
for (let i = 0; i < 20; i++) {
  const idp = await startMockIdp({ env: {}, configFile: file, watch: i % 2 === 0 })
  const t = idp.tenant('authing-demo')
  await (await fetch(t.discoveryUrl)).text()
  idp.injectFault({ tenant: 'authing-demo', endpoint: 'jwks', kind: 'delay', delayMs: 5, times: 1 })
  await (await fetch(t.jwksUri)).text()
  await (await t.issueTokens({ user: 'test1' })).access_token
  await connectMockIdp(idp.url).journal()
  await idp.stop()
}
await new Promise((resolve) => setTimeout(resolve, 100)) // handles finish closing on the next turns of the loop
const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap') // stdout
console.log(JSON.stringify({ ms: Date.now() - t0, open, listeners: [before, listeners()] }))
`

describe('lifecycle', () => {
  it('starting and stopping 20 instances leaves no handles: the process exits by itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockidp-life-'))
    const file = join(dir, 'mockidp.config.json')
    copyFileSync(new URL('../../mockidp.config.json', import.meta.url), file)
    writeFileSync(join(dir, 'run.mjs'), SCRIPT)
    const t0 = Date.now()
    const r = spawnSync(process.execPath, [join(dir, 'run.mjs'), file], { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH } })
    const elapsed = Date.now() - t0
    expect(r.error, r.stderr).toBeUndefined()
    expect(r.status, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ms: number; open: string[]; listeners: [string, string] }
    expect(report.listeners[1]).toBe(report.listeners[0]) // no process listeners added per instance
    // undici's keep-alive sockets may still be closing; no server, timer or watcher is left
    expect(report.open.filter((x) => !/TCPSocketWrap|TCPWRAP/i.test(x))).toEqual([])
    // after the last stop() the process ends at once, not when some timer runs out
    expect(elapsed - report.ms).toBeLessThan(3000)
  })
})
