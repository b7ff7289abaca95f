import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startMockIdp, type MockIdp, type MockIdpConfig } from '../../src/index.js'
import defaultConfig from '../../mockidp.config.json' with { type: 'json' }
import { requireChromium } from '../helpers/chromium.js'

// A real browser against a real mockidp: a tiny SPA (fixtures/spa) on its own 127.0.0.1 port does
// authorization code + PKCE with fetch (so CORS and preflights are real), for every default tenant.
// Debian's chromium only: never downloads a browser. MOCKIDP_CHROMIUM points elsewhere.
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
requireChromium('test/e2e/browser.test.ts')

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const SPA_HTML = readFileSync(new URL('fixtures/spa/index.html', import.meta.url), 'utf8')
const RESULTS = new URL('../../test-results/', import.meta.url)
const SCOPE = 'openid profile email'
const VENDOR_NAMES: Record<string, string> = { genauth: 'GenAuth', authing: 'Authing', pingone: 'PingOne', asgardeo: 'Asgardeo' }
const TENANT_ROOTS: Record<string, string> = {
  'genauth-demo': '/genauth/demo',
  'authing-demo': '/authing/demo',
  'pingone-demo': '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60',
  'asgardeo-demo': '/asgardeo/t/bifrost',
}

/** Serve the SPA: `/` and `/callback` (GET, and POST for form_post), and `/config.json`. */
function startSpa(config: () => unknown): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config()))
    } else if ((path === '/' || path === '/callback') && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(SPA_HTML)
    } else if (path === '/callback' && req.method === 'POST') {
      let body = ''
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      req.on('end', () => {
        const fields = JSON.stringify(Object.fromEntries(new URLSearchParams(body))).replace(/</g, '\\u003c')
        const html = SPA_HTML.replace('<script id="form-post" type="application/json">null</script>', `<script id="form-post" type="application/json">${fields}</script>`)
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html)
      })
    } else res.writeHead(404).end()
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) })
    })
  })
}

/** The default config, with the SPA's callback registered for spa-client and its origin allowed by CORS. */
function configFor(spaOrigin: string): MockIdpConfig {
  const config = JSON.parse(JSON.stringify(defaultConfig)) as MockIdpConfig
  for (const t of config.tenants) {
    t.clients.find((c) => c.clientId === 'spa-client')!.redirectUris.push(`${spaOrigin}/callback`)
    t.cors = { origins: [spaOrigin] }
  }
  return config
}

