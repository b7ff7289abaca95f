import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname
const P1 = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
const CLIENT = { id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', redirect: 'http://localhost:3000/callback' }
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

/** Start the CLI with a state file; resolves with its URL and everything it printed before listening. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string; out: string }> {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--no-watch', ...args], { env: { PATH: process.env.PATH } })
  children.push(child)
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (http:\/\/[^ ]+)/.exec(out)
      if (m && out.includes('asgardeo-demo')) resolve({ child, url: m[1]!, out })
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
  })
}
const form = (f: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString() })
const authz = async (url: string, state: string, extra: Record<string, string>, cookie?: string) => {
  const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT.id, redirect_uri: CLIENT.redirect, scope: 'openid', state, ...extra })
  const res = await fetch(`${url}${P1}/authorize?${q}`, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) })
  const location = new URL(res.headers.get('location')!)
  return { code: location.searchParams.get('code'), error: location.searchParams.get('error'), cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('mockidp_')) }
}
/** Resolves once the state file parses and `ok` holds of it; fails after 10 s. */
async function written(file: string, ok: (saved: any) => boolean): Promise<void> {
  const until = Date.now() + 10_000
  for (;;) {
    try {
      if (ok(JSON.parse(readFileSync(file, 'utf8')))) return
    } catch {
      // not written yet, or written by a rename in progress: read again
    }
    if (Date.now() > until) throw new Error(`${file} was not written with the expected state within 10 s`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
const stateDir = () => mkdtempSync(join(tmpdir(), 'mockidp-statefile-'))

describe('--state FILE', () => {
  it('survives a SIGKILL: codes, refresh tokens, sessions and API-added users are usable after the restart', async () => {
    const file = join(stateDir(), 'state.json')
    const a = await start(['--state', file])
    const signedIn = await authz(a.url, 's1', { login_hint: 'test1' })
    const tokens = (await (await fetch(`${a.url}${P1}/token`, form({ grant_type: 'authorization_code', code: signedIn.code!, redirect_uri: CLIENT.redirect, client_id: CLIENT.id, client_secret: CLIENT.secret }))).json()) as { refresh_token: string }
    const pending = await authz(a.url, 's2', { login_hint: 'alice' })
    const added = await fetch(`${a.url}/_mockidp/tenants/pingone-demo/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sub: 'kept-user', username: 'kept' }) })
    expect(added.status).toBe(201)
    // the write comes at most 100 ms after a change; wait for it (the user was added last) rather than sleep
    await written(file, (saved) => JSON.stringify(saved).includes('kept-user'))
    a.child.kill('SIGKILL')
    await new Promise((r) => a.child.once('exit', r))

    const b = await start(['--state', file])
    expect(b.out).toMatch(/mockidp: state: restored \d+ codes, tokens and sessions from /)
    const code = await fetch(`${b.url}${P1}/token`, form({ grant_type: 'authorization_code', code: pending.code!, redirect_uri: CLIENT.redirect, client_id: CLIENT.id, client_secret: CLIENT.secret }))
    expect(code.status).toBe(200)
    const refreshed = await fetch(`${b.url}${P1}/token`, form({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: CLIENT.id, client_secret: CLIENT.secret }))
    expect(refreshed.status).toBe(200)
    const silent = await authz(b.url, 's3', { prompt: 'none' }, signedIn.cookie)
    expect([silent.code !== null, silent.error]).toEqual([true, null])
    const users = (await (await fetch(`${b.url}/_mockidp/tenants/pingone-demo/users`)).json()) as { users: { sub: string }[] }
    expect(users.users.map((u) => u.sub)).toContain('kept-user')
    // a code used before the crash stays used
    const replay = await fetch(`${b.url}${P1}/token`, form({ grant_type: 'authorization_code', code: signedIn.code!, redirect_uri: CLIENT.redirect, client_id: CLIENT.id, client_secret: CLIENT.secret }))
    expect(replay.status).toBe(400)
    // and SIGTERM writes on stop too
    b.child.kill('SIGTERM')
    await new Promise((r) => b.child.once('exit', r))
    expect(JSON.parse(readFileSync(file, 'utf8')).format).toBe('mockidp-state')
  }, 60_000)

  it.each([
    ['corrupt', '{"format": "mockidp-state", "version": 1, "seed": ', /not valid JSON/],
    ['foreign', JSON.stringify({ format: 'mockidp-state', version: 1, seed: '0000000000000000', savedAt: '', ids: { epoch: 0, second: 0, counters: [] }, tenants: {} }), /written by a mock with another seed/],
    ['tampered', 'TAMPERED', /tenants\.pingone-demo\.codes\[0\]\[1\]\.consumed: expected boolean, found string/],
  ])('a %s state file is reported, set aside and not trusted; the mock starts clean', async (_kind, content, message) => {
    const dir = stateDir()
    const file = join(dir, 'state.json')
    if (content === 'TAMPERED') {
      // a genuine file, then one record changed by hand
      const a = await start(['--state', file])
      await authz(a.url, 's', { login_hint: 'test1' })
      await written(file, (saved) => saved.tenants?.['pingone-demo']?.codes?.length > 0)
      a.child.kill('SIGKILL')
      await new Promise((r) => a.child.once('exit', r))
      const saved = JSON.parse(readFileSync(file, 'utf8'))
      saved.tenants['pingone-demo'].codes[0][1].consumed = 'no'
      writeFileSync(file, JSON.stringify(saved))
    } else writeFileSync(file, content)
    const b = await start(['--state', file])
    expect(b.out).toMatch(message)
    expect(b.out).toContain('It was moved to')
    expect(b.out).toContain('starting clean')
    expect(readdirSync(dir).some((f) => f.startsWith('state.json.rejected-'))).toBe(true)
    expect(existsSync(file)).toBe(false)
  }, 60_000)
})
