import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Idp } from './idp.js'
import type { SharedBus } from './shared-bus.js'

/** The config version replicas agree on (`<prefix>config`): a counter, the digest, who announced it. */
interface ConfigVersion {
  version: number
  digest: string
  replica: string
  source: string
}

// what differs between replicas of one config by design: where each listens and what it was told to be
const LOCAL = new Set(['port', 'host', 'source', 'stateFile', 'https', 'redisStore'])

/**
 * A digest of the config as loaded: its file's text when it came from one (each replica loads "the
 * same file"), else the resolved config without the per-replica members.
 */
export function configDigest(idp: Idp): string {
  const h = createHash('sha256')
  try {
    h.update(readFileSync(idp.config.source, 'utf8'))
  } catch {
    h.update(JSON.stringify(idp.config, (k, v: unknown) => (LOCAL.has(k) ? undefined : v)))
  }
  return h.digest('hex').slice(0, 16)
}

/**
 * Config agreement between replicas: a reload at one (admin API, programmatic, file watch) that took
 * raises the version in Redis and publishes it; every other replica re-reads its own file, and says
 * so in one clear line when what it read is not what was announced.
 */
export class SharedConfig {
  private readonly key: string
  /** The digest of the config this replica runs (taken when it was loaded: the file may have changed since). */
  private running: string
  private reloadLocal: (() => Promise<string[]>) | undefined
  private applying: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly idp: Idp,
    private readonly bus: SharedBus,
    /** Called once a reload (here or announced) has been applied. */
    private readonly after: () => Promise<void>,
  ) {
    this.key = bus.key('config')
    this.running = configDigest(idp)
    bus.on('reload', (m) => (this.applying = this.applying.then(() => this.heard(m as unknown as ConfigVersion))))
    // `idp.reload` is set by whoever serves the mock, after this: wrap whatever it is set to
    const self = this
    Object.defineProperty(idp, 'reload', {
      configurable: true,
      enumerable: true,
      get: () => (self.reloadLocal ? () => self.reload() : undefined),
      set: (fn: (() => Promise<string[]>) | undefined) => {
        self.reloadLocal = fn
      },
    })
  }

  /** Compare this replica's config with the announced one; announce it when none was. */
  async start(): Promise<void> {
    const mine = this.running
    const text = await this.bus.run(this.bus.client.get(this.key))
    if (!text) {
      const v: ConfigVersion = { version: 1, digest: mine, replica: this.bus.replica, source: this.idp.config.source }
      await this.bus.run(this.bus.client.set(this.key, JSON.stringify(v), { NX: true }))
      return
    }
    const v = JSON.parse(text) as ConfigVersion
    if (v.digest !== mine) this.bus.log(this.differs(v, mine))
  }

  private differs(v: ConfigVersion, mine: string): string {
    return (
      `mockidp: CONFIG MISMATCH — this replica's config (${this.idp.config.source}, sha256 ${mine}) differs from version ${v.version} ` +
      `announced by replica ${v.replica} (${v.source}, sha256 ${v.digest}); replicas will answer differently until each loads the same file`
    )
  }

  /** Reload here, then tell the others. */
  private async reload(): Promise<string[]> {
    const dropped = await this.reloadLocal!()
    const digest = (this.running = configDigest(this.idp))
    await this.after()
    // applied here: a Redis that does not answer the announcement is logged, never a failed reload (a 500)
    try {
      const version = (await this.bus.evalScript<number>(ANNOUNCE, [this.key], [digest, this.bus.replica, this.idp.config.source])) ?? 0
      await this.bus.publish('reload', { version, digest, replica: this.bus.replica, source: this.idp.config.source })
    } catch (err) {
      this.bus.log(`mockidp: reloaded ${this.idp.config.source} here, but could not tell the other replicas (${(err as Error).message}); they keep their config until they reload theirs`)
    }
    return dropped
  }

  /** Another replica reloaded: re-read this replica's file (unless it already has what was announced). */
  private async heard(v: ConfigVersion): Promise<void> {
    if (this.running === v.digest) return // the same edit, already reloaded by this replica's own watch
    if (!this.reloadLocal) return this.bus.log(`mockidp: replica ${v.replica} reloaded its config (version ${v.version}); this mock has no config file to re-read`)
    try {
      const dropped = await this.reloadLocal()
      await this.after()
      const mine = (this.running = configDigest(this.idp))
      if (mine !== v.digest) this.bus.log(this.differs(v, mine))
      else this.bus.log(`mockidp: reloaded ${this.idp.config.source} (config version ${v.version}, announced by replica ${v.replica})${dropped.length ? ` — dropped: ${dropped.join('; ')}` : ''}`)
    } catch (err) {
      this.bus.log(`mockidp: replica ${v.replica} reloaded its config (version ${v.version}), but this replica kept its own: ${(err as Error).message}`)
    }
  }

  /** Resolves once the announced reloads heard so far are applied (tests, and `stop`). */
  settled(): Promise<unknown> {
    return this.applying
  }
}

// one step: the next version and its digest
const ANNOUNCE = `local cur = redis.call('GET', KEYS[1])
local v = 1
if cur then v = cjson.decode(cur).version + 1 end
redis.call('SET', KEYS[1], cjson.encode({version = v, digest = ARGV[1], replica = ARGV[2], source = ARGV[3]}))
return v`
