import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { CHROMIUM, HAVE_CHROMIUM, LAUNCH_ARGS, requireChromium } from '../helpers/chromium.js'

// The error pages a developer sees while wiring an app: what was sent, what is registered, the JSON
// path to change and a snippet to paste — rendered in headless Chromium and saved as screenshots
// (test-results/error-*.png) for a person to look at.
requireChromium('test/e2e/error-pages.test.ts')
const RESULTS = new URL('../../test-results/', import.meta.url)

describe.skipIf(!HAVE_CHROMIUM)('actionable error pages (headless Chromium)', () => {
  let browser: Browser
  let idp: MockIdp

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    idp = await startMockIdp({ port: 0, env: {} })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await idp?.stop()
  })

  const open = async (url: string, shot: string) => {
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } })
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    const res = await page.goto(url)
    expect(res?.status()).toBe(400)
    expect(page.url()).toBe(url) // shown, never redirected
    await page.screenshot({ path: new URL(shot, RESULTS).pathname, fullPage: true })
    return page
  }

  it('GET / in a browser: the tenants with their URLs, clients and users', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 900 } })
    page.setDefaultTimeout(10_000) // a stuck step fails naming itself, inside the test's budget
    await page.goto(`${idp.url}/`)
    await page.screenshot({ path: new URL('index.png', RESULTS).pathname, fullPage: true })
    expect(await page.textContent('h1')).toBe('Tenants')
    expect(await page.locator('.tenant-name code').allTextContents()).toEqual(['genauth-demo', 'authing-demo', 'pingone-demo', 'asgardeo-demo'])
    const authing = page.locator('#authing-demo')
    expect(await authing.locator('h3').allTextContents()).toEqual(['oidc', 'oauth'])
    expect(await authing.textContent()).toContain(`${idp.url}/authing/demo/oidc/.well-known/openid-configuration`)
    expect(await page.locator('#pingone-demo').textContent()).toContain('spa-client')
    await page.close()
  })

  it('unknown redirect URI: sent, registered, JSON path and a copyable snippet', async () => {
    const authorize = idp.tenant('authing-demo').authorizationEndpoint!
    const q = new URLSearchParams({ response_type: 'code', client_id: 'spa-client', redirect_uri: 'http://localhost:5174/cb', scope: 'openid', state: '<b>x</b>' })
    const page = await open(`${authorize}?${q}`, 'error-redirect-uri.png')
    expect(await page.textContent('h1')).toBe('This sign-in request was refused')
    expect(await page.textContent('.error')).toContain('redirect_uri_mismatch')
    expect(await page.textContent('.why')).toContain('redirect_uri http://localhost:5174/cb is not registered for client spa-client (registered: http://localhost:5173/callback) — add it to tenants[1].clients[1].redirectUris')
    expect(await page.locator('.kv dd').allTextContents()).toEqual(['spa-client', 'http://localhost:5174/cb', 'code', 'openid'])
    expect(await page.locator('.values li').allTextContents()).toEqual(['http://localhost:5173/callback'])
    expect(await page.textContent('.path')).toBe('tenants[1].clients[1].redirectUris')
    expect(JSON.parse(`{${await page.textContent('#snippet')}}`)).toEqual({ redirectUris: ['http://localhost:5173/callback', 'http://localhost:5174/cb'] })
    await page.close()
  })

  it('unknown client: the nearest client id and the tenant clients', async () => {
    const authorize = idp.tenant('pingone-demo').authorizationEndpoint!
    const q = new URLSearchParams({ response_type: 'code', client_id: 'spa-clent', redirect_uri: 'http://localhost:5173/callback', scope: 'openid' })
    const page = await open(`${authorize}?${q}`, 'error-unknown-client.png')
    expect(await page.textContent('.why')).toContain('client_id spa-clent is not a client of tenant pingone-demo — did you mean spa-client?')
    expect(await page.locator('.values li').allTextContents()).toEqual(['6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', 'spa-client'])
    expect(await page.textContent('.path')).toBe('tenants[2].clients')
    await page.close()
  })

  it('unregistered post_logout_redirect_uri: the registered ones (defaults spelled out)', async () => {
    const endSession = idp.tenant('asgardeo-demo').endSessionEndpoint!
    const q = new URLSearchParams({ client_id: 'spa-client', post_logout_redirect_uri: 'http://localhost:5173/bye' })
    const page = await open(`${endSession}?${q}`, 'error-post-logout.png')
    expect(await page.textContent('h1')).toBe('This sign-out request was refused')
    expect(await page.locator('.values li').allTextContents()).toEqual(['http://localhost:5173/callback', 'http://localhost:5173', 'http://localhost:5173/'])
    expect(await page.textContent('.path')).toBe('tenants[3].clients[1].postLogoutRedirectUris')
    await page.close()
  })
})
