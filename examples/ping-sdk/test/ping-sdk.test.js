/**
 * Ping's JavaScript SDKs (@forgerock/javascript-sdk 4 and @forgerock/oidc-client 2, from npm,
 * unmodified) in headless Chromium against mockidp's PingOne tenant: this sample page is bundled with
 * esbuild and served on 127.0.0.1; the SDK reads its endpoints from PingOne's discovery, tries a
 * hidden-iframe prompt=none (no session yet: login_required), redirects to the login page, exchanges
 * the code (PKCE), shows the user from userinfo, renews its tokens in the background (hidden iframe
 * with the SSO session; the old access token is revoked), then signs out (revoke + IdP sign-off) —
 * and a second sign-in shows the login page again, because the session really ended.
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
if (!HAVE_CHROMIUM) console.warn(`\n!! examples/ping-sdk SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)\n`)

const APP = fileURLToPath(new URL('..', import.meta.url))
const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const MOCKIDP = dirname(createRequire(import.meta.url).resolve('mockidp/package.json'))
const AS = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
const SDKS = [
  { key: 'javascript-sdk', name: '@forgerock/javascript-sdk' },
  { key: 'oidc-client', name: '@forgerock/oidc-client' },
]
const STEP_MS = 15_000

let tmp, idp, browser, app
const config = { value: {} }

/** Serve the bundled page: its files, config.json, index.html for any other path (/callback too). */
function serveApp(dir) {
  const types = { js: 'text/javascript', css: 'text/css', html: 'text/html' }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/config.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config.value))
    const file = ['/dist/main.js', '/src/style.css'].includes(path) ? path.slice(1) : 'index.html'
    readFile(join(dir, file)).then(
      (body) => res.writeHead(200, { 'content-type': `${types[file.split('.').pop()]}; charset=utf-8`, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })))
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  tmp = await mkdtemp(join(tmpdir(), 'mockidp-ping-sdk-'))
  await mkdir(join(tmp, 'dist'), { recursive: true })
  await mkdir(join(tmp, 'src'), { recursive: true })
  await mkdir(SHOTS, { recursive: true })
  await Promise.all([
    copyFile(join(APP, 'index.html'), join(tmp, 'index.html')),
    copyFile(join(APP, 'src/style.css'), join(tmp, 'src/style.css')),
    build({ entryPoints: [join(APP, 'src/main.js')], bundle: true, format: 'esm', outdir: join(tmp, 'dist'), logLevel: 'silent' }),
  ])
  app = await serveApp(tmp)
  // the default config, with this app's origin registered on the PingOne tenant's public spa-client
  const cfg = JSON.parse(await readFile(join(MOCKIDP, 'mockidp.config.json'), 'utf8'))
  const spa = cfg.tenants.find((t) => t.id === 'pingone-demo').clients.find((c) => c.clientId === 'spa-client')
  spa.redirectUris.push(`${app.origin}/callback`)
  idp = await startMockIdp({ config: cfg, env: {} })
  config.value = { wellknown: `${idp.url}${AS}/.well-known/openid-configuration`, clientId: 'spa-client', redirectUri: `${app.origin}/callback`, scope: 'openid profile email' }
  browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 20_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  if (app) await new Promise((r) => app.server.close(r))
  await idp?.stop()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/** GET userinfo with a token, from Node: 200 while it is live, 401 once revoked. */
