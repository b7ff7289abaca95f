// Load generator, run as its own process (never inside the server's process): N keep-alive
// connections over raw sockets, one request in flight per connection (no pipelining), pre-built
// request bytes, a minimal HTTP/1.1 response parser (Content-Length and chunked bodies).
//
// Usage: node bench/lib/loadgen.mjs '<json spec>'  →  prints one JSON result line on stdout.
// spec: { port, connections, warmupMs, durationMs, maxOps?, serverPid?, latency?: boolean,
//         mode: 'request', request: { method, path, headers?, body? }, expect: { status, bodyIncludes? } }
//   or  { ..., mode: 'code-flow', flow: { authorizePath, redirectPrefix, tokenPath, tokenBody /* with {code} */,
//         cookies?: boolean, login?: boolean /* log in once per connection first, untimed */ } }
// One "op" is one request (mode 'request') or one authorize + token pair (mode 'code-flow').
// Several replicas: `ports: [a, b]` (and `serverPids`, summed) instead of `port`; each request goes
// to the next replica (as a round-robin balancer would; the Host header names the first port):
// connection i sends its requests to ports i, i+1, … in turn, so a code flow's authorize and token
// requests reach two different replicas.
import { connect } from 'node:net'
import { readFileSync } from 'node:fs'

const spec = JSON.parse(process.argv[2])
const HOST = '127.0.0.1'
const PORTS = spec.ports ?? [spec.port]
const hostHeader = `${HOST}:${PORTS[0]}`

function buildRequest(method, path, headers = {}, body) {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nConnection: keep-alive\r\nAccept: application/json\r\n`
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
  if (body !== undefined) head += `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
  return Buffer.from(head + '\r\n' + (body ?? ''), 'latin1')
}

const CRLFCRLF = Buffer.from('\r\n\r\n')

/**
 * Parse one complete response at the start of `buf`. Returns null when more bytes are needed, else
 * { status, end (bytes consumed), headers: lower-cased name → value[] (only when wanted), bodyStart }.
 */
function parseResponse(buf, wantHeaders) {
  const he = buf.indexOf(CRLFCRLF)
  if (he < 0) return null
  const head = buf.latin1Slice(0, he)
  const status = (head.charCodeAt(9) - 48) * 100 + (head.charCodeAt(10) - 48) * 10 + (head.charCodeAt(11) - 48)
  let contentLength = -1
  let chunked = false
  let close = false
  const headers = wantHeaders ? new Map() : null
  let i = head.indexOf('\r\n') + 2
  while (i > 1 && i < head.length) {
    let j = head.indexOf('\r\n', i)
    if (j < 0) j = head.length
    const colon = head.indexOf(':', i)
    if (colon > i && colon < j) {
      const name = head.slice(i, colon).toLowerCase()
      const value = head.slice(colon + 1, j).trim()
      if (name === 'content-length') contentLength = Number(value)
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked')
      else if (name === 'connection') close = value.toLowerCase() === 'close'
      if (headers) {
        const arr = headers.get(name)
        if (arr) arr.push(value)
        else headers.set(name, [value])
      }
    }
    i = j + 2
  }
  const bodyStart = he + 4
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, end: bodyStart, bodyStart, bodyEnd: bodyStart, headers, close }
  if (chunked) {
    let p = bodyStart
    for (;;) {
      const le = buf.indexOf('\r\n', p, 'latin1')
      if (le < 0) return null
      const size = parseInt(buf.latin1Slice(p, le), 16)
      if (size === 0) {
        // no trailers expected: the final chunk is "0\r\n\r\n"
        if (buf.length < le + 4) return null
        return { status, end: le + 4, bodyStart, bodyEnd: le, headers, close, chunked: true }
      }
      p = le + 2 + size + 2
      if (buf.length < p) return null
    }
  }
  if (contentLength < 0) contentLength = 0
  if (buf.length < bodyStart + contentLength) return null
  return { status, end: bodyStart + contentLength, bodyStart, bodyEnd: bodyStart + contentLength, headers, close }
}

function readCpuTicks(pid) {
  if (Array.isArray(pid)) {
    const ticks = pid.map(readCpuTicks)
    return ticks.every((t) => t != null) ? ticks.reduce((a, b) => a + b, 0) : null
  }
  if (!pid) return null
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(f[11]) + Number(f[12]) // utime + stime, in clock ticks (USER_HZ, 100 on Linux)
  } catch {
    return null
  }
}

