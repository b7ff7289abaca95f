import type { Context } from 'hono'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import type { Env } from '../server/env.js'
import { escapeHtml, page } from '../server/html.js'
import type { DeviceRecord } from '../runtime/flow-stores.js'
import type { User } from '../runtime/tenant.js'
import { findPendingDevice } from './device.js'
import { OAuthError } from './errors.js'
import { readForm, readQuery, type Params } from './params.js'
import { currentSession } from './session.js'

/** Form fields of the device page. */
const FIELDS = { code: 'user_code', action: 'mockidp_action', user: 'mockidp_user' } as const

const CSS = `.code{font:600 26px/1.2 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:4px;text-align:center;text-transform:none;padding:12px}
.chip{display:block;text-align:center;font:600 24px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:4px;background:#f4f5f7;border:1px dashed var(--line);border-radius:10px;padding:10px;margin:0 0 14px}
.hint{color:var(--muted);font-size:13px;margin:6px 0 14px}.secondary{text-align:center;margin:4px 0 16px}
.done{display:grid;place-items:center;width:56px;height:56px;border-radius:50%;background:var(--brand);color:var(--on-brand);font-size:30px;margin:8px auto 12px}
.center{text-align:center}`

/** The profile's display name of the tenant, for the page title. */
const vendorName = (c: Context<Env>): string => c.get('server').tenant.profile.displayName

const displayName = (u: User): string => String(u.name ?? u.preferred_username ?? u.username)

/** Frame every device page the same way as the login page: brand bar, card, mock warning. */
function render(c: Context<Env>, title: string, inner: string, status: 200 | 400 = 200): Response {
  const server = c.get('server')
  const profile = server.tenant.profile
  const initial = escapeHtml([...profile.brand.logoText][0]?.toUpperCase() ?? '')
  const html = page(
    `${title} — ${vendorName(c)} (mockidp)`,
    `<header class="brand"><span class="logo" aria-hidden="true">${initial}</span><span class="brand-name">${escapeHtml(profile.brand.logoText)}</span><span class="badge">mock</span></header>
${inner}
<p class="warn">mockidp imitates ${escapeHtml(profile.displayName)} for development and tests. Not for production.</p>`,
    { color: profile.brand.color, css: CSS },
  )
  return c.html(html, status, { 'cache-control': 'no-store' })
}

