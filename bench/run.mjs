#!/usr/bin/env node
// mockidp benchmark harness (issue 7): mockidp side by side with a bare Hono floor, a bare
// "sign one RS256 JWT" ceiling and two peers (oauth2-mock-server, oidc-provider), in one run.
//
//   node bench/run.mjs            full run (< 5 min on 2 cores)
//   node bench/run.mjs --quick    ~1 min smoke run
//   options: --only cold,token,flow,redis,rss   --out FILE (default bench/results/latest.json)
//
// Method. Every server is its own node process, started fresh for each round and target, on a free
// 127.0.0.1 port; the load generator (bench/lib/loadgen.mjs: raw keep-alive sockets, 10
// connections, one request in flight each) is another process. Rounds are interleaved (each target
// once per round, order rotated every round); results are medians over rounds and ratios are medians
// of the per-round ratios. The machine is noisy: compare ratios within one run, not absolute numbers
// across runs. Server CPU per op is read from /proc/<pid>/stat (utime+stime, whole process).
//   1. cold start: spawn → first 200 (with an access_token) from the token endpoint, polled every 2 ms.
//   2. token endpoint: req/s and p50/p99 in a timed window after a warm-up.
//   3. code flow: authorize (302/303 with code) + token exchange = one op. oidc-provider has no
//      non-interactive login: its peer auto-answers the interaction and grants consent, the load
//      generator logs in once per connection (untimed) and then measures the signed-in flow.
//   5. Redis store (run before 4): token rate and code flows of two mockidp replicas sharing one
//      redis-server (MOCKIDP_STORE; each request to the next replica, so a flow's authorize and token
//      requests reach different replicas) against one in-memory process, in the same rounds, stated
//      as ratios. Skipped, with a line saying so, without a redis-server (MOCKIDP_REDIS_SERVER).
//   4. RSS (VmRSS) of one mockidp process at start and after 100k and 1M opaque token requests; the
//      1M leg is cut at the run's time budget (the result names the count reached). The soak's client
//      has a 5 s accessTokenTtl: mockidp keeps every live token (nothing is evicted), so memory is
//      bounded by expiry, as it is in a long test run.
// mockidp runs from dist/cli.js as built: run `npm run build` first.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { connect as netConnect, createServer } from 'node:net'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'bench/results/latest.json') },
    mockidp: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
})
if (opts.help) {
  console.log('usage: node bench/run.mjs [--quick] [--only cold,token,flow,redis,rss] [--out FILE] [--mockidp path/to/cli.js]')
  process.exit(0)
}
const QUICK = opts.quick
const SECTIONS = new Set((opts.only ?? 'cold,token,flow,redis,rss').split(',').map((s) => s.trim()))
const T0 = performance.now()
const DEADLINE_MS = QUICK ? 75_000 : 285_000 // the whole run stays under 5 min (1.25 min quick)
const CFG = QUICK
  ? { coldRounds: 4, tokenRounds: 1, flowRounds: 1, redisRounds: 1, warmupMs: 400, tokenMs: 1500, flowMs: 1500, rssCheckpoints: [50_000, 100_000], rssMid: null }
  : { coldRounds: 10, tokenRounds: 3, flowRounds: 3, redisRounds: 2, warmupMs: 500, tokenMs: 2500, flowMs: 2500, rssCheckpoints: [100_000, 1_000_000], rssMid: 500_000 }
const CONNECTIONS = 10
const RSS_GROWTH_TOLERANCE_MIB = 5 // "no growth" 100k→1M: at most this much (GC / allocator noise)

// ---------------------------------------------------------------------------------------------
// Targets
const PINGONE = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
const form = (o) => new URLSearchParams(o).toString()
const CB = 'http://localhost:3000/callback'

/** Node flags the Docker image runs mockidp with (Dockerfile ENTRYPOINT). */
const DOCKER_NODE_FLAGS = ['--max-semi-space-size=2']

/** Node flags a script's shebang asks for (`#!/usr/bin/env -S node --flag`): run it as its bin would run. */
function nodeFlagsOf(script) {
  const first = readFileSync(script, 'utf8').slice(0, 200).split('\n')[0]
  const m = /^#!.*\bnode((?:\s+--?[\w-]+(?:=\S+)?)*)\s*$/.exec(first)
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : []
}

// --mockidp benchmarks another build of the CLI (e.g. a branch's dist/cli.js); it runs with cwd = repo root.
const MOCKIDP_CLI = resolve(opts.mockidp ?? join(ROOT, 'dist/cli.js'))
const SERVERS = {
  mockidp: MOCKIDP_CLI,
  'hono-hello': 'bench/peers/hono-hello.mjs',
  'hono-sign': 'bench/peers/hono-sign.mjs',
  'oauth2-mock-server': 'bench/peers/oauth2-mock-server.mjs',
  'oidc-provider': 'bench/peers/oidc-provider.mjs',
}

