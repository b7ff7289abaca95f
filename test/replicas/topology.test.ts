// The deployment of examples/replicas/ (docker-compose.yml, kubernetes.yaml), run from processes:
// two `node dist/cli.js` replicas on one real redis-server, with the Kubernetes ConfigMap's config,
// behind a round-robin proxy (what nginx or a Service does) — and a whole code flow through it,
// each request reaching the replica the previous one did not.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HAVE_REDIS, freePort, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'

requireRedis('test/replicas/topology.test.ts')

const ROOT = new URL('../../', import.meta.url).pathname
const CLI = join(ROOT, 'dist/cli.js')
const MANIFEST = join(ROOT, 'examples/replicas/kubernetes.yaml')

/** The config the manifest's ConfigMap holds (a JSON block scalar under `mockidp.config.json: |`). */
export function configMapConfig(yaml: string): string {
  const lines = yaml.split('\n')
  const at = lines.findIndex((l) => /^ {2}mockidp\.config\.json: \|$/.test(l))
  if (at < 0) throw new Error(`${MANIFEST}: no "mockidp.config.json: |" in the ConfigMap`)
  const body: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (l !== '' && !l.startsWith('    ')) break
    body.push(l.slice(4))
  }
  return body.join('\n')
}

/** One replica: `mockidp --store` on a free port; resolves once it listens. */
async function replica(configFile: string, store: string): Promise<{ url: string; proc: ChildProcess; output: () => string }> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, MOCKIDP_STORE: store }
  for (const k of ['MOCKIDP_CONFIG', 'MOCKIDP_PUBLIC_URL', 'MOCKIDP_BACKCHANNEL_URL', 'MOCKIDP_HTTPS', 'PORT', 'HOST']) delete env[k]
  const proc = spawn(process.execPath, [CLI, '-c', configFile, '-p', String(port), '--no-watch', '--log', 'off'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica did not start within 10 s:\n${out}`)), 10_000)
    const check = () => {
      if (/mockidp listening on /.test(out)) {
        clearTimeout(timer)
        resolve()
      }
    }
    proc.stdout!.on('data', check)
    proc.once('exit', (code) => reject(new Error(`replica exited ${code}:\n${out}`)))
  })
  return { url: `http://127.0.0.1:${port}`, proc, output: () => out }
}

/** A round-robin HTTP proxy: request n goes to replica n mod 2; the Host header is passed on as nginx's `proxy_set_header Host $http_host`. */
function roundRobin(upstreams: string[]): { server: Server; served: string[] } {
  const served: string[] = []
  let next = 0
  const server = createServer((req, res) => {
    const target = new URL(upstreams[next++ % upstreams.length]!)
    served.push(target.origin)
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy: ${err.message}`)
    })
    req.pipe(up)
  })
  return { server, served }
}

describe.skipIf(!HAVE_REDIS)('two CLI replicas on one Redis behind a round-robin proxy (examples/replicas)', () => {
  let redis: TestRedis
  let dir: string
  const procs: ChildProcess[] = []
  let upstreams: { url: string; output: () => string }[] = []
  let proxy: ReturnType<typeof roundRobin>
  let base = ''

  beforeAll(async () => {
    redis = await startRedis()
    dir = mkdtempSync(join(tmpdir(), 'mockidp-topology-'))
    const file = join(dir, 'mockidp.config.json')
    writeFileSync(file, configMapConfig(readFileSync(MANIFEST, 'utf8')))
    upstreams = [await replica(file, redis.url), await replica(file, redis.url)]
    for (const u of upstreams as unknown as { proc: ChildProcess }[]) procs.push(u.proc)
    proxy = roundRobin(upstreams.map((u) => u.url))
    const port = await freePort()
    await new Promise<void>((r) => proxy.server.listen(port, '127.0.0.1', r))
    base = `http://127.0.0.1:${port}`
  }, 30_000)

  afterAll(async () => {
    proxy?.server.close()
    for (const p of procs) {
      const exited = new Promise((r) => p.once('exit', r))
      p.kill('SIGTERM')
      await exited
    }
    await redis?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('a code flow with PKCE, refresh, a replayed code and SSO, each request at the other replica, answers as one mock', async () => {
    const issuer = `${base}/authing/demo/oidc`
    const client = { client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3' }
    const redirectUri = 'http://localhost:3000/callback'
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    // prompt=consent: Authing keeps offline_access (so issues a refresh token) only with it
    const authz = { client_id: client.client_id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile email offline_access', prompt: 'consent', state: 'st-1', nonce: 'n-1', code_challenge: challenge, code_challenge_method: 'S256' }
    const formPost = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString(), redirect: 'manual' })

    // 1 discovery (replica A): the issuer names the proxy, whichever replica answers
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>
    expect(discovery.issuer).toBe(issuer)
    // 2 the login page (B)
    const page = await fetch(`${discovery.authorization_endpoint}?${new URLSearchParams(authz)}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('test1')
    // 3 sign in (A): a code and an SSO session cookie
    const login = await fetch(discovery.authorization_endpoint!, formPost({ ...authz, mockidp_action: 'login', mockidp_username: 'test1', mockidp_password: 'test1' }))
    expect(login.status).toBe(302)
    const callback = new URL(login.headers.get('location')!)
    expect(callback.origin + callback.pathname).toBe(redirectUri)
    expect(callback.searchParams.get('state')).toBe('st-1')
    const code = callback.searchParams.get('code')!
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/) // an Authing /oidc code
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    expect(cookie).not.toBe('')
    // 4 the token exchange (B): the code issued by A, its PKCE challenge checked
    const tokenRes = await fetch(discovery.token_endpoint!, formPost({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...client }))
    const tokens = (await tokenRes.json()) as Record<string, string>
    expect(tokenRes.status, JSON.stringify(tokens)).toBe(200)
    // 5 JWKS (A) verifies the ID token signed at B
    const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(discovery.jwks_uri!)), { issuer, audience: client.client_id })
    expect(payload).toMatchObject({ sub: '5f719946524ee10992294961', nonce: 'n-1' })
    // 6 userinfo (B) knows the access token issued at B … 7 and A, the refresh token
    const userinfo = await fetch(discovery.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    expect(userinfo.status).toBe(200)
    expect(((await userinfo.json()) as { sub: string }).sub).toBe('5f719946524ee10992294961')
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const refreshed = await fetch(discovery.token_endpoint!, formPost({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, ...client }))
    expect(refreshed.status, await refreshed.clone().text()).toBe(200)
    // 8 the code again (B): used at the other replica, so refused as a replay
    const replay = await fetch(discovery.token_endpoint!, formPost({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, ...client }))
    expect(replay.status).toBe(400)
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant')
    // 9 authorize again with the session cookie (A): signed in without the login page
    const sso = await fetch(`${discovery.authorization_endpoint}?${new URLSearchParams({ ...authz, state: 'st-2' })}`, { headers: { cookie }, redirect: 'manual' })
    expect(sso.status).toBe(302)
    const ssoCode = new URL(sso.headers.get('location')!).searchParams.get('code')
    expect(ssoCode).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(ssoCode).not.toBe(code)
    // 10 the journal (B) lists every step, whichever replica answered it
    const journal = (await (await fetch(`${base}/_mockidp/journal`)).json()) as { entries: { endpoint?: string; status: number; grantType?: string }[] }
    expect(journal.entries.map((e) => [e.endpoint, e.status, e.grantType])).toEqual([
      ['discovery', 200, undefined],
      ['authorization', 200, undefined],
      ['authorization', 302, undefined],
      ['token', 200, 'authorization_code'],
      ['jwks', 200, undefined],
      ['userinfo', 200, undefined],
      ['token', 200, 'refresh_token'],
      ['token', 400, 'authorization_code'],
      ['authorization', 302, undefined],
    ])
    // and the proxy did alternate: no two consecutive requests at the same replica
    expect(proxy.served).toHaveLength(10)
    for (let i = 1; i < proxy.served.length; i++) expect(proxy.served[i]).not.toBe(proxy.served[i - 1])
    for (const u of upstreams) expect(u.output()).toContain('mockidp: connected to Redis at')
  })
})
