import { afterEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMockIdp, connectMockIdp, type MockIdp, type MockIdpConfig } from '../../src/index.js'

const defaults = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as MockIdpConfig
const CLI = new URL('../../dist/cli.js', import.meta.url).pathname

function tempConfig(config: MockIdpConfig): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mockidp-reload-')), 'mockidp.config.json')
  writeFileSync(file, JSON.stringify(config, null, 2))
  return file
}

/** Two default tenants, so edits are quick to write. */
const small = (): MockIdpConfig => ({ ...defaults, tenants: defaults.tenants.filter((t) => t.id === 'authing-demo' || t.id === 'pingone-demo') })

/** Resolve with the next report of a watching mock. */
function nextReload(): { onReload: (err: Error | undefined) => void; next: () => Promise<Error | undefined> } {
  const waiting: ((err: Error | undefined) => void)[] = []
  return {
    onReload: (err) => waiting.shift()?.(err),
    next: () => new Promise((resolve, reject) => {
      waiting.push(resolve)
      setTimeout(() => reject(new Error('no reload within 5 s')), 5000).unref()
    }),
  }
}

let mock: MockIdp | undefined
afterEach(async () => {
  await mock?.stop()
  mock = undefined
})

describe('hot reload', () => {
  it('a valid edit rebuilds the tenants on the same port; an invalid one keeps the running config and says why', async () => {
    const file = tempConfig(small())
    const r = nextReload()
    mock = await startMockIdp({ configFile: file, watch: true, onReload: r.onReload, env: {} })
    const { url, port } = mock
    expect(mock.tenantIds).toEqual(['authing-demo', 'pingone-demo'])

    // valid: a new tenant and a new user
    const next = small()
    next.tenants.push({ ...structuredClone(defaults.tenants.find((t) => t.id === 'asgardeo-demo')!) })
    next.tenants[0]!.users.push({ sub: 'hot-user', username: 'hot' })
    let reloaded = r.next()
    writeFileSync(file, JSON.stringify(next))
    expect(await reloaded).toBeUndefined()
    expect(mock.tenantIds).toEqual(['authing-demo', 'pingone-demo', 'asgardeo-demo'])
    expect(mock.port).toBe(port)
    expect((await fetch(mock.tenant('asgardeo-demo').discoveryUrl!)).status).toBe(200)
    expect(mock.tenant('authing-demo').createCode({ user: 'hot', clientId: 'spa-client', redirectUri: 'http://localhost:5173/callback' })).toBeTypeOf('string')

    // invalid: the JSON path and the fix are reported, the running config stays
    reloaded = r.next()
    const bad = structuredClone(next)
    bad.tenants[1]!.vendor = 'pingon'
    writeFileSync(file, JSON.stringify(bad))
    const err = await reloaded
    expect(err?.message).toContain(`invalid config ${file}:`)
    expect(err?.message).toContain('tenants[1].vendor: unknown profile "pingon" (known: asgardeo, authing, genauth, pingone)')
    expect(mock.tenantIds).toEqual(['authing-demo', 'pingone-demo', 'asgardeo-demo'])
    expect((await fetch(mock.tenant('pingone-demo').discoveryUrl!)).status).toBe(200)

    // not JSON at all
    reloaded = r.next()
    writeFileSync(file, '{ "tenants": [')
    expect((await reloaded)?.message).toContain('not valid JSON')

    // an editor's atomic save (write elsewhere, rename over) is seen too; a removed tenant is gone
    reloaded = r.next()
    writeFileSync(`${file}.tmp`, JSON.stringify(small()))
    renameSync(`${file}.tmp`, file)
    expect(await reloaded).toBeUndefined()
    expect(mock.tenantIds).toEqual(['authing-demo', 'pingone-demo'])
    expect((await fetch(`${url}/asgardeo/t/bifrost/oauth2/token/.well-known/openid-configuration`)).status).toBe(404)
  })

  it('reload() and POST /_mockidp/reload re-read the file on demand; faults from the API survive, the config\'s are replaced', async () => {
    const file = tempConfig({ ...small(), faults: [{ tenant: 'pingone-demo', kind: 'status', status: 500 }] })
    mock = await startMockIdp({ configFile: file, env: {} })
    mock.injectFault({ tenant: 'authing-demo', kind: 'status', status: 503 })
    writeFileSync(file, JSON.stringify({ ...small(), faults: [{ tenant: 'pingone-demo', kind: 'status', status: 502 }] }))
    await mock.reload()
    expect(mock.faults().map((f) => [f.source, f.status])).toEqual([
      ['config', 502],
      ['api', 503],
    ])
    writeFileSync(file, JSON.stringify({ ...small(), seed: 'other' }))
    await connectMockIdp(mock.url).reload()
    expect(mock.faults().map((f) => f.source)).toEqual(['api'])
    writeFileSync(file, JSON.stringify({ tenants: [] }))
    await expect(mock.reload()).rejects.toThrow('tenants: needs at least 1 item(s)')
    const res = await fetch(`${mock.url}/_mockidp/reload`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(res.status).toBe(400)
    expect(mock.tenantIds).toEqual(['authing-demo', 'pingone-demo'])
  })

  it('the CLI reloads on change and prints why it kept the old config', async () => {
    const file = tempConfig(small())
    const child = spawn(process.execPath, [CLI, '--config', file, '--port', '0'], { env: { PATH: process.env.PATH } })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const until = async (cond: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 50)) // up to 15 s on a loaded machine
      if (!cond()) throw new Error(`${what} not seen; stdout: ${out}\nstderr: ${err}`)
    }
    try {
      await until(() => out.includes('pingone-demo'), 'start-up')
      const next = small()
      next.tenants = next.tenants.slice(0, 1)
      writeFileSync(file, JSON.stringify(next))
      await until(() => out.includes(`mockidp: reloaded ${file} (tenants: authing-demo)`), 'reload')
      writeFileSync(file, JSON.stringify({ tenants: [{ id: 'x', vendor: 'authing', clients: [], users: [], basePath: 'no-slash' }] }))
      await until(() => err.includes('changed, but the running config was kept'), 'rejection')
      expect(err).toContain('tenants[0].basePath: "no-slash" is not valid')
    } finally {
      child.kill('SIGINT')
    }
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(0)
  }, 60_000)
})
