import { existsSync, mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { startMockIdp, type MockIdp } from '../../src/index.js'
import { record } from '../helpers/page.js'

// The device flow's verification page in a real browser: type the code, confirm, pick a user.
// Debian's chromium only (never downloaded); under CI a missing browser fails instead of skipping.
const CHROMIUM = process.env.MOCKIDP_CHROMIUM ?? '/usr/bin/chromium'
const HAVE_CHROMIUM = existsSync(CHROMIUM)
const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const RESULTS = new URL('../../test-results/', import.meta.url)

const cases = [
  // PingOne's codes are capitals (typed any case, dash optional); Asgardeo's are case-sensitive
  { tenant: 'pingone-demo', clientId: '6c3f9d0e-1a2b-4c5d-8e7f-9a0b1c2d3e4f', secret: 'pingone-demo-secret', token: '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as', caseSensitive: false },
  { tenant: 'asgardeo-demo', clientId: 'z8RB6ysdDZhe4QO0zJAQzKbi6P4a', secret: 'z0C79zlopx8i7ByOw8K15A9dplYa', token: '/asgardeo/t/bifrost/oauth2', caseSensitive: true },
]

describe.skipIf(!HAVE_CHROMIUM && process.env.CI !== 'true')('device verification page (headless Chromium)', () => {
  let browser: Browser
  let idp: MockIdp
  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    idp = await startMockIdp({ env: {} })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await idp?.stop()
  })

  it.each(cases)('$tenant: enter the code, approve as test1; the device then gets tokens', async (c) => {
    const info = idp.tenant(c.tenant)
    const origin = new URL(info.issuer).origin
    const auth = `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}`
    const path = c.tenant === 'pingone-demo' ? `${c.token}/device_authorization` : `${c.token}/device_authorize`
    const res = await fetch(origin + path, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'scope=openid%20profile' })
    const device = (await res.json()) as Record<string, string>
    const poll = () =>
      fetch(`${origin}${c.token}/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code! }),
      })
    const pending = await poll()
    expect(pending.status).toBe(400)
    expect(((await pending.json()) as { error: string }).error).toBe('authorization_pending')

    const page = await browser.newPage({ viewport: { width: 520, height: 760 } })
    // each wait fails in 10 s, naming its step, well inside the test's own timeout
    record(page, 10_000)
    await page.goto(device.verification_uri!)
    // typed the way people type it: lower case and without dashes where the vendor's codes are
    // case-insensitive. (Deciding by the code's own letters failed 1 run in 28: an Asgardeo code
    // can happen to hold no lower-case letter.)
    const typed = c.caseSensitive ? device.user_code! : device.user_code!.replace(/-/g, '').toLowerCase()
    await page.fill('#user_code', typed)
    await page.screenshot({ path: new URL(`device-${c.tenant}-1-enter.png`, RESULTS).pathname, fullPage: true })
    await page.click('button.primary')
    // the next page either confirms the code or says it was refused — and then the test says which
    await page.waitForSelector('[data-user-code], #code-error')
    expect(await page.locator('#code-error').count(), `the page refused ${JSON.stringify(typed)} for ${device.user_code}`).toBe(0)
    expect(await page.textContent('[data-user-code]')).toBe(device.user_code)
    await page.screenshot({ path: new URL(`device-${c.tenant}-2-approve.png`, RESULTS).pathname, fullPage: true })
    await page.click('button[data-user="test1"]')
    await page.locator('h1', { hasText: 'Device connected' }).waitFor()
    await page.screenshot({ path: new URL(`device-${c.tenant}-3-done.png`, RESULTS).pathname, fullPage: true })
    await page.close()

    // RFC 8628 §3.5: the second poll came more than `interval` after the first in wall time? Not
    // necessarily — so wait the interval out before polling again.
    await new Promise((r) => setTimeout(r, Number(device.interval) * 1000 + 100))
    const done = await poll()
    expect(done.status).toBe(200)
    const tokens = (await done.json()) as Record<string, string>
    expect(tokens.access_token).toBeTypeOf('string')
    expect(tokens.id_token).toBeTypeOf('string')
  }, 40_000)
})
