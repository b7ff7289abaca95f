// Build: bundle the CLI and the library into single ESM files (one file to load starts faster),
// emit type declarations, and write mockidp.schema.json from the validator's own schema.
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { writeFileSync, rmSync, mkdirSync, chmodSync, copyFileSync } from 'node:fs'
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
  // the Redis client is an optional peer: imported at run time, only with a Redis store, never bundled
  external: ['redis'],
}
// What is loaded with import() only when asked for (HTTPS: the TLS store and node-forge) goes to its
// own files under dist/chunks/, so a plain start reads no byte of it. One build per entry: no chunk
// shared between the two entries (a shared chunk would be one more file on every start).
// (dist/chunks/cli/ is what the CLI, and so the Docker image, needs.)
const split = (dir) => ({ splitting: true, outdir: 'dist', chunkNames: `chunks/${dir}/[name]-[hash]` })
await build({ ...common, ...split('cli'), entryPoints: ['src/cli.ts'], banner: { js: '#!/usr/bin/env node\n' + common.banner.js } })
await build({ ...common, ...split('lib'), entryPoints: ['src/index.ts'] })
// The integrations (`mockidp/vite`, `mockidp/next`, `mockidp/msw`): one file each, importing the main
// entry (one engine however many are loaded) and their host tool (an optional peer) at run time.
// The main entry never loads them, so its start-up cost is unchanged.
const mainEntry = {
  name: 'main-entry-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/index\.js$/ }, () => ({ path: './index.js', external: true }))
  },
}
for (const name of ['vite', 'next', 'msw']) {
  await build({ ...common, entryPoints: [`src/${name}.ts`], outfile: `dist/${name}.js`, external: ['vite', 'next', 'msw', 'msw/*', '@hono/node-server', 'redis'], plugins: [mainEntry] })
}
// `mockidp/playwright`: its own entry, so the library never loads it (Playwright is an optional peer)
await build({ ...common, entryPoints: ['src/playwright.ts'], outfile: 'dist/playwright.js' })
// CommonJS for require('mockidp') (a jest project without ESM): import.meta.url, which finds the
// package's fixtures, becomes the bundle's own file URL.
await build({
  ...common,
  format: 'cjs',
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.cjs',
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__import_meta_url' },
})
execFileSync(process.execPath, [new URL('node_modules/typescript/bin/tsc', root).pathname, '-p', 'tsconfig.json', '--emitDeclarationOnly', '--stripInternal'], { stdio: 'inherit' })
chmodSync(new URL('dist/cli.js', root), 0o755)
// the console's browser script is served as written (no build step of its own)
mkdirSync(new URL('dist/console', root), { recursive: true })
copyFileSync(new URL('src/console/app.js', root), new URL('dist/console/app.js', root))
writeFileSync(new URL('dist/index.d.ts', root), "export * from './types/index.js'\n")
writeFileSync(new URL('dist/index.d.cts', root), "export * from './types/index.js'\n")
writeFileSync(new URL('dist/vite.d.ts', root), "export * from './types/vite.js'\nexport { default } from './types/vite.js'\n")
for (const name of ['next', 'msw']) writeFileSync(new URL(`dist/${name}.d.ts`, root), `export * from './types/${name}.js'\n`)
writeFileSync(new URL('dist/playwright.d.ts', root), "export * from './types/playwright.js'\n")
const { configSchema } = await import(pathToFileURL(new URL('dist/index.js', root).pathname).href)
writeFileSync(new URL('mockidp.schema.json', root), JSON.stringify(configSchema, null, 2) + '\n')