const REQ = {
  asgardeoCc: { path: '/asgardeo/t/bifrost/oauth2/token', body: form({ grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' }) },
  genauthPassword: { path: '/genauth/demo/oauth/token', body: form({ grant_type: 'password', username: 'test1', password: 'test1', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3' }) },
  pingoneCc: { path: `${PINGONE}/token`, body: form({ grant_type: 'client_credentials', client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', client_secret: 'pingone-demo-secret' }) },
  authingCc: { path: '/authing/demo/oidc/token', body: form({ grant_type: 'client_credentials', client_id: '5e37979f7b757ead14c534af', client_secret: '64b517f8de3648091654eb4ee9b479d3' }) },
  peerCc: { path: '/token', body: form({ grant_type: 'client_credentials', client_id: 'bench-client', client_secret: 'bench-secret' }) },
}

// --https with the CA and the leaf already in the TLS directory (a warm start: nothing is created)
const TLS_DIR = join(mkdtempSync(join(tmpdir(), 'mockidp-bench-tls-')), 'tls')
const HTTPS_ARGS = ['--https', '--tls-dir', TLS_DIR]
let benchCa
const COLD = [
  { id: 'mockidp', server: 'mockidp', req: REQ.asgardeoCc, note: 'Asgardeo client_credentials' },
  { id: 'mockidp-https', server: 'mockidp', req: REQ.asgardeoCc, args: HTTPS_ARGS, https: true, note: 'the same over HTTPS (--https), CA and leaf cached' },
  { id: 'hono-hello', server: 'hono-hello', req: REQ.peerCc, note: 'floor' },
  { id: 'oauth2-mock-server', server: 'oauth2-mock-server', req: REQ.peerCc, note: 'peer, static key' },
  { id: 'oidc-provider', server: 'oidc-provider', req: REQ.peerCc, note: 'peer, JWT access token' },
]

const TOKEN = [
  { id: 'mockidp-jwt-pingone', server: 'mockidp', req: REQ.pingoneCc, note: 'JWT, PingOne client_credentials' },
  { id: 'mockidp-jwt-authing', server: 'mockidp', req: REQ.authingCc, note: 'JWT, Authing client_credentials' },
  { id: 'mockidp-opaque-asgardeo', server: 'mockidp', req: REQ.asgardeoCc, note: 'opaque UUID, Asgardeo client_credentials' },
  { id: 'mockidp-opaque-genauth-pw', server: 'mockidp', req: REQ.genauthPassword, note: 'opaque hex, GenAuth password grant' },
  { id: 'hono-sign', server: 'hono-sign', req: { path: '/token', body: REQ.pingoneCc.body }, note: 'ceiling: read form + 1 RS256 sign (sync)' },
  { id: 'hono-hello', server: 'hono-hello', req: REQ.peerCc, note: 'floor: fixed JSON' },
  { id: 'oauth2-mock-server', server: 'oauth2-mock-server', req: REQ.peerCc, note: 'peer, JWT (jose)' },
  { id: 'oidc-provider', server: 'oidc-provider', req: REQ.peerCc, note: 'peer, JWT via resourceIndicators' },
]

const FLOW = [
  {
    id: 'mockidp',
    server: 'mockidp',
    req: REQ.pingoneCc,
    note: 'PingOne, login_hint, client_secret_post',
    flow: {
      authorizePath: `${PINGONE}/authorize?` + form({ response_type: 'code', client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', redirect_uri: CB, scope: 'openid', login_hint: 'test1', state: 's' }),
      redirectPrefix: CB,
      tokenPath: `${PINGONE}/token`,
      tokenBody: form({ grant_type: 'authorization_code', code: '@CODE@', redirect_uri: CB, client_id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', client_secret: 'pingone-demo-secret' }).replace('%40CODE%40', '{code}'),
    },
  },
  {
    id: 'oauth2-mock-server',
    server: 'oauth2-mock-server',
    req: REQ.peerCc,
    note: '/authorize redirects at once',
    flow: {
      authorizePath: '/authorize?' + form({ response_type: 'code', client_id: 'bench-client', redirect_uri: CB, scope: 'openid', state: 's' }),
      redirectPrefix: CB,
      tokenPath: '/token',
      tokenBody: form({ grant_type: 'authorization_code', code: '@CODE@', redirect_uri: CB, client_id: 'bench-client', client_secret: 'bench-secret' }).replace('%40CODE%40', '{code}'),
    },
  },
  {
    id: 'oidc-provider',
    server: 'oidc-provider',
    req: REQ.peerCc,
    note: 'signed-in session (login once per connection, untimed)',
    flow: {
      authorizePath: '/auth?' + form({ response_type: 'code', client_id: 'bench-client', redirect_uri: CB, scope: 'openid', state: 's' }),
      redirectPrefix: CB,
      cookies: true,
      login: true,
      tokenPath: '/token',
      tokenBody: form({ grant_type: 'authorization_code', code: '@CODE@', redirect_uri: CB, client_id: 'bench-client', client_secret: 'bench-secret' }).replace('%40CODE%40', '{code}'),
    },
  },
]

// ---------------------------------------------------------------------------------------------
// Helpers
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const median = (xs) => {
  const s = xs.filter((x) => x != null && Number.isFinite(x)).sort((a, b) => a - b)
  if (!s.length) return null
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** One row's medians over its rounds (and totals of errors and operations). */
const summarize = (row, s) => ({
  note: row.note,
  rate: median(s.map((x) => x.rate)),
  p50Ms: median(s.map((x) => x.p50)),
  p99Ms: median(s.map((x) => x.p99)),
  serverCpuMsPerOp: median(s.map((x) => x.serverCpuMsPerOp)),
  serverCpuCores: median(s.map((x) => x.serverCpu)),
  loadgenCpuCores: median(s.map((x) => x.loadgenCpu)),
  errors: s.reduce((a, x) => a + x.errors, 0),
  ops: s.reduce((a, x) => a + x.ops, 0),
})
const rotate = (arr, k) => arr.map((_, i) => arr[(i + k) % arr.length])
const elapsed = () => performance.now() - T0
const log = (...a) => process.stderr.write(a.join(' ') + '\n')

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

// MOCKIDP_LOG=off: the peers print nothing per request either (the CLI's request log is on by default)
const childEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MOCKIDP_|PORT$|HOST$)/.test(k))), MOCKIDP_LOG: 'off' }

function startServer(name, port, extraFlags = [], extraArgs = [], extraEnv = {}) {
  const script = resolve(ROOT, SERVERS[name])
  const child = spawn(process.execPath, [...nodeFlagsOf(script), ...extraFlags, script, '--port', String(port), ...extraArgs], { cwd: ROOT, env: { ...childEnv, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
  child.exitedEarly = null
  child.exited = new Promise((resolve) => child.once('exit', (code, sig) => resolve((child.exitedEarly = { code, sig }))))
  child.stderrText = () => stderr
  return child
}

async function stopServer(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await child.exited
}

/** One POST on a fresh connection (over TLS, trusting the bench's CA, with `https`). Resolves { status, body, connectAt } or rejects with the socket error. */
function post(port, { path, body }, https = false) {
  return new Promise((resolve, reject) => {
    let connectAt = null
    const req = (https ? httpsRequest : request)({ host: '127.0.0.1', port, method: 'POST', path, agent: false, ...(https ? { ca: (benchCa ??= readFileSync(join(TLS_DIR, 'ca.pem'))) } : {}), headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), accept: 'application/json' } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), connectAt }))
      res.on('error', reject)
    })
    req.on('socket', (s) => s.once('connect', () => (connectAt = performance.now())))
    req.on('error', reject)
    req.end(body)
  })
}

/**
 * Poll the token endpoint until it answers 200 with an access_token (every 2 ms while the port
 * refuses connections). Returns { readyAt, connectAt } (performance.now() times).
 */
async function waitReady(child, port, req, timeoutMs = 20_000, https = false) {
  const start = performance.now()
  for (;;) {
    if (child.exitedEarly) throw new Error(`${child.spawnargs.slice(1).join(' ')} exited (${JSON.stringify(child.exitedEarly)}): ${child.stderrText()}`)
    try {
      const res = await post(port, req, https)
      if (res.status === 200 && res.body.includes('access_token')) return { readyAt: performance.now(), connectAt: res.connectAt }
      throw Object.assign(new Error(`POST ${req.path} → ${res.status} ${res.body.slice(0, 300)}`), { fatal: true })
    } catch (err) {
      if (err.fatal) throw err
      if (!['ECONNREFUSED', 'ECONNRESET', 'ENOENT'].includes(err.code)) throw err // ENOENT: no ca.pem yet (the first --https start)
    }
    if (performance.now() - start > timeoutMs) throw new Error(`${child.spawnargs.slice(1).join(' ')}: not ready after ${timeoutMs} ms: ${child.stderrText()}`)
    await sleep(2)
  }
}

/**
 * Start `name` on a free port and wait until its token endpoint answers 200. If the process died
 * (e.g. another process grabbed the port between our probe and its listen), retry on a new port.
 */
async function startReady(name, req, extraFlags = [], extraArgs = [], { https = false, env = {} } = {}) {
  for (let attempt = 1; ; attempt++) {
    checkDist()
    const port = await freePort()
    const t0 = performance.now()
    const child = startServer(name, port, extraFlags, extraArgs, env)
    try {
      const { readyAt, connectAt } = await waitReady(child, port, req, 20_000, https)
      return { child, port, t0, readyAt, connectAt }
    } catch (err) {
      await sleep(200)
      const died = child.exitedEarly
      await stopServer(child)
      if (!died || attempt >= 3) throw err
      log(`  ! ${name} died on port ${port} (${err.message.split('\n')[0].slice(0, 200)}); retrying on another port`)
    }
  }
}

function runLoadgen(spec) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bench/lib/loadgen.mjs'), JSON.stringify(spec)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err = (err + d).slice(-4000)))
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`loadgen exited ${code}: ${err}`))
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()))
      } catch (e) {
        reject(new Error(`loadgen output: ${out} ${err}`))
      }
    })
  })
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : null
}

