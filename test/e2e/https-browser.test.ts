/**
 * The vendors' browser SDKs with their production configuration, unchanged, against mockidp over
 * HTTPS in headless Chromium: `@authing/web` with `domain: 'https://demo.authing.cn'`, the Ping OIDC
 * SDK with `initializeFromOpenIdConfig('https://auth.pingone.com/<envId>/as')`, `@asgardeo/browser`
 * with `baseUrl: 'https://api.asgardeo.io/t/bifrost'`. Chromium maps those names to the mock's port
 * (`--host-resolver-rules`) and trusts the mock's CA by its key hash
 * (`--ignore-certificate-errors-spki-list`): nothing is installed, no port 443 is bound.
 *
 * The apps are served on http://localhost:<port>, another site than the IdP, as in development, so
 * the silent sign-in iframe (prompt=none) and Asgardeo's check-session iframe are cross-site: they
 * find the session only through the `Secure; SameSite=None` cookie the mock sets over TLS.
 *
 * Skipped, loudly, without Chromium (/usr/bin/chromium or $MOCKIDP_CHROMIUM); nothing is downloaded.
 */
import { createHash, X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Page, type Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { defaultCfg } from '../helpers/idp.js'
import { record } from '../helpers/page.js'
import { VENDOR_HOSTS } from '../helpers/resolve.js'

const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
if (!HAVE_CHROMIUM) console.warn(`\n!! test/e2e/https-browser.test.ts SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)\n`)
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url))
const ENV_ID = '0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60'
const STEP_MS = 10_000

type Name = 'spa-authing' | 'spa-asgardeo' | 'spa-pingone'
interface App {
  dir: string
  server: Server
  /** http://localhost:<port>: another site than every IdP host. */
  origin: string
}

let tmp: string
let idp: MockIdp
/** Chromium's flags: the vendor names mapped to the mock, the mock's CA trusted by its key hash. */
let args: string[]
const apps = {} as Record<Name, App>

