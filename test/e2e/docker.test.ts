// The Docker image, end to end: build it from the repo's Dockerfile, run it (host networking, the
// only kind this machine's engine has), exchange every tenant's codes, mount a custom config, and
// time start-up and `docker stop`. Needs a Docker engine (`docker info` must succeed, DOCKER_HOST
// honoured); without one the whole file is skipped with a loud warning. CI starts one first (.ci/run).
// Time budget, at most: engine probe 10 s + build 150 s + tests 60 s + clean-up 15 s < 4 min.
import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetch as undiciFetch } from 'undici'
import { mappedDispatcher } from '../helpers/resolve.js'
import { HAVE_REDIS, requireRedis, startRedis } from '../helpers/redis.js'

const ROOT = new URL('../..', import.meta.url).pathname
const run = promisify(execFile)

function engineVersion(): string | undefined {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 10_000 })
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined
}
const engine = engineVersion()
if (!engine && process.env.CI === 'true') throw new Error('CI=true: no Docker engine is reachable (`docker info` failed); CI must start one before the tests')
if (!engine) {
  const bar = '#'.repeat(100)
  console.warn(
    [
      bar,
      '#  SKIPPED: test/e2e/docker.test.ts — no Docker engine is reachable, so the Docker image is NOT TESTED.',
      `#  \`docker info\` failed (DOCKER_HOST=${process.env.DOCKER_HOST ?? '(unset)'}).`,
      '#  To run it: install Docker Engine (Linux: https://docs.docker.com/engine/install/) or Docker Desktop (macOS, Windows:',
      '#  https://docs.docker.com/get-docker/), start it so that `docker info` answers (or point DOCKER_HOST at one, e.g. a',
      '#  remote engine or Podman\'s socket), then: npx vitest run test/e2e/docker.test.ts',
      bar,
    ].join('\n'),
  )
}

/** Unique per run: image tag and container names. */
const ID = `${process.pid}-${Date.now().toString(36)}`
const IMAGE = `mockidp:test-${ID}`
const containers: string[] = []

/** Run the docker CLI; on failure the error carries the tail of its output. */
async function docker(args: string[], timeout = 10_000, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await run('docker', args, { timeout, maxBuffer: 64 << 20, encoding: 'utf8', env: { ...process.env, ...env } })
    return stdout.trim()
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`docker ${args.join(' ')} failed: ${e.message}\n${(e.stdout ?? '').slice(-3000)}\n${(e.stderr ?? '').slice(-3000)}`)
  }
}

/** A port free on this host (the containers share the host's network). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '0.0.0.0', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * `docker run -d` a container of the image (host network, plain HTTP only on PORT=port:
 * MOCKIDP_HTTPS=0; the HTTPS default is tested on its own below); resolves when `docker run` returns.
 */
async function start(name: string, port: number, extra: string[] = []): Promise<void> {
  containers.push(name)
  await docker(['run', '-d', '--name', name, '--network', 'host', '-e', `PORT=${port}`, '-e', 'MOCKIDP_HTTPS=0', ...extra, IMAGE])
}

async function postForm(url: string, form: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Retry a request until the server accepts connections; only connection errors are retried. */
async function whenUp<T>(send: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs
  for (;;) {
    try {
      return await send()
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`no answer within ${withinMs} ms: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`)
      await sleep(10)
    }
  }
}

