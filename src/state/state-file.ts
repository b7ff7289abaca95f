import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Idp } from '../runtime/idp.js'
import type { RuntimeFixtures, TenantState } from '../runtime/tenant.js'
import type { IdState } from '../lib/ids.js'
import type { KeyRingState } from '../keys/rotation.js'

/**
 * `--state FILE`: codes, tokens, sessions, run-time fixtures and the id counters, kept over a
 * restart. Written atomically (a temporary file renamed over the old one) at most every
 * `WRITE_EVERY_MS` after a change, and on stop; read at start. A file that is not valid, or was
 * written under another seed, is moved aside with a message and never trusted.
 */

const FORMAT = 'mockidp-state'
const VERSION = 1
/** How soon after a change the file is written: what a SIGKILL can lose at most. */
export const WRITE_EVERY_MS = 100

/** A state file attached to a running mock. */
export interface StateFile {
  /** What loading reported (restored counts, dropped items, a file set aside). */
  readonly report: string[]
  /** Write now if anything changed. */
  flush(): void
  /** Write what is pending and stop listening. */
  close(): void
}

interface SavedTenant {
  vendor: string
  codes: [string, Record<string, unknown>][]
  refreshTokens: [string, Record<string, unknown>][]
  accessTokens: [string, Record<string, unknown>][]
  revokedJtis: [string, { exp: number }][]
  grants: [string, Record<string, unknown>][]
  sessions: Record<string, unknown>[]
  runtime: { users: [string, Record<string, unknown> | null][]; clients: [string, Record<string, unknown> | null][] }
  /** Rotated signing keys as numbers (absent in files written before rotations existed). */
  signingKeys?: KeyRingState
}

interface Saved {
  format: typeof FORMAT
  version: typeof VERSION
  /** Which seed wrote it (a hash): values derived under another seed are not this mock's. */
  seed: string
  savedAt: string
  ids: IdState
  tenants: Record<string, SavedTenant>
}

const fingerprint = (seed: string): string => createHash('sha256').update(`mockidp-state\u0000${seed}`).digest('hex').slice(0, 16)

// JSON has no Infinity: fixture codes that never expire are written with `exp: null`
const finite = (exp: number): number | null => (Number.isFinite(exp) ? exp : null)
const withExp = <T extends { exp: number }>(r: T): Record<string, unknown> => ({ ...r, exp: finite(r.exp) })

function snapshot(idp: Idp): Saved {
  const tenants: Record<string, SavedTenant> = {}
  for (const t of idp.tenants) {
    tenants[t.id] = {
      vendor: t.profile.name,
      codes: [...t.codes.entries()].map(([k, r]) => [k, withExp(r)]),
      refreshTokens: [...t.refreshTokens.entries()].map(([k, r]) => [k, withExp(r)]),
      accessTokens: [...t.accessTokens.entries()].map(([k, r]) => [k, withExp(r)]),
      revokedJtis: [...t.revokedJtis.entries()],
      grants: [...t.grants.entries()].map(([k, g]) => [k, { ...g }]),
      sessions: [...t.sessions.values()].map((s) => ({ ...s })),
      runtime: { users: [...t.runtime.users] as SavedTenant['runtime']['users'], clients: [...t.runtime.clients] as SavedTenant['runtime']['clients'] },
      signingKeys: t.signingKeys,
    }
  }
  return { format: FORMAT, version: VERSION, seed: fingerprint(idp.config.seed), savedAt: new Date(idp.clock.now()).toISOString(), ids: idp.ids.save(), tenants }
}

// ---- reading: every value is checked before it is trusted ----------------------------------------

class Invalid extends Error {}

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array'
const kindOf = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v)

function need(v: unknown, kind: Kind, at: string): void {
  if (kindOf(v) !== kind) throw new Invalid(`${at}: expected ${kind}, found ${kindOf(v)}`)
}

