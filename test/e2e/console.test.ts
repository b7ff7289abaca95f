import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { record } from '../helpers/page.js'
import { startMockIdp, type MockIdp } from '../../src/index.js'

// The console at /_mockidp/ in a real browser: live requests, decoded tokens, the built-in test
// client on every default tenant, actions through the admin API, an accessibility scan (axe-core)
// and screenshots at desktop and phone widths (test-results/console-*.png).
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
if (!HAVE_CHROMIUM && process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: CI must run the console tests`)
if (!HAVE_CHROMIUM) console.warn(`test/e2e/console.test.ts SKIPPED: no Chromium at ${CHROMIUM}. Install it (Debian/Ubuntu: apt-get install -y chromium) or set MOCKIDP_CHROMIUM.`)
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const RESULTS = new URL('../../test-results/', import.meta.url)
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const P1 = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
const PING = { id: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', redirect: 'http://localhost:3000/callback' }
const TENANTS = ['genauth-demo', 'authing-demo', 'pingone-demo', 'asgardeo-demo']

let idp: MockIdp
let browser: Browser
beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  mkdirSync(RESULTS, { recursive: true })
  idp = await startMockIdp({ env: {} })
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
})
afterAll(async () => {
  await browser?.close()
  await idp?.stop()
})

/** A request from outside the browser, as a developer's terminal sends it (curl; async: the mock runs in this process). */
async function curl(path: string, form: Record<string, string>): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString()
  const { stdout } = await promisify(execFile)('curl', ['-s', '-w', '\n%{http_code}', '-d', body, `${idp.url}${path}`], { encoding: 'utf8' })
  const lines = stdout.trimEnd().split('\n')
  return { status: Number(lines.pop()), body: lines.join('\n') }
}

/** A code for `user` at PingOne, without a browser (login_hint). */
async function pingCode(user = 'test1'): Promise<string> {
  const q = new URLSearchParams({ response_type: 'code', client_id: PING.id, redirect_uri: PING.redirect, scope: 'openid profile email', login_hint: user, state: 's' })
  const res = await fetch(`${idp.url}${P1}/authorize?${q}`, { redirect: 'manual' })
  return new URL(res.headers.get('location')!).searchParams.get('code')!
}

async function axe(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE })
  const violations = await page.evaluate(async () => {
    const r = await (globalThis as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }[] }> } }).axe.run()
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary.split('\n').slice(1).join(' ').slice(0, 160)}`).join('; ')}`)
  })
  expect(violations, what).toEqual([])
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [[1280, 900], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h })
    await page.waitForTimeout(100)
    await page.screenshot({ path: new URL(`console-${name}-${w}.png`, RESULTS).pathname, fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
}

// a browser, axe twice and screenshots per test: 60 s each, each step bounded by record()
describe.skipIf(!HAVE_CHROMIUM)('console', { timeout: 60_000 }, () => {
  it('GET /_mockidp/ is HTML for a browser only; the JSON API is unchanged for other clients', async () => {
    const html = await fetch(`${idp.url}/_mockidp/`, { headers: { accept: 'text/html' } })
    expect([html.status, html.headers.get('content-type')]).toEqual([200, 'text/html; charset=UTF-8'])
    expect(html.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const json = await fetch(`${idp.url}/_mockidp`, { headers: { accept: 'application/json' } })
    expect(json.status).toBe(404)
    expect(((await json.json()) as { error: string }).error).toBe('not_found')
    expect((await fetch(`${idp.url}/_mockidp/health`)).status).toBe(200)
  })

  it('live requests: a curl token request appears live, without a reload; it opens to its decoded, verified tokens; a refusal shows why', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true })
    record(page, 10_000) // each wait fails in 10 s naming its step
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${idp.url}/_mockidp/`)
    await page.getByText('● live').waitFor()

    const code = await pingCode()
    const ok = await curl(`${P1}/token`, { grant_type: 'authorization_code', code, redirect_uri: PING.redirect, client_id: PING.id, client_secret: PING.secret })
    expect(ok.status).toBe(200)
    const row = page.locator('.row', { hasText: 'authorization_code' })
    await row.waitFor({ timeout: 10_000 }) // pushed over SSE: the page is never reloaded
    await row.click()
    const detail = page.locator('#detail')
    await expect.poll(() => detail.textContent(), { timeout: 10_000 }).toContain('access_token ✓ signature valid')
    expect(await detail.textContent()).toContain('id_token ✓ signature valid')
    expect(await detail.textContent()).toContain('client_secret_post')
    // the token itself is never on the page, only its claims
    const { access_token } = JSON.parse(ok.body) as { access_token: string }
    expect(await page.content()).not.toContain(access_token.split('.')[2])

    const bad = await curl(`${P1}/token`, { grant_type: 'client_credentials', client_id: PING.id, client_secret: 'wrong' })
    expect(bad.status).toBe(401)
    const refused = page.locator('.row', { hasText: 'client_credentials' })
    await refused.waitFor({ timeout: 10_000 })
    await refused.click()
    await expect.poll(() => page.locator('#detail .why').textContent(), { timeout: 10_000 }).toContain('invalid_client')
    await shoot(page, 'requests')
    await axe(page, 'requests')
    expect(errors).toEqual([])
    await page.close()
  })

  it.each(TENANTS)('try a sign-in at %s: the built-in client runs code + PKCE through the real login page', async (tenant) => {
    const page = await browser.newPage()
    record(page, 10_000) // each wait fails in 10 s naming its step
    await page.goto(`${idp.url}/_mockidp/#try`)
    await page.locator(`[data-try="${tenant}"]`).click()
    await page.locator('button[data-user="test1"]').click()
    await page.getByText(`Signed in at ${tenant}`).waitFor()
    const text = (await page.locator('#try-result').textContent()) ?? ''
    expect(text).toContain('access_token')
    if (tenant !== 'asgardeo-demo') expect(text).toContain('✓ signature valid') // Asgardeo's access token is opaque; its id_token is checked
    expect(text).toContain('id_token ✓ signature valid')
    if (tenant === 'pingone-demo') await shoot(page, 'try')
    await page.close()
  })

  it('a user added in the console signs in on the login page', async () => {
    const page = await browser.newPage({ bypassCSP: true }) // axe is injected
    record(page, 10_000) // each wait fails in 10 s naming its step
    await page.goto(`${idp.url}/_mockidp/#manage`)
    const form = page.locator('#user-form')
    await form.locator('select[name=tenant]').selectOption('authing-demo')
    await form.locator('textarea').fill(JSON.stringify({ sub: 'u-dana', username: 'dana', password: 'dana-pw', name: 'Dana Console' }))
    await form.getByRole('button', { name: 'Save user' }).click()
    await form.getByText('Added user dana in authing-demo').waitFor()
    await shoot(page, 'manage')
    await axe(page, 'manage')
    await page.goto(`${idp.url}/_mockidp/#try`)
    await page.locator('[data-try="authing-demo"]').click()
    await page.locator('#username').fill('dana')
    await page.locator('#password').fill('dana-pw')
    await axe(page, 'login page')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Signed in at authing-demo').waitFor()
    expect(await page.locator('#try-result').textContent()).toContain('u-dana')
    await page.close()
  })

  it('a fault started in the console answers the next token request', async () => {
    const page = await browser.newPage()
    record(page, 10_000) // each wait fails in 10 s naming its step
    await page.goto(`${idp.url}/_mockidp/#manage`)
    const form = page.locator('#fault-form')
    await form.locator('select[name=tenant]').selectOption('asgardeo-demo')
    await form.locator('select[name=endpoint]').selectOption('token')
    await form.locator('select[name=kind]').selectOption('error:temporarily_unavailable')
    await form.getByRole('button', { name: 'Inject' }).click()
    await form.getByText('active').waitFor()
    const r = await curl('/asgardeo/t/bifrost/oauth2/token', { grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' })
    expect((JSON.parse(r.body) as { error: string }).error).toBe('temporarily_unavailable')
    expect((await curl('/asgardeo/t/bifrost/oauth2/token', { grant_type: 'client_credentials', client_id: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', client_secret: 'z0C79zlopx8i7ByOw8K15A9dplYa' })).status).toBe(200)
    await page.close()
  })

  it('tenants: every URL, client and user, and copy-ready config with the tenant\'s values; accessible', async () => {
    const page = await browser.newPage({ bypassCSP: true }) // axe is injected
    record(page, 10_000) // each wait fails in 10 s naming its step
    await page.goto(`${idp.url}/_mockidp/#tenants`)
    const text = (await page.locator('#tenants').textContent()) ?? ''
    for (const s of [`${idp.url}${P1}`, 'oidc-client-ts (browser)', 'openid-client (server)', 'Auth.js provider', '@authing/web (browser)', 'authing-node-sdk (server)', 'Ping OIDC client SDK (browser)', '@asgardeo/browser (browser)', '@asgardeo/node (server)']) expect(text).toContain(s)
    expect(text).not.toContain('undefined')
    await shoot(page, 'tenants')
    await axe(page, 'tenants')
    await page.close()
  })
})
