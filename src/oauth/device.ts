import type { Context } from 'hono'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import { stringify } from '../lib/json.js'
import type { DeviceSpec } from '../profiles/types.js'
import type { Env } from '../server/env.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { DeviceRecord } from '../runtime/flow-stores.js'
import { claimFresh } from '../store/claim.js'
import { authenticateClient } from './client-auth.js'
import { OAuthError } from './errors.js'
import { readForm, requireParams } from './params.js'
import { checkClientScopes, splitScope, type GrantHandler } from './token/grant.js'
import { issueUserTokens } from './token/user-grant.js'

/** The grant type a client needs for the device flow (RFC 8628 §3.4). */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * The device authorization endpoint (RFC 8628 §3.1-3.2): the client (public ones by `client_id`
 * alone) gets a device code to poll with and a user code for the user to enter at
 * `verification_uri`.
 */
export async function deviceAuthorizationEndpoint(c: Context<Env>): Promise<Response> {
  const server = c.get('server')
  const spec = server.spec.device
  if (!spec) throw new OAuthError('not_found')
  if (c.req.method !== 'POST') throw new OAuthError('invalid_method')
  const params = await readForm(c)
  const { client } = await authenticateClient(c, server, params)
  if (!client.grantTypes.includes(DEVICE_GRANT)) throw new OAuthError('device_unauthorized_client', { client_id: client.clientId })
  const scopes = splitScope(params.get('scope'))
  checkClientScopes(client, scopes)

  const tenant = server.tenant
  const stores = tenant.store.flows()
  const parts = [tenant.id, server.id, 'device', client.clientId, scopes.join(' ')]
  const exp = epochSeconds(tenant.clock) + spec.ttl
  // both values claimed (a value another replica holds moves on to the next occurrence): the device
  // code first, then the user code's link to it; then the device record gets its user code
  const pending = (deviceCode: string): DeviceRecord => ({ deviceCode, userCode: '', serverId: server.id, clientId: client.clientId, scope: scopes.join(' '), exp, interval: spec.interval, status: 'pending' })
  const deviceCode = await claimFresh(stores.devices, () => formatId(tenant.ids, parts, spec.deviceCodeFormat), pending)
  let userCode: string
  do userCode = makeUserCode(server, spec, [...parts, deviceCode])
  while (!(await stores.userCodes.claim(canonicalUserCode(spec, userCode), { deviceCode, exp })))
  await stores.devices.put(deviceCode, { ...pending(deviceCode), userCode })

  const page = server.urls(c.get('origin'), c.get('backOrigin')).url.deviceVerification!
  const complete = `${page}${page.includes('?') ? '&' : '?'}${spec.completeParam}=${encodeURIComponent(userCode)}`
  const values: Record<string, unknown> = {
    device_code: deviceCode,
    user_code: userCode,
    verification_uri: page,
    verification_uri_complete: complete,
    expires_in: spec.ttl,
    interval: spec.interval,
  }
  const body: Record<string, unknown> = {}
  for (const f of spec.fields) if (values[f] !== undefined) body[f] = values[f]
  return new Response(stringify(body, server.spec.json), {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' },
  })
}

/** A user code in the profile's alphabet, grouped with `-` (RFC 8628 §6.1). */
function makeUserCode(server: ServerRuntime, spec: DeviceSpec, parts: string[]): string {
  const { alphabet, length, group } = spec.userCode
  const bytes = server.tenant.ids.bytes(parts, length)
  let s = ''
  for (let i = 0; i < length; i++) {
    if (group > 0 && i > 0 && i % group === 0) s += '-'
    s += alphabet[bytes[i]! % alphabet.length]
  }
  return s
}

/**
 * The user code as typed, reduced to its characters: separators and spaces dropped, and upper-cased
 * where the alphabet has no lower case (RFC 8628 §6.1 asks servers to be forgiving).
 */
export function canonicalUserCode(spec: DeviceSpec, typed: string): string {
  const { alphabet } = spec.userCode
  const caseless = alphabet === alphabet.toUpperCase()
  const s = caseless ? typed.toUpperCase() : typed
  return [...s].filter((ch) => alphabet.includes(ch)).join('')
}

/** The device record a typed user code names, if it is live and still waiting for the user. */
export async function findPendingDevice(server: ServerRuntime, typed: string): Promise<DeviceRecord | undefined> {
  const spec = server.spec.device
  if (!spec) return undefined
  const stores = server.tenant.store.flows()
  const link = await stores.userCodes.get(canonicalUserCode(spec, typed))
  const rec = link && (await stores.devices.get(link.deviceCode))
  if (!rec || rec.serverId !== server.id || rec.status !== 'pending' || rec.exp <= epochSeconds(server.tenant.clock)) return undefined
  return rec
}

/**
 * `grant_type=urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4-3.5): pending until the
 * user approves; `slow_down` (and 5 s more interval) for a poll inside the interval where the vendor
 * enforces it; `access_denied` once denied; `expired_token` past the code's lifetime.
 */
export const deviceCodeGrant: GrantHandler = async (c, params, { client }) => {
  const server = c.get('server')
  const spec = server.spec.device
  if (!spec) throw new OAuthError('unsupported_grant_type')
  requireParams(params, ['device_code'])
  const tenant = server.tenant
  const devices = tenant.store.flows().devices
  const deviceCode = params.get('device_code')!
  const rec = await devices.get(deviceCode)
  if (!rec || rec.serverId !== server.id || rec.clientId !== client.clientId || rec.status === 'consumed') throw new OAuthError('device_code_not_found')
  if (rec.exp <= epochSeconds(tenant.clock)) throw new OAuthError('expired_token')
  const now = tenant.clock.now()
  const last = rec.lastPoll
  if (spec.slowDown && last !== undefined && rec.status === 'pending' && now - last < rec.interval * 1000) {
    await devices.mark(deviceCode, 'redeemed', { lastPoll: now, interval: rec.interval + 5 })
    throw new OAuthError('slow_down')
  }
  await devices.mark(deviceCode, 'redeemed', { lastPoll: now })
  if (rec.status === 'pending') throw new OAuthError('authorization_pending')
  if (rec.status === 'denied') throw new OAuthError('access_denied')
  const user = rec.sub === undefined ? undefined : tenant.userBySub(rec.sub)
  if (!user) throw new OAuthError('device_code_not_found')
  // redeemed in one step by the store: of concurrent polls (on any replica) exactly one gets tokens
  const was = await devices.mark(deviceCode, 'redeemed', { redeemed: true, status: 'consumed' })
  if (!was || was.redeemed) throw new OAuthError('device_code_not_found')
  const scopes = splitScope(rec.scope)
  return issueUserTokens(c, client, user, scopes, rec.deviceCode, { authTime: rec.authTime, sid: rec.sid })
}