const userinfoStatus = async (token) => (await fetch(`${idp.url}${AS}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status

describe.skipIf(!HAVE_CHROMIUM).each(SDKS)('$name against PingOne', (sdk) => {
  it('signs in with a redirect, shows userinfo, renews in the background, revokes and signs out; the next sign-in shows the login page', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 820 } })
    const page = await context.newPage()
    const calls = []
    const accessTokens = []
    const errors = []
    const mainNavigations = []
    page.on('request', (r) => {
      if (!r.url().startsWith(idp.url)) return
      const u = new URL(r.url())
      calls.push(`${r.method()} ${u.pathname}${u.searchParams.get('prompt') ? ` prompt=${u.searchParams.get('prompt')}` : ''}${r.frame() === page.mainFrame() ? '' : ' (iframe)'}`)
    })
    page.on('response', async (r) => {
      if (r.request().method() === 'POST' && r.url() === `${idp.url}${AS}/token` && r.status() === 200) accessTokens.push((await r.json()).access_token)
    })
    page.on('framenavigated', (f) => f === page.mainFrame() && mainNavigations.push(f.url()))
    page.on('pageerror', (e) => errors.push(e.message))
    const shot = (step) => page.screenshot({ path: join(SHOTS, `ping-sdk-${sdk.key}-${step}.png`) })
    const status = () => page.locator('#status').innerText()
    try {
      // 0. signed out; the SDK configured itself from discovery
      await page.goto(`${app.origin}/?sdk=${sdk.key}`)
      await expect.poll(status, { timeout: STEP_MS }).toBe('Signed out')
      expect(calls).toContain(`GET ${AS}/.well-known/openid-configuration`)
      await shot('1-signed-out')

      // 1. sign in: the hidden iframe's prompt=none gets login_required (no session), then the redirect
      await page.locator('#sign-in').click()
      await page.waitForURL(`${idp.url}${AS}/authorize?**`, { timeout: STEP_MS })
      await page.locator('#username').waitFor({ timeout: STEP_MS })
      expect(calls.filter((c) => c.startsWith(`GET ${AS}/authorize`))).toEqual([`GET ${AS}/authorize prompt=none (iframe)`, `GET ${AS}/authorize`])
      await shot('2-login-page')
      await page.locator('#username').fill('test1')
      await page.locator('#password').fill('test1')
      await page.locator('button[type=submit].primary').click()

      // 2. back at /callback: code exchanged, the user from userinfo
      await expect.poll(status, { timeout: STEP_MS }).toBe('Signed in')
      expect(await page.locator('#name').innerText()).toBe('Test One')
      expect([await page.locator('#username').innerText(), await page.locator('#email').innerText(), await page.locator('#sub').innerText()]).toEqual(['test1', 'test1@123.com', '8f4c1b77-2f6e-4f6a-9a1e-3c2d9b7a1e55'])
      expect(new URL(page.url()).pathname).toBe('/')
      expect(calls).toContain(`POST ${AS}/token`)
      expect(calls).toContain(`GET ${AS}/userinfo`)
      await expect.poll(() => accessTokens.length, { timeout: STEP_MS }).toBe(1)
      const first = accessTokens[0]
      expect(await page.locator('#token-tail').innerText()).toBe(first.slice(-12))
      expect(await userinfoStatus(first)).toBe(200)
      await shot('3-signed-in')

      // 3. background renew: a prompt=none iframe finds the SSO session; the page never navigates
      const navigationsBefore = mainNavigations.length
      const authorizeBefore = calls.filter((c) => c.includes('/authorize')).length
      await page.locator('#renew').click()
      await expect.poll(() => page.locator('#renewed').innerText(), { timeout: STEP_MS }).toBe('1 time in the background')
      expect(mainNavigations.length).toBe(navigationsBefore)
      expect(calls.filter((c) => c.includes('/authorize')).slice(authorizeBefore)).toEqual([`GET ${AS}/authorize prompt=none (iframe)`])
      await expect.poll(() => accessTokens.length, { timeout: STEP_MS }).toBe(2)
      const second = accessTokens[1]
      expect(second).not.toBe(first)
      expect(await page.locator('#token-tail').innerText()).toBe(second.slice(-12))
      expect(calls).toContain(`POST ${AS}/revoke`)
      expect(await userinfoStatus(first)).toBe(401) // the SDK revoked the old access token
      expect(await userinfoStatus(second)).toBe(200)
      await shot('4-renewed')

      // 4. sign out: revoke, then PingOne's IdP sign-off (ping_end_idp_session_endpoint, fetched)
      const revokesBefore = calls.filter((c) => c === `POST ${AS}/revoke`).length
      await page.locator('#sign-out').click()
      await expect.poll(status, { timeout: STEP_MS }).toBe('Signed out')
      expect(calls.filter((c) => c === `POST ${AS}/revoke`).length).toBe(revokesBefore + 1)
      expect(calls).toContain(`GET ${AS}/idpSignoff`)
      expect(await userinfoStatus(second)).toBe(401)
      expect(await page.locator('#error').count()).toBe(0)
      await shot('5-signed-out')

      // 5. sign in again: no session left, so the iframe gets login_required and the login page shows
      const authorizeBeforeAgain = calls.filter((c) => c.includes('/authorize')).length
      await page.locator('#sign-in').click()
      await page.waitForURL(`${idp.url}${AS}/authorize?**`, { timeout: STEP_MS })
      await page.locator('#username').waitFor({ timeout: STEP_MS })
      expect(calls.filter((c) => c.includes('/authorize')).slice(authorizeBeforeAgain)).toEqual([`GET ${AS}/authorize prompt=none (iframe)`, `GET ${AS}/authorize`])
      await shot('6-login-again')
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 90_000)
})