/** Serve a bundled sample app on localhost: its files, and index.html for every other path. */
async function serveApp(name: Name): Promise<App> {
  const dir = join(tmp, name)
  await mkdir(dir, { recursive: true })
  await copyFile(join(EXAMPLES, name, 'index.html'), join(dir, 'index.html'))
  await build({ entryPoints: [join(EXAMPLES, name, 'main.js')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: join(dir, 'app.js'), logLevel: 'silent' })
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const file = path === '/app.js' || path === '/config.json' ? path.slice(1) : 'index.html'
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.json') ? 'application/json' : 'text/html'
    readFile(join(dir, file)).then((b) => res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(b), () => res.writeHead(404).end())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { dir, server, origin: `http://localhost:${(server.address() as AddressInfo).port}` }
}

/** base64(sha256(SubjectPublicKeyInfo)) of a certificate: what --ignore-certificate-errors-spki-list takes. */
const spkiHash = (pem: string) => createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return
  tmp = await mkdtemp(join(tmpdir(), 'mockidp-https-spa-'))
  for (const n of ['spa-authing', 'spa-asgardeo', 'spa-pingone'] as Name[]) apps[n] = await serveApp(n)
  const cfg = defaultCfg({ clock: 'system' })
  for (const [tenant, app] of [['authing-demo', 'spa-authing'], ['asgardeo-demo', 'spa-asgardeo'], ['pingone-demo', 'spa-pingone']] as const)
    cfg.tenants.find((t) => t.id === tenant)!.clients.find((c) => c.clientId === 'spa-client')!.redirectUris.push(`${apps[app].origin}/callback`)
  idp = await startMockIdp({ config: cfg, env: {}, https: true, tlsDir: join(tmp, 'tls') })

  // The apps' configs: the vendors' production URLs, nothing of the mock's
  const configs: Record<Name, Record<string, unknown>> = {
    'spa-authing': { domain: 'https://demo.authing.cn', appId: 'spa-client', userPoolId: 'demo-user-pool', redirectUri: `${apps['spa-authing'].origin}/callback`, logoutRedirectUri: `${apps['spa-authing'].origin}/`, scope: 'openid profile email offline_access' },
    'spa-asgardeo': { baseUrl: 'https://api.asgardeo.io/t/bifrost', clientId: 'spa-client', afterSignInUrl: `${apps['spa-asgardeo'].origin}/callback`, afterSignOutUrl: `${apps['spa-asgardeo'].origin}/`, scopes: ['openid', 'profile', 'email'], checkSessionInterval: 1 },
    'spa-pingone': { issuer: `https://auth.pingone.com/${ENV_ID}/as`, clientId: 'spa-client', redirectUri: `${apps['spa-pingone'].origin}/callback`, postLogoutRedirectUri: `${apps['spa-pingone'].origin}/`, scope: 'openid profile email' },
  }
  for (const n of Object.keys(configs) as Name[]) await writeFile(join(apps[n].dir, 'config.json'), JSON.stringify(configs[n]))

  args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    `--host-resolver-rules=${VENDOR_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${idp.port}`).join(', ')}`,
    `--ignore-certificate-errors-spki-list=${spkiHash(readFileSync(idp.caFile!, 'utf8'))}`,
  ]
}, 90_000)

afterAll(async () => {
  await idp?.stop()
  await Promise.all(Object.values(apps).map((a) => new Promise<void>((r) => a.server.close(() => r()))))
  if (tmp) await rm(tmp, { recursive: true, force: true })
})

/**
 * A fresh browser profile on disk with third-party cookies allowed (Chromium's cookie_controls_mode
 * 0): the setting under which silent sign-in across sites works against the real vendors too.
 * An incognito-like context, or a browser that blocks third-party cookies, sends no cookie to a
 * cross-site iframe, whoever the IdP.
 */
async function open() {
  const profile = await mkdtemp(join(tmp, 'profile-'))
  await mkdir(join(profile, 'Default'))
  await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, timeout: 20_000, args })
  const page = context.pages()[0] ?? (await context.newPage())
  return { context, page, ...record(page, STEP_MS) }
}

/** Wait until `#id` reads `text`; fail at once, with the app's error, when it shows one. */
async function shows(page: Page, id: string, text: string, errors: string[]): Promise<void> {
  const read = (sel: string) => page.locator(sel).textContent({ timeout: 1000 }).catch(() => null)
  const until = Date.now() + STEP_MS
  let now: string | null = null
  while (Date.now() < until) {
    if ((now = await read(`#${id}`)) === text) return
    if ((await read('#status')) === 'error') break
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`#${id} reads ${JSON.stringify(now)}, not "${text}", at ${page.url()}: ${(await read('#error')) ?? ''}\npage errors: ${errors.join('\n') || 'none'}`)
}

/** Sign in on the mock's login page (on the vendor host) with a click, back to the app. */
async function signIn(page: Page, app: App, user: string, idpOrigin: string, errors: string[]) {
  await page.goto(`${app.origin}/`)
  await shows(page, 'status', 'signed out', errors)
  await page.click('#sign-in')
  const button = page.locator(`button[data-user="${user}"]`)
  await button.waitFor({ state: 'visible' })
  expect(new URL(page.url()).origin).toBe(idpOrigin)
  await Promise.all([page.waitForURL((u) => u.origin === app.origin), button.click()])
  await shows(page, 'status', 'signed in', errors)
}

const onHost = (requests: Request[], host: string) => requests.filter((r) => new URL(r.url()).host === host)

