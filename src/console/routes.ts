import { existsSync, readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Idp } from '../runtime/idp.js'
import { packagePath } from '../lib/paths.js'
import { requireTenant, mounted } from '../admin/control.js'
import { ConfigError } from '../config/errors.js'
import { decodeToken } from '../journal/tokens.js'
import { consoleTenants } from './model.js'
import { consolePage } from './page.js'

/**
 * The developer console at `/_mockidp/` (README: Console): a server-rendered page enhanced by a
 * small script, both loaded only when a browser first asks for them. Every action it offers goes
 * through the admin API.
 */

let script: { text: string; etag: string } | undefined
/** The browser script: next to this module in `src/`, copied to `dist/console/` by the build. */
function browserScript(): { text: string; etag: string } {
  if (script) return script
  const file = [packagePath('dist/console/app.js'), packagePath('src/console/app.js')].find((f) => existsSync(f))!
  const text = readFileSync(file, 'utf8')
  return (script = { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 16)}"` })
}

/** Render the console (or, at `/console/callback`, the test client's return page). */
export function consoleResponse(c: Context, idp: Idp, origin: string, base: string, callback = false): Response {
  const boot = { base, origin, now: idp.clock.now(), frozen: idp.clock.frozen, tenants: consoleTenants(idp, origin), ...(callback ? { callback: true } : {}) }
  const html = consolePage(boot, `${base}/console/app.js?v=${browserScript().etag.slice(1, 9)}`)
  return c.html(html, 200, {
    'cache-control': 'no-store',
    // the page runs only its own script; nothing may frame it
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'x-frame-options': 'DENY',
  })
}

/** GET /console/app.js */
export function consoleScript(c: Context): Response {
  const { text, etag } = browserScript()
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag })
  return c.body(text, 200, { 'content-type': 'text/javascript; charset=utf-8', etag, 'cache-control': 'no-cache' })
}

/** GET /console/clock: the mock's clock, as the page shows it. */
export const consoleClock = (c: Context, idp: Idp): Response => c.json({ now: idp.clock.now(), frozen: idp.clock.frozen }, 200, { 'cache-control': 'no-store' })

/** GET /journal/events: every journal entry as it is recorded (Server-Sent Events, one JSON entry per event). */
export function journalEvents(c: Context, idp: Idp): Response {
  return streamSSE(c, async (stream) => {
    let wake: (() => void) | undefined
    const queue: string[] = []
    const stop = idp.journal.subscribe((e) => {
      queue.push(JSON.stringify(e))
      wake?.()
    })
    const ended = new Promise<void>((resolve) => {
      stream.onAbort(resolve)
      idp.journal.onClose(resolve)
    })
    let open = true
    void ended.then(() => {
      open = false
      wake?.()
    })
    try {
      await stream.writeSSE({ event: 'ready', data: String(idp.clock.now()) })
      while (open) {
        while (queue.length) await stream.writeSSE({ data: queue.shift()! })
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, 15_000).unref() // a comment line now and then keeps proxies from closing the stream
        })
        wake = undefined
        if (open && !queue.length) await stream.write(': keep-alive\n\n')
      }
    } finally {
      stop()
    }
  })
}

/** POST /tenants/:tenant/verify `{ token }`: decode a JWT and check it against the tenant's keys. */
export async function verifyEndpoint(c: Context, idp: Idp): Promise<Response> {
  const tenant = requireTenant(idp, c.req.param('tenant')!)
  let body: unknown
  try {
    body = await c.req.json()
  } catch {
    throw new ConfigError('the body must be a JSON object { "token": "…" }')
  }
  const token = (body as { token?: unknown } | null)?.token
  if (typeof token !== 'string') throw new ConfigError('token: must be a string (a compact JWT)')
  for (const server of mounted(tenant)) {
    const d = decodeToken(server, token)
    if (d?.signature === 'valid') return c.json(d, 200, { 'cache-control': 'no-store' })
  }
  const d = decodeToken(mounted(tenant)[0]!, token)
  if (!d) throw new ConfigError('token: not a compact JWT (header.payload.signature)')
  return c.json(d, 200, { 'cache-control': 'no-store' })
}
