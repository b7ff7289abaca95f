/**
 * `mockidp/playwright`: sign users in through an app's real redirect flow, without clicking on the
 * login page, for Playwright tests. Works with `@playwright/test` or `playwright-core` objects (it
 * needs only the few methods typed below, so it imports nothing from Playwright).
 *
 * @example
 * // auth.setup.ts — Playwright's documented pattern: sign in once, save the state, reuse it
 * import { test as setup } from '@playwright/test'
 * import { signInThroughApp } from 'mockidp/playwright'
 * setup('sign in as alice', async ({ page }) => {
 *   await signInThroughApp(page, { tenant: 'authing-demo', user: 'alice', start: 'http://localhost:3000/login', until: 'http://localhost:3000/', storageState: 'playwright/.auth/alice.json' })
 * })
 */
import { connectMockIdp, type RemoteMockIdp } from './admin/client.js'
import type { NextSignInResult } from './admin/lifecycle.js'
import type { NextSignInOptions } from './runtime/next-sign-in.js'

/** A cookie as `BrowserContext.addCookies()` takes it. */
export interface CookieInit {
  name: string
  value: string
  domain: string
  path: string
  httpOnly?: boolean
  sameSite?: 'Strict' | 'Lax' | 'None'
}

/** What the helper uses of a Playwright `BrowserContext`. */
export interface BrowserContextLike {
  addCookies(cookies: CookieInit[]): Promise<void>
  storageState(options?: { path?: string }): Promise<unknown>
}

/** What the helper uses of a Playwright `Page`. */
export interface PageLike {
  context(): BrowserContextLike
  goto(url: string): Promise<unknown>
  waitForURL(url: string | RegExp | ((url: URL) => boolean)): Promise<void>
}

/** Who signs in, at which mock and tenant. */
export interface SignInAsOptions extends Omit<NextSignInOptions, 'ticketOnly'> {
  /** The mock: its base URL or a `connectMockIdp()` handle. Default: `$MOCKIDP_URL`. */
  mockIdp?: string | RemoteMockIdp
  /** The tenant the app signs in with, e.g. `authing-demo`. */
  tenant: string
}

/** {@link SignInAsOptions} plus where the app's login starts and ends. */
export interface SignInThroughAppOptions extends SignInAsOptions {
  /** The app URL that starts its login (it redirects to the mock's authorization endpoint). */
  start: string
  /** Where the app lands once signed in, as `page.waitForURL()` takes it. */
  until: string | RegExp | ((url: URL) => boolean)
  /** Save the context's `storageState` here (reuse it with `test.use({ storageState })`). */
  storageState?: string
}

function remoteOf(mockIdp: string | RemoteMockIdp | undefined): RemoteMockIdp {
  if (typeof mockIdp === 'object') return mockIdp
  const url = mockIdp ?? process.env.MOCKIDP_URL
  if (!url) throw new Error('mockidp/playwright: pass mockIdp (the mock\'s URL) or set MOCKIDP_URL')
  return connectMockIdp(url)
}

/**
 * Make the next authorization request this browser context sends to the tenant sign `user` in,
 * without the login page. The sign-in is queued with a ticket (a cookie on the mock's host names it),
 * so tests running in parallel, each in its own context, never take each other's users.
 */
export async function signInAs(context: BrowserContextLike, opts: SignInAsOptions): Promise<NextSignInResult> {
  const { mockIdp, tenant, ...signIn } = opts
  const remote = remoteOf(mockIdp)
  const t = remote.tenant(tenant)
  const [info, queued] = await Promise.all([t.info(), t.nextSignIn({ ...signIn, ticketOnly: true })])
  // the cookie goes to every host the tenant's authorization endpoints are reached at
  const hosts = new Set<string>()
  for (const s of Object.values(info.servers)) if (s.authorizationEndpoint) hosts.add(new URL(s.authorizationEndpoint).hostname)
  await context.addCookies([...hosts].map((domain) => ({ name: queued.cookie.name, value: queued.cookie.value, domain, path: '/', httpOnly: true, sameSite: 'Lax' as const })))
  return queued
}

/**
 * Sign `user` in through the app's own login: queue the sign-in ({@link signInAs}), open `start`,
 * wait for `until`, and save the context's `storageState` when asked. Resolves to the storage state.
 */
export async function signInThroughApp(page: PageLike, opts: SignInThroughAppOptions): Promise<unknown> {
  const { start, until, storageState, ...signIn } = opts
  const context = page.context()
  await signInAs(context, signIn)
  await page.goto(start)
  await page.waitForURL(until)
  return context.storageState(storageState === undefined ? {} : { path: storageState })
}

/** The `signInAs` fixture: `await signInAs('alice', { amr: ['mfa'] })` before the test opens the app. */
export type SignInAsFixture = (user: string, more?: Partial<Omit<SignInAsOptions, 'user'>>) => Promise<NextSignInResult>

/**
 * Fixtures for `test.extend()`: `signInAs(user)` queues a sign-in for the test's own context.
 *
 * @example
 * import { test as base, expect } from '@playwright/test'
 * import { mockIdpFixtures, type SignInAsFixture } from 'mockidp/playwright'
 * const test = base.extend<{ signInAs: SignInAsFixture }>(mockIdpFixtures({ tenant: 'authing-demo' }))
 * test('dashboard', async ({ page, signInAs }) => {
 *   await signInAs('alice')
 *   await page.goto('http://localhost:3000/login')
 *   await expect(page.getByText('Alice')).toBeVisible()
 * })
 */
export function mockIdpFixtures(defaults: Omit<SignInAsOptions, 'user'>): {
  signInAs: (args: { context: BrowserContextLike }, use: (fixture: SignInAsFixture) => Promise<void>) => Promise<void>
} {
  return {
    signInAs: async ({ context }, use) => {
      await use((user, more = {}) => signInAs(context, { ...defaults, ...more, user } as SignInAsOptions))
    },
  }
}