/** Check a record's members: `name` required, `name?` optional; `exp` may be null (never expires). */
function record(v: unknown, shape: Record<string, Kind>, at: string): Record<string, unknown> {
  need(v, 'object', at)
  const r = v as Record<string, unknown>
  for (const [key, kind] of Object.entries(shape)) {
    const optional = key.endsWith('?')
    const name = optional ? key.slice(0, -1) : key
    if (r[name] === undefined && optional) continue
    need(r[name], kind, `${at}.${name}`)
  }
  if (r.exp === null) r.exp = Number.POSITIVE_INFINITY
  else need(r.exp, 'number', `${at}.exp`)
  return r
}

function pairs(v: unknown, at: string, check: (value: unknown, at: string) => unknown): [string, never][] {
  need(v, 'array', at)
  return (v as unknown[]).map((p, i) => {
    need(p, 'array', `${at}[${i}]`)
    const [k, value] = p as [unknown, unknown]
    need(k, 'string', `${at}[${i}][0]`)
    return [k as string, check(value, `${at}[${i}][1]`) as never]
  })
}

const CODE = { code: 'string', serverId: 'string', clientId: 'string', redirectUri: 'string', sub: 'string', scope: 'string', authTime: 'number', sid: 'string', consumed: 'boolean', 'nonce?': 'string', 'codeChallenge?': 'string', 'codeChallengeMethod?': 'string', 'authTimeRequired?': 'boolean', 'family?': 'string' } as const
const REFRESH = { token: 'string', serverId: 'string', clientId: 'string', sub: 'string', scope: 'string', authTime: 'number', sid: 'string', used: 'boolean', family: 'string', revoked: 'boolean', 'nonce?': 'string', 'authTimeRequired?': 'boolean' } as const
const ACCESS = { token: 'string', serverId: 'string', clientId: 'string', scope: 'string', iat: 'number', revoked: 'boolean', 'sub?': 'string', 'sid?': 'string', 'family?': 'string' } as const
const SESSION = { handle: 'string', sid: 'string', sub: 'string', authTime: 'number' } as const
const GRANT = { refresh: 'array', access: 'array', jtis: 'array' } as const

function fixtures(v: unknown, at: string, key: string): [string, Record<string, unknown> | null][] {
  return pairs(v, at, (value, where) => {
    if (value === null) return null
    need(value, 'object', where)
    need((value as Record<string, unknown>)[key], 'string', `${where}.${key}`)
    return value
  })
}

function parse(text: string, seed: string): Saved & { tenantStates: Map<string, { vendor: string; state: TenantState }> } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new Invalid(`not valid JSON (${(err as Error).message})`)
  }
  need(raw, 'object', 'the file')
  const s = raw as Record<string, unknown>
  if (s.format !== FORMAT || s.version !== VERSION) throw new Invalid(`not a mockidp state file of version ${VERSION} (format ${JSON.stringify(s.format)}, version ${JSON.stringify(s.version)})`)
  if (s.seed !== fingerprint(seed)) throw new Invalid('it was written by a mock with another seed; its codes and tokens are not this one\'s')
  const ids = s.ids as IdState
  need(ids, 'object', 'ids')
  need(ids.epoch, 'number', 'ids.epoch')
  need(ids.second, 'number', 'ids.second')
  pairs(ids.counters, 'ids.counters', (n, at) => (need(n, 'number', at), n))
  need(s.tenants, 'object', 'tenants')
  const tenantStates = new Map<string, { vendor: string; state: TenantState }>()
  for (const [id, tv] of Object.entries(s.tenants as Record<string, unknown>)) {
    const at = `tenants.${id}`
    need(tv, 'object', at)
    const t = tv as Record<string, unknown>
    need(t.vendor, 'string', `${at}.vendor`)
    const list = <T>(name: string, shape: Record<string, Kind>): [string, T][] => pairs(t[name], `${at}.${name}`, (v, where) => record(v, shape, where))
    need(t.sessions, 'array', `${at}.sessions`)
    const sessions = (t.sessions as unknown[]).map((v, i) => record(v, SESSION, `${at}.sessions[${i}]`))
    const rt = t.runtime as Record<string, unknown>
    need(rt, 'object', `${at}.runtime`)
    const runtime: RuntimeFixtures = {
      users: new Map(fixtures(rt.users, `${at}.runtime.users`, 'sub')) as RuntimeFixtures['users'],
      clients: new Map(fixtures(rt.clients, `${at}.runtime.clients`, 'clientId')) as RuntimeFixtures['clients'],
    }
    const codes = list('codes', CODE)
    const refreshTokens = list('refreshTokens', REFRESH)
    const accessTokens = list('accessTokens', ACCESS)
    const revokedJtis = list<{ exp: number }>('revokedJtis', {})
    const grants = list('grants', GRANT)
    const state = {
      runtime,
      codes: { entries: () => codes },
      refreshTokens: { entries: () => refreshTokens },
      accessTokens: { entries: () => accessTokens },
      revokedJtis: { entries: () => revokedJtis },
      grants: { entries: () => grants },
      sessions: { values: () => sessions },
      // checked by KeyRing.restore, which refuses numbers out of range
      signingKeys: t.signingKeys === undefined ? undefined : (need(t.signingKeys, 'object', `${at}.signingKeys`), t.signingKeys),
    } as unknown as TenantState
    tenantStates.set(id, { vendor: t.vendor as string, state })
  }
  return { ...(s as unknown as Saved), tenantStates }
}

