import type { Clock } from '../lib/clock.js'
import type { ClientAuthMethod, EndpointName } from '../profiles/types.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { FaultKind } from '../faults/faults.js'
import { OAuthError, type Reason } from '../oauth/errors.js'
import { describeError } from '../oauth/render-error.js'
import { decodeToken, type DecodedToken } from './tokens.js'

/** One request the IdP received, with its OAuth meaning decoded and every secret redacted. */
export interface JournalEntry {
  /** Increasing sequence number (never reused, also not after `clearJournal()`). */
  seq: number
  /** When it arrived, by the IdP's clock (ISO 8601). */
  time: string
  method: string
  path: string
  /** Tenant id, when the path is one of a tenant's endpoints. */
  tenant?: string
  /** Server of the tenant (`oidc`/`oauth` for GenAuth and Authing). */
  server?: string
  endpoint?: EndpointName
  grantType?: string
  clientId?: string
  /** How the client authenticated (token, introspection and revocation endpoints). */
  clientAuthMethod?: ClientAuthMethod
  /** Token endpoint: a `code_verifier` was sent; authorization endpoint: a `code_challenge`. */
  pkce?: boolean
  /** HTTP status answered; `0` when the connection was dropped (a fault, or the client went away mid-request). */
  status: number
  /** OAuth error code answered (from the body or the error redirect). */
  error?: string
  errorDescription?: string
  /** Why it failed and how to fix it, in mockidp's own words (never in the response, which stays the vendor's). */
  hint?: string
  /** The injected fault that answered, if any. */
  fault?: { id: string; kind: FaultKind }
  /** Query parameters, secrets replaced by `"[redacted]"`. */
  query: Record<string, string>
  /** Form body parameters, secrets replaced by `"[redacted]"`. */
  form?: Record<string, string>
  /** The Authorization header's scheme only, e.g. `"Basic [redacted]"`. */
  authorization?: string
  /** The token endpoint's answer, every token replaced by `"[redacted]"`. */
  response?: Record<string, unknown>
  /** Each JWT of that answer (`access_token`, `id_token` …), decoded, with its signature checked. */
  tokens?: Record<string, DecodedToken>
  /**
   * Set on a request the mock sent, not received: a back-channel logout POST to `url` (`path`
   * holds the same URL), its `status` the app's answer (0: unreachable, `errorDescription` says why).
   */
  delivery?: { kind: 'backchannel_logout'; url: string; sid: string; sub: string; reason: 'logout' | 'admin' | 'expiry' | 'replaced' }
}

/** Which entries `journal()` returns; every given field must match. */
export interface JournalFilter {
  tenant?: string
  endpoint?: EndpointName
  grantType?: string
  clientId?: string
  method?: string
  status?: number
  error?: string
  /** Only entries answered by a fault (`true`) or not (`false`). */
  fault?: boolean
  /** Only requests the mock sent (`true`: back-channel logouts) or only those it received (`false`). */
  delivery?: boolean
  /** Only entries with a `seq` greater than this. */
  since?: number
  /** At most this many, the most recent ones. */
  limit?: number
}

/** A recorded request, kept raw until someone reads the journal (recording must stay cheap). */
export interface RawEntry {
  seq: number
  at: number
  method: string
  url: string
  path: string
  server: ServerRuntime | undefined
  endpoint: EndpointName | undefined
  origin: string
  status: number
  /** The OAuth error thrown (its reason and vars only: an Error with its stack costs the GC more), or `true` for any other error. */
  err: { reason: Reason; vars: OAuthError['vars'] } | true | undefined
  location: string | null | undefined
  form: Map<string, string> | undefined
  authorization: string | undefined
  /** The client id from a vendor header such as Authing's `x-authing-app-id`. */
  headerClientId: string | undefined
  fault: { id: string; kind: FaultKind } | undefined
  /** Set for a fault with its own error code (not a profile reason). */
  faultError: { error: string; description: string | undefined } | undefined
  /** A successful token endpoint answer, as the endpoint built it. */
  response?: Record<string, unknown> | undefined
  /** Why it failed, in plain words (computed when it failed: later state would tell another story). */
  hint?: string | undefined
  decoded?: JournalEntry
}

/** Default number of requests kept. */
export const JOURNAL_SIZE = 1000

/** What a redacted value reads as. */
export const REDACTED = '[redacted]'
// Parameter names whose values are credentials: client_secret, client_assertion, code_verifier,
// password (and the login page's mockidp_password), access/refresh/id tokens, `token` (RFC 7009/7662).
const SECRET_PARAM = /secret|passw|token|verifier|assertion/i
const NOT_SECRET = new Set(['token_type_hint', 'client_assertion_type', 'token_type'])
/** Whether a parameter (or response member) named `name` holds a credential, never journaled as sent. */
export const isSecretParam = (name: string): boolean => SECRET_PARAM.test(name) && !NOT_SECRET.has(name)
const AUTHENTICATED = new Set<EndpointName>(['token', 'introspection', 'revocation'])