// ---------------------------------------------------------------------------------------------
// 1. Cold start
async function benchCold() {
  // create the CA and the leaf once, untimed: every timed --https start is a warm one
  await stopServer((await startReady('mockidp', REQ.asgardeoCc, [], HTTPS_ARGS, { https: true })).child)
  const samples = Object.fromEntries(COLD.map((t) => [t.id, []]))
  for (let r = 0; r < CFG.coldRounds; r++) {
    for (const t of rotate(COLD, r)) {
      await sleep(50) // let the previous process's exit settle
      const { child, t0, readyAt, connectAt } = await startReady(t.server, t.req, [], t.args ?? [], { https: t.https })
      samples[t.id].push({ ms: readyAt - t0, listenMs: (connectAt ?? readyAt) - t0 })
      await stopServer(child)
    }
    log(`  cold start round ${r + 1}/${CFG.coldRounds} done (${(elapsed() / 1000).toFixed(0)} s)`)
  }
  const out = {}
  for (const t of COLD) {
    const ms = samples[t.id].map((s) => s.ms)
    out[t.id] = { note: t.note, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), medianListenMs: median(samples[t.id].map((s) => s.listenMs)), samplesMs: ms.map((x) => +x.toFixed(1)) }
  }
  // per-round ratios (paired within a round)
  const ratio = (a, bIds) => median(samples[a].map((s, i) => s.ms / Math.min(...bIds.map((b) => samples[b][i].ms))))
  return {
    targets: out,
    ratios: {
      mockidpOverHonoHello: ratio('mockidp', ['hono-hello']),
      httpsOverPlain: ratio('mockidp-https', ['mockidp']),
      mockidpOverFasterPeer: ratio('mockidp', ['oauth2-mock-server', 'oidc-provider']),
    },
  }
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Throughput: one fresh server process per target per round, warm-up, then a timed window.
async function benchLoad(rows, rounds, durationMs, makeSpec, label) {
  const samples = Object.fromEntries(rows.map((t) => [t.id, []]))
  for (let r = 0; r < rounds; r++) {
    for (const t of rotate(rows, r)) {
      const { child, port } = await startReady(t.server, t.req)
      try {
        const res = await runLoadgen({ port, serverPid: child.pid, connections: CONNECTIONS, warmupMs: CFG.warmupMs, durationMs, ...makeSpec(t) })
        if (res.errors > 0 || res.ops === 0) log(`  ! ${t.id}: ${res.errors} errors, ${res.ops} ok (${res.firstError})`)
        res.rssMiB = rssMiB(child.pid)
        samples[t.id].push(res)
      } finally {
        await stopServer(child)
      }
    }
    log(`  ${label} round ${r + 1}/${rounds} done (${(elapsed() / 1000).toFixed(0)} s)`)
  }
  const out = {}
  for (const t of rows) {
    const s = samples[t.id]
    out[t.id] = {
      ...summarize(t, s),
      rssMiBAfter: median(s.map((x) => x.rssMiB)),
      rounds: s.map((x) => ({ rate: +x.rate.toFixed(1), p50: x.p50 && +x.p50.toFixed(3), p99: x.p99 && +x.p99.toFixed(3) })),
    }
  }
  // rate of `a` over the fastest of `bIds`, per round (paired), then the median over rounds
  const ratio = (a, bIds) => median(samples[a].map((s, i) => s.rate / Math.max(...bIds.map((b) => samples[b][i].rate))))
  // the same comparison by server CPU time per op (less sensitive to other load on the machine, but
  // blind to parallelism: a server signing on the libuv threadpool uses more than one core)
  const cpuRatio = (a, bIds) =>
    median(
      samples[a].map((s, i) => {
        const b = bIds.map((id) => samples[id][i]).sort((x, y) => y.rate - x.rate)[0]
        return s.serverCpuMsPerOp && b.serverCpuMsPerOp ? b.serverCpuMsPerOp / s.serverCpuMsPerOp : null
      }),
    )
  return { targets: out, ratio, cpuRatio }
}

