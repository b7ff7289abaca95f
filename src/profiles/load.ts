import { readFileSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../config/errors.js'
import type { Profile, ServerSpec } from './types.js'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v)

// Members whose key order is wire data (JWT headers, claim values, discovery): a profile's own
// value replaces the inherited one whole instead of merging into it.
const REPLACED = new Set(['header', 'values', 'discovery'])

/** Deep merge: objects merge (except `REPLACED` members), arrays and scalars replace. `$comment` keys are dropped. */
export function merge(base: unknown, over: unknown): unknown {
  if (isObject(over) && !isObject(base)) base = {}
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over
  const out: Json = {}
  for (const [k, v] of Object.entries(base)) if (k !== '$comment') out[k] = v
  for (const [k, v] of Object.entries(over)) {
    if (k === '$comment') continue
    out[k] = REPLACED.has(k) ? merge(undefined, v) : k === 'servers' ? mergeById(out[k], v) : merge(out[k], v)
  }
  return out
}

/**
 * An extending profile's `servers` merge into the inherited ones by `id` (GenAuth adds a header to
 * Authing's two servers without restating them); servers with a new id are appended.
 */
function mergeById(base: unknown, over: unknown): unknown {
  if (!Array.isArray(base) || !Array.isArray(over)) return merge(base, over)
  const out = [...base]
  for (const s of over) {
    const i = isObject(s) ? out.findIndex((b) => isObject(b) && b.id === s.id) : -1
    if (i === -1) out.push(s)
    else out[i] = merge(out[i], s)
  }
  return out
}

function readJson(file: string): Json {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown
    if (!isObject(v)) throw new Error('not a JSON object')
    return v
  } catch (err) {
    throw new ConfigError(`${file}: cannot read profile (${(err as Error).message})`)
  }
}

/** No profile of that name in the profile directories. */
export class UnknownProfile extends ConfigError {
  constructor(
    readonly profile: string,
    message: string,
  ) {
    super(message)
  }
}

/** A profile name is a file name without `.json`, never a path: no separators, no `..`, no leading `_` or `.`. */
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/

/** Names of the profiles found in the given directories (later directories win). */
export function listProfiles(dirs: readonly string[]): string[] {
  const names = new Set<string>()
  for (const dir of dirs) {
    if (!existsSync(dir)) continue
    for (const f of readdirSync(dir)) if (f.endsWith('.json') && !f.startsWith('_')) names.add(f.slice(0, -5))
  }
  return [...names].sort()
}

function findFile(name: string, dirs: readonly string[]): string | undefined {
  for (let i = dirs.length - 1; i >= 0; i--) {
    const f = join(dirs[i]!, `${name}.json`)
    if (existsSync(f)) return f
  }
  return undefined
}

/**
 * Load a profile by name: follow `extends`, merge over `_base.json`, and expand each server over
 * the base `server` defaults. Throws a ConfigError naming the file for a broken profile.
 */
export function loadProfile(name: string, dirs: readonly string[], seen: string[] = []): Profile {
  const from = seen.length ? `${findFile(seen[seen.length - 1]!, dirs) ?? seen[seen.length - 1]}: "extends": ` : ''
  if (typeof name !== 'string' || !PROFILE_NAME.test(name))
    throw new UnknownProfile(String(name), `${from}${JSON.stringify(name)} is not a profile name (letters, digits, "-" and "_"; a name from the profile directories, never a path)`)
  const file = findFile(name, dirs)
  if (!file) throw new UnknownProfile(name, `${from}unknown profile "${name}" (known: ${listProfiles(dirs).join(', ')})`)
  if (seen.includes(name)) throw new ConfigError(`${file}: "extends" loops (${[...seen, name].join(' → ')})`)
  const own = readJson(file)
  let merged: Json
  if (own.extends !== undefined) {
    if (typeof own.extends !== 'string') throw new ConfigError(`${file}: "extends" must be a profile name (a string)`)
    merged = merge(loadProfileRaw(own.extends, dirs, [...seen, name]), own) as Json
  } else {
    const baseFile = findFile('_base', dirs)
    const base = baseFile ? readJson(baseFile) : {}
    merged = merge({ claims: base.claims }, own) as Json
    const serverBase = base.server ?? {}
    merged.servers = (Array.isArray(own.servers) ? own.servers : []).map((s) => merge(serverBase, s))
  }
  delete merged.extends
  return checkProfile(merged, file)
}

function loadProfileRaw(name: string, dirs: readonly string[], seen: string[]): Json {
  return loadProfile(name, dirs, seen) as unknown as Json
}

function checkProfile(p: Json, file: string): Profile {
  const need = (cond: boolean, what: string) => {
    if (!cond) throw new ConfigError(`${file}: ${what}`)
  }
  need(typeof p.name === 'string', '"name" must be a string')
  need(Array.isArray(p.servers) && p.servers.length > 0, '"servers" must list at least one server')
  const servers = p.servers as ServerSpec[]
  servers.forEach((s, i) => {
    need(typeof s.id === 'string', `servers[${i}].id must be a string`)
    need(typeof s.issuer === 'string', `servers[${i}].issuer must be a template string`)
    need(typeof s.paths?.token === 'string', `servers[${i}].paths.token is required`)
    need(Array.isArray(s.tokenResponse?.fields), `servers[${i}].tokenResponse.fields must be an array`)
  })
  need(servers.some((s) => s.id === p.defaultServer), `"defaultServer" must name one of the servers`)
  // the parts every request path reads: missing, they would fail at the first request, not here
  const missing = (obj: unknown, parts: [string, string][], at: string) => {
    for (const [k, type] of parts) {
      const v = isObject(obj) ? obj[k] : undefined
      const ok = type === 'array' ? Array.isArray(v) : type === 'object' ? isObject(v) : typeof v === type
      need(ok, `${at}${k} is required (${type === 'object' ? 'an object' : type === 'array' ? 'a list' : `a ${type}`}) — the profile lacks it; add it or "extends" a profile that has it`)
    }
  }
  missing(p, [['displayName', 'string'], ['brand', 'object'], ['tenant', 'object'], ['key', 'string'], ['claims', 'object']], '')
  missing(p.tenant, [['path', 'string'], ['params', 'array']], 'tenant.')
  servers.forEach((s, i) => {
    missing(s, [['grants', 'array'], ['clientAuthMethods', 'array'], ['clientIdHeaders', 'array'], ['pkce', 'object'], ['authorization', 'object'], ['token', 'object'], ['code', 'object'], ['accessToken', 'object'], ['refreshToken', 'object'], ['tokenResponse', 'object'], ['userinfo', 'object'], ['introspection', 'object'], ['jwks', 'object'], ['endSession', 'object'], ['errors', 'object']], `servers[${i}].`)
    missing(s.accessToken, [['ttl', 'number']], `servers[${i}].accessToken.`)
    missing(s.errors, [['fields', 'array'], ['reasons', 'object']], `servers[${i}].errors.`)
  })
  return p as unknown as Profile
}
