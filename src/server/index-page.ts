import { escapeHtml, page } from './html.js'

/** What the index shows of one tenant (the same data as the JSON index). */
export interface IndexTenant {
  id: string
  displayName: string
  color: string
  servers: { id: string; issuer: string; url: Record<string, string | undefined> }[]
  clients: { clientId: string; name?: string | undefined; public: boolean; redirectUris: string[] }[]
  users: string[]
}

/** Endpoints in the order a developer wires them, with readable labels. */
const ENDPOINTS: [string, string][] = [
  ['discovery', 'Discovery'],
  ['authorization', 'Authorize'],
  ['token', 'Token'],
  ['userinfo', 'Userinfo'],
  ['jwks', 'JWKS'],
  ['introspection', 'Introspection'],
  ['revocation', 'Revocation'],
  ['endSession', 'Logout'],
]

const link = (u: string) => `<a href="${escapeHtml(u)}"><code>${escapeHtml(u)}</code></a>`

function tenantCard(t: IndexTenant): string {
  const servers = t.servers
    .map((s) => {
      const rows = [`<tr><th>Issuer</th><td><code>${escapeHtml(s.issuer)}</code></td></tr>`]
      for (const [k, label] of ENDPOINTS) {
        const u = s.url[k]
        if (u) rows.push(`<tr><th>${label}</th><td>${k === 'discovery' || k === 'jwks' ? link(u) : `<code>${escapeHtml(u)}</code>`}</td></tr>`)
      }
      return `${t.servers.length > 1 ? `<h3>${escapeHtml(s.id)}</h3>` : ''}<table class="list urls">${rows.join('')}</table>`
    })
    .join('')
  const clients = t.clients
    .map((c) => `<tr><td><code>${escapeHtml(c.clientId)}</code>${c.name ? `<div class="meta">${escapeHtml(c.name)}</div>` : ''}</td><td>${c.public ? 'public (PKCE)' : 'confidential'}</td><td>${c.redirectUris.map((u) => `<code>${escapeHtml(u)}</code>`).join('<br>')}</td></tr>`)
    .join('')
  return `<section class="tenant" id="${escapeHtml(t.id)}">
<h2 class="tenant-name"><span class="dot" style="background:${escapeHtml(t.color)}"></span>${escapeHtml(t.displayName)} <code>${escapeHtml(t.id)}</code></h2>
${servers}
<table class="list"><tr><th>Client</th><th>Type</th><th>Redirect URIs</th></tr>${clients}</table>
<p class="meta">Users: ${t.users.map((u) => `<code>${escapeHtml(u)}</code>`).join(' ')}</p>
</section>`
}

/** `GET /` for a browser: every tenant with its URLs, clients and users (the JSON stays for other clients). */
export function indexPage(tenants: readonly IndexTenant[], adminEnabled: boolean): string {
  return page(
    'mockidp — tenants',
    `<header class="brand"><span class="brand-name">mockidp</span><span class="badge">mock</span></header>
<section><h1 class="title">Tenants</h1><p class="context">A mock identity provider for development and tests — not for production: every key, secret and user here is public.</p>
<p class="meta">${tenants.length} tenant${tenants.length === 1 ? '' : 's'}: ${tenants.map((t) => `<a href="#${escapeHtml(t.id)}">${escapeHtml(t.id)}</a>`).join(' · ')}${adminEnabled ? ' · <a href="/_mockidp">developer console</a> and admin API at <code>/_mockidp</code>' : ''} · this page as JSON: <code>curl -H 'accept: application/json' …/</code></p></section>
${tenants.map(tenantCard).join('\n')}
<p class="warn">mockidp · not for production</p>`,
    { color: '#2f3a4a', width: 960 },
  )
}
