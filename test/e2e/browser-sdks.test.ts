/**
 * The vendors' browser SDKs, as published on npm and unmodified, in headless Chromium against a
 * running mockidp: a sample SPA from examples/spa-* (bundled here with esbuild, served here on
 * 127.0.0.1) signs in through the mock's login page with a click, gets tokens through the SDK,
 * shows the user's name from the userinfo (or profile) API, refreshes and signs out back to the app.
 *
 * @authing/web only talks to a port-less host (VENDORS appendix): the Authing tenant is served by
 * host name, `authing-demo.localhost`, and Chromium maps that name to the mock's real port
 * (`--host-resolver-rules=MAP authing-demo.localhost 127.0.0.1:<port>`), so the URL and the Host
 * header stay port-less, exactly as with a mock on port 80. Nothing binds port 80.
 *
 * Skipped, loudly, without Chromium at /usr/bin/chromium (`apt-get install -y chromium`) or at
 * $MOCKIDP_CHROMIUM; no browser is ever downloaded.
 */
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { defaultCfg } from '../helpers/idp.js'
import { requireChromium } from '../helpers/chromium.js'
import { record } from '../helpers/page.js'

const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
requireChromium('test/e2e/browser-sdks.test.ts')
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))
const AUTHING_HOST = 'authing-demo.localhost'
const ASGARDEO_BASE = '/asgardeo/t/bifrost'
const PINGONE_ISSUER = '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as'
/** Upper bound of any single wait in the browser. */
const STEP_MS = 10_000

type SpaName = 'spa-authing' | 'spa-asgardeo' | 'spa-pingone'

/** A sample SPA: bundled into its own directory and served from its own origin. */
interface Spa {
  name: SpaName
  dir: string
  server: Server
  origin: string
}

let tmp: string
let spas: Record<SpaName, Spa>
let idp: MockIdp
let browser: Browser

