// Build: bundle the CLI and the library into single ESM files (one file to load starts faster),
// emit type declarations, and write mockidp.schema.json from the validator's own schema.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { writeFileSync, rmSync, mkdirSync, chmodSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const root = new URL('..', import.meta.url)
rmSync(new URL('dist', root), { recursive: true, force: true })
mkdirSync(new URL('dist', root))
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // some bundled CommonJS needs require(); give ESM output one
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
}
await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + common.banner.js } })
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' })
execFileSync(process.execPath, [new URL('node_modules/typescript/bin/tsc', root).pathname, '-p', 'tsconfig.json', '--emitDeclarationOnly'], { stdio: 'inherit' })
chmodSync(new URL('dist/cli.js', root), 0o755)
writeFileSync(new URL('dist/index.d.ts', root), "export * from './types/index.js'\n")
const { configSchema } = await import(pathToFileURL(new URL('dist/index.js', root).pathname).href)
writeFileSync(new URL('mockidp.schema.json', root), JSON.stringify(configSchema, null, 2) + '\n')
