// @asgardeo/nextjs (from npm, unmodified), end to end: mockidp on the default config (plus this
// app's origin as a redirect URI of the confidential app), `next start` (after `next build`), and
// headless Chromium signs in through the Next.js server: the SDK's server action builds the
// authorize URL, mockidp's login page sends the browser back with a code, the server exchanges it
// with the client secret and reads the SCIM profile, the page shows the user's SCIM name; sign-out
// ends the mockidp session. Debian's /usr/bin/chromium (or MOCKIDP_CHROMIUM); never a downloaded browser.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startMockIdp } from 'mockidp'

const root = fileURLToPath(new URL('..', import.meta.url))
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const MOCKIDP = dirname(createRequire(import.meta.url).resolve('mockidp/package.json'))
const BASE = '/asgardeo/t/bifrost'
const APP = 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a'
const SECRET = 'z0C79zlopx8i7ByOw8K15A9dplYa'
if (!existsSync(CHROMIUM)) {
  if (process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: CI must have it`)
  console.warn(`examples/asgardeo-next: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)`)
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

/** GET / with `Host: localhost:<port>`; the status, or undefined while nothing answers. */
const probe = (port) =>
  new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host: `localhost:${port}` } }, (res) => {
      res.resume()
      resolve(res.statusCode)
    })
    req.on('error', () => resolve(undefined))
    req.end()
  })

/** `next start` on `port` with the tenant in its environment; resolves once it answers. */
async function startNext(port, env) {
  const child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited: ${out}`)
    // probe as the browser will address it: the SDK's client is initialised once, by the first
    // request, and takes its redirect URI from that request's Host
    if ((await probe(port)) !== undefined) break
    if (Date.now() > deadline) throw new Error(`next start did not answer in 30 s: ${out}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return { child, output: () => out }
}

describe('@asgardeo/nextjs against asgardeo-demo', { skip: !existsSync(CHROMIUM) }, () => {
  let idp, next, browser, origin
  before(async () => {
    mkdirSync(SHOTS, { recursive: true })
    const port = await freePort()
    // the SDK's redirect URI is the app's origin (the request's Host), unless NEXT_PUBLIC_ASGARDEO_AFTER_SIGN_IN_URL says otherwise
    origin = `http://localhost:${port}`
    const cfg = JSON.parse(readFileSync(join(MOCKIDP, 'mockidp.config.json'), 'utf8'))
    cfg.tenants.find((t) => t.id === 'asgardeo-demo').clients.find((c) => c.clientId === APP).redirectUris.push(origin)
    idp = await startMockIdp({ config: cfg, env: {} })
    next = await startNext(port, { ASGARDEO_BASE_URL: `${idp.url}${BASE}`, ASGARDEO_CLIENT_ID: APP, ASGARDEO_CLIENT_SECRET: SECRET, ASGARDEO_ORGANIZATION_HANDLE: 'bifrost', ASGARDEO_SECRET: 'mockidp-example-session-secret-0123456789abcdef' })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--host-resolver-rules=MAP localhost 127.0.0.1'] })
  })
  after(async () => {
    await browser?.close()
    next?.child.kill('SIGTERM')
    await idp?.stop()
  })

  it('signs in through the Next.js server, shows the SCIM profile\'s name, switches organization, signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    const browserCalls = []
    page.on('request', (r) => r.url().startsWith(idp.url) && browserCalls.push(`${r.method()} ${new URL(r.url()).pathname}`))
    try {
      await page.goto(`${origin}/`)
      await page.locator('#signed-out').waitFor()
      await page.screenshot({ path: join(SHOTS, 'asgardeo-next-signed-out.png') })

      // the SDK's <SignInButton>: a server action answers the authorize URL, the browser goes there
      await page.locator('#sign-in').click()
      const alice = page.locator('button[data-user="alice@bifrost.com"]')
      await alice.waitFor({ state: 'visible' })
      const authorize = new URL(page.url())
      assert.equal(authorize.pathname, `${BASE}/oauth2/authorize`)
      assert.equal(authorize.searchParams.get('client_id'), APP)
      assert.equal(authorize.searchParams.get('redirect_uri'), origin)
      await Promise.all([page.waitForURL((u) => u.origin === origin), alice.click()])

      // back with ?code=…: the server exchanges it (client secret) and fetches /scim2/Me itself
      await page.locator('#profile').waitFor()
      await page.waitForFunction(() => document.querySelector('#name')?.textContent === 'Alice Perera')
      assert.equal(await page.locator('#username').textContent(), 'alice@bifrost.com')
      const paths = (await idp.journal()).map((e) => `${e.method} ${e.path}`)
      // the token and SCIM requests came from the Next.js server, not the browser
      for (const p of [`POST ${BASE}/oauth2/token`, `GET ${BASE}/scim2/Me`, `GET ${BASE}/scim2/Schemas`]) {
        assert.ok(paths.includes(p), `mockidp served ${p} (journal: ${paths.join(', ')})`)
        assert.ok(!browserCalls.includes(p), `the browser did not call ${p}`)
      }
      await page.waitForFunction(() => document.querySelectorAll('#organizations li').length === 2)
      assert.equal(await page.locator('#current-org').textContent(), 'bifrost')
      await page.screenshot({ path: join(SHOTS, 'asgardeo-next-signed-in.png') })

      // switch organization: the SDK's server action sends organization_switch with the client secret
      await page.locator('button[data-org="Bifrost Labs"]').click()
      await page.waitForFunction(() => document.querySelector('#current-org')?.textContent === 'Bifrost Labs')
      const after = (await idp.journal()).map((e) => `${e.method} ${e.path} ${e.grantType ?? ''}`.trim())
      assert.ok(after.includes(`POST ${BASE}/oauth2/token organization_switch`), `the server switched (journal: ${after.join(', ')})`)
      // the session now names the organization (user_org): the provider's branding call moves under /o
      // (0.1.96 keeps reading SCIM at the root, with the switched token)
      assert.ok(after.includes(`GET ${BASE}/o/api/server/v1/branding-preference/resolve`), `the server read the branding under /o after the switch (journal: ${after.join(', ')})`)
      assert.equal(await page.locator('#name').textContent(), 'Alice Perera')
      await page.screenshot({ path: join(SHOTS, 'asgardeo-next-switched.png') })

      // sign out: the SDK's <SignOutButton> → /oidc/logout → back to the app, signed out
      await page.locator('#sign-out').click()
      await page.locator('#signed-out').waitFor()
      assert.ok(browserCalls.includes(`GET ${BASE}/oidc/logout`), `the browser went through /oidc/logout (${browserCalls.join(', ')})`)
      // the mockidp session ended: signing in again shows the login page
      await page.locator('#sign-in').click()
      await page.locator('button[data-user="alice@bifrost.com"]').waitFor({ state: 'visible' })
    } catch (err) {
      await page.screenshot({ path: join(SHOTS, 'asgardeo-next-failure.png') }).catch(() => {})
      throw new Error(`${err.message}\n--- next output:\n${next.output().slice(-4000)}`, { cause: err })
    } finally {
      await context.close()
    }
  })
})
