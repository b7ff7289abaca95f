import { compile } from '../lib/template.js'
import type { Idp } from '../runtime/idp.js'
import type { Client, Tenant } from '../runtime/tenant.js'
import { mounted } from '../admin/control.js'

/** What the console shows of one tenant: URLs, clients, users and copy-ready configuration. */
export interface ConsoleTenant {
  id: string
  vendor: string
  displayName: string
  color: string
  issuer: string
  /** The scope a test sign-in asks for. */
  scope: string
  urls: [string, string][]
  authorizationEndpoint: string | undefined
  tokenEndpoint: string
  clients: { clientId: string; name?: string | undefined; public: boolean; redirectUris: string[]; grantTypes: string[] }[]
  users: { sub: string; username: string; name?: string | undefined; email?: string | undefined }[]
  snippets: { title: string; code: string }[]
}

const LABELS: Record<string, string> = {
  discovery: 'Discovery',
  authorization: 'Authorization',
  token: 'Token',
  userinfo: 'UserInfo',
  jwks: 'JWKS',
  introspection: 'Introspection',
  revocation: 'Revocation',
  endSession: 'End session',
  checkSession: 'Check session',
  userProfile: 'User profile',
}

const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")

/** Configuration for the clients people use, filled in with this tenant's values (the vendor's own SDKs come from its profile). */
function snippets(t: Tenant, issuer: string, discovery: string | undefined, root: string, scope: string): { title: string; code: string }[] {
  const clients = [...t.clients.values()]
  const pub = clients.find((c) => c.public) ?? clients[0]
  const conf = clients.find((c) => !c.public) ?? clients[0]
  if (!pub || !conf) return []
  const vars = (c: Client) => ({
    root,
    issuer,
    discovery: discovery ?? `${issuer}/.well-known/openid-configuration`,
    clientId: quote(c.clientId),
    clientSecret: quote(c.clientSecret ?? ''),
    redirectUri: quote(c.redirectUris[0] ?? ''),
    scope,
    scopesJson: JSON.stringify(scope.split(' ').filter(Boolean)).replace(/"/g, "'").replace(/,/g, ', '),
  })
  const generic = [
    {
      title: 'oidc-client-ts (browser)',
      for: 'public' as const,
      code: "import { UserManager } from 'oidc-client-ts'\n\nconst mgr = new UserManager({\n  authority: '${issuer}',\n  client_id: '${clientId}',\n  redirect_uri: '${redirectUri}',\n  response_type: 'code',\n  scope: '${scope}',\n})\nawait mgr.signinRedirect()",
    },
    {
      title: 'openid-client (server)',
      for: 'confidential' as const,
      code: "import * as client from 'openid-client'\n\nconst config = await client.discovery(\n  new URL('${issuer}'),\n  '${clientId}',\n  '${clientSecret}',\n  client.ClientSecretPost('${clientSecret}'),\n  { execute: [client.allowInsecureRequests] }, // http:// only\n)",
    },
    {
      title: 'Auth.js provider',
      for: 'confidential' as const,
      code: "// auth.ts: NextAuth({ providers: [mockidp] })\nconst mockidp = {\n  id: 'mockidp',\n  name: 'mockidp',\n  type: 'oidc',\n  issuer: '${issuer}',\n  clientId: '${clientId}',\n  clientSecret: '${clientSecret}',\n}",
    },
  ]
  const all = discovery ? [...generic, ...(t.profile.snippets ?? [])] : (t.profile.snippets ?? [])
  return all.map((s) => ({ title: s.title, code: compile(s.code)(vars(s.for === 'public' ? pub : conf)) }))
}

/** The console's view of every tenant, as seen from `origin`. */
export function consoleTenants(idp: Idp, origin: string): ConsoleTenant[] {
  return idp.tenants.map((t) => {
    const server = mounted(t).find((s) => s.id === t.defaultServer.id) ?? mounted(t)[0]!
    const { issuer, url } = server.urls(origin)
    const scope = server.spec.openid ? 'openid profile email' : server.spec.authorization.defaultScope
    const urls: [string, string][] = [['Issuer', issuer]]
    for (const s of mounted(t)) {
      const u = s.urls(origin).url
      for (const [k, v] of Object.entries(u)) if (v) urls.push([`${mounted(t).length > 1 ? `${s.id} · ` : ''}${LABELS[k] ?? k}`, v])
    }
    return {
      id: t.id,
      vendor: t.profile.name,
      displayName: t.profile.displayName,
      color: t.profile.brand.color,
      issuer,
      scope,
      urls,
      authorizationEndpoint: url.authorization,
      tokenEndpoint: url.token!,
      clients: [...t.clients.values()].map((c) => ({ clientId: c.clientId, name: c.name, public: c.public, redirectUris: c.redirectUris, grantTypes: c.grantTypes })),
      users: t.users.map((u) => ({ sub: u.sub, username: u.username, name: typeof u.name === 'string' ? u.name : undefined, email: typeof u.email === 'string' ? u.email : undefined })),
      snippets: snippets(t, issuer, url.discovery, origin + server.rootPath, scope),
    }
  })
}
