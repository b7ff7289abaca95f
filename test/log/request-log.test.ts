import { spawn, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import defaultConfig from '../../mockidp.config.json' with { type: 'json' }
import { AUTHING, PINGONE, basic, formPost, pkce } from '../api/helpers.js'
import { startMockIdp } from '../../src/index.js'

// The CLI's request log, as a developer sees it in a terminal (stdout, not a TTY here: no colours).
const CLI = new URL('../../dist/cli.js', import.meta.url).pathname
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGTERM')
})

/** Start the CLI; `lines()` are the stdout lines after the start-up block. */
async function cli(args: string[]) {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--no-watch', ...args], { env: { PATH: process.env.PATH } })
  children.push(child)
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  await new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('asgardeo-demo') ? resolve() : undefined)
    child.stdout.on('data', check)
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
  })
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!
  const startup = out.length
  return {
    url,
    lines: () => out.slice(startup).split('\n').filter(Boolean),
    /** Wait until `n` request lines are out (each is written after its response). */
    waitFor: async (n: number) => {
      for (let i = 0; i < 200 && out.slice(startup).split('\n').filter(Boolean).length < n; i++) await new Promise((r) => setTimeout(r, 10))
      return out.slice(startup).split('\n').filter(Boolean)
    },
  }
}

const SPA = 'spa-client'
const AUTHING_BASE = '/authing/demo/oidc'
const journal = async (url: string): Promise<{ hint?: string; status: number; error?: string }[]> =>
  ((await (await fetch(`${url}/_mockidp/journal`)).json()) as { entries: { hint?: string; status: number; error?: string }[] }).entries

/** A code for spa-client with a PKCE challenge (login_hint answers at once). */
async function codeFor(url: string, challenge: string): Promise<string> {
  // prompt=consent: node-oidc-provider (Authing) grants offline_access, and so a refresh token, only with it
  const q = new URLSearchParams({ prompt: 'consent', response_type: 'code', client_id: SPA, redirect_uri: 'http://localhost:5173/callback', scope: 'openid offline_access', login_hint: 'test1', code_challenge: challenge, code_challenge_method: 'S256' })
  const res = await fetch(`${url}${AUTHING_BASE}/auth?${q}`, { redirect: 'manual' })
  return new URL(res.headers.get('location')!).searchParams.get('code')!
}

/** The four mistakes of the issue, each with the hint it must print. */
async function mistakes(url: string): Promise<string[]> {
  const hints: string[] = []
  // 1. a redirect URI that is not registered
  const q = new URLSearchParams({ response_type: 'code', client_id: SPA, redirect_uri: 'http://localhost:5174/cb', scope: 'openid' })
  expect((await fetch(`${url}${AUTHING_BASE}/auth?${q}`, { redirect: 'manual' })).status).toBe(400)
  hints.push('redirect_uri http://localhost:5174/cb is not registered for client spa-client (registered: http://localhost:5173/callback) — add it to tenants[1].clients[1].redirectUris')
  // 2. a token request without the PKCE verifier
  const { challenge } = pkce()
  const code = await codeFor(url, challenge)
  expect((await fetch(`${url}${AUTHING_BASE}/token`, formPost({ grant_type: 'authorization_code', code, client_id: SPA, redirect_uri: 'http://localhost:5173/callback' }))).status).toBe(400)
  hints.push('the code was issued with a code_challenge (S256), but the token request has no code_verifier — send the code_verifier the challenge was made from')
  // 3. an unknown client
  expect((await fetch(`${url}${AUTHING_BASE}/token`, formPost({ grant_type: 'client_credentials', client_id: 'spa-clent' }))).status).toBe(401)
  hints.push('client_id spa-clent is not a client of tenant authing-demo — did you mean spa-client? (clients: 5e37979f7b757ead14c534af, spa-client) — fix client_id, or register it in tenants[1].clients')
  // 4. a wrong client secret
  expect((await fetch(`${url}${AUTHING_BASE}/token`, formPost({ grant_type: 'client_credentials' }, { authorization: basic(AUTHING.clientId, 'wrong-secret') }))).status).toBe(401)
  hints.push(`the client secret sent (client_secret_basic) does not match client ${AUTHING.clientId}'s — use the clientSecret at tenants[1].clients[0].clientSecret`)
  return hints
}