function entryForm(c: Context<Env>, typed: string, error?: string): Response {
  const action = escapeHtml(c.get('server').paths.deviceVerification!)
  const alphabet = c.get('server').spec.device!.userCode.alphabet
  const hint = alphabet === alphabet.toUpperCase() ? 'Upper or lower case, with or without the dash.' : 'The code is case-sensitive.'
  const invalid = error ? ' aria-invalid="true" aria-describedby="code-error"' : ''
  return render(
    c,
    'Connect a device',
    `<section aria-labelledby="title"><h1 class="title" id="title">Connect a device</h1>
<p class="context">${escapeHtml(vendorName(c))} · tenant <code>${escapeHtml(c.get('server').tenant.id)}</code></p>
${error ? `<p class="error" role="alert" id="code-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action}"><input type="hidden" name="${FIELDS.action}" value="lookup">
<label for="user_code">Enter the code shown on your device</label>
<input id="user_code" class="code" name="${FIELDS.code}" value="${escapeHtml(typed)}" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required autofocus${invalid}>
<p class="hint">${hint}</p>
<p><button class="primary" type="submit">Continue</button></p></form></section>`,
    error ? 400 : 200,
  )
}

async function approvalForm(c: Context<Env>, rec: DeviceRecord): Promise<Response> {
  const server = c.get('server')
  const tenant = server.tenant
  const action = escapeHtml(server.paths.deviceVerification!)
  const client = tenant.clients.get(rec.clientId)
  const clientName = client?.name ?? rec.clientId
  const code = `<input type="hidden" name="${FIELDS.code}" value="${escapeHtml(rec.userCode)}">`
  const signedIn = await currentSession(c)
  const users = [...tenant.users]
    .sort((a, b) => Number(b.sub === signedIn?.sub) - Number(a.sub === signedIn?.sub))
    .map((u) => {
      const label = displayName(u)
      const meta = u.sub === signedIn?.sub ? 'signed in' : [u.username, u.email].filter((x) => typeof x === 'string' && x !== label).join(' · ')
      const initials = label.split(/[\s@._-]+/).filter(Boolean).slice(0, 2).map((w) => [...w][0]!.toUpperCase()).join('')
      return `<li><form method="post" action="${action}">${code}<input type="hidden" name="${FIELDS.action}" value="approve"><input type="hidden" name="${FIELDS.user}" value="${escapeHtml(u.sub)}"><button type="submit" class="user" data-user="${escapeHtml(u.username)}"><span class="avatar" aria-hidden="true">${escapeHtml(initials)}</span><span class="who">${escapeHtml(label)}</span><span class="meta">${escapeHtml(meta)}</span></button></form></li>`
    })
    .join('\n')
  const scope = rec.scope ? `<p class="hint">It asks for: ${rec.scope.split(' ').map((s) => `<code>${escapeHtml(s)}</code>`).join(' ')}</p>` : ''
  return render(
    c,
    `Allow ${clientName}`,
    `<section aria-labelledby="title"><h1 class="title" id="title">Allow ${escapeHtml(clientName)} on your device?</h1>
<p class="context">Check that your device shows this code:</p>
<p class="chip" data-user-code>${escapeHtml(rec.userCode)}</p>${scope}
<h2 id="pick">Sign in as a test user to allow it</h2>
<ul class="users" aria-labelledby="pick">
${users}
</ul></section>
<form method="post" action="${action}" class="secondary">${code}<input type="hidden" name="${FIELDS.action}" value="deny"><button type="submit" data-deny style="width:auto;padding:8px 18px">Deny</button></form>`,
  )
}

function outcome(c: Context<Env>, approved: boolean): Response {
  return render(
    c,
    approved ? 'Device connected' : 'Request denied',
    `<section class="center" aria-labelledby="title"><span class="done" aria-hidden="true">${approved ? '✓' : '✕'}</span>
<h1 class="title" id="title">${approved ? 'Device connected' : 'Request denied'}</h1>
<p class="context">${approved ? 'You can return to your device; it finishes signing in by itself.' : 'The device was not given access. You can close this page.'}</p></section>`,
  )
}

/**
 * The verification page (RFC 8628 §3.3): enter the user code (or arrive with it from
 * `verification_uri_complete`), confirm it, and approve as a test user — or deny.
 */
export async function deviceVerificationEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  if (!server.spec.device) throw new OAuthError('not_found')
  let params: Params
  try {
    params = c.req.method === 'POST' ? await readForm(c) : readQuery(c)
  } catch (err) {
    if (err instanceof OAuthError) return entryForm(c, '', 'The form could not be read. Enter the code again.')
    throw err
  }
  const typed = params.get(FIELDS.code) ?? ''
  const action = params.get(FIELDS.action)
  if (typed === '' && action === undefined) return entryForm(c, '')
  const rec = await findPendingDevice(server, typed)
  if (!rec) return entryForm(c, typed, 'That code is not valid or has expired. Check the code on your device and try again.')
  const devices = server.tenant.store.flows().devices
  if (c.req.method === 'POST' && action === 'deny') {
    await devices.mark(rec.deviceCode, 'redeemed', { status: 'denied' })
    return outcome(c, false)
  }
  if (c.req.method === 'POST' && action === 'approve') {
    const user = server.tenant.userBySub(params.get(FIELDS.user) ?? '')
    if (!user) return approvalForm(c, rec)
    const signedIn = await currentSession(c)
    const sid = signedIn?.sub === user.sub ? signedIn.sid : formatId(server.tenant.ids, [server.tenant.id, 'sid', 'device', rec.deviceCode], { kind: 'uuid', version: 4 })
    await devices.mark(rec.deviceCode, 'redeemed', { status: 'approved', sub: user.sub, authTime: epochSeconds(server.tenant.clock), sid })
    return outcome(c, true)
  }
  return approvalForm(c, rec)
}