const redact = (params: Iterable<[string, string]>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of params) out[k] = isSecretParam(k) ? REDACTED : v
  return out
}

const queryOf = (url: string): URLSearchParams => {
  const q = url.indexOf('?')
  return new URLSearchParams(q === -1 ? '' : url.slice(q + 1))
}

const formDecode = (s: string): string => {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '))
  } catch {
    return s
  }
}

/** The client id of HTTP Basic credentials (RFC 6749 §2.3.1: form-encoded). */
function basicClientId(header: string): string | undefined {
  const text = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const colon = text.indexOf(':')
  return colon > 0 ? formDecode(text.slice(0, colon)) : undefined
}

/** A JWT's decoded header and payload, without verifying it. */
function peekJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  try {
    const [h, p] = jwt.split('.')
    return { header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown> }
  } catch {
    return undefined
  }
}

/** Turn a raw entry into its public, redacted form (the journal's and the request log's one redaction). */
export function decodeEntry(r: RawEntry): JournalEntry {
  const query = queryOf(r.url)
  const form = r.form
  const param = (k: string): string | undefined => form?.get(k) ?? query.get(k) ?? undefined
  // members in reading order: what was asked, what it meant, what was answered, then the raw parameters
  const e = { seq: r.seq, time: new Date(r.at).toISOString(), method: r.method, path: r.path } as JournalEntry
  if (r.server) {
    e.tenant = r.server.tenant.id
    e.server = r.server.id
  }
  if (r.endpoint) e.endpoint = r.endpoint
  const grantType = param('grant_type')
  if (grantType !== undefined) e.grantType = grantType

  const isBasic = r.authorization !== undefined && /^basic\s/i.test(r.authorization)
  const assertion = form?.get('client_assertion')
  const jwt = assertion === undefined ? undefined : peekJwt(assertion)
  let clientId = param('client_id')
  if (clientId === undefined && isBasic) clientId = basicClientId(r.authorization!)
  if (clientId === undefined && typeof jwt?.payload.sub === 'string') clientId = jwt.payload.sub
  clientId ??= r.headerClientId
  if (clientId !== undefined) e.clientId = clientId

  if (r.endpoint && AUTHENTICATED.has(r.endpoint)) {
    if (isBasic) e.clientAuthMethod = 'client_secret_basic'
    else if (assertion !== undefined) e.clientAuthMethod = typeof jwt?.header.alg === 'string' && jwt.header.alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt'
    else if (form?.has('client_secret')) e.clientAuthMethod = 'client_secret_post'
    else if (clientId !== undefined) e.clientAuthMethod = 'none'
  }
  if (r.endpoint === 'token' && grantType === 'authorization_code') e.pkce = form?.has('code_verifier') === true
  if (r.endpoint === 'authorization') e.pkce = param('code_challenge') !== undefined

  e.status = r.status
  if (r.faultError) {
    e.error = r.faultError.error
    if (r.faultError.description !== undefined) e.errorDescription = r.faultError.description
  } else if (r.err !== undefined && r.err !== true && r.server) {
    const d = describeError(r.server, new OAuthError(r.err.reason, r.err.vars), r.origin)
    e.error = d.error
    e.errorDescription = d.description
  } else if (r.err !== undefined) e.error = 'server_error'
  else if (r.location) {
    const q = r.location.indexOf('?')
    const h = r.location.indexOf('#')
    const at = q === -1 ? h : h === -1 ? q : Math.min(q, h)
    const p = new URLSearchParams(at === -1 ? '' : r.location.slice(at + 1))
    const err = p.get('error')
    if (err !== null) {
      e.error = err
      const d = p.get('error_description')
      if (d !== null) e.errorDescription = d
    }
  }
  if (r.hint !== undefined) e.hint = r.hint
  if (r.fault) e.fault = r.fault
  e.query = redact(query)
  if (form) e.form = redact(form)
  if (r.authorization !== undefined) {
    const sp = r.authorization.indexOf(' ')
    e.authorization = sp > 0 ? `${r.authorization.slice(0, sp)} ${REDACTED}` : REDACTED
  }
  if (r.response) {
    // the claims are shown, never a token itself: a decoded JWT without its signature cannot be replayed
    const response: Record<string, unknown> = {}
    const tokens: Record<string, DecodedToken> = {}
    for (const [k, v] of Object.entries(r.response)) {
      const secret = typeof v === 'string' && isSecretParam(k)
      response[k] = secret ? REDACTED : v
      const jwt = secret && r.server ? decodeToken(r.server, v as string) : undefined
      if (jwt) tokens[k] = jwt
    }
    e.response = response
    if (Object.keys(tokens).length) e.tokens = tokens
  }
  return e
}

