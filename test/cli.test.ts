import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const CLI = new URL('../dist/cli.js', import.meta.url).pathname
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 10_000 })

/** Start the CLI and resolve with its first stdout block once it is listening. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } })
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('asgardeo-demo')) resolve(out)
    })
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
  })
  return { child, ready }
}

describe('mockidp CLI', () => {
  it('--help and --version', () => {
    const help = run(['--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('Usage: mockidp [--config FILE] [--port N] [--host H]')
    const version = run(['--version'])
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('--help is in step with the README: the same options and environment variables', () => {
    const help = run(['--help']).stdout
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const section = readme.slice(readme.indexOf('\n## CLI\n'), readme.indexOf('\n### Request log'))
    const flags = (text: string) => new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]))
    const envs = (text: string) => new Set([...text.matchAll(/\b(?:MOCKIDP_[A-Z_]+|PORT|HOST|NO_COLOR)\b/g)].map((m) => m[0]))
    const helpEnv = help.slice(help.indexOf('Environment:'))
    expect([...flags(help)].sort()).toEqual([...flags(section)].sort())
    expect([...envs(helpEnv)].sort()).toEqual([...envs(section.slice(section.indexOf('| environment variable |')))].sort())
    expect(flags(help).size).toBeGreaterThan(8)
  })

  it('an unknown flag exits 2 with the usage', () => {
    const r = run(['--nope'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("Unknown option '--nope'")
  })

  it('a bad config exits 1 naming the file, the JSON path and the fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockidp-cli-'))
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ tenants: [{ id: 'p', vendor: 'pingon', basePath: '/p', clients: [], users: [] }, { id: 'q', vendor: 'pingone', basePath: '/q', clients: [], users: [] }] }))
    const r = run(['--config', file])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(file)
    expect(r.stderr).toContain('tenants[0].vendor: unknown profile "pingon" (known: asgardeo, authing, genauth, pingone)')
    expect(r.stderr).toContain('tenants[1].envId: is required for vendor "pingone"')
  })

  it('an unreadable config file is named', () => {
    const r = run([], { MOCKIDP_CONFIG: '/nonexistent/mockidp.json' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('/nonexistent/mockidp.json: cannot read the config file (ENOENT)')
  })

  it('--port 0 picks a free port, prints one line per tenant with a warning, and stops on SIGINT', async () => {
    const { child, ready } = start(['--port', '0'])
    const out = await ready
    expect(out).toMatch(/NOT FOR PRODUCTION/)
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!
    for (const id of ['genauth-demo', 'authing-demo', 'pingone-demo', 'asgardeo-demo']) expect(out).toMatch(new RegExp(`${id}.*discovery: ${url}.*clients: `))
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  })

  it('PORT and HOST come from the environment', async () => {
    const { child, ready } = start([], { PORT: '0', HOST: '127.0.0.1' })
    expect(await ready).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/)
    child.kill('SIGTERM')
  })

  it('a port in use gives a clear message and exit code 1', async () => {
    const { child, ready } = start(['--port', '0'])
    const port = /127\.0\.0\.1:(\d+)/.exec(await ready)![1]!
    const r = run(['--port', port])
    child.kill('SIGTERM')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`)
  })

  it('a listen host that is no host, or not this machine\'s, exits 1 with a message and no stack trace', () => {
    const bad = run(['--port', '0', '--host', 'not-a-host!!'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('host (option): "not-a-host!!" is neither an IP address nor a host name')
    expect(bad.stderr).not.toMatch(/\n\s+at /)
    const foreign = run(['--port', '0', '--host', '192.0.2.1']) // TEST-NET-1: never an address of this machine
    expect(foreign.status).toBe(1)
    expect(foreign.stderr).toContain('host: "192.0.2.1" is not an address of this machine (EADDRNOTAVAIL)')
    expect(foreign.stderr).not.toMatch(/\n\s+at /)
  })

  it('NODE_ENV=Production in any case or spacing is refused', () => {
    for (const NODE_ENV of ['Production', ' production ', 'PRODUCTION']) {
      const r = run(['--port', '0'], { NODE_ENV })
      expect(r.status, NODE_ENV).toBe(1)
      expect(r.stderr).toContain('refusing to start with NODE_ENV=')
    }
  })
})

describe('safety rails', () => {
  it('refuses NODE_ENV=production unless --allow-in-production (or MOCKIDP_ALLOW_PRODUCTION=1)', async () => {
    const r = run(['--port', '0'], { NODE_ENV: 'production' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('refusing to start with NODE_ENV=production')
    const { child, ready } = start(['--port', '0', '--allow-in-production'], { NODE_ENV: 'production' })
    expect(await ready).toContain('listening on')
    child.kill('SIGTERM')
  })

  it('every response carries the mock marker header, 404s included', async () => {
    const { child, ready } = start(['--port', '0'])
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await ready)![1]!
    for (const path of ['/healthz', '/nope', '/authing/demo/oidc/.well-known/openid-configuration']) {
      const res = await fetch(url + path)
      expect(res.headers.get('x-mockidp')).toBe('mock identity provider; not for production')
    }
    child.kill('SIGTERM')
  })
})

/** Resolves once the CLI at `url` has a fault with a hit (GET /_mockidp/faults); fails after 5 s. */
async function hit(url: string): Promise<void> {
  for (const until = Date.now() + 5000; ; await new Promise((r) => setTimeout(r, 10))) {
    const { faults } = (await (await fetch(`${url}/_mockidp/faults`)).json()) as { faults: { hits: number }[] }
    if (faults.some((f) => f.hits > 0)) return
    if (Date.now() > until) throw new Error('the request never reached the server')
  }
}