describe.skipIf(!HAVE_CHROMIUM)('browser sign-in (headless Chromium, SPA with PKCE + fetch)', () => {
  let browser: Browser
  let idp: MockIdp
  let spa: Awaited<ReturnType<typeof startSpa>>
  let config: MockIdpConfig

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    spa = await startSpa(() => ({
      redirectUri: `${spa.origin}/callback`,
      postLogoutRedirectUri: `${spa.origin}/`,
      tenants: Object.fromEntries(idp.tenantIds.map((id) => [id, { discovery: idp.tenant(id).discoveryUrl, clientId: 'spa-client', scope: SCOPE }])),
    }))
    config = configFor(spa.origin)
    idp = await startMockIdp({ config, host: '127.0.0.1', port: 0, env: {} })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await idp?.stop()
    await spa?.close()
  })

  /** Main-frame document responses, to tell whether the login page was shown. */
  function documents(page: Page): { url: URL; status: number }[] {
    const seen: { url: URL; status: number }[] = []
    page.on('response', (r) => {
      if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) seen.push({ url: new URL(r.url()), status: r.status() })
    })
    return seen
  }

  const signedIn = async (page: Page, mode: string, name: string) => {
    await page.waitForURL((u) => u.origin === spa.origin && u.pathname === '/callback')
    // From /callback the next round's navigation can start after the click returns (the SPA hashes
    // its PKCE verifier first): wait for this round's mode, not the last round's "signed-in".
    const state = async () => `${await page.textContent('#status')} ${await page.textContent('#mode')}`
    await expect.poll(state, { timeout: 10_000 }).toMatch(new RegExp(`^(signed-in ${mode}|error.*)$`))
    expect(await page.textContent('#error')).toBe('')
    expect([await page.textContent('#status'), await page.textContent('#mode'), await page.textContent('#user')]).toEqual(['signed-in', mode, name])
  }

  it.each(defaultConfig.tenants.map((t) => t.id))('%s: login page → click a user → code + PKCE via fetch → userinfo → SSO (fragment, form_post) → logout', async (tenantId) => {
    const tenant = config.tenants.find((t) => t.id === tenantId)!
    const user = tenant.users[1]! // alice
    const info = idp.tenant(tenantId)
    const authorizePath = new URL(info.authorizationEndpoint!).pathname
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    const docs = documents(page)
    const logs: string[] = []
    page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`))
    try {
      await page.goto(`${spa.origin}/?tenant=${tenantId}`)
      await page.waitForSelector('#login:enabled')
      expect(await page.textContent('#status')).toBe('ready')

      // 1. no session: the hosted login page
      await page.click('#login')
      await page.waitForURL((u) => u.pathname === authorizePath)
      const h1 = page.getByRole('heading', { level: 1 })
      expect(await h1.textContent()).toBe('Sign in to Local SPA (Vite)')
      expect(await page.textContent('.context')).toBe(`${VENDOR_NAMES[info.vendor]} · tenant ${tenantId}`)
      expect([await page.getByLabel('Username or email', { exact: true }).count(), await page.getByLabel('Password', { exact: true }).count()]).toEqual([1, 1])
      const shot = new URL(`login-${tenantId}.png`, RESULTS).pathname
      await page.screenshot({ path: shot, fullPage: true })
      expect(existsSync(shot)).toBe(true)
      // keyboard: Tab reaches the first user's button, and it shows a focus ring
      await page.keyboard.press('Tab')
      // (expressions as strings: the test's tsconfig has no DOM types)
      expect(await page.locator(':focus').getAttribute('data-user')).toBe(tenant.users[0]!.username)
      expect(await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid')

      await page.click(`button[data-user="${user.username}"]`)
      await signedIn(page, 'query', String(user.name))
      const cookies = await context.cookies()
      expect(cookies.map((c) => [c.name, c.path, c.httpOnly, c.sameSite])).toEqual([[`mockidp_${tenantId.replace(/-/g, '_')}`, TENANT_ROOTS[tenantId], true, 'Lax']])

      // 2. SSO: the session signs in again without the page, in each response mode
      for (const [button, mode] of [['#login-fragment', 'fragment'], ['#login-form-post', 'form_post']] as const) {
        const before = docs.length
        await page.click(button)
        await signedIn(page, mode, String(user.name))
        const authorizeDocs = docs.slice(before).filter((d) => d.url.pathname === authorizePath)
        expect(authorizeDocs.map((d) => d.status)).toEqual([mode === 'form_post' ? 200 : 302]) // form_post's 200 is the auto-submitting form, not the login page
      }

      // 3. logout returns to the SPA, and the next sign-in shows the page again
      await page.click('#logout')
      await page.waitForURL((u) => u.origin === spa.origin && u.pathname === '/' && u.searchParams.has('state'))
      await expect.poll(() => page.textContent('#status'), { timeout: 10_000 }).toBe('signed-out')
      expect(await context.cookies()).toEqual([])
      await page.click('#login')
      await page.waitForURL((u) => u.pathname === authorizePath)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to Local SPA (Vite)')
    } catch (err) {
      throw new Error(`${(err as Error).message}\nbrowser console:\n${logs.join('\n')}`, { cause: err })
    } finally {
      await context.close()
    }
  }, 60_000)

  it('the browser enforces the CORS policy: a page from an origin not in cors.origins cannot read the responses', async () => {
    // the same SPA server, reached as localhost instead of 127.0.0.1: another origin, not configured
    const other = spa.origin.replace('127.0.0.1', 'localhost')
    const info = idp.tenant('authing-demo')
    const page = await browser.newPage()
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    try {
      await page.goto(`${other}/config.json`)
      const probe = (url: string, init: object = {}) =>
        page.evaluate<string>(`fetch(${JSON.stringify(url)}, ${JSON.stringify(init)}).then((r) => 'read ' + r.status, (e) => 'blocked: ' + e.name)`)
      expect(await probe(info.discoveryUrl!)).toBe('blocked: TypeError')
      expect(await probe(info.userinfoEndpoint!, { headers: { authorization: 'Bearer x' } })).toBe('blocked: TypeError') // preflight refused
      await page.goto(`${spa.origin}/config.json`) // the configured origin reads them, errors included
      expect(await probe(info.discoveryUrl!)).toBe('read 200')
      expect(await probe(info.userinfoEndpoint!, { headers: { authorization: 'Bearer x' } })).toBe('read 401')
    } finally {
      await page.close()
    }
  }, 30_000)
})
