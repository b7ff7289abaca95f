import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { mockIdpFixtures, signInThroughApp, type SignInAsFixture } from '../../src/playwright.js'

// "Sign in as" through an app's real redirect flow: a small server-side app (code flow with a
// client secret, id_token verified with jose) and headless Chromium driven by the mockidp/playwright
// helper. No click on the login page: the mock signs the queued user in.
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
if (!HAVE_CHROMIUM) console.warn(`\n!! test/e2e/sign-in-as.test.ts SKIPPED: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MOCKIDP_CHROMIUM)\n`)
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const RESULTS = new URL('../../test-results/', import.meta.url)
const TENANT = 'authing-demo'
const CLIENT = 'playwright-app'
const SECRET = 'playwright-app-secret'

const cookies = (header: string | undefined): Record<string, string> => Object.fromEntries((header ?? '').split(/;\s*/).filter(Boolean).map((c) => [c.slice(0, c.indexOf('=')), decodeURIComponent(c.slice(c.indexOf('=') + 1))]))
const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

/**
 * The app: /login → the mock; /callback → token endpoint, verified id_token, a session cookie; / → who
 * is signed in; /logout → the mock's end-session endpoint; /frontchannel-logout → ends the app session
 * (Front-Channel Logout 1.0), recording each call in `frontchannelCalls`.
 */
function startApp(idp: () => MockIdp, TENANT: string, CLIENT: string, SECRET: string) {
  const frontchannelCalls: URLSearchParams[] = []
  // the iframe is cross-site, so it cannot clear the app's cookie: sessions end server-side by sid
  const endedSids = new Set<string>()
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const info = idp().tenant(TENANT)
      const origin = `http://${req.headers.host}`
      const jar = cookies(req.headers.cookie)
      if (url.pathname === '/login') {
        const state = Math.random().toString(36).slice(2)
        const to = new URL(info.authorizationEndpoint!)
        for (const [k, v] of Object.entries({ client_id: CLIENT, redirect_uri: `${origin}/callback`, response_type: 'code', scope: 'openid profile email', state })) to.searchParams.set(k, v)
        res.writeHead(302, { location: to.href, 'set-cookie': `app_state=${state}; Path=/; HttpOnly` }).end()
      } else if (url.pathname === '/callback') {
        if (url.searchParams.get('state') !== jar.app_state) return void res.writeHead(400).end('bad state')
        const body = new URLSearchParams({ grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: `${origin}/callback`, client_id: CLIENT, client_secret: SECRET })
        const tokens = (await (await fetch(info.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).json()) as { id_token: string }
        const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(info.jwksUri!)), { issuer: info.issuer, audience: CLIENT })
        const session = Buffer.from(JSON.stringify({ user: payload.preferred_username ?? payload.username, sub: payload.sub, amr: payload.amr, acr: payload.acr, plan: payload.plan, sid: payload.sid, idToken: tokens.id_token })).toString('base64url')
        res.writeHead(302, { location: '/', 'set-cookie': `app_session=${session}; Path=/; HttpOnly` }).end()
      } else if (url.pathname === '/') {
        const stored = jar.app_session ? (JSON.parse(Buffer.from(jar.app_session, 'base64url').toString()) as Record<string, unknown>) : undefined
        const s = stored && !endedSids.has(String(stored.sid)) ? stored : undefined
        const html = s
          ? `<h1 id="who">${esc(String(s.user))}</h1><p id="amr">${esc(JSON.stringify(s.amr ?? null))}</p><p id="acr">${esc(String(s.acr ?? ''))}</p><p id="plan">${esc(String(s.plan ?? ''))}</p>`
          : '<h1 id="who">signed out</h1><a href="/login">Sign in</a>'
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(`<!doctype html><title>App</title><main style="font:16px system-ui;margin:3em">${html}</main>`)
      } else if (url.pathname === '/logout') {
        const s = JSON.parse(Buffer.from(jar.app_session ?? '', 'base64url').toString() || '{}') as { idToken?: string }
        const to = new URL(info.endSessionEndpoint!)
        if (s.idToken) to.searchParams.set('id_token_hint', s.idToken)
        if (url.searchParams.has('back')) to.searchParams.set('post_logout_redirect_uri', `${origin}/`)
        res.writeHead(302, { location: to.href }).end()
      } else if (url.pathname === '/frontchannel-logout') {
        frontchannelCalls.push(url.searchParams)
        if (url.searchParams.get('iss') === info.issuer) endedSids.add(url.searchParams.get('sid') ?? '')
        res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end('<!doctype html><title>signed out</title>')
      } else res.writeHead(404).end()
    })().catch((err: Error) => res.writeHead(500).end(err.message))
  })
  return new Promise<{ origin: string; frontchannelCalls: URLSearchParams[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({ origin: `http://localhost:${port}`, frontchannelCalls, close: () => new Promise<void>((r) => server.close(() => r())) })
    })
  })
}