/** A keep-alive connection sending one request at a time; `send(buf, wantHeaders)` resolves with the parsed response. */
class Conn {
  constructor(port = PORTS[0]) {
    this.port = port
    this.pending = null
    this.buf = null
    this.wantHeaders = false
    this.open()
  }
  open() {
    this.sock = connect({ host: HOST, port: this.port, noDelay: true })
    this.ready = new Promise((resolve, reject) => {
      this.sock.once('connect', resolve)
      this.sock.once('error', reject)
    })
    this.ready.catch(() => {})
    this.sock.on('data', (d) => this.onData(d))
    this.sock.on('error', (err) => this.fail(err))
    this.sock.on('close', () => this.fail(new Error('connection closed')))
  }
  fail(err) {
    const p = this.pending
    this.pending = null
    this.buf = null
    if (p) p.reject(err)
  }
  onData(d) {
    this.buf = this.buf ? Buffer.concat([this.buf, d]) : d
    if (!this.pending) return
    const r = parseResponse(this.buf, this.wantHeaders)
    if (!r) return
    r.body = this.buf.subarray(r.bodyStart, r.bodyEnd)
    this.buf = r.end < this.buf.length ? this.buf.subarray(r.end) : null
    const p = this.pending
    this.pending = null
    if (r.close) {
      this.sock.removeAllListeners('close')
      this.sock.destroy()
      this.open()
    }
    p.resolve(r)
  }
  async send(bytes, wantHeaders = false) {
    if (this.sock.destroyed) this.open()
    await this.ready
    this.wantHeaders = wantHeaders
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject }
      this.sock.write(bytes)
    })
  }
  close() {
    this.sock.removeAllListeners('close')
    this.sock.destroy()
    this.fail(new Error('stopped'))
  }
}

/** One connection per replica, used in turn: `send` goes to the next replica each time. */
class Rotation {
  constructor(first) {
    this.conns = PORTS.map((_, k) => new Conn(PORTS[(first + k) % PORTS.length]))
    this.next = 0
    this.ready = Promise.all(this.conns.map((c) => c.ready))
  }
  send(bytes, wantHeaders) {
    const c = this.conns[this.next]
    this.next = (this.next + 1) % this.conns.length
    return c.send(bytes, wantHeaders)
  }
  close() {
    for (const c of this.conns) c.close()
  }
}

