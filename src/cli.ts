import { parseArgs } from 'node:util'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadConfig, type LoadOptions } from './config/load.js'
import { reloadIdp, watchAndReload } from './runtime/reload.js'
import { ConfigError } from './config/errors.js'
import { attachStore, closeStore, createIdp } from './runtime/idp.js'
import { serve, SHUTDOWN_GRACE_MS } from './server/serve.js'
import { describeTenant } from './index.js'
import { packagePath } from './lib/paths.js'
import { requestLogFor, type LogFormat } from './log/request-log.js'
import { tlsSource } from './server/tls-source.js'
import { productionIssuer } from './server/hosts.js'
import { defaultTlsDir } from './config/tls.js'
import { productionRefusal } from './config/production.js'

const HELP = `mockidp — a mock GenAuth / Authing / PingOne / Asgardeo identity provider for development and tests

Usage: mockidp [--config FILE] [--port N] [--host H] [--https [--http-port N] [--tls-dir DIR]] [--log pretty|json|off] [--quiet] [--no-watch] [--state FILE] [--store URL] [--allow-in-production]
       mockidp ca [--tls-dir DIR]     print the development CA's path and how to trust it

Options:
  -c, --config FILE   config file (default: $MOCKIDP_CONFIG, ./mockidp.config.json, then the built-in one)
  -p, --port N        listen port; 0 picks a free port (default: $PORT, the config's port, 9000)
      --host H        listen address (default: $HOST, the config's host, 127.0.0.1)
      --log FORMAT    one line per request on stdout: pretty (default; coloured on a terminal), json (one object per line), off
  -q, --quiet         no request lines (same as --log off)
      --https         serve HTTPS on --port, with a certificate from the local development CA (also MOCKIDP_HTTPS=1, config "tls")
      --http-port N   with --https: also serve plain HTTP on port N (also MOCKIDP_HTTP_PORT)
      --tls-dir DIR   the CA's directory, created on first use (default: $MOCKIDP_TLS_DIR, $XDG_DATA_HOME/mockidp or ~/.local/share/mockidp)
      --no-watch      do not reload when the config file changes (default: reload; an invalid edit keeps the running config)
      --state FILE    keep codes, tokens, sessions and run-time fixtures in FILE over restarts (also MOCKIDP_STATE, config state.file)
      --store URL     keep codes, tokens and sessions in Redis at URL (redis://host:6379/0), shared by replicas (also MOCKIDP_STORE, config store.redis)
      --allow-in-production  start even when NODE_ENV=production (also MOCKIDP_ALLOW_PRODUCTION=1)
  -h, --help          show this help
  -v, --version       show the version

Environment:
  MOCKIDP_CONFIG            config file (as --config)
  PORT, HOST                listen port and address (as --port, --host)
  MOCKIDP_PUBLIC_URL        browser-facing origin, http(s)://host[:port]: issuer, authorization and logout URLs
  MOCKIDP_BACKCHANNEL_URL   back-channel origin, http(s)://host[:port]: token, userinfo, JWKS … URLs in discovery
  MOCKIDP_STATE             state file (as --state)
  MOCKIDP_STORE             Redis URL of a store shared by replicas (as --store)
  MOCKIDP_HTTPS             1: as --https
  MOCKIDP_HTTP_PORT         as --http-port
  MOCKIDP_TLS_DIR           as --tls-dir
  MOCKIDP_LOG               request log format when --log is not given: pretty, json or off
  MOCKIDP_ADMIN_TOKEN       the admin API's bearer token (as admin.token)
  MOCKIDP_ALLOW_PRODUCTION  1: as --allow-in-production
  NO_COLOR                  set: no colours in the request log

Not for production: every secret, user and key it knows is public.`

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
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
        store: { type: 'string' },
        log: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        https: { type: 'boolean' },
        'http-port': { type: 'string' },
        'tls-dir': { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    })
  } catch (err) {
    console.error(`mockidp: ${(err as Error).message}\n\n${HELP}`)
    return 2
  }
  const { positionals, values: args } = parsed
  if (positionals.length > 1 || (positionals.length === 1 && positionals[0] !== 'ca')) {
    console.error(`mockidp: unknown command "${positionals.join(' ')}" (the only command is "ca")\n\n${HELP}`)
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
  if (positionals[0] === 'ca') return printCa(args['tls-dir'] ?? process.env.MOCKIDP_TLS_DIR)
  const refusal = productionRefusal(process.env, args['allow-in-production'] === true)
  if (refusal) {
    console.error(`mockidp: ${refusal}`)
    return 1
  }
  let port: number | undefined
  let httpPort: number | undefined
  for (const [flag, value] of [['--port', args.port], ['--http-port', args['http-port']]] as const) {
    if (value === undefined) continue
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      console.error(`mockidp: ${flag} "${value}" is not a port number (0-65535)`)
      return 2
    }
    if (flag === '--port') port = n
    else httpPort = n
  }
  const logSetting = args.quiet ? 'off' : (args.log ?? process.env.MOCKIDP_LOG ?? 'pretty')
  if (!['pretty', 'json', 'off'].includes(logSetting)) {
    console.error(`mockidp: ${args.log !== undefined ? '--log' : 'MOCKIDP_LOG'} "${logSetting}" is not a log format (use pretty, json or off)`)
    return 2
  }
  const log = requestLogFor(logSetting === 'off' ? false : (logSetting as LogFormat))
  try {
    const loadOpts: LoadOptions = {
      env: process.env,
      ...(args.config ? { file: args.config } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(args.host ? { host: args.host } : {}),
      ...(args.state ? { stateFile: args.state } : {}),
      ...(args.store !== undefined ? { store: args.store } : {}),
      ...(args.https ? { https: true } : {}),
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(args['tls-dir'] ? { tlsDir: args['tls-dir'] } : {}),
    }
    const { config, profiles } = loadConfig(loadOpts)
    if (!config.https && (httpPort !== undefined || args['tls-dir'])) {
      console.error(`mockidp: ${httpPort !== undefined ? '--http-port' : '--tls-dir'} needs --https (or MOCKIDP_HTTPS=1, or "tls" in the config)`)
      return 2
    }
    const idp = createIdp(config, profiles)
    await attachStore(idp)
    // journal, faults, fixtures, clock, keys and reloads shared with the other replicas (loaded only with a Redis store)
    if (idp.redis) await (await import('./runtime/shared-state.js')).shareState(idp)
    const state = config.stateFile ? (await import('./state/state-file.js')).openStateFile(idp, config.stateFile) : undefined
    for (const line of state?.report ?? []) console.log(`mockidp: ${line}`)
    let tlsNote: string | undefined
    const tls = config.https
      ? {
          tls: tlsSource(idp, config.https.dir, config.host, (m) => {
            if (tlsNote !== undefined) return
            tlsNote = `  TLS: certificate for ${m.names.join(', ')} from the development CA ${m.caFile}${m.created.ca ? ' (just created: trust it once, see `mockidp ca`)' : ''}`
          }),
          ...(config.https.httpPort !== undefined ? { httpPort: config.https.httpPort } : {}),
        }
      : {}
    // a failed start (a busy port) closes the Redis connection, which would keep the process alive
    const listening = await serve(idp, { port: config.port, host: config.host, log, ...tls }).catch(async (err: unknown) => {
      state?.close()
      await closeStore(idp)
      throw err
    })
    const where = config.host === '0.0.0.0' || config.host === '::' ? `${config.host}:${listening.port} (all interfaces; here ${listening.url})` : listening.url
    const lines = [`mockidp listening on ${where}${listening.httpUrl ? ` and ${listening.httpUrl}` : ''} (config: ${config.source})`, '  ⚠ a mock identity provider for development and tests — NOT FOR PRODUCTION: its keys, secrets and users are public']
    if (tlsNote) lines.push(tlsNote)
    for (const t of idp.tenants) {
      const info = describeTenant(idp, t.id, config.publicUrl ?? listening.tenantUrls.get(t.id) ?? listening.url)
      const base = t.servers.length ? (config.publicUrl ?? listening.tenantUrls.get(t.id) ?? listening.url) + t.rootPath : `${config.https ? 'https' : 'http'}://${t.config.hosts![0]}:${listening.port}`
      lines.push(`  ${t.id.padEnd(14)} ${t.profile.displayName.padEnd(9)} ${base}  discovery: ${info.discoveryUrl ?? '-'}  token: ${info.tokenEndpoint}  clients: ${info.clientIds.join(', ')}`)
      const prod = config.https ? productionIssuer(t) : undefined
      if (prod) lines.push(`  ${''.padEnd(24)} production URL: ${prod} (wherever ${new URL(prod).hostname} resolves to this mockidp, port ${listening.port})`)
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
      // the server cuts connections after the grace period itself; this is a backstop
      const force = setTimeout(() => process.exit(0), (config.shutdown?.graceMs ?? SHUTDOWN_GRACE_MS) + 1000)
      force.unref()
      watcher?.close()
      state?.flush()
      void listening.close().then(async () => {
        state?.close()
        await closeStore(idp)
        process.exit(0)
      })
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
    return -1
  } catch (err) {
    if (err instanceof ConfigError || ['EADDRINUSE', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) {
      console.error(`mockidp: ${(err as Error).message}`)
      return 1
    }
    throw err
  }
}

/** `mockidp ca`: create the CA if need be, print where it is and how to trust it. */
async function printCa(dir: string | undefined): Promise<number> {
  const { ensureCa, CA_CERT_FILE } = await import('./tls/store.js')
  const { trustSteps } = await import('./tls/trust.js')
  const tlsDir = resolve(dir ?? defaultTlsDir())
  const ca = await ensureCa(tlsDir)
  console.log(trustSteps(join(tlsDir, CA_CERT_FILE), ca.created))
  return 0
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
