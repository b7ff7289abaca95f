// "Fast: load nothing at start that a request does not need": the shared-state modules (journal
// stream, shared faults, fixtures, clock, config agreement) and the Redis client are loaded only
// with a Redis store. A child process records every module the ESM loader loads (module.register
// hooks) while the built library starts, answers a request and stops.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'

const ROOT = new URL('../../', import.meta.url).pathname
const LIB = join(ROOT, 'dist/index.js')
const dir = mkdtempSync(join(tmpdir(), 'mockidp-lazy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

writeFileSync(join(dir, 'hooks.mjs'), 'let port\nexport function initialize(d) { port = d.port }\nexport async function load(url, ctx, next) { port.postMessage(url); return next(url, ctx) }\n')
writeFileSync(
  join(dir, 'main.mjs'),
  `import { register } from 'node:module'
import { MessageChannel } from 'node:worker_threads'
const { port1, port2 } = new MessageChannel()
const urls = []
port1.on('message', (u) => urls.push(u))
register(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)}, { data: { port: port2 }, transferList: [port2] })
const { startMockIdp } = await import(${JSON.stringify(pathToFileURL(LIB).href)})
const store = process.argv[2]
const idp = await startMockIdp({ env: {}, ...(store ? { store } : {}) })
const res = await fetch(idp.url + '/authing/demo/oidc/.well-known/openid-configuration')
if (res.status !== 200) throw new Error('discovery answered ' + res.status)
await idp.stop()
setTimeout(() => { console.log(JSON.stringify(urls)); port1.close() }, 100)
`,
)

/** Every module URL the library loaded to start, answer once and stop (with `store`: on that Redis). */
const loaded = (store?: string): string[] => JSON.parse(execFileSync(process.execPath, [join(dir, 'main.mjs'), ...(store ? [store] : [])], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop()!) as string[]
const shared = (urls: string[]) => urls.filter((u) => /\/chunks\/lib\/(shared-state|connection)-|\/node_modules\/(redis|@redis)\//.test(u))

describe('the shared state of replicas is loaded only with a Redis store', () => {
  it('the build puts it in chunks of its own (so that not loading them means something)', () => {
    expect(readdirSync(join(ROOT, 'dist/chunks/lib')).filter((f) => /^(shared-state|connection)-/.test(f)).length).toBe(2)
  })

  it('startMockIdp with the default config loads neither them nor the redis client', () => {
    const urls = loaded()
    expect(urls.some((u) => u.endsWith('/dist/index.js'))).toBe(true)
    expect(shared(urls)).toEqual([])
  })

  requireRedis('test/unit/lazy-shared.test.ts')
  let redis: TestRedis | undefined
  afterAll(async () => redis?.stop())
  it.skipIf(!HAVE_REDIS)('with a Redis store it loads them (the check above can fail)', async () => {
    redis = await startRedis()
    const urls = shared(loaded(redis.url))
    expect(urls.some((u) => /\/chunks\/lib\/shared-state-/.test(u))).toBe(true)
    expect(urls.some((u) => /\/chunks\/lib\/connection-/.test(u))).toBe(true)
    expect(urls.some((u) => /\/node_modules\/redis\//.test(u))).toBe(true) // (its own requires go past the ESM loader)
  })
})