/** Serve `dir`: its files, and index.html for any other path (the SPA's /callback). */
function serveDir(dir: string): Promise<{ server: Server; origin: string }> {
  const types: Record<string, string> = { js: 'text/javascript', json: 'application/json', html: 'text/html' }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = ['/app.js', '/config.json'].includes(path) ? path.slice(1) : 'index.html'
    readFile(join(dir, file)).then(
      (body) => res.writeHead(200, { 'content-type': `${types[file.split('.').pop()!]}; charset=utf-8`, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
  })
}

/** Bundle examples/<name>/main.js (with the SDK from node_modules) next to a copy of its index.html. */
async function bundle(name: SpaName, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await Promise.all([
    copyFile(join(EXAMPLES, name, 'index.html'), join(dir, 'index.html')),
    build({ entryPoints: [join(EXAMPLES, name, 'main.js')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'app.js'), logLevel: 'silent' }),
  ])
}

const closeServer = (s: Server | undefined) => new Promise<void>((r) => (s ? s.close(() => r()) : r()))

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  tmp = await mkdtemp(join(tmpdir(), 'mockidp-spa-'))
  const names: SpaName[] = ['spa-authing', 'spa-asgardeo', 'spa-pingone']
  const made = await Promise.all(
    names.map(async (name) => {
      const dir = join(tmp, name)
      await bundle(name, dir)
      return { name, dir, ...(await serveDir(dir)) }
    }),
  )
  spas = Object.fromEntries(made.map((s) => [s.name, s])) as Record<SpaName, Spa>

  // The default config, with each SPA's callback registered on its tenant's public spa-client,
  // and the Authing tenant also reachable by host name (served at that host's root).
  const cfg = defaultCfg({ clock: 'system' })
  const register = (tenantId: string, spa: Spa) => {
    const tenant = cfg.tenants.find((t) => t.id === tenantId)!
    tenant.clients.find((c) => c.clientId === 'spa-client')!.redirectUris.push(`${spa.origin}/callback`)
    return tenant
  }
  register('authing-demo', spas['spa-authing']).hosts = [AUTHING_HOST]
  register('asgardeo-demo', spas['spa-asgardeo'])
  register('pingone-demo', spas['spa-pingone'])
  idp = await startMockIdp({ config: cfg, env: {} })

  const spaConfig: Record<SpaName, Record<string, unknown>> = {
    'spa-authing': {
      domain: `http://${AUTHING_HOST}`,
      appId: 'spa-client',
      userPoolId: 'mockidp-authing-demo',
      redirectUri: `${spas['spa-authing'].origin}/callback`,
      logoutRedirectUri: `${spas['spa-authing'].origin}/`,
      scope: 'openid profile email offline_access',
    },
    'spa-asgardeo': {
      baseUrl: `${idp.url}${ASGARDEO_BASE}`,
      clientId: 'spa-client',
      afterSignInUrl: `${spas['spa-asgardeo'].origin}/callback`,
      afterSignOutUrl: `${spas['spa-asgardeo'].origin}/`,
      scopes: ['openid', 'profile', 'email'],
      checkSessionInterval: 1,
    },
    'spa-pingone': {
      issuer: `${idp.url}${PINGONE_ISSUER}`,
      clientId: 'spa-client',
      redirectUri: `${spas['spa-pingone'].origin}/callback`,
      postLogoutRedirectUri: `${spas['spa-pingone'].origin}/`,
      scope: 'openid profile email',
    },
  }
  await Promise.all(names.map((n) => writeFile(join(spas[n].dir, 'config.json'), JSON.stringify(spaConfig[n]))))

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 20_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--host-resolver-rules=MAP ${AUTHING_HOST} 127.0.0.1:${idp.port}`],
  })
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await idp?.stop()
  await Promise.all(Object.values(spas ?? {}).map((s) => closeServer(s.server)))
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/** A fresh browser profile, with every request and every page error kept for the assertions and messages. */
async function open(): Promise<{ context: BrowserContext; page: Page; requests: Request[]; errors: string[] }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  return { context, page, ...record(page, STEP_MS) }
}

/** Wait until the SPA's `#id` reads `text`; fail at once, with the app's error, if it reports one. */
async function waitFor(page: Page, id: string, text: string, errors: string[]): Promise<void> {
  const read = (sel: string) => page.locator(sel).textContent({ timeout: 1000 }).catch(() => null) // null while navigating
  const deadline = Date.now() + STEP_MS
  let shown: string | null = null
  while (Date.now() < deadline) {
    shown = await read(`#${id}`)
    if (shown === text) return
    if ((await read('#status')) === 'error') break
    await new Promise((r) => setTimeout(r, 50))
  }
  const appError = await read('#error')
  throw new Error(`#${id} never read "${text}" (it reads ${JSON.stringify(shown)}) at ${page.url()}${appError ? `: ${appError}` : ''}\npage errors: ${errors.join('\n') || 'none'}`)
}

/** Click a test user on the mock's login page and wait to be back on the SPA. */
async function pickUser(page: Page, spa: Spa, username: string): Promise<void> {
  const button = page.locator(`button[data-user="${username}"]`)
  await button.waitFor({ state: 'visible' })
  await Promise.all([page.waitForURL((u) => u.origin === spa.origin), button.click()])
}

/**
 * The whole journey of one SPA: signed out → sign in (login page, one click) → tokens and the
 * user's name → refresh → sign out back to the app; then "Sign in" shows the login page again,
 * so the mock's SSO session really ended.
 */
async function journey(spa: Spa, opts: { username: string; name: string; loginOrigin: string; signedIn?: (page: Page, errors: string[]) => Promise<void>; refreshRefused?: RegExp }) {
  const { context, page, requests, errors } = await open()
  // token endpoint answers, read while the page is open
  const pending: Promise<string>[] = []
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/token')) pending.push(r.text())
  })
  try {
    await page.goto(`${spa.origin}/`)
    await waitFor(page, 'status', 'signed out', errors)

    await page.click('#sign-in')
    await page.locator(`button[data-user="${opts.username}"]`).waitFor({ state: 'visible' })
    expect(new URL(page.url()).origin).toBe(opts.loginOrigin)
    await pickUser(page, spa, opts.username)
    await waitFor(page, 'status', 'signed in', errors)
    await waitFor(page, 'name', opts.name, errors)
    await opts.signedIn?.(page, errors)

    await page.click('#refresh')
    if (opts.refreshRefused) {
      // the vendor gave no refresh token: the SDK reports its own error, as it does in production
      await page.locator('#status', { hasText: 'error' }).waitFor({ state: 'attached' })
      expect(await page.locator('#error').textContent()).toMatch(opts.refreshRefused)
    } else {
      await waitFor(page, 'refreshed', 'yes', errors)
      await waitFor(page, 'name', opts.name, errors)
    }

    await page.click('#sign-out')
    await page.waitForURL((u) => u.origin === spa.origin)
    await waitFor(page, 'status', 'signed out', errors)

    await page.click('#sign-in')
    await page.locator(`button[data-user="${opts.username}"]`).waitFor({ state: 'visible' })
    expect(new URL(page.url()).origin).toBe(opts.loginOrigin)
    return { requests, tokenBodies: await Promise.all(pending) }
  } finally {
    await context.close()
  }
}

const calls = (requests: Request[], pathname: string, method?: string) =>
  requests.filter((r) => new URL(r.url()).pathname === pathname && (method === undefined || r.method() === method))