/** Tiny cookie jar: name → value; all live cookies are sent (paths ignored, names do not collide here). */
class Jar {
  constructor() {
    this.map = new Map()
  }
  take(headers) {
    for (const sc of headers?.get('set-cookie') ?? []) {
      const [pair, ...attrs] = sc.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => /^\s*expires=.*1970/i.test(a)) || value === ''
      if (expired) this.map.delete(name)
      else this.map.set(name, value)
    }
  }
  header() {
    return [...this.map].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

const hasBytes = (body, needle) => !needle || body.includes(needle)

// ---- operations ----
let makeOp
if (spec.mode === 'request') {
  const r = spec.request
  const bytes = buildRequest(r.method, r.path, r.headers, r.body)
  makeOp = () => async (conn) => {
    const res = await conn.send(bytes)
    return res.status === spec.expect.status && hasBytes(res.body, spec.expect.bodyIncludes)
  }
} else if (spec.mode === 'code-flow') {
  const f = spec.flow
  const pathOf = (loc) => (loc.startsWith('http') ? loc.slice(loc.indexOf('/', loc.indexOf('//') + 2)) : loc)
  makeOp = () => {
    const jar = new Jar()
    const get = (conn, path) => conn.send(buildRequest('GET', path, f.cookies && jar.map.size ? { Cookie: jar.header() } : {}), true)
    const codeOf = (loc) => {
      const m = /[?&]code=([^&#]+)/.exec(loc)
      return m ? decodeURIComponent(m[1]) : null
    }
    let loggedIn = !f.login
    const op = async (conn) => {
      const a = await get(conn, f.authorizePath)
      if (f.cookies) jar.take(a.headers)
      const loc = a.headers.get('location')?.[0]
      if (a.status < 300 || a.status > 303 || !loc?.startsWith(f.redirectPrefix)) return false
      const code = codeOf(loc)
      if (!code) return false
      const t = await conn.send(buildRequest('POST', f.tokenPath, {}, f.tokenBody.replace('{code}', encodeURIComponent(code))))
      return t.status === 200 && hasBytes(t.body, 'access_token')
    }
    // Untimed: the first authorize without a session goes through the (auto-answered) interaction
    // redirects on the server itself until it lands on the client's redirect_uri; the jar keeps the session.
    op.login = async (conn) => {
      if (loggedIn) return
      let path = f.authorizePath
      for (let hop = 0; hop < 8; hop++) {
        const r = await get(conn, path)
        jar.take(r.headers)
        const loc = r.headers.get('location')?.[0]
        if (!loc) throw new Error(`login: ${r.status} without Location at ${path}`)
        if (loc.startsWith(f.redirectPrefix)) {
          loggedIn = true
          return
        }
        path = pathOf(loc)
      }
      throw new Error('login: too many redirects')
    }
    return op
  }
} else throw new Error(`unknown mode ${spec.mode}`)

// ---- run ----
const N = spec.connections ?? 10
const maxOps = spec.maxOps ?? Infinity
const wantLatency = spec.latency !== false
let lat = new Float64Array(wantLatency ? 1 << 16 : 0)
let nLat = 0
let ops = 0
let errors = 0
let measuring = false
let stopping = false
let firstError = null

const conns = Array.from({ length: N }, (_, i) => (PORTS.length > 1 ? new Rotation(i) : new Conn()))
const opsPerConn = conns.map(() => makeOp())
await Promise.all(conns.map((c) => c.ready))
for (let i = 0; i < N; i++) if (opsPerConn[i].login) await opsPerConn[i].login(conns[i])

async function worker(i) {
  const conn = conns[i]
  const op = opsPerConn[i]
  while (!stopping) {
    const t0 = process.hrtime.bigint()
    let ok
    try {
      ok = await op(conn)
    } catch (err) {
      ok = false
      if (stopping) break
      firstError ??= String(err?.message ?? err)
    }
    if (!measuring || stopping) continue
    if (ok) {
      ops++
      if (wantLatency) {
        if (nLat === lat.length) {
          const bigger = new Float64Array(lat.length * 2)
          bigger.set(lat)
          lat = bigger
        }
        lat[nLat++] = Number(process.hrtime.bigint() - t0) / 1e6
      }
      if (ops >= maxOps) stop()
    } else {
      errors++
      firstError ??= 'unexpected response'
    }
  }
}

let stopResolve
const stopped = new Promise((r) => (stopResolve = r))
let tStart, tEnd, cpu0, srv0, srv1, timer
function stop() {
  if (stopping) return
  stopping = true
  tEnd = process.hrtime.bigint()
  srv1 = readCpuTicks(spec.serverPids ?? spec.serverPid)
  clearTimeout(timer)
  stopResolve()
}

const workers = conns.map((_, i) => worker(i))
await new Promise((r) => setTimeout(r, spec.warmupMs ?? 0))
measuring = true
tStart = process.hrtime.bigint()
cpu0 = process.cpuUsage()
srv0 = readCpuTicks(spec.serverPids ?? spec.serverPid)
if (Number.isFinite(spec.durationMs)) timer = setTimeout(stop, spec.durationMs)
await stopped
const cpu = process.cpuUsage(cpu0)
for (const c of conns) c.close()
await Promise.allSettled(workers)

const seconds = Number(tEnd - tStart) / 1e9
const sorted = lat.subarray(0, nLat).sort()
const pct = (p) => (nLat ? sorted[Math.min(nLat - 1, Math.floor((p / 100) * nLat))] : null)
const result = {
  ops,
  errors,
  seconds,
  rate: ops / seconds,
  p50: pct(50),
  p99: pct(99),
  loadgenCpu: (cpu.user + cpu.system) / 1e6 / seconds, // fraction of one core used by this process
  serverCpuMsPerOp: srv0 != null && srv1 != null && ops ? ((srv1 - srv0) * 10) / ops : null, // USER_HZ = 100
  serverCpu: srv0 != null && srv1 != null ? ((srv1 - srv0) / 100) / seconds : null,
  firstError,
}
process.stdout.write(JSON.stringify(result) + '\n')
process.exit(0)
