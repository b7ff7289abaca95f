import { ConfigError } from './errors.js'
import { validate } from './validate.js'

/** The shape of `startMockIdp()` options, checked before anything is read or opened. */
const startOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    config: {
      type: 'object',
      description: 'a (partial) config object',
      properties: {
        tenants: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } } },
        admin: { type: 'object' },
        journal: { type: 'object' },
      },
    },
    configFile: { type: 'string', minLength: 1, description: 'a path' },
    merge: { type: 'boolean' },
    port: { type: 'integer', minimum: 0, maximum: 65535, description: 'a port number, 0 for a free one' },
    host: { type: 'string', minLength: 1, description: 'a listen address, e.g. "127.0.0.1"' },
    env: { type: 'object' },
    watch: { type: 'boolean' },
    allowInProduction: { type: 'boolean' },
    stateFile: { type: 'string', minLength: 1, description: 'a path' },
    store: { type: 'string', minLength: 1, description: 'a Redis URL, e.g. "redis://localhost:6379/0"' },
    https: { type: 'boolean' },
    httpPort: { type: 'integer', minimum: 0, maximum: 65535, description: 'a port number, 0 for a free one' },
    tlsDir: { type: 'string', minLength: 1, description: 'a directory' },
    log: { description: 'true, "pretty", "json" or request-log options' },
  },
} as const

/**
 * Check `startMockIdp()` options: each problem names the option (`port`, `config.tenants[0].id` …)
 * and what it takes, so a wrong type is an error that says so rather than a TypeError from deep
 * inside (or, for `port: "abc"`, a Unix socket named `abc`).
 */
export function checkStartOptions(opts: unknown): void {
  if (opts === undefined) return
  const problems = validate(opts, startOptionsSchema as never).map((p) => p.replace(/^\(root\)/, 'options'))
  const o = (typeof opts === 'object' && opts !== null ? opts : {}) as Record<string, unknown>
  if (o.onReload !== undefined && typeof o.onReload !== 'function') problems.push(`onReload: expected a function, got ${typeof o.onReload}`)
  // a misspelt format would otherwise log pretty lines without a word
  if (typeof o.log === 'string' && o.log !== 'pretty' && o.log !== 'json') problems.push(`log: "${o.log}" is not a log format; use true, false, "pretty" or "json"`)
  const unknown = problems.findIndex((p) => p.startsWith('onReload: unknown setting'))
  if (unknown >= 0) problems.splice(unknown, 1)
  if (problems.length) throw new ConfigError(`startMockIdp: invalid options:\n  - ${problems.join('\n  - ')}`)
}