describe.skipIf(!HAVE_CHROMIUM)('browser SDKs in headless Chromium against mockidp', () => {
  it('@authing/web: web_message silent check, redirect login on the port-less host tenant, PKCE, /api/v3/get-profile, no refresh token without prompt=consent, logout', async () => {
    const spa = spas['spa-authing']
    // @authing/web asks for offline_access but never sends prompt=consent; node-oidc-provider v6
    // (check_scope.js) then drops offline_access, so Authing issues no refresh token and the SDK's
    // refreshToken() fails with its own message ("获取 refresh_token 失败…")
    const { requests, tokenBodies } = await journey(spa, { username: 'alice', name: 'Alice Zhang', loginOrigin: `http://${AUTHING_HOST}`, refreshRefused: /refresh_token/ })
    const tokenCalls = calls(requests, '/oidc/token', 'POST')
    expect(tokenCalls.map((r) => new URLSearchParams(r.postData()!).get('grant_type'))).toEqual(['authorization_code'])
    const exchanged = JSON.parse(tokenBodies[0]!) as Record<string, unknown>
    expect(exchanged).not.toHaveProperty('refresh_token')
    expect(exchanged.scope).toBe('openid profile email')
    const profile = calls(requests, '/api/v3/get-profile', 'GET')
    expect(profile.length).toBeGreaterThanOrEqual(1)
    expect(profile[0]!.headers()['x-authing-userpool-id']).toBe('mockidp-authing-demo')
    expect(calls(requests, '/oidc/session/end').length).toBe(1)
    // on load, with nothing in localStorage, the SDK first tried a silent login: a hidden iframe with
    // prompt=none and response_mode=web_message, answered by a page that posts to the SPA's window
    const silent = calls(requests, '/oidc/auth', 'GET').map((r) => new URL(r.url()).searchParams)
    expect(silent.some((q) => q.get('prompt') === 'none' && q.get('response_mode') === 'web_message')).toBe(true)
  })

  it('@asgardeo/browser: baseUrl endpoints, JWKS check of each id_token, check-session iframe with session_state, refresh, logout', async () => {
    const spa = spas['spa-asgardeo']
    const { requests } = await journey(spa, {
      username: 'alice@bifrost.com',
      name: 'Alice Perera',
      loginOrigin: new URL(idp.url).origin,
      // the SDK posts "<client_id> <session_state>" to the OP iframe every second; the mock's iframe answers
      signedIn: (page, errors) => waitFor(page, 'session', 'unchanged', errors),
    })
    const tokenCalls = calls(requests, `${ASGARDEO_BASE}/oauth2/token`, 'POST')
    expect(tokenCalls.map((r) => new URLSearchParams(r.postData()!).get('grant_type'))).toEqual(['authorization_code', 'refresh_token'])
    expect(calls(requests, `${ASGARDEO_BASE}/oauth2/jwks`, 'GET').length).toBeGreaterThanOrEqual(2) // one per token response
    const callback = requests.find((r) => r.url().startsWith(`${spa.origin}/callback?code=`))!
    expect(new URL(callback.url()).searchParams.get('session_state')).toMatch(/^[0-9a-f]{64}\.[0-9a-f]{8}$/)
    expect(calls(requests, `${ASGARDEO_BASE}/oidc/checksession`, 'GET').length).toBeGreaterThanOrEqual(1)
    expect(calls(requests, `${ASGARDEO_BASE}/oidc/logout`).length).toBe(1)
  })

  it('@asgardeo/browser: after a logout elsewhere the check-session iframe says "changed" and prompt=none answers login_required', async () => {
    const spa = spas['spa-asgardeo']
    const { context, page, requests, errors } = await open()
    try {
      await page.goto(`${spa.origin}/`)
      await waitFor(page, 'status', 'signed out', errors)
      await page.click('#sign-in')
      await pickUser(page, spa, 'test1')
      await waitFor(page, 'status', 'signed in', errors)
      await waitFor(page, 'session', 'unchanged', errors)
      // another tab of the same browser ends the SSO session at the IdP
      const other = await context.newPage()
      other.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
      await other.goto(`${idp.url}${ASGARDEO_BASE}/oidc/logout`)
      await other.close()
      await waitFor(page, 'session', 'changed', errors)
      // the SDK re-checks with a prompt=none request in a hidden iframe; the mock answers login_required
      await expect.poll(() => requests.some((r) => r.url().startsWith(`${spa.origin}/callback?error=login_required&`)), { timeout: STEP_MS }).toBe(true)
      const silent = requests.find((r) => r.url().startsWith(`${idp.url}${ASGARDEO_BASE}/oauth2/authorize?`) && new URL(r.url()).searchParams.get('prompt') === 'none')
      expect(silent).toBeDefined()
      // (@asgardeo/browser 0.5.6 then fails to recognise its own prompt=none response — its state
      // "Y2hlY2tTZXNzaW9u" is replaced by "instance_0_request_N" — so it never signs the app out.)
    } finally {
      await context.close()
    }
  })

  it('Ping OIDC client SDK: discovery (read by the app: the SDK wants https), PKCE, userinfo, refresh, signoff', async () => {
    const spa = spas['spa-pingone']
    const { requests } = await journey(spa, { username: 'alice', name: 'Alice Doe', loginOrigin: new URL(idp.url).origin })
    const tokenCalls = calls(requests, `${PINGONE_ISSUER}/token`, 'POST')
    expect(tokenCalls.map((r) => new URLSearchParams(r.postData()!).get('grant_type'))).toEqual(['authorization_code', 'refresh_token'])
    expect(calls(requests, `${PINGONE_ISSUER}/userinfo`, 'GET').length).toBeGreaterThanOrEqual(2)
    expect(calls(requests, `${PINGONE_ISSUER}/signoff`).length).toBe(1)
  })
})
