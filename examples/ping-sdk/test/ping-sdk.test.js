/**
 * Ping's JavaScript SDKs (@forgerock/javascript-sdk 4 and @forgerock/oidc-client 2, from npm,
 * unmodified) in headless Chromium against mockidp's PingOne tenant: this sample page is bundled with
 * esbuild and served on 127.0.0.1; the SDK reads its endpoints from PingOne's discovery, tries a
 * hidden-iframe prompt=none (no session yet: login_required), redirects to the login page, exchanges
 * the code (PKCE), shows the user from userinfo, renews its tokens in the background (hidden iframe
 * with the SSO session; the old access token is revoked), then signs out (revoke + IdP sign-off) —
 * and a second sign-in shows the login page again, because the session really ended.
 * Once on the default tenant (http, the page and mockidp on 127.0.0.1: same site), once at PingOne's
 * production URL over HTTPS (https://auth.pingone.com mapped to the mock by Chromium, the mock's CA
 * trusted by its key hash): there the renew's iframe is cross-site, as against PingOne.
 *
 * Debian's Chromium at /usr/bin/chromium (or $MOCKIDP_CHROMIUM); without it the suite fails under
 * CI and is skipped loudly elsewhere. No browser is ever downloaded.
 */
import { createHash, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
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
const ENV_ID = '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
const PRODUCTION = 'https://auth.pingone.com'
const SDKS = [
  { key: 'javascript-sdk', name: '@forgerock/javascript-sdk' },
  { key: 'oidc-client', name: '@forgerock/oidc-client' },
]
const STEP_MS = 15_000

const MODES = [
  // the page's host name: 127.0.0.1 as mockidp's, so same-site over http; localhost for the cross-site case
  { id: 'http', label: 'the default tenant over http', https: false, host: '127.0.0.1' },
  { id: 'production', label: `its production URL ${PRODUCTION} over HTTPS (cross-site)`, https: true, host: 'localhost' },
]
let tmp, browser, args
/** Per mode: the page's server, its mockidp, and the issuer the SDK sees. */
const modes = {}

/** base64(sha256(SubjectPublicKeyInfo)) of a certificate: what --ignore-certificate-errors-spki-list takes. */
const spkiHash = (pem) => createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')

/** Serve the bundled page: its files, config.json, index.html for any other path (/callback too). */
function serveApp(dir, config, host) {
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
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://${host}:${server.address().port}` })))
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
  for (const mode of MODES) {
    const config = { value: {} }
    const app = await serveApp(tmp, config, mode.host)
    // the default config, with this page's origin registered on the PingOne tenant's public spa-client
    const cfg = JSON.parse(await readFile(join(MOCKIDP, 'mockidp.config.json'), 'utf8'))
    cfg.tenants.find((t) => t.id === 'pingone-demo').clients.find((c) => c.clientId === 'spa-client').redirectUris.push(`${app.origin}/callback`)
    const idp = await startMockIdp({ config: cfg, env: {}, ...(mode.https ? { https: true, tlsDir: join(tmp, 'tls') } : {}) })
    const issuer = mode.https ? `${PRODUCTION}/${ENV_ID}/as` : `${idp.url}/pingone/${ENV_ID}/as`
    config.value = { wellknown: `${issuer}/.well-known/openid-configuration`, clientId: 'spa-client', redirectUri: `${app.origin}/callback`, scope: 'openid profile email' }
    modes[mode.id] = { app, idp, issuer }
  }
  const https = modes.production.idp
  args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', `--host-resolver-rules=MAP auth.pingone.com 127.0.0.1:${https.port}`, `--ignore-certificate-errors-spki-list=${spkiHash(await readFile(https.caFile, 'utf8'))}`]
  browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 20_000, args })
}, 60_000)

const VIEWPORT = { width: 1100, height: 820 }

/**
 * A fresh profile on disk with third-party cookies allowed (Chromium's cookie_controls_mode 0): the
 * setting under which the cross-site renew works against PingOne too. A context like
 * browser.newContext() (incognito-like) sends no cookie to a cross-site iframe, whoever the IdP.
 */
async function contextWithThirdPartyCookies() {
  const profile = await mkdtemp(join(tmp, 'profile-'))
  await mkdir(join(profile, 'Default'))
  await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }))
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, timeout: 20_000, args, viewport: VIEWPORT })
}

