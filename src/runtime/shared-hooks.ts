/**
 * What the admin layer tells the other replicas of (a Redis store): set on `Idp.shared` by
 * runtime/shared-state.ts, absent for the in-memory default. Types only: nothing of the shared
 * machinery is loaded without a Redis store.
 */
export interface SharedHooks {
  /** A user or client was put (`value`) or removed (`null`) at run time. */
  fixture(tenant: string, kind: 'user' | 'client', key: string, value: object | null): void
  /** The tenant's signing keys rotated. */
  keysRotated(tenant: string): void
  /** Wait until every change this replica made has reached Redis (the admin API answers after it). */
  flush(): Promise<void>
  /** Stop hearing the other replicas. */
  close(): Promise<void>
}
