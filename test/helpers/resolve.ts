/**
 * Reach the vendors' production host names in a test without touching /etc/hosts or binding 443:
 * a custom DNS lookup answers 127.0.0.1 for them, and the connection goes to the test server's
 * port, while URL, Host header and TLS server name stay exactly the production ones
 * (`https://demo.authing.cn/oidc/token`). Trust is only what the caller passes (`ca`: the mock's CA).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOneOptions } from 'node:dns'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { Agent, buildConnector, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici'

/** The production hosts of the default config's tenants. */
export const VENDOR_HOSTS = ['demo.authing.cn', 'demo.genauth.ai', 'auth.pingone.com', 'api.asgardeo.io']

/** A DNS lookup answering 127.0.0.1 for `hosts`, the system resolver for any other name. */
export function lookupTo(hosts: readonly string[]): LookupFunction {
  return ((hostname: string, options: LookupOneOptions & { all?: boolean }, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    if (!hosts.includes(hostname.toLowerCase())) return dnsLookup(hostname, options, callback as never)
    if (options?.all) return callback(null, [{ address: '127.0.0.1', family: 4 }])
    return callback(null, '127.0.0.1', 4)
  }) as unknown as LookupFunction
}

/** An undici dispatcher (for fetch) that resolves `hosts` to 127.0.0.1:`port`; `ca` replaces the default trust store. */
export function mappedDispatcher(port: number, hosts: readonly string[] = VENDOR_HOSTS, ca?: string): Agent {
  const connect = buildConnector({ ...(ca ? { ca } : {}), lookup: lookupTo(hosts) } as never)
  return new Agent({
    connect: (opts, cb) => connect(hosts.includes(opts.hostname) ? { ...opts, port: String(port) } : opts, cb),
  })
}

/** The same for node:https clients (axios, node-fetch): an https.Agent with the lookup and the port. */
export class MappedHttpsAgent extends https.Agent {
  constructor(
    private readonly port: number,
    private readonly hosts: readonly string[] = VENDOR_HOSTS,
    ca?: string,
  ) {
    super({ ...(ca ? { ca } : {}), lookup: lookupTo(hosts), keepAlive: false })
  }

  override createConnection(options: Record<string, unknown>, cb: unknown): never {
    const mapped = this.hosts.includes(String(options.host)) ? { ...options, port: this.port, servername: options.host } : options
    return (https.Agent.prototype as unknown as { createConnection: (o: unknown, c: unknown) => never }).createConnection.call(this, mapped, cb)
  }
}

/** Route global fetch and node:https through the mapped agents (returns the undo). */
export function mapVendorHosts(port: number, ca: string, hosts: readonly string[] = VENDOR_HOSTS): () => void {
  const dispatcher: Dispatcher = getGlobalDispatcher()
  const agent = https.globalAgent
  setGlobalDispatcher(mappedDispatcher(port, hosts, ca))
  https.globalAgent = new MappedHttpsAgent(port, hosts, ca)
  return () => {
    setGlobalDispatcher(dispatcher)
    https.globalAgent = agent
  }
}
