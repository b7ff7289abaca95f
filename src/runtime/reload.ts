import { readFileSync, watch, type FSWatcher } from 'node:fs'
import { basename, dirname, isAbsolute, resolve } from 'node:path'
import { ConfigError } from '../config/errors.js'
import { defaultConfigFile, loadConfig, resolveConfigFile, type LoadOptions } from '../config/load.js'
import type { ClientConfig, CodeConfig, MockIdpConfig, ResolvedConfig, TenantConfig, UserConfig } from '../config/types.js'
import type { Profile } from '../profiles/types.js'
import type { Idp } from './idp.js'

/** A tenant in a partial config: `id` is required, the rest merges over the tenant of that id. */
export type TenantPatch = Partial<TenantConfig> & { id: string }

/** A partial config, merged over a base config by {@link mergeConfig}. */
export type ConfigPatch = Partial<Omit<MockIdpConfig, 'tenants'>> & { tenants?: TenantPatch[] }

/** Where a running mock's config comes from; `load()` can be called again (reset, hot reload). */
export interface ConfigSource {
  /** The file to watch for changes, if any. */
  file: string | undefined
  load(): { config: ResolvedConfig; profiles: Map<string, Profile> }
}

/** Options of {@link configSource} (a subset of `StartOptions`). */
export interface SourceOptions {
  config?: ConfigPatch | undefined
  configFile?: string | undefined
  merge?: boolean | undefined
  env: Record<string, string | undefined>
  port?: number | undefined
  host?: string | undefined
  https?: boolean | undefined
  httpPort?: number | undefined
  tlsDir?: string | undefined
  /** `--store` / `startMockIdp({ store })`: a Redis URL. */
  store?: string | undefined
}

/** Shallow-merge items of `patch` over items of `base` with the same key; new keys are appended. */
function mergeBy<T>(base: readonly T[] | undefined, patch: readonly Partial<T>[] | undefined, key: keyof T): T[] | undefined {
  if (!patch) return base ? [...base] : undefined
  const out = [...(base ?? [])]
  for (const p of patch) {
    const i = out.findIndex((b) => b[key] === p[key])
    if (i >= 0) out[i] = { ...out[i]!, ...p }
    else out.push(p as T)
  }
  return out
}

/**
 * Merge a partial config over a base: top-level settings replace the base's (`admin` and `journal`
 * merge member by member; `faults` replaces the list); a tenant whose `id` exists merges over it —
 * its settings replace, and its `clients`, `users` and `codes` merge by `clientId`, `sub` and `code`
 * (an item with a known key merges over the old one, a new key is added); a tenant with a new `id`
 * is added and must be complete.
 */
export function mergeConfig(base: MockIdpConfig, patch: ConfigPatch): MockIdpConfig {
  const { tenants, admin, journal, ...rest } = patch
  const out: MockIdpConfig = { ...base, ...rest, tenants: base.tenants.map((t) => ({ ...t })) }
  if (admin) out.admin = { ...base.admin, ...admin }
  if (journal) out.journal = { ...base.journal, ...journal }
  for (const p of tenants ?? []) {
    const i = out.tenants.findIndex((t) => t.id === p.id)
    if (i < 0) {
      out.tenants.push(p as TenantConfig)
      continue
    }
    const b = out.tenants[i]!
    const merged: TenantConfig = { ...b, ...p, clients: mergeBy<ClientConfig>(b.clients, p.clients, 'clientId')!, users: mergeBy<UserConfig>(b.users, p.users, 'sub')! }
    const codes = mergeBy<CodeConfig>(b.codes, p.codes, 'code')
    if (codes) merged.codes = codes
    out.tenants[i] = merged
  }
  return out
}

