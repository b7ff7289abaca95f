import type { Tenant, User } from './tenant.js'

/** A tenant's sub-organization as grants and APIs show it. */
export interface Organization {
  id: string
  name: string
  handle: string
}

/** The handle of an organization without one: its name lowercased, runs of other characters as dashes. */
const defaultHandle = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'org'

/** Whether `user` belongs to the configured organization (no `members`: every user does). */
function isMember(tenant: Tenant, members: readonly string[] | undefined, user: User): boolean {
  if (members === undefined) return true
  return members.some((m) => tenant.findUser(m)?.sub === user.sub)
}

/** The organizations of the tenant `user` belongs to, in config order. */
export function userOrganizations(tenant: Tenant, user: User): Organization[] {
  const out: Organization[] = []
  for (const o of tenant.config.organizations ?? []) {
    if (isMember(tenant, o.members, user)) out.push({ id: o.id, name: o.name, handle: o.handle ?? defaultHandle(o.name) })
  }
  return out
}

/** The organization `id` if `user` belongs to it. */
export function memberOrganization(tenant: Tenant, user: User, id: string): Organization | undefined {
  return userOrganizations(tenant, user).find((o) => o.id === id)
}
