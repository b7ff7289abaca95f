// The example, end to end: `next start` (after `next build`), headless Chromium signs in through
// the app's own route handler and its server-side code exchange (Debian's /usr/bin/chromium, or
// MOCKIDP_CHROMIUM; never a downloaded browser).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const root = fileURLToPath(new URL('..', import.meta.url))
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const SHOTS = new URL('../test-results/', import.meta.url)
if (!existsSync(CHROMIUM)) {
  if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: CI must have it`)
  console.warn(`examples/next: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)`)
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

/** `next start` on a free port; resolves once it answers. */
async function startNext() {
  const port = await freePort()
  const child = spawn(process.execPath, [fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url)), 'start', '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const origin = `http://localhost:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited: ${out}`)
    try {
      if ((await fetch(`http://127.0.0.1:${port}/idp/authing/demo/oidc/.well-known/openid-configuration`)).ok) break
    } catch {}
    if (Date.now() > deadline) throw new Error(`next start did not answer in 30 s: ${out}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return { child, origin, port, output: () => out }
}

describe('Next.js app with mockidp/next', { skip: !existsSync(CHROMIUM) }, () => {
  let next, browser
  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    next = await startNext()
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', `--host-resolver-rules=MAP localhost 127.0.0.1`] })
  })
  after(async () => {
    await browser?.close()
    next?.child.kill('SIGTERM')
  })

  it('the issuer is the app origin; it follows X-Forwarded-Host and -Proto', async () => {
    const disco = await (await fetch(`${next.origin}/idp/authing/demo/oidc/.well-known/openid-configuration`)).json()
    assert.equal(disco.issuer, `${next.origin}/idp/authing/demo/oidc`)
    assert.equal(disco.token_endpoint, `${next.origin}/idp/authing/demo/oidc/token`)
    const preview = await (await fetch(`${next.origin}/idp/authing/demo/oidc/.well-known/openid-configuration`, { headers: { 'x-forwarded-host': 'my-app-git-feature.vercel.app', 'x-forwarded-proto': 'https' } })).json()
    assert.equal(preview.issuer, 'https://my-app-git-feature.vercel.app/idp/authing/demo/oidc')
  })

  it('Chromium signs in through the route handler and the server-side code exchange, and signs out', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    try {
      await page.goto(`${next.origin}/`)
      assert.equal(await page.locator('#status').textContent(), 'signed out')
      await page.click('#sign-in')
      const alice = page.locator('button[data-user="alice"]')
      await alice.waitFor()
      const login = new URL(page.url())
      assert.equal(login.origin, next.origin, 'the login page is on the app origin')
      assert.equal(login.pathname, '/idp/authing/demo/oidc/auth')
      await Promise.all([page.waitForURL(`${next.origin}/`), alice.click()])
      const error = await page.locator('#error').textContent({ timeout: 500 }).catch(() => null)
      assert.equal(error, null, `sign-in failed: ${error}\n${next.output()}`)
      assert.equal(await page.locator('#status').textContent(), 'signed in')
      assert.equal(await page.locator('#name').textContent(), 'Alice Zhang')
      assert.equal(await page.locator('#issuer').textContent(), `${next.origin}/idp/authing/demo/oidc`)
      await page.screenshot({ path: fileURLToPath(new URL('next-signed-in.png', SHOTS)) })

      await Promise.all([page.waitForURL(`${next.origin}/`), page.click('#sign-out')])
      assert.equal(await page.locator('#status').textContent(), 'signed out')
    } finally {
      await context.close()
    }
  })
})
