import type { ClientConfig, UserConfig } from '../config/types.js'
import type { KeyRingState } from '../keys/rotation.js'
import type { Idp } from './idp.js'
import type { SharedBus } from './shared-bus.js'
import type { Tenant } from './tenant.js'
import { applySignIn, replicateSignIns, type PendingSignIn } from './next-sign-in.js'
import { OAuthError } from '../oauth/errors.js'

/**
 * Run-time fixtures shared by the replicas on one Redis: users and clients put or removed through
 * the admin API (hash `<prefix>fixtures:<tenant>`, `user:<sub>` / `client:<id>` → JSON, `null` for a
 * removal), rotated signing keys (hash `<prefix>keys`, tenant → the ring as numbers: each replica
 * derives the same keys from the seed) and queued "sign in as" (published only: a sign-in is taken
 * within seconds). A replica that starts later reads the hashes.
 */
export class SharedFixtures {
  constructor(
    private readonly idp: Idp,
    private readonly bus: SharedBus,
  ) {
    bus.on('fixture', (m) => {
      const t = idp.tenant(String(m.tenant))
      if (t) this.apply(t, m.field as string, m.value as object | null)
    })
    bus.on('keys', (m) => {
      const t = idp.tenant(String(m.tenant))
      if (t) this.restoreKeys(t, m.state as KeyRingState)
    })
    bus.on('sign-in', (m) => {
      const t = idp.tenant(String(m.tenant))
      if (t) applySignIn(t, m.change as Parameters<typeof applySignIn>[1])
    })
    const tell = (tenant: Tenant, change: Parameters<typeof applySignIn>[1]) => void bus.publish('sign-in', { tenant: tenant.id, change })
    // every tenant of this mock reads the same clock object (idp.ts): one registration covers reloads too
    const clock = idp.tenants[0]?.clock
    if (clock)
      replicateSignIns(clock, {
        queued: (t, entry: PendingSignIn) => tell(t, { op: 'queued', entry }),
        taken: (t, ticket) => tell(t, { op: 'taken', ticket }),
        bound: (t, sid, claims) => tell(t, { op: 'bound', sid, claims }),
        claim: async (t, ticket) => {
          try {
            // kept an hour: far longer than the queued copies other replicas drop on hearing `taken`
            return (await bus.run(bus.client.set(bus.key(`${t.id}:signin:${ticket}`), '1', { NX: true, PX: 3_600_000 }))) === 'OK'
          } catch (err) {
            throw new OAuthError('store_unavailable', { detail: `the shared store (Redis) did not confirm the queued sign-in: ${(err as Error).message} — try again shortly` }, { cause: err })
          }
        },
      })
  }

  private fixturesKey(tenant: string): string {
    return this.bus.key(`fixtures:${tenant}`)
  }

  /** Take every tenant's shared users, clients and keys (start-up, and after a reload rebuilt the tenants). */
  async load(): Promise<void> {
    const keys = await this.bus.run(this.bus.client.hGetAll(this.bus.key('keys')))
    for (const t of this.idp.tenants) {
      const fields = await this.bus.run(this.bus.client.hGetAll(this.fixturesKey(t.id)))
      for (const [field, text] of Object.entries(fields)) this.apply(t, field, JSON.parse(text) as object | null)
      const ring = keys[t.id]
      if (ring) this.restoreKeys(t, JSON.parse(ring) as KeyRingState)
    }
  }

  /** A user or client changed here: write it and tell the others. */
  fixture(tenant: string, kind: 'user' | 'client', key: string, value: object | null): void {
    const field = `${kind}:${key}`
    void this.bus.track(this.bus.client.hSet(this.fixturesKey(tenant), field, JSON.stringify(value)))
    void this.bus.publish('fixture', { tenant, field, value })
  }

  /** The tenant's keys rotated here. */
  keysRotated(tenant: string): void {
    const state = this.idp.tenant(tenant)?.keys.snapshot()
    if (!state) return
    void this.bus.track(this.bus.client.hSet(this.bus.key('keys'), tenant, JSON.stringify(state)))
    void this.bus.publish('keys', { tenant, state })
  }

  /** Forget the shared fixtures and keys (a reset, made by this replica for all). */
  async forget(): Promise<void> {
    await this.bus.run(this.bus.client.del([this.bus.key('keys'), ...this.idp.tenants.map((t) => this.fixturesKey(t.id))]))
  }

  private apply(t: Tenant, field: string, value: object | null): void {
    const colon = field.indexOf(':')
    const kind = field.slice(0, colon)
    const key = field.slice(colon + 1)
    // the tenant's own methods, not the admin API's: applying a change tells no one
    if (kind === 'user') {
      if (value) t.putUser(value as UserConfig)
      else t.deleteUser(key)
    } else if (kind === 'client') {
      if (value) t.putClient(value as ClientConfig)
      else t.deleteClient(key)
    }
  }

  private restoreKeys(t: Tenant, state: KeyRingState): void {
    const why = t.keys.restore(state)
    if (why) this.bus.log(`mockidp: tenant ${t.id}: could not take the signing keys another replica rotated (${why})`)
  }
}