describe('graceful lifecycle', () => {
  it('SIGTERM finishes an in-flight request before exiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockidp-cli-'))
    const file = join(dir, 'slow.json')
    const cfg = JSON.parse(readFileSync(new URL('../mockidp.config.json', import.meta.url), 'utf8')) as Record<string, unknown>
    cfg.faults = [{ tenant: 'asgardeo-demo', endpoint: 'token', kind: 'delay', delayMs: 700 }]
    writeFileSync(file, JSON.stringify(cfg))
    const { child, ready } = start(['--port', '0', '--config', file, '--no-watch'])
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await ready)![1]!
    const inFlight = fetch(`${url}/asgardeo/t/bifrost/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=z8RB6ysdDZhe4QO0zJAQzKbi6P4a&client_secret=z0C79zlopx8i7ByOw8K15A9dplYa' })
    await hit(url) // the request is in the server (the delay fault counted it), not still on its way
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    child.kill('SIGTERM')
    const res = await inFlight
    expect(res.status).toBe(200)
    expect(((await res.json()) as { access_token: string }).access_token).toMatch(/^[0-9a-f-]{36}$/)
    expect(await exited).toBe(0)
  })
})

describe('HTTPS from the command line', () => {
  it('`mockidp ca --tls-dir DIR` creates the CA once, prints the path of ca.pem first and the trust steps', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mockidp-ca-')), 'tls')
    const first = run(['ca', '--tls-dir', dir])
    expect(first.status, first.stderr).toBe(0)
    const lines = first.stdout.split('\n')
    expect(lines[0]).toBe(join(dir, 'ca.pem'))
    expect(first.stdout).toContain('Created mockidp development CA')
    expect(first.stdout).toContain(`NODE_EXTRA_CA_CERTS=${join(dir, 'ca.pem')}`)
    expect(first.stdout).toContain('--ignore-certificate-errors-spki-list=')
    expect(first.stdout).toContain('at your own choice and risk')
    const ca = readFileSync(join(dir, 'ca.pem'), 'utf8')
    const again = run(['ca'], { MOCKIDP_TLS_DIR: dir })
    expect(again.stdout).toContain('The mockidp development CA')
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(ca)
  })

  it('--http-port or --tls-dir without --https exits 2 saying so; an unknown command exits 2', () => {
    const r = run(['--http-port', '9080'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('--http-port needs --https (or MOCKIDP_HTTPS=1, or "tls" in the config)')
    const c = run(['cert'])
    expect(c.status).toBe(2)
    expect(c.stderr).toContain('unknown command "cert" (the only command is "ca")')
  })

  it('--https --http-port 0 serves TLS and plain HTTP, and prints each tenant\'s production URL', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mockidp-cli-tls-')), 'tls')
    const { child, ready } = start(['--https', '--port', '0', '--http-port', '0', '--tls-dir', dir, '--no-watch'])
    const out = await ready
    try {
      const [, httpsUrl, httpUrl] = /listening on (https:\/\/127\.0\.0\.1:\d+) and (http:\/\/127\.0\.0\.1:\d+)/.exec(out)!
      expect(out).toContain(`from the development CA ${join(dir, 'ca.pem')} (just created`)
      expect(out).toContain('production URL: https://auth.pingone.com/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as')
      expect(out).toContain('production URL: https://demo.authing.cn/oidc')
      expect((await fetch(`${httpUrl}/healthz`)).status).toBe(200)
      expect(httpsUrl).toMatch(/^https:/)
    } finally {
      child.kill('SIGTERM')
    }
  })
})