describe.skipIf(!HAVE_CHROMIUM)('"sign in as" with mockidp/playwright (headless Chromium)', () => {
  let browser: Browser
  let idp: MockIdp
  let app: Awaited<ReturnType<typeof startApp>>
  let asgardeoApp: Awaited<ReturnType<typeof startApp>>

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    app = await startApp(() => idp, TENANT, CLIENT, SECRET)
    asgardeoApp = await startApp(() => idp, 'asgardeo-demo', CLIENT, SECRET)
    idp = await startMockIdp({ env: {} })
    idp.tenant(TENANT).upsertClient({ clientId: CLIENT, clientSecret: SECRET, redirectUris: [`${app.origin}/callback`] })
    idp.tenant('asgardeo-demo').upsertClient({
      clientId: CLIENT,
      clientSecret: SECRET,
      redirectUris: [`${asgardeoApp.origin}/callback`],
      postLogoutRedirectUris: [`${asgardeoApp.origin}/`],
      frontchannelLogoutUri: `${asgardeoApp.origin}/frontchannel-logout`,
      frontchannelLogoutSessionRequired: true,
    })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await idp?.stop()
    await app?.close()
    await asgardeoApp?.close()
  })

  /** Statuses of the mock's authorization endpoint as the browser saw them (a login page would be a 200). */
  function authorizeResponses(page: Page): number[] {
    const seen: number[] = []
    const path = new URL(idp.tenant(TENANT).authorizationEndpoint!).pathname
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === path) seen.push(r.status())
    })
    return seen
  }

  it('signs in as alice through the app with signInThroughApp, no click on the login page, and saves storageState that a new context reuses', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    const statuses = authorizeResponses(page)
    const statePath = new URL('sign-in-as-alice.json', RESULTS).pathname
    await signInThroughApp(page, { mockIdp: idp.url, tenant: TENANT, user: 'alice', clientId: CLIENT, start: `${app.origin}/login`, until: `${app.origin}/`, storageState: statePath })
    expect(await page.textContent('#who')).toBe('alice')
    expect(statuses).toEqual([302])
    await page.screenshot({ path: new URL('sign-in-as-alice.png', RESULTS).pathname })
    await context.close()

    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { cookies: { name: string }[] }
    expect(saved.cookies.map((c) => c.name)).toContain('app_session')
    const reused = await browser.newContext({ storageState: statePath })
    const again = await reused.newPage()
    again.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    const none = authorizeResponses(again)
    await again.goto(`${app.origin}/`)
    expect(await again.textContent('#who')).toBe('alice')
    expect(none).toEqual([])
    await reused.close()
  })

  it('two tests in parallel, each signing in another user (with amr, acr and claims) through the fixture', async () => {
    const { signInAs } = mockIdpFixtures({ mockIdp: idp.url, tenant: TENANT })
    const run = async (user: string, extra: Parameters<SignInAsFixture>[1]) => {
      const context = await browser.newContext()
      const page = await context.newPage()
      page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
      const statuses = authorizeResponses(page)
      try {
        let result: { who: string | null; amr: string | null; acr: string | null; plan: string | null } | undefined
        // the fixture as Playwright runs it: `use` receives signInAs(user) for this context
        await signInAs({ context }, async (fixture) => {
          await fixture(user, extra)
          await page.goto(`${app.origin}/login`)
          await page.waitForURL(`${app.origin}/`)
          result = { who: await page.textContent('#who'), amr: await page.textContent('#amr'), acr: await page.textContent('#acr'), plan: await page.textContent('#plan') }
        })
        expect(statuses).toEqual([302])
        return result!
      } finally {
        await context.close()
      }
    }
    const [a, b] = await Promise.all([run('alice', { amr: ['pwd', 'mfa'], acr: 'urn:mockidp:mfa', claims: { plan: 'pro' } }), run('test1', {})])
    expect(a).toEqual({ who: 'alice', amr: '["pwd","mfa"]', acr: 'urn:mockidp:mfa', plan: 'pro' })
    expect(b).toEqual({ who: 'test1', amr: 'null', acr: '', plan: '' })
    // every queued sign-in was taken by its own context
    expect((await idp.journal({ tenant: TENANT, endpoint: 'authorization', clientId: CLIENT })).every((e) => e.status === 302)).toBe(true)
  })

  it('front-channel logout (Asgardeo): the end-session page loads the app’s logout URI in an iframe with iss and sid, then returns to the app signed out', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    try {
      await signInThroughApp(page, { mockIdp: idp.url, tenant: 'asgardeo-demo', user: 'alice@bifrost.com', start: `${asgardeoApp.origin}/login`, until: `${asgardeoApp.origin}/` })
      expect(await page.textContent('#who')).toBe('alice@bifrost.com')

      // without a post-logout redirect the page stays: look at it
      asgardeoApp.frontchannelCalls.length = 0
      await page.goto(`${asgardeoApp.origin}/logout`)
      await expect.poll(() => asgardeoApp.frontchannelCalls.length, { timeout: 10_000 }).toBe(1)
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are signed out')
      expect(await page.textContent('section h2')).toBe('Apps told about the sign-out')
      await expect.poll(() => page.textContent('#fcl-state-0'), { timeout: 10_000 }).toBe('notified')
      await page.screenshot({ path: new URL('frontchannel-logout-asgardeo.png', RESULTS).pathname, fullPage: true })
      const call = asgardeoApp.frontchannelCalls[0]!
      expect(call.get('iss')).toBe(idp.tenant('asgardeo-demo').issuer)
      expect(call.get('sid')).toMatch(/^[0-9a-f-]{36}$/)
      await page.goto(`${asgardeoApp.origin}/`)
      expect(await page.textContent('#who')).toBe('signed out')

      // with one: the page moves on to the app once the iframe loaded
      await signInThroughApp(page, { mockIdp: idp.url, tenant: 'asgardeo-demo', user: 'alice@bifrost.com', start: `${asgardeoApp.origin}/login`, until: `${asgardeoApp.origin}/` })
      await page.goto(`${asgardeoApp.origin}/logout?back=1`)
      await page.waitForURL(`${asgardeoApp.origin}/`)
      expect(asgardeoApp.frontchannelCalls).toHaveLength(2)
      expect(await page.textContent('#who')).toBe('signed out')
    } finally {
      await context.close()
    }
  })
})