const tokenSpec = (t) => ({ mode: 'request', request: { method: 'POST', path: t.req.path, body: t.req.body }, expect: { status: 200, bodyIncludes: 'access_token' } })
const flowSpec = (t) => ({ mode: 'code-flow', flow: t.flow })

// ---------------------------------------------------------------------------------------------
// 5. Redis store: two replicas on one redis-server against one in-memory process

const REDIS_SERVER = process.env.MOCKIDP_REDIS_SERVER ?? '/usr/bin/redis-server'

/** A redis-server of the bench's own (free port, nothing persisted); `flush()` empties it between rounds. */
async function startRedisServer() {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mockidp-bench-redis-'))
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
  const command = (cmd) =>
    new Promise((resolve, reject) => {
      const s = netConnect({ host: '127.0.0.1', port }, () => s.write(`*1\r\n$${cmd.length}\r\n${cmd}\r\n`))
      s.once('data', (d) => (s.destroy(), resolve(String(d))))
      s.once('error', reject)
    })
  for (let i = 0; ; i++) {
    try {
      if ((await command('PING')).startsWith('+PONG')) break
    } catch {}
    if (i > 250) throw new Error(`redis-server on port ${port} did not start`)
    await sleep(20)
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    flush: () => command('FLUSHALL'),
    async stop() {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const REDIS_ROWS = [
  { id: 'token-memory-1', kind: 'token', replicas: 0, req: REQ.asgardeoCc, note: 'Asgardeo client_credentials (opaque, stored), one in-memory process' },
  { id: 'token-redis-2', kind: 'token', replicas: 2, req: REQ.asgardeoCc, note: 'the same, two replicas on one Redis, requests alternate' },
  { id: 'token-redis-2-nojournal', kind: 'token', replicas: 2, req: REQ.asgardeoCc, noJournal: true, note: 'the same with journal.enabled false: the shared journal\'s share of the cost' },
  { id: 'flow-memory-1', kind: 'flow', replicas: 0, req: REQ.pingoneCc, flow: FLOW[0].flow, note: 'PingOne code flow, one in-memory process' },
  { id: 'flow-redis-2', kind: 'flow', replicas: 2, req: REQ.pingoneCc, flow: FLOW[0].flow, note: 'the same, authorize at one replica, token at the other' },
]

/** The default config with the journal off (written to a temp file once). */
let noJournalFile
function noJournalConfig() {
  if (noJournalFile) return noJournalFile
  const cfg = JSON.parse(readFileSync(join(ROOT, 'mockidp.config.json'), 'utf8'))
  cfg.journal = { ...cfg.journal, enabled: false }
  noJournalFile = join(tmpdir(), `mockidp-bench-nojournal-${process.pid}.json`)
  writeFileSync(noJournalFile, JSON.stringify(cfg))
  return noJournalFile
}

async function benchRedis() {
  const redis = await startRedisServer()
  const samples = Object.fromEntries(REDIS_ROWS.map((t) => [t.id, []]))
  try {
    for (let r = 0; r < CFG.redisRounds; r++) {
      for (const t of rotate(REDIS_ROWS, r)) {
        await redis.flush() // same seed, fresh processes: every round issues the same values again
        const env = t.replicas ? { MOCKIDP_STORE: redis.url } : {}
        const args = ['--no-watch', ...(t.noJournal ? ['--config', noJournalConfig()] : [])]
        const started = []
        try {
          for (let k = 0; k < Math.max(1, t.replicas); k++) started.push(await startReady('mockidp', t.req, [], args, { env }))
          // the readiness probes issued tokens; a flush would drop what the replicas share (config, faults): keep them
          const spec = t.kind === 'token' ? tokenSpec(t) : flowSpec(t)
          const res = await runLoadgen({ ports: started.map((s) => s.port), serverPids: started.map((s) => s.child.pid), connections: CONNECTIONS, warmupMs: CFG.warmupMs, durationMs: t.kind === 'token' ? CFG.tokenMs : CFG.flowMs, ...spec })
          if (res.errors > 0 || res.ops === 0) log(`  ! ${t.id}: ${res.errors} errors, ${res.ops} ok (${res.firstError})`)
          samples[t.id].push(res)
        } finally {
          for (const s of started) await stopServer(s.child)
        }
      }
      log(`  redis round ${r + 1}/${CFG.redisRounds} done (${(elapsed() / 1000).toFixed(0)} s)`)
    }
  } finally {
    await redis.stop()
  }
  const targets = {}
  for (const t of REDIS_ROWS) {
    const s = samples[t.id]
    targets[t.id] = summarize(t, s)
  }
  const ratio = (a, b) => median(samples[a].map((s, i) => s.rate / samples[b][i].rate))
  return { targets, ratios: { tokenRedis2OverMemory1: ratio('token-redis-2', 'token-memory-1'), tokenRedis2NoJournalOverMemory1: ratio('token-redis-2-nojournal', 'token-memory-1'), flowRedis2OverMemory1: ratio('flow-redis-2', 'flow-memory-1') } }
}

// ---------------------------------------------------------------------------------------------
// 4. RSS of mockidp under the opaque path (bounded in time)

/** The default config with a 5 s access-token lifetime for the soak's client (written to a temp file). */
function soakConfig() {
  const cfg = JSON.parse(readFileSync(join(ROOT, 'mockidp.config.json'), 'utf8'))
  const clientId = new URLSearchParams(REQ.asgardeoCc.body).get('client_id')
  for (const t of cfg.tenants) for (const c of t.clients) if (c.clientId === clientId && t.vendor === 'asgardeo') c.accessTokenTtl = 5
  const file = join(tmpdir(), `mockidp-bench-soak-${process.pid}.json`)
  writeFileSync(file, JSON.stringify(cfg))
  return file
}
async function benchRss() {
  // As the Docker image runs it (a long-running server): a 2 MB semi-space keeps the young
  // generation, most of the RSS under load, small. The bin and `npm start` leave it out, because
  // any heap-sizing flag makes Node skip its start-up snapshot (~25 ms more cold start).
  const { child, port } = await startReady('mockidp', REQ.asgardeoCc, DOCKER_NODE_FLAGS, ['--config', soakConfig(), '--no-watch'])
  const points = []
  try {
    await sleep(300)
    points.push({ after: 0, rssMiB: rssMiB(child.pid) })
    let done = 0
    const stops = [...new Set([...CFG.rssCheckpoints, ...(CFG.rssMid ? [CFG.rssMid] : [])])].sort((a, b) => a - b)
    for (const stop of stops) {
      const budget = DEADLINE_MS - elapsed() - 3000
      if (budget < 2000) {
        log(`  ! RSS: out of time budget before ${stop}`)
        break
      }
      const res = await runLoadgen({ port, serverPid: child.pid, connections: CONNECTIONS, warmupMs: 0, durationMs: budget, maxOps: stop - done, latency: false, ...tokenSpec({ req: REQ.asgardeoCc }) })
      done += res.ops
      points.push({ after: done, target: stop, rssMiB: rssMiB(child.pid), rate: res.rate, errors: res.errors, seconds: res.seconds })
      log(`  RSS after ${done} requests: ${points.at(-1).rssMiB.toFixed(1)} MiB (${res.rate.toFixed(0)} req/s, ${(elapsed() / 1000).toFixed(0)} s)`)
      if (done < stop) break
    }
  } finally {
    await stopServer(child)
  }
  const at = (n) => points.find((p) => p.target === n)
  return { path: 'Asgardeo client_credentials (opaque UUID, 5 s accessTokenTtl: every live token kept), node --max-semi-space-size=2 as in the Docker image', points, start: points[0]?.rssMiB, first: at(CFG.rssCheckpoints[0]), last: at(CFG.rssCheckpoints[1]) ?? points.at(-1) }
}

// ---------------------------------------------------------------------------------------------
// Main
function distStaleness() {
  const dist = MOCKIDP_CLI
  if (!existsSync(dist)) {
    console.error(`bench: ${dist} is missing — run \`npm run build\` first`)
    process.exit(1)
  }
  if (opts.mockidp) return false
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0)
  return newest(join(ROOT, 'src')) > statSync(dist).mtimeMs
}

function gitCommit() {
  try {
    const head = readFileSync(join(ROOT, '.git/HEAD'), 'utf8').trim()
    if (!head.startsWith('ref: ')) return head
    const ref = head.slice(5)
    const file = join(ROOT, '.git', ref)
    if (existsSync(file)) return readFileSync(file, 'utf8').trim()
    const packed = readFileSync(join(ROOT, '.git/packed-refs'), 'utf8').split('\n').find((l) => l.endsWith(' ' + ref))
    return packed?.split(' ')[0] ?? null
  } catch {
    return null
  }
}

const stale = distStaleness()
const distSig = () => {
  const st = statSync(MOCKIDP_CLI)
  return `${st.size}:${st.mtimeMs}`
}
const DIST_AT_START = distSig()
let distChanged = false
function checkDist() {
  if (distChanged) return
  try {
    if (distSig() === DIST_AT_START) return
  } catch {}
  distChanged = true
  log('  ! WARNING: dist/cli.js changed during the run (someone rebuilt it): mockidp numbers mix two builds')
}
const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memGiB: +(totalmem() / 2 ** 30).toFixed(1),
  commit: gitCommit(),
  mockidpCli: relative(ROOT, MOCKIDP_CLI),
  distStale: stale,
  mode: QUICK ? 'quick' : 'full',
  config: { ...CFG, connections: CONNECTIONS, loopback: '127.0.0.1' },
}
log(`mockidp bench (${meta.mode}) — node ${meta.node}, ${meta.cpu} × ${meta.cores}${stale ? ' — WARNING: src/ is newer than dist/cli.js; run `npm run build`' : ''}`)

const result = { ...meta }
if (SECTIONS.has('cold')) {
  log('1. cold start')
  result.coldStart = await benchCold()
}
if (SECTIONS.has('token')) {
  log('2. token endpoint throughput')
  const r = await benchLoad(TOKEN, CFG.tokenRounds, CFG.tokenMs, tokenSpec, 'token')
  result.token = {
    targets: r.targets,
    ratios: {
      jwtOverSign: r.ratio('mockidp-jwt-pingone', ['hono-sign']),
      jwtOverOidcProvider: r.ratio('mockidp-jwt-pingone', ['oidc-provider']),
      jwtOverOauth2MockServer: r.ratio('mockidp-jwt-pingone', ['oauth2-mock-server']),
      authingJwtOverSign: r.ratio('mockidp-jwt-authing', ['hono-sign']),
      opaqueOverHello: r.ratio('mockidp-opaque-asgardeo', ['hono-hello']),
      genauthOpaqueOverHello: r.ratio('mockidp-opaque-genauth-pw', ['hono-hello']),
    },
    cpuRatios: {
      jwtOverSign: r.cpuRatio('mockidp-jwt-pingone', ['hono-sign']),
      jwtOverOidcProvider: r.cpuRatio('mockidp-jwt-pingone', ['oidc-provider']),
      jwtOverOauth2MockServer: r.cpuRatio('mockidp-jwt-pingone', ['oauth2-mock-server']),
      opaqueOverHello: r.cpuRatio('mockidp-opaque-asgardeo', ['hono-hello']),
    },
  }
}
if (SECTIONS.has('flow')) {
  log('3. code flow (authorize + token)')
  const r = await benchLoad(FLOW, CFG.flowRounds, CFG.flowMs, flowSpec, 'flow')
  result.codeFlow = {
    targets: r.targets,
    ratios: { mockidpOverFasterPeer: r.ratio('mockidp', ['oauth2-mock-server', 'oidc-provider']) },
    cpuRatios: { mockidpOverFasterPeer: r.cpuRatio('mockidp', ['oauth2-mock-server', 'oidc-provider']) },
  }
}
if (SECTIONS.has('redis')) {
  if (!existsSync(REDIS_SERVER)) log(`5. Redis store: SKIPPED — no redis-server at ${REDIS_SERVER} (apt-get install redis-server, or set MOCKIDP_REDIS_SERVER)`)
  else {
    log('5. Redis store: two replicas on one Redis vs one in-memory process')
    result.redisStore = await benchRedis()
  }
}
if (SECTIONS.has('rss')) {
  log('4. RSS under load')
  result.rss = await benchRss()
}

// ---------------------------------------------------------------------------------------------
// Targets
const checks = []
const check = (name, value, op, limit, unit, detail) => {
  if (value == null) return
  checks.push({ name, value: +value.toFixed(3), op, limit, unit, pass: op === '<=' ? value <= limit : value >= limit, detail })
}
if (result.coldStart) {
  check('cold start: mockidp / bare Hono', result.coldStart.ratios.mockidpOverHonoHello, '<=', 1.2, '×')
  check('cold start: mockidp / faster peer', result.coldStart.ratios.mockidpOverFasterPeer, '<=', 0.7, '×')
  check('cold start: mockidp --https / plain', result.coldStart.ratios.httpsOverPlain, '<=', 1.2, '×', 'CA and leaf cached in --tls-dir (first TLS handshake included)')
}
if (result.token) {
  const cpu = (x) => (x == null ? '' : `(by server CPU/op: ${x.toFixed(2)}×)`)
  const { ratios: tr, cpuRatios: tc } = result.token
  check('JWT token: mockidp / bare sign handler', tr.jwtOverSign, '>=', 0.9, '×', `PingOne client_credentials ${cpu(tc.jwtOverSign)}`)
  check('JWT token: mockidp / oidc-provider', tr.jwtOverOidcProvider, '>=', 1.6, '×', cpu(tc.jwtOverOidcProvider))
  check('JWT token: mockidp / oauth2-mock-server', tr.jwtOverOauth2MockServer, '>=', 3, '×', cpu(tc.jwtOverOauth2MockServer))
  check('opaque token: mockidp / bare Hono hello', tr.opaqueOverHello, '>=', 0.35, '×', `Asgardeo client_credentials ${cpu(tc.opaqueOverHello)}`)
}
if (result.codeFlow) check('code flow: mockidp / faster peer', result.codeFlow.ratios.mockidpOverFasterPeer, '>=', 2, '×', `(by server CPU/op: ${result.codeFlow.cpuRatios.mockidpOverFasterPeer?.toFixed(2)}×)`)
if (result.rss) {
  const { start, first, last } = result.rss
  check('RSS at start', start, '<=', 60, 'MiB')
  if (first) check(`RSS after ${first.after.toLocaleString('en')} requests`, first.rssMiB, '<=', 90, 'MiB')
  if (first && last && last !== first) check(`RSS growth ${first.after.toLocaleString('en')} → ${last.after.toLocaleString('en')}`, last.rssMiB - first.rssMiB, '<=', RSS_GROWTH_TOLERANCE_MIB, 'MiB', last.after < CFG.rssCheckpoints[1] ? `time-bounded: stopped at ${last.after} of ${CFG.rssCheckpoints[1]}` : undefined)
}
checkDist()
result.distChangedDuringRun = distChanged
result.targets = checks
result.elapsedSec = +(elapsed() / 1000).toFixed(1)

// ---------------------------------------------------------------------------------------------
// Report
const f = (x, d = 1) => (x == null ? '-' : x.toFixed(d))
const pad = (s, n) => String(s).padEnd(n)
const lpad = (s, n) => String(s).padStart(n)
const lines = []
lines.push(`mockidp bench — ${meta.date} — node ${meta.node} — ${meta.cpu} × ${meta.cores} cores — ${meta.mode}${meta.commit ? ' — ' + meta.commit.slice(0, 8) : ''}${opts.mockidp ? ' — mockidp: ' + meta.mockidpCli : ''}${stale ? ' — dist/ OLDER THAN src/' : ''}`)
if (result.coldStart) {
  lines.push('', `1. Cold start: spawn → first 200 from the token endpoint (${CFG.coldRounds} rounds, interleaved)`)
  lines.push(`   ${pad('target', 22)}${lpad('median ms', 10)}${lpad('min', 8)}${lpad('max', 8)}${lpad('listen ms', 11)}  note`)
  for (const [id, t] of Object.entries(result.coldStart.targets)) lines.push(`   ${pad(id, 22)}${lpad(f(t.medianMs), 10)}${lpad(f(t.minMs), 8)}${lpad(f(t.maxMs), 8)}${lpad(f(t.medianListenMs), 11)}  ${t.note}`)
}
const loadTable = (title, res, unit) => {
  lines.push('', title)
  lines.push(`   ${pad('target', 28)}${lpad(unit, 9)}${lpad('p50 ms', 9)}${lpad('p99 ms', 9)}${lpad('srv ms/op', 11)}${lpad('srv cores', 11)}${lpad('lg cores', 10)}${lpad('errors', 8)}  note`)
  for (const [id, t] of Object.entries(res.targets)) lines.push(`   ${pad(id, 28)}${lpad(f(t.rate, 0), 9)}${lpad(f(t.p50Ms, 2), 9)}${lpad(f(t.p99Ms, 2), 9)}${lpad(f(t.serverCpuMsPerOp, 3), 11)}${lpad(f(t.serverCpuCores, 2), 11)}${lpad(f(t.loadgenCpuCores, 2), 10)}${lpad(t.errors, 8)}  ${t.note}`)
}
if (result.token) loadTable(`2. Token endpoint, ${CONNECTIONS} keep-alive connections, ${CFG.tokenRounds} × ${CFG.tokenMs / 1000} s per target (medians)`, result.token, 'req/s')
if (result.codeFlow) loadTable(`3. Code flow (authorize → 302/303 → token), ${CONNECTIONS} connections, ${CFG.flowRounds} × ${CFG.flowMs / 1000} s (medians)`, result.codeFlow, 'flows/s')
if (result.redisStore) {
  loadTable(`5. Redis store: two replicas on one redis-server vs one in-memory process, ${CONNECTIONS} connections, ${CFG.redisRounds} rounds (medians; rate: req/s or flows/s, CPU summed over replicas)`, result.redisStore, 'rate')
  const { tokenRedis2OverMemory1: t, tokenRedis2NoJournalOverMemory1: tn, flowRedis2OverMemory1: fl } = result.redisStore.ratios
  lines.push(`   ratio, two replicas on Redis / one in-memory process: token ${f(t, 3)}× (journal off: ${f(tn, 3)}×), code flow ${f(fl, 3)}× (medians of per-round ratios)`)
}
if (result.rss) {
  lines.push('', `4. mockidp RSS, ${result.rss.path}`)
  for (const p of result.rss.points) lines.push(`   ${pad(p.after ? `after ${p.after.toLocaleString('en')} requests` : 'at start', 28)}${lpad(f(p.rssMiB), 8)} MiB${p.rate ? `   (${f(p.rate, 0)} req/s, ${p.errors} errors)` : ''}`)
}
if (checks.length) {
  lines.push('', 'Targets (ratios are medians of per-round ratios in this run)')
  for (const c of checks) lines.push(`   ${c.pass ? 'PASS' : 'FAIL'}  ${pad(c.name, 44)}${lpad(f(c.value, c.unit === '×' ? 3 : 1), 8)} ${pad(c.unit, 4)} (${c.op} ${c.limit})${c.detail ? '  ' + c.detail : ''}`)
}
lines.push('', `total ${result.elapsedSec} s`)
console.log(lines.join('\n'))

mkdirSync(dirname(opts.out), { recursive: true })
writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n')
rmSync(join(TLS_DIR, '..'), { recursive: true, force: true })
log(`wrote ${relative(process.cwd(), opts.out) || opts.out}`)