const GENAUTH_CODE = { code: '61yhuOVrgyhKlFTU~bnEKA_fnnz', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3', redirect_uri: 'https://baidu.com', grant_type: 'authorization_code' }

describe.skipIf(!engine)(`Docker image (engine ${engine ?? 'none'})`, () => {
  let dir = ''
  const main = { name: `mockidp-test-${ID}-default`, port: 0 }
  const custom = { name: `mockidp-test-${ID}-custom`, port: 0 }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mockidp-docker-'))
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    // the classic builder (also where buildx is installed), whose per-step images make the cache
    const out = await docker(['build', '--network', 'host', '--force-rm', '--build-arg', `VERSION=${version}`, '-t', 'mockidp:test', '-t', IMAGE, ROOT], 420_000, { DOCKER_BUILDKIT: '0' })
    // tag the build stage's last image (printed just before the second FROM), so that pruning stale
    // build-stage images in afterAll keeps it as the cache of the next run
    const lines = out.split('\n')
    const secondFrom = lines.findIndex((l, i) => /^Step \d+\/\d+ : FROM /.test(l) && lines.slice(0, i).some((m) => /^Step \d+\/\d+ : FROM /.test(m)))
    const buildStage = lines.slice(0, secondFrom).reverse().map((l) => /^\s*---> ([0-9a-f]{12,})\s*$/.exec(l)?.[1]).find(Boolean)
    if (secondFrom > 0 && buildStage) await docker(['tag', buildStage, 'mockidp:test-build-stage'])
  }, 430_000)

  afterAll(async () => {
    for (const c of containers) await docker(['rm', '-f', c]).catch(() => undefined)
    await docker(['rmi', IMAGE]).catch(() => undefined)
    // images of earlier runs that a newer build untagged (each a full copy with the vfs driver)
    await docker(['image', 'prune', '-f', '--filter', 'label=mockidp.stage=build']).catch(() => undefined)
    await docker(['image', 'prune', '-f', '--filter', 'label=org.opencontainers.image.title=mockidp']).catch(() => undefined)
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, 15_000)

  it('is the base image plus about 3 MB: only the bundled CLI, fixtures, configs and the Redis client, run as non-root', async () => {
    const [size, base, user, labels, env] = (await docker(['image', 'inspect', '-f', '{{.Size}}|{{index .Config.Labels "org.opencontainers.image.base.name"}}|{{.Config.User}}|{{json .Config.Labels}}|{{json .Config.Env}}', IMAGE])).split('|')
    const baseSize = Number(await docker(['image', 'inspect', '-f', '{{.Size}}', base!]))
    const added = Number(size) - baseSize
    console.log(`mockidp image: ${(Number(size) / 1e6).toFixed(1)} MB = ${base} ${(baseSize / 1e6).toFixed(1)} MB + ${(added / 1e3).toFixed(0)} kB`)
    expect(added).toBeLessThan(10e6)
    expect(user).toBe('65532:65532')
    expect(JSON.parse(labels!)).toMatchObject({ 'org.opencontainers.image.title': 'mockidp', 'org.opencontainers.image.licenses': 'MIT' })
    expect(JSON.parse(env!)).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'PORT=443', 'MOCKIDP_HTTPS=1', 'MOCKIDP_HTTP_PORT=9000', 'MOCKIDP_TLS_DIR=/tls', 'MOCKIDP_CONFIG=/config/mockidp.config.json']))
    // dist/cli.js is bundled: no node_modules but the Redis client's, and it starts (--version reads package.json)
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    expect(await docker(['run', '--rm', '--network', 'host', IMAGE, '--version'])).toBe(version)
    const listing = await docker(['run', '--rm', '--network', 'host', '--entrypoint', '/nodejs/bin/node', IMAGE, '-p',
      "const fs=require('fs');JSON.stringify([process.getuid(),fs.readdirSync('/app').sort(),fs.readdirSync('/app/dist').sort(),fs.readdirSync('/app/dist/chunks'),fs.readdirSync('/config'),fs.statSync('/tls').uid])"])
    // dist/chunks/cli: the HTTPS code, imported only with --https (no library chunks); node_modules: the Redis client only
    expect(JSON.parse(listing)).toEqual([65532, ['dist', 'fixtures', 'mockidp.config.json', 'node_modules', 'package.json'], ['chunks', 'cli.js', 'console'], ['cli'], ['mockidp.config.json'], 65532])
    const modules = await docker(['run', '--rm', '--network', 'host', '--entrypoint', '/nodejs/bin/node', IMAGE, '-p',
      "const fs=require('fs');JSON.stringify([fs.readdirSync('/app/node_modules').sort(),fs.readdirSync('/app/node_modules/@redis').sort()])"])
    expect(JSON.parse(modules)).toEqual([['@redis', 'redis'], ['bloom', 'client', 'json', 'search', 'time-series']])
  }, 12_000)

  it('answers its first token request within 1 s of `docker run` returning', async () => {
    main.port = await freePort()
    await start(main.name, main.port)
    const t0 = performance.now()
    const first = await whenUp(() => postForm(`http://127.0.0.1:${main.port}/genauth/demo/oauth/token`, GENAUTH_CODE), 8_000)
    const ms = performance.now() - t0
    console.log(`docker run returned -> first token response: ${ms.toFixed(0)} ms`)
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'user' })
    expect(first.body.access_token).toMatch(/^[0-9a-f]{40}$/)
    expect(ms).toBeLessThan(1000)
    const health = await fetch(`http://127.0.0.1:${main.port}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
  }, 10_000)

  it('MOCKIDP_STORE makes two containers replicas of one Redis: the image holds the client it imports', async () => {
    requireRedis('test/e2e/docker.test.ts (Redis store)')
    if (!HAVE_REDIS) return
    const redis = await startRedis()
    try {
      const ports = [await freePort(), await freePort()]
      const names = ports.map((p) => `mockidp-test-${ID}-replica-${p}`)
      for (const [i, p] of ports.entries()) await start(names[i]!, p, ['-e', `MOCKIDP_STORE=${redis.url}`])
      const [a, b] = ports.map((p) => `http://127.0.0.1:${p}`) as [string, string]
      await whenUp(() => fetch(`${b}/healthz`).then((r) => (r.ok ? r : Promise.reject(new Error(String(r.status))))), 8_000)
      await whenUp(() => fetch(`${a}/healthz`).then((r) => (r.ok ? r : Promise.reject(new Error(String(r.status))))), 8_000)
      expect((await postForm(`${a}/genauth/demo/oauth/token`, GENAUTH_CODE)).status).toBe(200)
      // the fixture code is single-use across both replicas, and B's journal lists A's request
      expect((await postForm(`${b}/genauth/demo/oauth/token`, GENAUTH_CODE)).status).toBe(400)
      const journal = (await (await fetch(`${b}/_mockidp/journal?endpoint=token`)).json()) as { entries: { status: number }[] }
      expect(journal.entries.map((e) => e.status)).toEqual([200, 400])
      // each container says it is on that Redis (the image imported the client: it connected)
      for (const origin of [a, b]) expect(((await (await fetch(`${origin}/_mockidp/health`)).json()) as { store: unknown }).store).toMatchObject({ kind: 'redis', healthy: true })
    } finally {
      await redis.stop()
    }
  }, 30_000)

  it('serves the console to a browser, with its script', async () => {
    const page = await fetch(`http://127.0.0.1:${main.port}/_mockidp/`, { headers: { accept: 'text/html' } })
    expect(page.status).toBe(200)
    const html = await page.text()
    const src = /<script src="([^"]+)"/.exec(html)?.[1]
    expect(src).toMatch(/^\/_mockidp\/console\/app\.js\?v=/)
    const script = await fetch(`http://127.0.0.1:${main.port}${src}`)
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8'])
  }, 10_000)

  it('exchanges the documented fixture codes at Authing and Asgardeo', async () => {
    const authing = await postForm(`http://127.0.0.1:${main.port}/authing/demo/oidc/token`, GENAUTH_CODE)
    expect(authing.status, JSON.stringify(authing.body)).toBe(200)
    expect(authing.body).toMatchObject({ token_type: 'Bearer' })
    expect(String(authing.body.id_token).split('.')).toHaveLength(3)
    const asgardeo = await postForm(`http://127.0.0.1:${main.port}/asgardeo/t/bifrost/oauth2/token`, {
      grant_type: 'authorization_code',
      code: '97c85a59-a758-3a56-95cd-e71a505b493d',
      redirect_uri: 'https://myfirstwebapp.io/login',
      client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a',
      client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa',
    })
    expect(asgardeo.status, JSON.stringify(asgardeo.body)).toBe(200)
    expect(asgardeo.body).toMatchObject({ token_type: 'Bearer', scope: 'openid' })
    expect(asgardeo.body.id_token).toBeTypeOf('string')
  }, 5_000)

  it('PingOne: authorize with login_hint, then exchange the code', async () => {
    const base = `http://127.0.0.1:${main.port}/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as`
    const q = new URLSearchParams({ response_type: 'code', client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', redirect_uri: 'http://localhost:3000/callback', scope: 'openid', login_hint: 'test1' })
    const res = await fetch(`${base}/authorize?${q}`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe('http://localhost:3000/callback')
    const code = location.searchParams.get('code')
    expect(code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) // PingOne profile: UUID codes
    const tok = await postForm(`${base}/token`, {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: 'http://localhost:3000/callback',
      client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f',
      client_secret: 'pingone-demo-secret',
    })
    expect(tok.status, JSON.stringify(tok.body)).toBe(200)
    expect(tok.body).toMatchObject({ token_type: 'Bearer' })
    expect(tok.body.id_token).toBeTypeOf('string')
    // and the pre-issued PingOne code of the default config
    const fixed = await postForm(`${base}/token`, { grant_type: 'authorization_code', code: '3f6c1a2e-9d4b-4e7a-8c5f-0b1d2e3f4a5b', redirect_uri: 'http://localhost:3000/callback', client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', client_secret: 'pingone-demo-secret' })
    expect(fixed.status, JSON.stringify(fixed.body)).toBe(200)
  }, 5_000)

  it('docker logs has one line per request, with the hint for a failure and no secret', async () => {
    const bad = await postForm(`http://127.0.0.1:${main.port}/asgardeo/t/bifrost/oauth2/token`, { grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'not-the-secret' })
    expect(bad.status).toBe(401)
    let logs = ''
    for (let i = 0; i < 20; i++) {
      logs = await docker(['logs', main.name])
      if (logs.includes("does not match client z8RB6ysdDZhe4QO0zJAQzKbi6P4a's")) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(logs).toMatch(/ POST \/asgardeo\/t\/bifrost\/oauth2\/token 200 \[asgardeo-demo token authorization_code client=z8RB6ysdDZhe4QO0zJAQzKbi6P4a\]/)
    expect(logs).toContain("POST /asgardeo/t/bifrost/oauth2/token 401 invalid_client [asgardeo-demo token client_credentials client=z8RB6ysdDZhe4QO0zJAQzKbi6P4a]")
    expect(logs).toContain("— the client secret sent (client_secret_post) does not match client z8RB6ysdDZhe4QO0zJAQzKbi6P4a's — use the clientSecret at tenants[3].clients[0].clientSecret")
    for (const secret of ['not-the-secret', 'z0C79zlopx8i7ByOw8K15A9dplYa', 'pingone-demo-secret', '64b517f8de3648091654eb4ee9b479d3']) expect(logs).not.toContain(secret)
  }, 5_000)

  it('a mounted config the container cannot read says uid 65532 and chmod a+r', async () => {
    const file = join(dir, 'private.json')
    writeFileSync(file, readFileSync(join(ROOT, 'mockidp.config.json')))
    chmodSync(file, 0o600) // owned by the test's user, unreadable by uid 65532 (unless that is the test's user)
    const name = `mockidp-unreadable-${ID}`
    containers.push(name)
    const r = spawnSync('docker', ['run', '--name', name, '--network', 'host', '-e', 'PORT=0', '-v', `${file}:/config/mockidp.config.json:ro`, IMAGE], { encoding: 'utf8', timeout: 20_000 })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('/config/mockidp.config.json: cannot read the config file (EACCES): the container runs as uid 65532, so the mounted file must be readable by it — on the host, chmod a+r the file')
  }, 25_000)

  it('serves a config mounted over /config/mockidp.config.json, and MOCKIDP_PUBLIC_URL sets the browser-facing origin', async () => {
    const file = join(dir, 'acme.json')
    writeFileSync(
      file,
      JSON.stringify({
        seed: 'docker-test',
        tenants: [
          {
            id: 'acme',
            vendor: 'genauth',
            basePath: '/acme',
            clients: [{ clientId: 'acme-app', clientSecret: 'acme-secret', redirectUris: ['http://localhost:4000/cb'] }],
            users: [{ sub: 'u-bob', username: 'bob', password: 'bob' }],
            codes: [{ code: 'acme-code-1', clientId: 'acme-app', redirectUri: 'http://localhost:4000/cb', user: 'bob', scope: 'user', server: 'oauth' }],
          },
        ],
      }),
    )
    chmodSync(file, 0o644) // the container runs as uid 65532
    custom.port = await freePort()
    await start(custom.name, custom.port, ['-v', `${file}:/config/mockidp.config.json:ro`, '-e', 'MOCKIDP_PUBLIC_URL=http://localhost:9000'])
    const tok = await whenUp(() => postForm(`http://127.0.0.1:${custom.port}/acme/oauth/token`, { grant_type: 'authorization_code', code: 'acme-code-1', redirect_uri: 'http://localhost:4000/cb', client_id: 'acme-app', client_secret: 'acme-secret' }), 8_000)
    expect(tok.status, JSON.stringify(tok.body)).toBe(200)
    expect(tok.body.access_token).toMatch(/^[0-9a-f]{40}$/)
    // only the mounted config's tenant
    const index = (await (await fetch(`http://127.0.0.1:${custom.port}/`)).json()) as { tenants: { id: string; servers: { issuer: string; authorization?: string; token?: string }[] }[] }
    expect(index.tenants.map((t) => t.id)).toEqual(['acme'])
    expect((await fetch(`http://127.0.0.1:${custom.port}/genauth/demo/oauth/token`, { method: 'POST' })).status).toBe(404)
    // browser-facing URLs use MOCKIDP_PUBLIC_URL; back-channel ones the Host the request came to
    const oidc = index.tenants[0]!.servers.find((s) => s.token?.includes('/oidc/'))!
    expect(oidc.issuer.startsWith('http://localhost:9000/acme')).toBe(true)
    expect(oidc.authorization?.startsWith('http://localhost:9000/acme')).toBe(true)
    expect(oidc.token).toBe(`http://127.0.0.1:${custom.port}/acme/oidc/token`)
    expect(await docker(['logs', custom.name])).toContain('(config: /config/mockidp.config.json)')
  }, 10_000)

  it('reports healthy through its HEALTHCHECK (node, no shell in the image)', async () => {
    const deadline = Date.now() + 8_000
    let status = ''
    while (Date.now() < deadline) {
      status = await docker(['inspect', '-f', '{{.State.Health.Status}}', main.name])
      if (status !== 'starting') break
      await sleep(250)
    }
    expect(status).toBe('healthy')
  }, 10_000)

  it('by default serves HTTPS (CA made once on the /tls volume, reused by the next container) beside plain HTTP', async () => {
    const tls = mkdtempSync(join(tmpdir(), 'mockidp-docker-tls-'))
    chmodSync(tls, 0o777) // the container runs as uid 65532
    const ports = { https: await freePort(), http: await freePort() }
    const run1 = { name: `mockidp-test-${ID}-https`, ...ports }
    try {
      // the image's own defaults (HTTPS on PORT, plain HTTP on MOCKIDP_HTTP_PORT), ports moved for the host network
      const runHttps = (name: string) => (containers.push(name), docker(['run', '-d', '--name', name, '--network', 'host', '-e', `PORT=${ports.https}`, '-e', `MOCKIDP_HTTP_PORT=${ports.http}`, '-v', `${tls}:/tls`, IMAGE]))
      await runHttps(run1.name)
      await whenUp(() => fetch(`http://127.0.0.1:${ports.http}/healthz`).then((r) => expect(r.status).toBe(200)), 15_000)
      const ca = readFileSync(join(tls, 'ca.pem'), 'utf8')
      const dispatcher = mappedDispatcher(ports.https, ['demo.authing.cn'], ca)
      const res = await undiciFetch('https://demo.authing.cn/oidc/token', { dispatcher, method: 'POST', body: new URLSearchParams(GENAUTH_CODE) })
      const body = (await res.json()) as { id_token: string }
      expect(res.status, JSON.stringify(body)).toBe(200)
      expect(JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString()).iss).toBe('https://demo.authing.cn/oidc')
      await docker(['rm', '-f', run1.name])
      // a second container on the same volume: the same CA, nothing re-created
      await runHttps(run1.name + '-2')
      await whenUp(() => undiciFetch(`https://demo.authing.cn/oidc/.well-known/openid-configuration`, { dispatcher }).then((r) => expect(r.status).toBe(200)), 15_000)
      expect(readFileSync(join(tls, 'ca.pem'), 'utf8')).toBe(ca)
      expect(await docker(['logs', run1.name + '-2'])).not.toContain('just created')
      await docker(['rm', '-f', run1.name + '-2'])
      await dispatcher.close()
    } finally {
      rmSync(tls, { recursive: true, force: true })
    }
  }, 40_000)

  it('`docker stop` takes under 2 s and the server exits 0 on SIGTERM', async () => {
    for (const c of [main, custom]) {
      const t0 = performance.now()
      await docker(['stop', c.name])
      const ms = performance.now() - t0
      console.log(`docker stop ${c.name}: ${ms.toFixed(0)} ms`)
      expect(ms).toBeLessThan(2000)
      expect(await docker(['inspect', '-f', '{{.State.ExitCode}}', c.name])).toBe('0')
      expect(await docker(['logs', c.name])).toContain('SIGTERM, stopping')
    }
  }, 8_000)
})
