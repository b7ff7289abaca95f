// The example, end to end: the Vite dev server with the mockidp plugin, driven by headless Chromium
// (Debian's /usr/bin/chromium, or MOCKIDP_CHROMIUM; never a downloaded browser).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer as netServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'
import { chromium } from 'playwright-core'

const root = fileURLToPath(new URL('..', import.meta.url))
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const CONFIG = new URL('../mockidp.config.json', import.meta.url)
const SHOTS = new URL('../test-results/', import.meta.url)
if (!existsSync(CHROMIUM)) {
  if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: CI must have it`)
  console.warn(`examples/vite: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)`)
}

const freePort = () =>
  new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

describe('Vite dev server with mockidp/vite', { skip: !existsSync(CHROMIUM) }, () => {
  let server, browser, origin
  const original = readFileSync(CONFIG, 'utf8')

  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    process.env.PORT = String(await freePort())
    server = await createServer({ root, logLevel: 'warn' })
    await server.listen()
    origin = `http://localhost:${process.env.PORT}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })
  })
  after(async () => {
    writeFileSync(CONFIG, original)
    await browser?.close()
    await server?.close()
  })

  /** A fresh profile; every IdP response is kept to check that none needed a CORS header. */
  async function open() {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    const idpResponses = []
    const errors = []
    page.on('response', (r) => r.headers()['x-mockidp'] && idpResponses.push(r))
    page.on('pageerror', (e) => errors.push(String(e)))
    return { context, page, idpResponses, errors }
  }
  const text = (page, id) => page.locator(`#${id}`).textContent()
  async function until(page, id, want, errors) {
    try {
      await page.waitForFunction(([i, w]) => document.getElementById(i)?.textContent === w || document.getElementById('status')?.textContent === 'error', [id, want])
    } catch (err) {
      throw new Error(`#${id} never read "${want}": ${await text(page, 'error').catch(() => '')} ${errors.join('\n')} (${err.message})`)
    }
    assert.equal(await text(page, id), want, await text(page, 'error'))
  }
  async function pickUser(page, username) {
    const button = page.locator(`button[data-user="${username}"]`)
    await button.waitFor()
    assert.equal(new URL(page.url()).origin, origin, 'the login page is on the dev server origin')
    await Promise.all([page.waitForURL((u) => !u.pathname.includes('/oidc/') && !u.pathname.includes('/oauth2/')), button.click()])
  }

  it('oidc-client-ts signs in with the issuer on the dev server origin, and renews silently in an iframe', async () => {
    const { context, page, idpResponses, errors } = await open()
    try {
      await page.goto(`${origin}/`)
      await until(page, 'status', 'signed out', errors)
      await page.click('#sign-in')
      await pickUser(page, 'alice')
      await until(page, 'status', 'signed in', errors)
      assert.equal(await text(page, 'name'), 'Alice Zhang')
      assert.equal(await text(page, 'issuer'), `${origin}/authing/demo/oidc`)

      await page.click('#renew')
      await until(page, 'renewed', 'yes', errors)
      const silent = idpResponses.filter((r) => r.url().includes('/authing/demo/oidc/auth?') && new URL(r.url()).searchParams.get('prompt') === 'none')
      assert.equal(silent.length, 1, 'one prompt=none authorization request')
      assert.equal(silent[0].frame() === page.mainFrame(), false, 'it ran in an iframe')
      await page.screenshot({ path: fileURLToPath(new URL('vite-oidc-client-ts.png', SHOTS)) })
      // same origin: the tenant allows no CORS origin at all, and no response carried a CORS header
      assert.ok(idpResponses.length >= 5)
      assert.deepEqual(idpResponses.filter((r) => r.headers()['access-control-allow-origin']).map((r) => r.url()), [])
    } finally {
      await context.close()
    }
  })

  it('@asgardeo/browser signs in against baseUrl on the dev server; the check-session iframe sees the session', async () => {
    const { context, page, idpResponses, errors } = await open()
    try {
      await page.goto(`${origin}/asgardeo.html`)
      await until(page, 'status', 'signed out', errors)
      await page.click('#sign-in')
      await pickUser(page, 'test1')
      await until(page, 'status', 'signed in', errors)
      await until(page, 'name', 'Test One', errors)
      await until(page, 'session', 'unchanged', errors)
      const paths = idpResponses.map((r) => `${r.request().method()} ${new URL(r.url()).pathname}`)
      for (const p of ['POST /asgardeo/t/bifrost/oauth2/token', 'GET /asgardeo/t/bifrost/oauth2/jwks', 'GET /asgardeo/t/bifrost/oauth2/userinfo', 'GET /asgardeo/t/bifrost/oidc/checksession']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`)
      await page.screenshot({ path: fileURLToPath(new URL('vite-asgardeo.png', SHOTS)) })
    } finally {
      await context.close()
    }
  })

  it('editing mockidp.config.json reloads the tenants', async () => {
    const config = JSON.parse(original)
    config.tenants[0].users.find((u) => u.username === 'alice').name = 'Alice Edited'
    writeFileSync(CONFIG, JSON.stringify(config, null, 2))
    const { context, page, errors } = await open()
    try {
      const deadline = Date.now() + 10_000
      let name
      do {
        await page.goto(`${origin}/`)
        await until(page, 'status', 'signed out', errors)
        await page.click('#sign-in')
        await pickUser(page, 'alice')
        await until(page, 'status', 'signed in', errors)
        name = await text(page, 'name')
        await page.evaluate(() => sessionStorage.clear())
        await context.clearCookies()
      } while (name !== 'Alice Edited' && Date.now() < deadline)
      assert.equal(name, 'Alice Edited')
    } finally {
      await context.close()
    }
  })
})