afterAll(async () => {
  await browser?.close()
  for (const { app, idp } of Object.values(modes)) {
    await new Promise((r) => app.server.close(r))
    await idp.stop()
  }
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

const CASES = MODES.flatMap((mode) => SDKS.map((sdk) => ({ ...sdk, mode })))

describe.skipIf(!HAVE_CHROMIUM).each(CASES)('$name against PingOne at $mode.label', (sdk) => {
  it('signs in with a redirect, shows userinfo, renews in the background, revokes and signs out; the next sign-in shows the login page', async () => {
    const { app, issuer } = modes[sdk.mode.id]
    // same site (http): any context; cross-site (production): third-party cookies must be allowed
    const context = sdk.mode.https ? await contextWithThirdPartyCookies() : await browser.newContext({ viewport: VIEWPORT })
    const page = context.pages()[0] ?? (await context.newPage())
    const calls = []
    const accessTokens = []
    const errors = []
    const mainNavigations = []
    const idpRequests = []
    page.on('request', (r) => {
      if (!r.url().startsWith(issuer)) return
      idpRequests.push(r.url())
      const u = new URL(r.url())
      calls.push(`${r.method()} ${u.pathname.slice(new URL(issuer).pathname.length)}${u.searchParams.get('prompt') ? ` prompt=${u.searchParams.get('prompt')}` : ''}${r.frame() === page.mainFrame() ? '' : ' (iframe)'}`)
    })
    page.on('response', async (r) => {
      if (r.request().method() === 'POST' && r.url() === `${issuer}/token` && r.status() === 200) accessTokens.push((await r.json()).access_token)
    })
    page.on('framenavigated', (f) => f === page.mainFrame() && mainNavigations.push(f.url()))
    page.on('pageerror', (e) => errors.push(e.message))
    const shot = (step) => page.screenshot({ path: join(SHOTS, `ping-sdk-${sdk.mode.id}-${sdk.key}-${step}.png`) })
    /** userinfo with a token, fetched by the page (so through Chromium's host mapping): 200 while it is live, 401 once revoked. */
    const userinfoStatus = (token) => page.evaluate(async ([url, t]) => (await fetch(url, { headers: { authorization: `Bearer ${t}` } })).status, [`${issuer}/userinfo`, token])
    const status = () => page.locator('#status').innerText()
    try {
      // 0. signed out; the SDK configured itself from discovery
      await page.goto(`${app.origin}/?sdk=${sdk.key}`)
      await expect.poll(status, { timeout: STEP_MS }).toBe('Signed out')
      expect(calls).toContain(`GET /.well-known/openid-configuration`)
      await shot('1-signed-out')

      // 1. sign in: the hidden iframe's prompt=none gets login_required (no session), then the redirect
      await page.locator('#sign-in').click()
      await page.waitForURL(`${issuer}/authorize?**`, { timeout: STEP_MS })
      await page.locator('#username').waitFor({ timeout: STEP_MS })
      expect(calls.filter((c) => c.startsWith(`GET /authorize`))).toEqual([`GET /authorize prompt=none (iframe)`, `GET /authorize`])
      await shot('2-login-page')
      await page.locator('#username').fill('test1')
      await page.locator('#password').fill('test1')
      await page.locator('button[type=submit].primary').click()

      // 2. back at /callback: code exchanged, the user from userinfo
      await expect.poll(status, { timeout: STEP_MS }).toBe('Signed in')
      expect(await page.locator('#name').innerText()).toBe('Test One')
      expect([await page.locator('#username').innerText(), await page.locator('#email').innerText(), await page.locator('#sub').innerText()]).toEqual(['test1', 'test1@123.com', '8f4c1b77-2f6e-4f6a-9a1e-3c2d9b7a1e55'])
      expect(new URL(page.url()).pathname).toBe('/')
      expect(calls).toContain(`POST /token`)
      expect(calls).toContain(`GET /userinfo`)
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
      expect(calls.filter((c) => c.includes('/authorize')).slice(authorizeBefore)).toEqual([`GET /authorize prompt=none (iframe)`])
      await expect.poll(() => accessTokens.length, { timeout: STEP_MS }).toBe(2)
      const second = accessTokens[1]
      expect(second).not.toBe(first)
      expect(await page.locator('#token-tail').innerText()).toBe(second.slice(-12))
      expect(calls).toContain(`POST /revoke`)
      expect(await userinfoStatus(first)).toBe(401) // the SDK revoked the old access token
      expect(await userinfoStatus(second)).toBe(200)
      await shot('4-renewed')

      // 4. sign out: revoke, then PingOne's IdP sign-off (ping_end_idp_session_endpoint, fetched)
      const revokesBefore = calls.filter((c) => c === `POST /revoke`).length
      await page.locator('#sign-out').click()
      await expect.poll(status, { timeout: STEP_MS }).toBe('Signed out')
      expect(calls.filter((c) => c === `POST /revoke`).length).toBe(revokesBefore + 1)
      expect(calls).toContain(`GET /idpSignoff`)
      expect(await userinfoStatus(second)).toBe(401)
      expect(await page.locator('#error').count()).toBe(0)
      await shot('5-signed-out')

      // 5. sign in again: no session left, so the iframe gets login_required and the login page shows
      const authorizeBeforeAgain = calls.filter((c) => c.includes('/authorize')).length
      await page.locator('#sign-in').click()
      await page.waitForURL(`${issuer}/authorize?**`, { timeout: STEP_MS })
      await page.locator('#username').waitFor({ timeout: STEP_MS })
      expect(calls.filter((c) => c.includes('/authorize')).slice(authorizeBeforeAgain)).toEqual([`GET /authorize prompt=none (iframe)`, `GET /authorize`])
      await shot('6-login-again')
      // every call went to the issuer the SDK read from discovery (the production host, in that mode)
      expect(idpRequests.length).toBeGreaterThan(10)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 90_000)
})

describe.skipIf(!HAVE_CHROMIUM)('@forgerock/javascript-sdk at the production URL in a browser that blocks third-party cookies', () => {
  it('the renew iframe gets login_required (no cookie cross-site), so the SDK renews with a full redirect instead', async () => {
    const { app, issuer } = modes.production
    const context = await browser.newContext({ viewport: VIEWPORT }) // incognito-like: third-party cookies blocked
    const page = await context.newPage()
    const silent = []
    const accessTokens = []
    const topLevelAuthorize = [] // statuses of the page's own visits to /authorize: 200 is the login page
    page.on('response', async (r) => {
      if (r.url().startsWith(`${issuer}/authorize?`) && r.frame() === page.mainFrame()) topLevelAuthorize.push(r.status())
      if (r.url().startsWith(`${issuer}/authorize?`) && new URL(r.url()).searchParams.get('prompt') === 'none') silent.push({ frame: r.frame() === page.mainFrame() ? 'main' : 'iframe', location: r.headers().location ?? '' })
      if (r.request().method() === 'POST' && r.url() === `${issuer}/token` && r.status() === 200) accessTokens.push((await r.json()).access_token)
    })
    try {
      await page.goto(`${app.origin}/?sdk=javascript-sdk`)
      await page.locator('#sign-in').click()
      await page.locator('#username').waitFor({ timeout: STEP_MS })
      await page.locator('#username').fill('test1')
      await page.locator('#password').fill('test1')
      await page.locator('button[type=submit].primary').click()
      await expect.poll(() => page.locator('#status').innerText(), { timeout: STEP_MS }).toBe('Signed in')
      await expect.poll(() => accessTokens.length, { timeout: STEP_MS }).toBe(1)

      const visitsBefore = topLevelAuthorize.length
      await page.locator('#renew').click()
      // the iframe's prompt=none: no cookie in the cross-site frame, so login_required …
      await expect.poll(() => silent.length, { timeout: STEP_MS }).toBe(2)
      expect(silent[1].frame).toBe('iframe')
      expect(new URL(silent[1].location).searchParams.get('error')).toBe('login_required')
      // … and the SDK's fallback: a top-level redirect, where the cookie is first-party, straight back with a code
      await expect.poll(() => accessTokens.length, { timeout: STEP_MS }).toBe(2)
      await expect.poll(() => page.locator('#status').innerText(), { timeout: STEP_MS }).toBe('Signed in')
      expect(await page.locator('#token-tail').innerText()).toBe(accessTokens[1].slice(-12))
      expect(await page.locator('#renewed').innerText()).toBe('0 times in the background') // the page reloaded: no background renew
      expect(topLevelAuthorize.slice(visitsBefore)).toEqual([302]) // one redirect through PingOne, no login page
      await page.screenshot({ path: join(SHOTS, 'ping-sdk-production-javascript-sdk-renew-by-redirect.png') })
    } finally {
      await context.close()
    }
  }, 60_000)
})