/** Move an untrusted state file out of the way, keeping it for a look. */
function setAside(file: string, stamp: number): string {
  const aside = `${file}.rejected-${stamp}`
  renameSync(file, aside)
  return aside
}

/**
 * Load `file` into `idp` (when it exists) and keep it up to date from now on. Never throws for a
 * bad file: it is set aside and the mock starts clean, as `report` says.
 */
export function openStateFile(idp: Idp, file: string): StateFile {
  const report: string[] = []
  let text: string | undefined
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') report.push(`state: cannot read ${file} (${code ?? (err as Error).message}); starting clean`)
  }
  if (text !== undefined) {
    try {
      const saved = parse(text, idp.config.seed)
      idp.ids.restore(saved.ids)
      let restored = 0
      for (const [id, { vendor, state }] of saved.tenantStates) {
        const t = idp.tenant(id)
        if (!t || t.profile.name !== vendor) {
          report.push(`state: dropped the state of tenant ${id} (${t ? `its vendor is now ${t.profile.name}` : 'no longer in the config'})`)
          continue
        }
        for (const line of t.adopt(state)) report.push(`state: ${id}: dropped ${line}`)
        restored += t.codes.size + t.refreshTokens.size + t.accessTokens.size + t.sessions.size
      }
      report.unshift(`state: restored ${restored} codes, tokens and sessions from ${file} (saved ${saved.savedAt})`)
    } catch (err) {
      if (!(err instanceof Invalid)) throw err
      const aside = setAside(file, idp.clock.now())
      report.push(`state: ${file} was not used — ${err.message}. It was moved to ${aside}; starting clean`)
    }
  }

  let timer: NodeJS.Timeout | undefined
  let dirty = false
  const write = () => {
    timer = undefined
    if (!dirty) return
    dirty = false
    mkdirSync(dirname(file), { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(snapshot(idp)))
    renameSync(tmp, file) // atomic: a reader (or a crash) sees the old file or the new one, never half
  }
  idp.persisted = true
  idp.changed = () => {
    dirty = true
    // at most one write per interval, even under a steady stream of changes
    timer ??= setTimeout(write, WRITE_EVERY_MS)
  }
  return {
    report,
    flush() {
      if (timer) clearTimeout(timer)
      write()
    },
    close() {
      if (timer) clearTimeout(timer)
      write()
      idp.changed = () => {}
      idp.persisted = false
    },
  }
}
