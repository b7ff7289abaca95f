import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let root: string | undefined

/**
 * The package root (where `fixtures/` and the default config live), found by walking up from this
 * module: the same code runs from `src/` under vitest and from the bundled `dist/`.
 */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'fixtures', 'profiles'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('mockidp: cannot find its fixtures/ directory')
    dir = up
  }
  return (root = dir)
}

/** A path inside the package root. */
export const packagePath = (rel: string): string => join(packageRoot(), rel)
