import type { FamilyStore, RecordStore } from '../store/types.js'
import type { AccessRecord, CodeRecord, RefreshRecord } from './records.js'
import type { SessionRecord } from './sessions.js'
import type { DeviceRecord, DirectFlowRecord, PushedRequestRecord, UserCodeRecord } from './flow-stores.js'
import type { Participant } from './participants.js'

/**
 * Everything a tenant keeps for its flows, behind one interface: the tenant's in-memory stores
 * (default) or a Redis shared by replicas (store/redis/records.ts). Flows use only this.
 */
export interface TenantStores {
  /** `memory` or `redis` (messages, health). */
  readonly kind: 'memory' | 'redis'
  codes: RecordStore<CodeRecord>
  refreshTokens: RecordStore<RefreshRecord>
  accessTokens: RecordStore<AccessRecord>
  /** jti of revoked JWT access tokens, each until the token it revokes expires. */
  revokedJtis: RecordStore<{ exp: number }>
  /** Browser SSO sessions, by cookie handle. */
  sessions: RecordStore<SessionRecord>
  /** What each grant issued, for replay revocation. */
  families: FamilyStore
  /**
   * Refuse now (throw `limit_reached`), before a grant changes anything, when the tokens it would
   * issue do not fit. Redis bounds memory itself (maxmemory): there this checks nothing, and a write
   * Redis refuses is answered as `limit_reached` naming maxmemory.
   */
  assertRoom(refresh: boolean, access: boolean): void
  /** PAR and device-flow records (in memory: made on first use). */
  flows(): FlowRecordStores
  /** Forget every record of the tenant (a reset; in memory the tenant clears its own stores). */
  clear(): Promise<void>
  /**
   * Which clients took part in each session (back-channel and front-channel logout), when they
   * are shared; absent in memory, where runtime/participants.ts keeps them beside the tenant.
   */
  participants?: SharedParticipants
}

/** A participant as shared between replicas: where its tokens came from (the server is found by id). */
export type SharedParticipant = Omit<Participant, 'server'>

/** The participants of sessions in a shared store, by sid then client id. */
export interface SharedParticipants {
  add(sid: string, clientId: string, p: SharedParticipant): Promise<void>
  list(sid: string): Promise<Map<string, SharedParticipant>>
  /** Read and forget (a session ended): of concurrent takers one gets them. */
  take(sid: string): Promise<Map<string, SharedParticipant> | undefined>
}

/** The per-tenant stores of the PAR and device flows. */
export interface FlowRecordStores {
  pushedRequests: RecordStore<PushedRequestRecord>
  /** `response_mode=direct` sign-ins waiting for the user's credentials, by flow id. */
  directFlows: RecordStore<DirectFlowRecord>
  devices: RecordStore<DeviceRecord>
  userCodes: RecordStore<UserCodeRecord>
}

/** What a Redis (or any shared) backend makes for one tenant. */
export type StoresFactory = (tenantId: string) => TenantStores