// each test launches its own persistent browser profile, then a whole sign-in journey: 60 s each
describe.skipIf(!HAVE_CHROMIUM)('browser SDKs with their production config, mockidp over HTTPS', { timeout: 60_000 }, () => {
  it('@authing/web (domain https://demo.authing.cn): sign-in, then a cross-site prompt=none iframe finds the session', async () => {
    const app = apps['spa-authing']
    const { context, page, requests, errors } = await open()
    try {
      await signIn(page, app, 'alice', 'https://demo.authing.cn', errors)
      await shows(page, 'name', 'Alice Zhang', errors)
      // every IdP call went to the production host, over TLS, to its production paths
      const idpCalls = onHost(requests, 'demo.authing.cn')
      expect(idpCalls.map((r) => new URL(r.url()).pathname)).toEqual(expect.arrayContaining(['/oidc/auth', '/oidc/token', '/api/v3/get-profile']))
      expect(idpCalls.every((r) => r.url().startsWith('https://demo.authing.cn/'))).toBe(true)
      const cookies = await context.cookies('https://demo.authing.cn/')
      expect(cookies.find((c) => c.name === 'mockidp_authing_demo')).toMatchObject({ secure: true, sameSite: 'None', httpOnly: true })

      // forget the app's tokens: on load the SDK signs in silently, with a hidden prompt=none
      // iframe from http://localhost:<port> to https://demo.authing.cn — cross-site
      await page.evaluate('localStorage.clear()')
      const before = requests.length
      await page.goto(`${app.origin}/`)
      await shows(page, 'status', 'signed in', errors)
      await shows(page, 'name', 'Alice Zhang', errors)
      const silent = requests.slice(before).filter((r) => r.url().startsWith('https://demo.authing.cn/oidc/auth?'))
      expect(silent.length).toBe(1)
      const q = new URL(silent[0]!.url()).searchParams
      expect([q.get('prompt'), q.get('response_mode')]).toEqual(['none', 'web_message'])
      expect(silent[0]!.frame() === page.mainFrame()).toBe(false)
      expect((await silent[0]!.allHeaders()).cookie).toMatch(/mockidp_authing_demo=/)
      // no login page in between: the page never left the app
      expect(requests.slice(before).some((r) => r.isNavigationRequest() && r.frame() === page.mainFrame() && new URL(r.url()).host === 'demo.authing.cn')).toBe(false)
    } finally {
      await context.close()
    }
  })

  it("Ping OIDC SDK (initializeFromOpenIdConfig('https://auth.pingone.com/<envId>/as')): sign-in, userinfo, refresh", async () => {
    const app = apps['spa-pingone']
    const { context, page, requests, errors } = await open()
    try {
      await signIn(page, app, 'alice', 'https://auth.pingone.com', errors)
      await shows(page, 'name', 'Alice Doe', errors)
      await page.click('#refresh')
      await shows(page, 'refreshed', 'yes', errors)
      const paths = onHost(requests, 'auth.pingone.com').map((r) => `${r.method()} ${new URL(r.url()).pathname}`)
      expect(paths).toEqual(expect.arrayContaining([`GET /${ENV_ID}/as/.well-known/openid-configuration`, `GET /${ENV_ID}/as/authorize`, `POST /${ENV_ID}/as/token`, `GET /${ENV_ID}/as/userinfo`]))
    } finally {
      await context.close()
    }
  })

  it("@asgardeo/browser (baseUrl https://api.asgardeo.io/t/bifrost): sign-in, JWKS check, and the cross-site check-session iframe sees the session", async () => {
    const app = apps['spa-asgardeo']
    const { context, page, requests, errors } = await open()
    try {
      await signIn(page, app, 'alice@bifrost.com', 'https://api.asgardeo.io', errors)
      await shows(page, 'name', 'Alice Perera', errors)
      // the OP iframe (https://api.asgardeo.io/t/bifrost/oidc/checksession inside http://localhost) reads the session cookie
      await shows(page, 'session', 'unchanged', errors)
      const paths = onHost(requests, 'api.asgardeo.io').map((r) => new URL(r.url()).pathname)
      expect(paths).toEqual(expect.arrayContaining(['/t/bifrost/oauth2/authorize', '/t/bifrost/oauth2/token', '/t/bifrost/oauth2/jwks', '/t/bifrost/oidc/checksession']))
    } finally {
      await context.close()
    }
  })
})
