/**
 * @asgardeo/react (from npm, unmodified) in headless Chromium against mockidp's Asgardeo tenant:
 * this example app is bundled with esbuild and served on 127.0.0.1; <AsgardeoProvider> signs in
 * with a redirect (mockidp's login page, PKCE), shows the name from the user's SCIM profile
 * (/scim2/Me + /scim2/Schemas), lists the user's organizations (/api/users/v1/me/organizations),
 * switches to one (grant_type=organization_switch; then /o/scim2/Me), and signs out (/oidc/logout)
 * back to the signed-out app. Then the SDK's own <SignIn> form (app-native authentication:
 * response_mode=direct at /oauth2/authorize, the password to /oauth2/authn) signs in without a
 * redirect to the login page.
 *
 * Debian's Chromium at /usr/bin/chromium (or $MOCKIDP_CHROMIUM); without it the suite fails under
 * CI and is skipped loudly elsewhere. No browser is ever downloaded.
 */
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { startMockIdp } from 'mockidp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
if (!HAVE_CHROMIUM && process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`)
if (!HAVE_CHROMIUM) console.warn(`\n!! examples/asgardeo-react SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)\n`)

const APP = fileURLToPath(new URL('..', import.meta.url))
const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const MOCKIDP = dirname(createRequire(import.meta.url).resolve('mockidp/package.json'))
const BASE = '/asgardeo/t/bifrost'
const STEP_MS = 15_000

let tmp, idp, browser, app

/** Serve the bundled app: its files, config.json, index.html for any other path (the /callback). */
function serveApp(dir, config) {
  const types = { js: 'text/javascript', css: 'text/css', html: 'text/html' }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/config.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config.value))
    const file = ['/dist/main.js', '/dist/main.css'].includes(path) ? path.slice(1) : 'index.html'
    readFile(join(dir, file)).then(
      (body) => res.writeHead(200, { 'content-type': `${types[file.split('.').pop()]}; charset=utf-8`, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })))
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  tmp = await mkdtemp(join(tmpdir(), 'mockidp-asgardeo-react-'))
  await mkdir(join(tmp, 'dist'), { recursive: true })
  await mkdir(SHOTS, { recursive: true })
  await Promise.all([
    copyFile(join(APP, 'index.html'), join(tmp, 'index.html')),
    build({ entryPoints: [join(APP, 'src/main.jsx')], bundle: true, format: 'esm', jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, outdir: join(tmp, 'dist'), logLevel: 'silent' }),
  ])
  // the default config, with the app's origin registered on the tenant's public spa-client
  const cfg = JSON.parse(await readFile(join(MOCKIDP, 'mockidp.config.json'), 'utf8'))
  const config = { value: {} }
  app = await serveApp(tmp, config)
  cfg.tenants.find((x) => x.id === 'asgardeo-demo').clients.find((c) => c.clientId === 'spa-client').redirectUris.push(`${app.origin}/callback`)
  idp = await startMockIdp({ config: cfg, env: {} })
  config.value = { baseUrl: `${idp.url}${BASE}`, organizationHandle: 'bifrost', clientId: 'spa-client', afterSignInUrl: `${app.origin}/callback`, afterSignOutUrl: `${app.origin}/`, scopes: ['openid', 'profile', 'email'] }
  browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 20_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (app) await new Promise((r) => app.server.close(r))
  await idp?.stop()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

describe.skipIf(!HAVE_CHROMIUM)('@asgardeo/react against asgardeo-demo', () => {
  it('signs in with redirect, shows the SCIM profile\'s name, switches organization, signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
    const page = await context.newPage()
    const calls = []
    const errors = []
    const grants = []
    page.on('request', (r) => {
      if (!r.url().startsWith(idp.url)) return
      calls.push(`${r.method()} ${new URL(r.url()).pathname}`)
      if (r.method() === 'POST' && r.url().endsWith('/oauth2/token')) grants.push(new URLSearchParams(r.postData() ?? '').get('grant_type'))
    })
    page.on('pageerror', (e) => errors.push(e.message))
    try {
      // 1. signed out: the app's sign-in button, under the tenant's branding logo
      await page.goto(`${app.origin}/`)
      await page.locator('#sign-in').waitFor({ timeout: STEP_MS })
      await expect.poll(() => page.locator('#brand-logo').count(), { timeout: STEP_MS }).toBe(1)
      expect(calls).toContain(`GET ${BASE}/api/server/v1/branding-preference/resolve`)
      await page.screenshot({ path: join(SHOTS, 'asgardeo-react-signed-out.png') })

      // 2. sign in with redirect: mockidp's login page, then back on /callback the SDK exchanges the code
      await page.locator('#sign-in').click()
      const user = page.locator('button[data-user="alice@bifrost.com"]')
      await user.waitFor({ state: 'visible', timeout: STEP_MS })
      expect(new URL(page.url()).pathname).toBe(`${BASE}/oauth2/authorize`)
      await Promise.all([page.waitForURL((u) => u.origin === app.origin, { timeout: STEP_MS }), user.click()])
      await page.locator('#profile').waitFor({ timeout: STEP_MS })
      // the name comes from SCIM's name.givenName / name.familyName (the id_token has given_name, family_name)
      await expect.poll(() => page.locator('#name').innerText(), { timeout: STEP_MS }).toBe('Alice Perera')
      expect([await page.locator('#username').innerText(), await page.locator('#email').innerText()]).toEqual(['alice@bifrost.com', 'alice@bifrost.com'])
      expect(calls).toEqual(expect.arrayContaining([`GET ${BASE}/scim2/Me`, `GET ${BASE}/scim2/Schemas`, `GET ${BASE}/api/users/v1/me/organizations`]))
      expect(grants).toEqual(['authorization_code'])

      // 3. the organizations: the current one from the id_token (org_name), the user's from the API
      await expect.poll(() => page.locator('#current-org').innerText(), { timeout: STEP_MS }).toBe('bifrost')
      await expect.poll(() => page.locator('#organizations li').allInnerTexts(), { timeout: STEP_MS }).toEqual([expect.stringContaining('Bifrost Labs'), expect.stringContaining('Bifrost Retail')])
      await page.screenshot({ path: join(SHOTS, 'asgardeo-react-signed-in.png') })

      // 4. switch organization: the organization_switch grant; the SDK then reads {baseUrl}/o/scim2/Me
      await page.locator('button[data-org="Bifrost Labs"]').click()
      await expect.poll(() => page.locator('#current-org').innerText(), { timeout: STEP_MS }).toBe('Bifrost Labs')
      expect(grants).toEqual(['authorization_code', 'organization_switch'])
      await expect.poll(() => calls.includes(`GET ${BASE}/o/scim2/Me`), { timeout: STEP_MS }).toBe(true)
      expect(await page.locator('#name').innerText()).toBe('Alice Perera')
      expect(await page.locator('button[data-org="Bifrost Labs"]').innerText()).toBe('Current')
      await page.screenshot({ path: join(SHOTS, 'asgardeo-react-switched.png') })

      // 5. sign out: /oidc/logout ends the session and returns to the app, signed out
      await Promise.all([page.waitForURL((u) => u.origin === app.origin && u.pathname === '/', { timeout: STEP_MS }), page.locator('#sign-out').click()])
      await page.locator('#sign-in').waitFor({ timeout: STEP_MS })
      expect(calls).toContain(`GET ${BASE}/oidc/logout`)
      // the mock's session really ended: signing in again shows the login page
      await page.locator('#sign-in').click()
      await page.locator('button[data-user="alice@bifrost.com"]').waitFor({ state: 'visible', timeout: STEP_MS })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 90_000)

  it('<SignIn> signs in app-natively: response_mode=direct, a wrong password is refused, the right one signs in', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
    const page = await context.newPage()
    const calls = []
    const errors = []
    page.on('request', (r) => r.url().startsWith(idp.url) && calls.push(`${r.method()} ${new URL(r.url()).pathname}${r.method() === 'POST' && r.url().endsWith('/oauth2/authorize') ? ` ${new URLSearchParams(r.postData() ?? '').get('response_mode')}` : ''}`))
    page.on('pageerror', (e) => errors.push(e.message))
    const debug = []
    page.on('console', (m) => debug.push(`${m.type()}: ${m.text().slice(0, 300)}`))
    page.on('response', async (r) => { if (r.url().includes('/oauth2/')) debug.push(`${r.status()} ${r.url().slice(0, 120)} ${(await r.text().catch(() => '')).slice(0, 200)}`) })
    try {
      await page.goto(`${app.origin}/sign-in`)
      const password = page.locator('#embedded-sign-in input[type=password]')
      await password.waitFor({ timeout: STEP_MS })
      expect(calls).toContain(`POST ${BASE}/oauth2/authorize direct`)
      await page.screenshot({ path: join(SHOTS, 'asgardeo-react-sign-in-form.png') })
      const username = page.locator('#embedded-sign-in input:not([type=password])').first()
      await username.fill('alice@bifrost.com')
      await password.fill('wrong')
      await page.locator('#embedded-sign-in button[type=submit]').click()
      // FAIL_INCOMPLETE: the SDK shows its own text for it (errors.signin.flow.completion.failure) and keeps the form
      await expect.poll(() => calls.filter((c) => c === `POST ${BASE}/oauth2/authn`).length, { timeout: STEP_MS }).toBe(1)
      await expect.poll(() => page.locator('#embedded-sign-in').innerText(), { timeout: STEP_MS }).toContain('An error occurred while completing the sign-in flow')
      expect(await password.count()).toBe(1)
      await page.screenshot({ path: join(SHOTS, 'asgardeo-react-sign-in-wrong-password.png') })
      await username.fill('alice@bifrost.com')
      await password.fill('alice')
      await page.locator('#embedded-sign-in button[type=submit]').click()
      // SUCCESS_COMPLETED: the SDK goes to afterSignInUrl with the code, and the provider redeems it
      await page.locator('#profile').waitFor({ timeout: STEP_MS })
      await expect.poll(() => page.locator('#name').innerText(), { timeout: STEP_MS }).toBe('Alice Perera')
      expect(calls.filter((c) => c === `POST ${BASE}/oauth2/authn`).length).toBe(2)
      expect(calls.some((c) => c.startsWith(`GET ${BASE}/oauth2/authorize`))).toBe(false)
      expect(errors).toEqual([])
    } catch (err) {
      console.log(debug.slice(-20).join('\n'), '\nBODY:', (await page.locator('body').innerHTML()).slice(0, 2000))
      throw err
    } finally {
      await context.close()
    }
  }, 90_000)
})