function readJson(file: string): MockIdpConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  try {
    return JSON.parse(text) as MockIdpConfig
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`)
  }
}

/**
 * The config source for the programmatic API: a file (as the CLI picks it), a whole config
 * (`merge: false`), or a partial config merged over `configFile` or else the built-in default.
 */
export function configSource(opts: SourceOptions): ConfigSource {
  const base: LoadOptions = { env: opts.env }
  if (opts.port !== undefined) base.port = opts.port
  if (opts.host !== undefined) base.host = opts.host
  for (const k of ['https', 'httpPort', 'tlsDir', 'store'] as const) if (opts[k] !== undefined) (base as Record<string, unknown>)[k] = opts[k]
  const patch = opts.config
  if (!patch) {
    const file = resolveConfigFile({ ...base, ...(opts.configFile ? { file: opts.configFile } : {}) })
    return { file, load: () => loadConfig({ ...base, file }) }
  }
  if (opts.merge === false) return { file: undefined, load: () => loadConfig({ ...base, config: patch as MockIdpConfig }) }
  const file = opts.configFile ? resolve(opts.configFile) : undefined
  const baseFile = file ?? defaultConfigFile()
  return {
    file,
    load() {
      const raw = readJson(baseFile)
      // profilesDir is relative to the file it was written in
      if (raw.profilesDir && !isAbsolute(raw.profilesDir) && !patch.profilesDir) raw.profilesDir = resolve(dirname(baseFile), raw.profilesDir)
      try {
        const loaded = loadConfig({ ...base, config: mergeConfig(raw, patch) })
        loaded.config.source = `inline config merged over ${baseFile}`
        return loaded
      } catch (err) {
        if (err instanceof ConfigError) throw new ConfigError(err.message.replace('(inline config)', `(inline config merged over ${baseFile})`))
        throw err
      }
    },
  }
}

/**
 * Re-read the config and swap it in, keeping live state (see `Idp.replace`); resolves with what
 * was dropped because the new config no longer allows it. All or nothing: an invalid config throws
 * a ConfigError (each problem with its JSON path), and a config that cannot be served (a tenant
 * port in use) is rolled back — either way the running config stays and the error says so.
 */
export async function reloadIdp(idp: Idp, source: ConfigSource, remount: () => Promise<void>): Promise<string[]> {
  const { config, profiles } = source.load()
  // the connection is made once at start; moving the state elsewhere is a restart, not a reload
  if ((config.redisStore?.redis ?? '') !== (idp.config.redisStore?.redis ?? '') || (config.redisStore?.prefix ?? '') !== (idp.config.redisStore?.prefix ?? ''))
    throw new ConfigError('store: the new config changes store.redis or store.prefix, which takes effect only on a restart; the running config was kept — restart mockidp, or put the store back as it was')
  const dropped = idp.replace(config, profiles)
  try {
    await remount()
  } catch (err) {
    idp.rollback()
    await remount()
    throw new ConfigError(`the new config cannot be served (${(err as Error).message}); the running config was kept`)
  }
  return dropped
}

/** A running file watch. */
export interface ConfigWatch {
  close(): void
}

/**
 * Call `onChange` when `file`'s contents change, debounced. The directory is watched rather than
 * the file, so editors that save by writing a new file and renaming it over the old are seen too.
 */
export function watchConfig(file: string, onChange: () => void, debounceMs = 100): ConfigWatch {
  const name = basename(file)
  const read = (): string | undefined => {
    try {
      return readFileSync(file, 'utf8')
    } catch {
      return undefined
    }
  }
  let last = read()
  let timer: NodeJS.Timeout | undefined
  const check = () => {
    timer = undefined
    const now = read()
    if (now === undefined || now === last) return // mid-save (file missing) or nothing changed
    last = now
    onChange()
  }
  let watcher: FSWatcher
  try {
    watcher = watch(dirname(file), (_event, changed) => {
      if (changed !== null && changed !== name) return
      if (timer) clearTimeout(timer)
      timer = setTimeout(check, debounceMs)
    })
  } catch (err) {
    // e.g. ENOSPC (inotify watches used up): serve on, without hot reload
    console.error(`mockidp: cannot watch ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); hot reload is off`)
    return { close() {} }
  }
  watcher.on('error', (err) => console.error(`mockidp: stopped watching ${file}: ${err.message}`))
  return {
    close() {
      if (timer) clearTimeout(timer)
      watcher.close()
    },
  }
}

/**
 * Watch a mock's config file and reload on change, one reload at a time. `report` hears every
 * outcome: `undefined` (and what was dropped) for a reload that took, the error for one that did
 * not (the old config stays).
 */
export function watchAndReload(file: string, reload: () => Promise<string[]>, report: (err: Error | undefined, dropped?: string[]) => void, debounceMs?: number): ConfigWatch {
  let chain = Promise.resolve()
  return watchConfig(
    file,
    () => {
      chain = chain.then(() => reload().then((dropped) => report(undefined, dropped), (err: unknown) => report(err as Error)))
    },
    debounceMs,
  )
}
