/**
 * Authing Guard (@authing/guard-react18 from npm, unmodified) in headless Chromium against mockidp:
 * this example app is bundled with esbuild and served on 127.0.0.1; Guard loads the app's public
 * config from the tenant, shows its login form, signs test1 in with a password (RSA-encrypted by
 * Guard with the tenant's key) and the app shows the user; a reload keeps them signed in (Guard's
 * `user` query with the stored token); sign-out ends the session and shows Guard's form again.
 * Once on the Authing tenant, once on the GenAuth one.
 *
 * Debian's Chromium at /usr/bin/chromium (or $MOCKIDP_CHROMIUM); without it the suite fails under
 * CI and is skipped loudly elsewhere. No browser is ever downloaded.
 */
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
if (!HAVE_CHROMIUM) console.warn(`\n!! examples/guard-react SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)\n`)

const APP = fileURLToPath(new URL('..', import.meta.url))
const SHOTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const MOCKIDP = dirname(createRequire(import.meta.url).resolve('mockidp/package.json'))
const TENANTS = [
  { id: 'authing-demo', base: '/authing/demo', user: 'Test One' },
  { id: 'genauth-demo', base: '/genauth/demo', user: 'Test One' },
]
const STEP_MS = 15_000

let tmp, idp, browser
const servers = {}

/** Serve the bundled app: its files, a per-tenant config.json, index.html for any other path. */
function serveApp(dir, config) {
  const types = { js: 'text/javascript', css: 'text/css', json: 'application/json', html: 'text/html' }
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
  tmp = await mkdtemp(join(tmpdir(), 'mockidp-guard-'))
  await mkdir(join(tmp, 'dist'), { recursive: true })
  await mkdir(SHOTS, { recursive: true })
  await Promise.all([
    copyFile(join(APP, 'index.html'), join(tmp, 'index.html')),
    build({ entryPoints: [join(APP, 'src/main.jsx')], bundle: true, format: 'esm', jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, outdir: join(tmp, 'dist'), logLevel: 'silent' }),
  ])
  // the default config, with each app origin registered on the tenant's public spa-client (CORS)
  const cfg = JSON.parse(await readFile(join(MOCKIDP, 'mockidp.config.json'), 'utf8'))
  for (const t of TENANTS) {
    const config = { value: {} }
    servers[t.id] = { ...(await serveApp(tmp, config)), config }
    cfg.tenants.find((x) => x.id === t.id).clients.find((c) => c.clientId === 'spa-client').redirectUris.push(`${servers[t.id].origin}/callback`)
  }
  idp = await startMockIdp({ config: cfg, env: {} })
  for (const t of TENANTS) servers[t.id].config.value = { appId: 'spa-client', host: `${idp.url}${t.base}` }
  browser = await chromium.launch({ executablePath: CHROMIUM, timeout: 20_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all(Object.values(servers).map((s) => new Promise((r) => s.server.close(r))))
  await idp?.stop()
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

describe.skipIf(!HAVE_CHROMIUM).each(TENANTS)('Authing Guard against $id', (t) => {
  it('shows its login form from the public config, signs test1 in with a password, keeps them on reload, signs out', async () => {
    const { origin } = servers[t.id]
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } })
    const page = await context.newPage()
    const calls = []
    const errors = []
    page.on('request', (r) => r.url().startsWith(idp.url) && calls.push(`${r.method()} ${new URL(r.url()).pathname}`))
    page.on('pageerror', (e) => errors.push(e.message))
    try {
      await page.goto(`${origin}/`)
      // 1. Guard's own form, built from GET /api/v2/applications/spa-client/public-config
      const account = page.locator('#guard input').first()
      await account.waitFor({ timeout: STEP_MS })
      await expect.poll(() => page.locator('#guard').innerText(), { timeout: STEP_MS }).toContain('Local SPA (Vite)')
      expect(await account.getAttribute('placeholder')).toMatch(/Username \/ Email \/ Phone/)
      await page.screenshot({ path: join(SHOTS, `guard-login-${t.id}.png`) })
      expect(calls).toContain(`GET ${t.base}/api/v2/applications/spa-client/public-config`)

      // 2. a wrong password: Guard shows the tenant's error and stays on the form
      await account.fill('test1')
      await page.locator('#guard input[type=password]').fill('wrong')
      await page.locator('#guard button[type=submit]').click()
      // (in the browser's language: Guard sends x-authing-lang: en-US)
      await expect.poll(() => page.locator('body').innerText(), { timeout: STEP_MS }).toContain('Incorrect username or password')
      await page.screenshot({ path: join(SHOTS, `guard-wrong-password-${t.id}.png`) })
      await expect.poll(() => page.locator('body').innerText(), { timeout: STEP_MS }).not.toContain('Incorrect username or password')

      // 3. the right one: POST /api/v2/login/account, and the app shows the user Guard returned
      await page.locator('#guard input[type=password]').fill('test1')
      await page.locator('#guard button[type=submit]').click()
      await page.locator('#profile').waitFor({ timeout: STEP_MS })
      expect(await page.locator('#profile h1').innerText()).toBe(t.user)
      expect([await page.locator('#username').innerText(), await page.locator('#email').innerText()]).toEqual(['test1', 'test1@123.com'])
      expect(calls).toContain(`POST ${t.base}/api/v2/login/account`)
      await expect.poll(() => page.locator('body').innerText(), { timeout: STEP_MS }).not.toContain('Login Success')
      await page.screenshot({ path: join(SHOTS, `guard-signed-in-${t.id}.png`) })

      // 4. a reload: Guard's trackSession() asks /graphql/v2 `user` with the stored token
      await page.reload()
      await page.locator('#profile').waitFor({ timeout: STEP_MS })
      expect(await page.locator('#username').innerText()).toBe('test1')

      // 5. sign-out: GET /api/v2/logout ends the session, Guard returns to the app, which shows the form
      await page.locator('#sign-out').click()
      await page.locator('#guard input[type=password]').waitFor({ timeout: STEP_MS })
      expect(await page.locator('#profile').count()).toBe(0)
      expect(calls).toContain(`GET ${t.base}/api/v2/logout`)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 60_000)
})