describe('request log (CLI, stdout)', () => {
  it('prints one plain line per request; each mistake with its hint, which the journal entry carries too', async () => {
    const idp = await cli([])
    const hints = await mistakes(idp.url)
    const lines = await idp.waitFor(5) // 4 mistakes + the authorize that issued the code
    expect(lines).toHaveLength(5)
    expect(lines.join('\n')).not.toMatch(/\x1b\[/) // not a TTY: no colours
    const failures = lines.filter((l) => / — /.test(l))
    expect(failures).toHaveLength(4)
    failures.forEach((line, i) => expect(line.endsWith(` — ${hints[i]}`)).toBe(true))
    expect(failures[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET {2}\/authing\/demo\/oidc\/auth 400 redirect_uri_mismatch \[authing-demo authorization client=spa-client\] [\d.]+ ms — /)
    expect(failures[3]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/authing\/demo\/oidc\/token 401 invalid_client \[authing-demo token client_credentials client=5e37979f7b757ead14c534af\] [\d.]+ ms — /)
    expect(lines[1]).toMatch(/ GET {2}\/authing\/demo\/oidc\/auth 302 \[authing-demo authorization client=spa-client\] [\d.]+ ms$/)
    expect((await journal(idp.url)).filter((e) => e.hint).map((e) => e.hint)).toEqual(hints)
  })

  it('--log json: one JSON object per line, with the hint; no secret in any line', async () => {
    const idp = await cli(['--log', 'json'])
    const hints = await mistakes(idp.url)
    // and requests that succeed, to have tokens to look for
    const issued: string[] = []
    const { verifier, challenge } = pkce()
    const code = await codeFor(idp.url, challenge)
    const tokens = (await (await fetch(`${idp.url}${AUTHING_BASE}/token`, formPost({ grant_type: 'authorization_code', code, client_id: SPA, redirect_uri: 'http://localhost:5173/callback', code_verifier: verifier }))).json()) as Record<string, string>
    expect(tokens.refresh_token).toBeTypeOf('string')
    issued.push(tokens.access_token!, tokens.id_token!, tokens.refresh_token!, verifier)
    const refreshed = (await (await fetch(`${idp.url}${AUTHING_BASE}/token`, formPost({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: SPA }))).json()) as Record<string, string>
    issued.push(refreshed.access_token!)
    await fetch(`${idp.url}${AUTHING_BASE}/me?access_token=${encodeURIComponent(tokens.access_token!)}`)
    await fetch(`${idp.url}${AUTHING_BASE}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    await fetch(`${idp.url}${AUTHING_BASE}/token/introspection`, formPost({ token: tokens.access_token!, client_id: AUTHING.clientId, client_secret: AUTHING.secret }))
    const cc = (await (await fetch(`${idp.url}/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/token`, formPost({ grant_type: 'client_credentials', client_id: PINGONE.clientId, client_secret: PINGONE.secret }))).json()) as Record<string, string>
    issued.push(cc.access_token!)
    await fetch(`${idp.url}/genauth/demo/oauth/token`, formPost({ grant_type: 'password', username: 'test1', password: 'test1', client_id: AUTHING.clientId, client_secret: AUTHING.secret }))
    const lines = await idp.waitFor(13)
    expect(lines).toHaveLength(13)
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(entries.filter((e) => e.hint).map((e) => e.hint)).toEqual(hints)
    expect(entries[0]).toMatchObject({ method: 'GET', path: '/authing/demo/oidc/auth', tenant: 'authing-demo', endpoint: 'authorization', clientId: SPA, status: 400, error: 'redirect_uri_mismatch' })
    expect(entries[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(typeof entries[0]!.ms).toBe('number')
    // every secret of the default config and every token of the run: nowhere in the log
    const secrets = [...defaultConfig.tenants.flatMap((t) => t.clients.flatMap((c) => ('clientSecret' in c && c.clientSecret ? [c.clientSecret] : []))), ...issued, 'wrong-secret']
    expect(secrets.length).toBeGreaterThan(8)
    const all = lines.join('\n')
    for (const s of secrets) expect(all, `secret ${s.slice(0, 12)}… in the log`).not.toContain(s)
    // passwords (which equal the usernames in the default config) are redacted by name, as in the journal
    const pw = entries.find((e) => e.grantType === 'password') as { form: Record<string, string> }
    expect(pw.form).toMatchObject({ username: 'test1', password: '[redacted]', client_secret: '[redacted]' })
  })

  it('--quiet (and --log off) prints no request line', async () => {
    for (const args of [['--quiet'], ['--log', 'off']]) {
      const idp = await cli(args)
      await mistakes(idp.url)
      await new Promise((r) => setTimeout(r, 100))
      expect(idp.lines()).toEqual([])
    }
  })
})

describe('request log (programmatic API)', () => {
  it('a request answered by an injected fault says so, and how to remove it; a journal of size 0 still logs', async () => {
    const lines: string[] = []
    const idp = await startMockIdp({ env: {}, config: { journal: { enabled: false } }, log: { write: (l) => lines.push(l) } })
    try {
      const fault = idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'status', status: 503, times: 1 })
      expect((await fetch(`${idp.url}${AUTHING_BASE}/token`, formPost({ grant_type: 'client_credentials' }, { authorization: basic(AUTHING.clientId, AUTHING.secret) }))).status).toBe(503)
      expect(idp.journal()).toEqual([])
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(` POST /authing/demo/oidc/token 503 [authing-demo token client_credentials client=${AUTHING.clientId}]`)
      expect(lines[0]).toContain(`fault ${fault.id} — answered by injected fault ${fault.id} (status), not by the endpoint — remove it with DELETE /_mockidp/faults/${fault.id} or idp.clearFaults('${fault.id}')`)
    } finally {
      await idp.stop()
    }
  })


  it('is off unless asked for; log: { write } receives the lines', async () => {
    const lines: string[] = []
    const idp = await startMockIdp({ env: {}, log: { format: 'json', write: (l) => lines.push(l) } })
    try {
      await mistakes(idp.url)
      expect(lines.map((l) => (JSON.parse(l) as { hint?: string }).hint).filter(Boolean)).toHaveLength(4)
    } finally {
      await idp.stop()
    }
    const out: string[] = []
    const write = process.stdout.write
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof write
    const quiet = await startMockIdp({ env: {} })
    try {
      await mistakes(quiet.url)
    } finally {
      process.stdout.write = write
      await quiet.stop()
    }
    expect(out.filter((s) => s.includes('/authing/demo'))).toEqual([])
  })
})
