import { homedir } from 'node:os'
import { join } from 'node:path'

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