const matches = (e: JournalEntry, f: JournalFilter): boolean =>
  (f.tenant === undefined || e.tenant === f.tenant) &&
  (f.endpoint === undefined || e.endpoint === f.endpoint) &&
  (f.grantType === undefined || e.grantType === f.grantType) &&
  (f.clientId === undefined || e.clientId === f.clientId) &&
  (f.method === undefined || e.method === f.method.toUpperCase()) &&
  (f.status === undefined || e.status === f.status) &&
  (f.error === undefined || e.error === f.error) &&
  (f.fault === undefined || (e.fault !== undefined) === f.fault) &&
  (f.delivery === undefined || (e.delivery !== undefined) === f.delivery) &&
  (f.since === undefined || e.seq > f.since)

/**
 * The request journal: a ring buffer of the last `capacity` requests. Recording keeps only what the
 * request already parsed; decoding and redaction happen when the journal is read.
 */
export class Journal {
  private ring: (RawEntry | undefined)[]
  private next = 0
  private count = 0
  private seq = 0
  private readonly listeners = new Set<(entry: JournalEntry) => void>()
  private readonly closers = new Set<() => void>()

  constructor(
    protected readonly clock: Clock,
    readonly capacity = JOURNAL_SIZE,
  ) {
    this.ring = new Array<RawEntry | undefined>(capacity)
  }

  /** False when the journal keeps nothing (`journal.size: 0`). */
  get enabled(): boolean {
    return this.capacity > 0
  }

  /** Number of entries held. */
  get size(): number {
    return this.count
  }

  /**
   * Record a request (the caller fills the raw fields it has). A shared journal (several replicas on
   * one Redis) returns a promise that resolves once the entry is shared; the request waits for it.
   */
  record(raw: Omit<RawEntry, 'seq' | 'at'>): Promise<void> | undefined {
    if (this.capacity === 0) return undefined
    const entry = raw as RawEntry
    entry.seq = ++this.seq
    entry.at = this.clock.now()
    this.insert(entry)
    return undefined
  }

  /** Put an entry that has its `seq` and `at` in the ring, and tell the live listeners. */
  protected insert(entry: RawEntry): void {
    this.ring[this.next] = entry
    this.next = (this.next + 1) % this.capacity
    if (this.count < this.capacity) this.count++
    if (this.listeners.size) {
      const e = (entry.decoded ??= decodeEntry(entry))
      for (const l of this.listeners) l(e)
    }
  }

  /** Hear when the mock stops (live streams end then). */
  onClose(listener: () => void): void {
    this.closers.add(listener)
  }

  /** End every live stream (the server is stopping). */
  close(): void {
    for (const l of this.closers) l()
    this.closers.clear()
  }

  /** Hear every entry as it is recorded (the console's live list); returns the unsubscribe function. */
  subscribe(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Record a request the mock sent (already in its public form; see `JournalEntry.delivery`). */
  recordDelivery(entry: Omit<JournalEntry, 'seq' | 'time'>): void {
    const raw = { decoded: entry } as unknown as Omit<RawEntry, 'seq' | 'at'>
    this.record(raw)
    const r = raw as RawEntry
    r.decoded = { seq: r.seq, time: new Date(r.at).toISOString(), ...entry }
  }

  /** Entries oldest first, decoded, redacted and filtered. */
  entries(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = []
    const start = (this.next - this.count + this.capacity) % Math.max(this.capacity, 1)
    for (let i = 0; i < this.count; i++) {
      const r = this.ring[(start + i) % this.capacity]!
      const e = (r.decoded ??= decodeEntry(r))
      if (matches(e, filter)) out.push(e)
    }
    return filter.limit !== undefined && out.length > filter.limit ? out.slice(out.length - filter.limit) : out
  }

  /**
   * Entries as `entries()` gives them, read where the journal lives: this process's ring here; with
   * a Redis store, the stream every replica writes to (the admin API reads this).
   */
  async read(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    return this.entries(filter)
  }

  /** The entries of `all` (oldest first) a filter selects. */
  static select(all: readonly JournalEntry[], filter: JournalFilter): JournalEntry[] {
    const out = all.filter((e) => matches(e, filter))
    return filter.limit !== undefined && out.length > filter.limit ? out.slice(out.length - filter.limit) : out
  }

  /** Forget every entry (sequence numbers keep counting). */
  clear(): void {
    this.ring = new Array<RawEntry | undefined>(this.capacity)
    this.next = 0
    this.count = 0
  }
}
