import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import { loadConfig, type LoadOptions } from './config/load.js'
import { reloadIdp, watchAndReload } from './runtime/reload.js'
import { ConfigError } from './config/errors.js'
import { createIdp } from './runtime/idp.js'
import { serve } from './server/serve.js'
import { describeTenant } from './index.js'
import { packagePath } from './lib/paths.js'
import { createRequestLog, type LogFormat } from './log/request-log.js'

const HELP = `mockidp — a mock GenAuth / Authing / PingOne / Asgardeo identity provider for development and tests

Usage: mockidp [--config FILE] [--port N] [--host H] [--log pretty|json|off] [--quiet] [--no-watch] [--state FILE] [--allow-in-production]

Options:
  -c, --config FILE   config file (default: $MOCKIDP_CONFIG, ./mockidp.config.json, then the built-in one)
  -p, --port N        listen port; 0 picks a free port (default: $PORT, the config's port, 9000)
      --host H        listen address (default: $HOST, the config's host, 127.0.0.1)
      --log FORMAT    one line per request on stdout: pretty (default; coloured on a terminal), json (one object per line), off
  -q, --quiet         no request lines (same as --log off)
      --no-watch      do not reload when the config file changes (default: reload; an invalid edit keeps the running config)
      --state FILE    keep codes, tokens, sessions and run-time fixtures in FILE over restarts (also MOCKIDP_STATE, config state.file)
      --allow-in-production  start even when NODE_ENV=production (also MOCKIDP_ALLOW_PRODUCTION=1)
  -h, --help          show this help
  -v, --version       show the version

Environment:
  MOCKIDP_CONFIG            config file (as --config)
  PORT, HOST                listen port and address (as --port, --host)
  MOCKIDP_PUBLIC_URL        browser-facing origin, http(s)://host[:port]: issuer, authorization and logout URLs
  MOCKIDP_BACKCHANNEL_URL   back-channel origin, http(s)://host[:port]: token, userinfo, JWKS … URLs in discovery
  MOCKIDP_STATE             state file (as --state)
  MOCKIDP_LOG               request log format when --log is not given: pretty, json or off
  MOCKIDP_ALLOW_PRODUCTION  1: as --allow-in-production
  NO_COLOR                  set: no colours in the request log

Not for production: every secret, user and key it knows is public.`

async function main(argv: string[]): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        'allow-in-production': { type: 'boolean' },
        'no-watch': { type: 'boolean' },
        state: { type: 'string' },
        log: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
      },
      strict: true,
    }).values
  } catch (err) {
    console.error(`mockidp: ${(err as Error).message}\n\n${HELP}`)
    return 2
  }
  if (args.help) {
    console.log(HELP)
    return 0
  }
  if (args.version) {
    console.log((JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version)
    return 0
  }
  if (process.env.NODE_ENV === 'production' && !args['allow-in-production'] && process.env.MOCKIDP_ALLOW_PRODUCTION !== '1') {
    console.error('mockidp: refusing to start with NODE_ENV=production — this is a mock identity provider whose keys, secrets and users are public.\n  If this really is a test environment, pass --allow-in-production (or set MOCKIDP_ALLOW_PRODUCTION=1).')
    return 1
  }
  let port: number | undefined
  if (args.port !== undefined) {
    port = Number(args.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      console.error(`mockidp: --port "${args.port}" is not a port number (0-65535)`)
      return 2
    }
  }
  const logSetting = args.quiet ? 'off' : (args.log ?? process.env.MOCKIDP_LOG ?? 'pretty')
  if (!['pretty', 'json', 'off'].includes(logSetting)) {
    console.error(`mockidp: --log "${logSetting}" is not a log format (use pretty, json or off)`)
    return 2
  }
  const log = logSetting === 'off' ? undefined : createRequestLog({ format: logSetting as LogFormat })
  try {
    const loadOpts: LoadOptions = { env: process.env, ...(args.config ? { file: args.config } : {}), ...(port !== undefined ? { port } : {}), ...(args.host ? { host: args.host } : {}), ...(args.state ? { stateFile: args.state } : {}) }
    const { config, profiles } = loadConfig(loadOpts)
    const idp = createIdp(config, profiles)
    const state = config.stateFile ? (await import('./state/state-file.js')).openStateFile(idp, config.stateFile) : undefined
    for (const line of state?.report ?? []) console.log(`mockidp: ${line}`)
    const listening = await serve(idp, { port: config.port, host: config.host, log })
    const where = config.host === '0.0.0.0' || config.host === '::' ? `${config.host}:${listening.port} (all interfaces; here ${listening.url})` : listening.url
    const lines = [`mockidp listening on ${where} (config: ${config.source})`, '  ⚠ a mock identity provider for development and tests — NOT FOR PRODUCTION: its keys, secrets and users are public']
    for (const t of idp.tenants) {
      const info = describeTenant(idp, t.id, config.publicUrl ?? listening.tenantUrls.get(t.id) ?? listening.url)
      const base = t.servers.length ? (config.publicUrl ?? listening.tenantUrls.get(t.id) ?? listening.url) + t.rootPath : `http://${t.config.hosts![0]}:${listening.port}`
      lines.push(`  ${t.id.padEnd(14)} ${t.profile.displayName.padEnd(9)} ${base}  discovery: ${info.discoveryUrl ?? '-'}  token: ${info.tokenEndpoint}  clients: ${info.clientIds.join(', ')}`)
    }
    // Hot reload: an edited config file rebuilds the tenants on the same ports; an invalid edit keeps the running config.
    const source = { file: config.source, load: () => loadConfig({ ...loadOpts, file: config.source }) }
    idp.reload = () => reloadIdp(idp, source, () => listening.update())
    const report = (err: Error | undefined, dropped: string[] = []) => {
      if (err) return console.error(`mockidp: ${config.source} changed, but the running config was kept:\n  ${err.message}`)
      console.log(`mockidp: reloaded ${config.source} (tenants: ${idp.tenants.map((t) => t.id).join(', ')}) — live codes, tokens and sessions kept`)
      for (const line of dropped) console.log(`  dropped ${line}`)
    }
    const watcher = args['no-watch'] ? undefined : watchAndReload(config.source, idp.reload, report)
    // printed once watching: an edit made as soon as these lines appear is seen
    console.log(lines.join('\n'))
    const stop = (signal: string) => {
      console.log(`mockidp: ${signal}, stopping`)
      const force = setTimeout(() => process.exit(0), 2000)
      force.unref()
      watcher?.close()
      state?.flush()
      void listening.close().then(() => {
        state?.close()
        process.exit(0)
      })
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    return -1
  } catch (err) {
    if (err instanceof ConfigError || (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`mockidp: ${(err as Error).message}`)
      return 1
    }
    throw err
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  (err: unknown) => {
    console.error('mockidp: failed to start:', err)
    process.exitCode = 1
  },
)
