import type { ClientConfig, UserConfig } from '../config/types.js'
import type { JournalEntry, JournalFilter } from '../journal/journal.js'
import type { Fault, FaultConfig } from '../faults/faults.js'
import type { CreateCodeOptions, IssueTokensOptions, TenantInfo, TokenResponse } from './control.js'
import type { ClockChange, ClockState } from './clock.js'
import type { EndSessionsOptions, EndSessionsResult, NextSignInResult, RevokeTokensOptions, RevokeTokensResult, RotateKeysOptions } from './lifecycle.js'
import type { RotationResult } from '../keys/rotation.js'
import type { NextSignInOptions } from '../runtime/next-sign-in.js'

/**
 * One tenant of a mock reached over the admin HTTP API. Unlike the in-process handle it has no URL
 * properties (they would need a request): read them with `await tenant.info()`, which the in-process
 * handle has too.
 */
export interface RemoteTenant {
  /** The tenant's URLs (`issuer`, `tokenEndpoint`, `discoveryUrl` …), fetched from `GET /_mockidp/tenants/{id}`. */
  info(): Promise<TenantInfo>
  issueTokens(opts?: IssueTokensOptions): Promise<TokenResponse>
  createCode(opts: CreateCodeOptions): Promise<string>
  /** Add or replace (by `sub`) a user; resolves true when it replaced one. */
  upsertUser(user: UserConfig): Promise<boolean>
  removeUser(hint: string): Promise<boolean>
  /** Add or replace (by `clientId`) a client; resolves true when it replaced one. */
  upsertClient(client: ClientConfig): Promise<boolean>
  removeClient(clientId: string): Promise<boolean>
  /** Rotate the signing key (`graceSeconds`: how long the old one stays; 0 replaces it). */
  rotateKeys(opts?: RotateKeysOptions): Promise<RotationResult>
  /** End sessions (one user's, or all) with their back-channel logouts. */
  endSessions(opts?: EndSessionsOptions): Promise<EndSessionsResult>
  /** Revoke refresh and opaque access tokens of a user and/or client. */
  revokeTokens(opts?: RevokeTokensOptions): Promise<RevokeTokensResult>
  /** Sign a user in on the next matching authorization request, without the login page. */
  nextSignIn(opts: NextSignInOptions): Promise<NextSignInResult>
}

/**
 * A mock running elsewhere — another process, a vitest/jest globalSetup, a Docker container — driven
 * through its admin HTTP API (`/_mockidp/`). The same calls as {@link MockIdp}, made async.
 */
export interface RemoteMockIdp {
  url: string
  tenant(id: string): RemoteTenant
  journal(filter?: JournalFilter): Promise<JournalEntry[]>
  clearJournal(): Promise<void>
  injectFault(fault: FaultConfig): Promise<Fault>
  faults(): Promise<Fault[]>
  /** Remove one fault, or all; resolves to how many were removed. */
  clearFaults(id?: string): Promise<number>
  reset(): Promise<void>
  /** Re-read the config file now. */
  reload(): Promise<void>
  /** The mock's clock. */
  getClock(): Promise<ClockState>
  /** Move, set, freeze or release the mock's clock (`POST /_mockidp/clock`). */
  setClock(change: ClockChange): Promise<ClockState>
  health(): Promise<{ status: 'ok'; tenants: string[]; journal: { size: number; capacity: number }; faults: number }>
}

/** Options of {@link connectMockIdp}. */
export interface ConnectOptions {
  /** The mock's admin token (`admin.token` / `MOCKIDP_ADMIN_TOKEN`); default `$MOCKIDP_ADMIN_TOKEN`. Sent as `Authorization: Bearer`. */
  token?: string
}

/**
 * Drive a running mockidp through its admin API.
 *
 * @example
 * const idp = connectMockIdp(process.env.MOCKIDP_URL!)
 * await idp.injectFault({ tenant: 'authing-demo', endpoint: 'token', kind: 'status', status: 503, times: 1 })
 */
export function connectMockIdp(url: string, opts: ConnectOptions = {}): RemoteMockIdp {
  const base = `${url.replace(/\/+$/, '')}/_mockidp`
  const token = opts.token ?? (typeof process === 'undefined' ? undefined : process.env.MOCKIDP_ADMIN_TOKEN) ?? undefined
  async function call<T>(method: string, path: string, body?: unknown, okMissing = false): Promise<T> {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    const init: RequestInit = { method, headers }
    // the admin API takes only JSON bodies on POST (what no cross-site form can send)
    if (body !== undefined || method === 'POST') {
      init.body = JSON.stringify(body ?? {})
      headers['content-type'] = 'application/json'
    }
    const res = await fetch(base + path, init)
    if (okMissing && res.status === 404) return false as T
    if (!res.ok) {
      const text = await res.text()
      let msg = text
      try {
        const j = JSON.parse(text) as { error_description?: string }
        msg = j.error_description ?? text
      } catch {
        // not JSON: the text is the message
      }
      throw new Error(`mockidp admin ${method} ${path}: ${res.status} ${msg}`)
    }
    if (res.status === 204) return true as T
    return (await res.json()) as T
  }
  const enc = encodeURIComponent
  return {
    url,
    tenant(id) {
      const t = `/tenants/${enc(id)}`
      return {
        info: () => call<TenantInfo>('GET', t),
        issueTokens: (opts = {}) => call<TokenResponse>('POST', `${t}/tokens`, opts),
        createCode: async (opts) => (await call<{ code: string }>('POST', `${t}/codes`, opts)).code,
        upsertUser: async (user) => (await call<{ replaced: boolean }>('POST', `${t}/users`, user)).replaced,
        removeUser: (hint) => call<boolean>('DELETE', `${t}/users/${enc(hint)}`, undefined, true),
        upsertClient: async (client) => (await call<{ replaced: boolean }>('POST', `${t}/clients`, client)).replaced,
        removeClient: (clientId) => call<boolean>('DELETE', `${t}/clients/${enc(clientId)}`, undefined, true),
        rotateKeys: (opts = {}) => call<RotationResult>('POST', `${t}/keys/rotate`, opts),
        endSessions: (opts = {}) => call<EndSessionsResult>('POST', `${t}/sessions/end`, opts),
        revokeTokens: (opts = {}) => call<RevokeTokensResult>('POST', `${t}/revoke`, opts),
        nextSignIn: (opts) => call<NextSignInResult>('POST', `${t}/next-sign-in`, opts),
      }
    },
    async journal(filter = {}) {
      const q = new URLSearchParams()
      for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, String(v))
      const qs = q.toString()
      return (await call<{ entries: JournalEntry[] }>('GET', `/journal${qs ? `?${qs}` : ''}`)).entries
    },
    clearJournal: async () => void (await call('DELETE', '/journal')),
    injectFault: (fault) => call<Fault>('POST', '/faults', fault),
    faults: async () => (await call<{ faults: Fault[] }>('GET', '/faults')).faults,
    clearFaults: async (id) => (id === undefined ? (await call<{ removed: number }>('DELETE', '/faults')).removed : (await call<boolean>('DELETE', `/faults/${enc(id)}`, undefined, true)) ? 1 : 0),
    reset: async () => void (await call('POST', '/reset')),
    reload: async () => void (await call('POST', '/reload')),
    getClock: () => call<ClockState>('GET', '/clock'),
    setClock: (change) => call<ClockState>('POST', '/clock', change),
    health: () => call('GET', '/health'),
  }
}
