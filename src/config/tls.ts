import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { ConfigError } from './errors.js'
import type { ResolvedTls, TlsConfig } from './types.js'

/**
 * The per-user directory of the development CA when no `--tls-dir` is given, where mkcert keeps
 * its own: `$XDG_DATA_HOME/mockidp`, else `~/.local/share/mockidp` (macOS `~/Library/Application
 * Support/mockidp`, Windows `%LOCALAPPDATA%\mockidp`). Never inside the project: a CA whose key
 * is in a repository is a CA anyone can sign with.
 */
export function defaultTlsDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'mockidp')
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'mockidp')
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'mockidp')
  return join(homedir(), '.local', 'share', 'mockidp')
}

const YES = new Set(['1', 'true', 'yes', 'on'])
const NO = new Set(['0', 'false', 'no', 'off', ''])

/** `MOCKIDP_HTTPS` as a boolean; undefined when unset. */
function envFlag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined
  const s = v.trim().toLowerCase()
  if (YES.has(s)) return true
  if (NO.has(s)) return false
  throw new ConfigError(`MOCKIDP_HTTPS: "${v}" is not a yes/no value (use 1 or 0)`)
}

function envPort(v: string | undefined, what: string): number | undefined {
  if (v === undefined || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${what}: "${v}" is not a port (0-65535)`)
  return n
}

/**
 * Whether HTTPS is on, and with which CA directory and extra HTTP port. Precedence, as for the
 * port: the command line (`--https`, `--tls-dir`, `--http-port` or the `startMockIdp` options),
 * then the environment (`MOCKIDP_HTTPS`, `MOCKIDP_TLS_DIR`, `MOCKIDP_HTTP_PORT`), then the
 * config's `tls` (its `dir` relative to the config file), then the defaults.
 */
export function resolveTls(
  cfg: TlsConfig | undefined,
  opts: { https?: boolean | undefined; httpPort?: number | undefined; tlsDir?: string | undefined },
  env: Record<string, string | undefined>,
  baseDir: string,
): ResolvedTls | undefined {
  const on = opts.https ?? envFlag(env.MOCKIDP_HTTPS) ?? (cfg ? cfg.enabled !== false : false)
  if (!on) return undefined
  const dir = opts.tlsDir ? resolve(opts.tlsDir) : env.MOCKIDP_TLS_DIR ? resolve(env.MOCKIDP_TLS_DIR) : cfg?.dir ? resolve(baseDir, cfg.dir) : defaultTlsDir(env)
  const httpPort = opts.httpPort ?? envPort(env.MOCKIDP_HTTP_PORT, 'MOCKIDP_HTTP_PORT') ?? cfg?.httpPort
  return httpPort === undefined ? { dir } : { dir, httpPort }
}
