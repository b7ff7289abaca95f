import { brandPalette, escapeHtml as e } from '../server/html.js'
import type { ConsoleTenant } from './model.js'

/** Everything the page needs to start, embedded as JSON. */
export interface ConsoleBoot {
  base: string
  origin: string
  now: number
  frozen: boolean
  tenants: ConsoleTenant[]
  /** Set on the test client's callback: the sign-in to finish. */
  callback?: boolean
}

const CSS = `
:root{--text:#1d2129;--muted:#5b6270;--line:#dde1e7;--bg:#f4f5f7;--card:#fff;--accent:#2f4bd6;--ok:#146c2e;--ok-bg:#e3f4e7;--bad:#a11a1a;--bad-bg:#fdecec;--warn-bg:#fff6dc}
*{box-sizing:border-box}html{scroll-padding-top:72px}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
a{color:var(--accent)}
.top{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;padding:10px 20px;background:#151922;color:#fff}
.top .name{font-weight:700;font-size:16px;letter-spacing:.2px}.top .badge{font-size:11px;text-transform:uppercase;letter-spacing:.6px;border:1px solid #8d94a3;border-radius:999px;padding:0 8px;color:#d7dbe3}
.top nav{display:flex;gap:4px;flex-wrap:wrap}.top nav a{color:#d7dbe3;text-decoration:none;padding:6px 10px;border-radius:6px}
.top nav a[aria-current=page]{background:#2b3241;color:#fff}.top nav a:hover{color:#fff}
.clock{margin-left:auto;font-size:12px;color:#c3c8d2}.clock b{color:#fff;font-weight:600}
main{max-width:1240px;margin:0 auto;padding:20px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 10px}h3{font-size:14px;margin:16px 0 6px}
.lead{color:var(--muted);margin:0 0 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px;margin:0 0 16px}
.tenant{border-top:4px solid var(--brand)}
.tenant-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 12px}.tenant-head .vendor{color:var(--muted)}
.chip{display:inline-block;font-size:12px;padding:1px 8px;border-radius:999px;background:#eef0f4;color:#3c4350;white-space:nowrap}
.chip.brand{background:var(--brand);color:var(--on-brand)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:12px;color:var(--muted);font-weight:600}tbody th{width:1%;white-space:nowrap;padding-right:16px}
td code,dd code{word-break:break-all}
code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}code{background:#f0f2f5;padding:1px 4px;border-radius:4px}
pre{background:#0f131a;color:#e7ebf2;padding:12px;border-radius:8px;overflow:auto;margin:6px 0 0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:0 0 12px}
.filters label,.form label{display:flex;flex-direction:column;font-size:12px;font-weight:600;color:var(--muted);gap:2px}
select,input{height:34px}select,input,textarea{font:inherit;color:inherit;padding:6px 8px;border:1px solid #b9bfc9;border-radius:6px;background:#fff;min-width:0}
textarea{width:100%;min-height:96px;font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
button{font:inherit;padding:7px 12px;border-radius:6px;border:1px solid #b9bfc9;background:#fff;color:var(--text);cursor:pointer}
button:hover{background:#f5f6f8}button.primary{background:var(--accent);border-color:var(--accent);color:#fff;font-weight:600}button.primary:hover{background:#2640bd}
button.danger{color:var(--bad);border-color:#e3a6a6}
:focus-visible{outline:3px solid #f4b400;outline-offset:2px}
.split{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px;align-items:start}
.list{max-height:70vh;overflow:auto;border:1px solid var(--line);border-radius:10px;background:#fff}
.row{display:grid;grid-template-columns:64px 52px minmax(0,1fr) 52px;gap:8px;align-items:center;width:100%;text-align:left;border:0;border-bottom:1px solid var(--line);border-radius:0;padding:8px 12px;background:#fff}
.row:hover{background:#f7f8fa}.row[aria-pressed=true]{background:#eef2ff}
.row .t{color:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}.row .m{font-weight:600;font-size:12px}
.row .what{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.row .sub{display:block;color:var(--muted);font-size:12px;overflow:hidden;text-overflow:ellipsis}
.status{font-weight:700;font-size:12px;text-align:center;border-radius:6px;padding:1px 4px}
.s2{background:var(--ok-bg);color:var(--ok)}.s3{background:#e8eefc;color:#1f3f9c}.s4,.s0{background:var(--bad-bg);color:var(--bad)}.s5{background:#fbe3f1;color:#8a1356}
.detail{position:sticky;top:72px}
.empty{color:var(--muted);padding:24px;text-align:center}
.why{background:var(--warn-bg);border:1px solid #f0d98c;border-radius:8px;padding:10px 12px;margin:8px 0}
.why strong{display:block}
dl.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:3px 12px;margin:0}dl.kv dt{font-weight:600;color:var(--muted)}dl.kv dd{margin:0;word-break:break-word}
.sig{font-weight:700}.sig.valid{color:var(--ok)}.sig.invalid{color:var(--bad)}
.rel{color:var(--muted)}
details.snip{border:1px solid var(--line);border-radius:8px;padding:6px 10px;margin:6px 0}details.snip summary{cursor:pointer;font-weight:600}
.copy{float:right;margin:-2px 0 0 8px;font-size:12px;padding:2px 8px}
.form{display:grid;gap:8px}.form .line{display:flex;flex-wrap:wrap;gap:8px;align-items:end}
.out{margin-top:8px}
.notice{border-radius:8px;padding:8px 12px;margin:8px 0}.notice.ok{background:var(--ok-bg);color:var(--ok)}.notice.bad{background:var(--bad-bg);color:var(--bad)}
.warnline{font-size:12px;color:var(--muted);margin:24px 0 0;text-align:center}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:820px){.split{grid-template-columns:1fr}.detail{position:static}.clock{margin-left:0;width:100%}main{padding:12px}.row{grid-template-columns:56px 44px minmax(0,1fr) 46px;padding:8px}}
`

const tenantCard = (t: ConsoleTenant): string => {
  const { brand, onBrand } = brandPalette(t.color)
  const clients = t.clients
    .map((c) => `<tr><td><code>${e(c.clientId)}</code>${c.name ? `<br><span class="rel">${e(c.name)}</span>` : ''}</td><td>${c.public ? 'public (PKCE)' : 'confidential'}</td><td>${c.redirectUris.map((u) => `<code>${e(u)}</code>`).join('<br>')}</td></tr>`)
    .join('')
  const users = t.users.map((u) => `<tr><td><code>${e(u.username)}</code></td><td>${e(u.name ?? '')}</td><td>${e(u.email ?? '')}</td><td><code>${e(u.sub)}</code></td></tr>`).join('')
  const snippets = t.snippets
    .map((s, i) => `<details class="snip"><summary>${e(s.title)}</summary><button type="button" class="copy" data-copy="snip-${e(t.id)}-${i}">Copy</button><pre id="snip-${e(t.id)}-${i}"><code>${e(s.code)}</code></pre></details>`)
    .join('')
  return `<article class="card tenant" style="--brand:${e(brand)};--on-brand:${e(onBrand)}" aria-labelledby="t-${e(t.id)}">
<div class="tenant-head"><h2 id="t-${e(t.id)}">${e(t.id)}</h2><span class="chip brand">${e(t.displayName)}</span><span class="vendor">profile <code>${e(t.vendor)}</code></span></div>
<h3>URLs</h3><table><tbody>${t.urls.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td><code>${e(v)}</code></td></tr>`).join('')}</tbody></table>
<h3>Clients</h3><table><thead><tr><th scope="col">client_id</th><th scope="col">type</th><th scope="col">redirect URIs</th></tr></thead><tbody>${clients}</tbody></table>
<h3>Users</h3><table><thead><tr><th scope="col">username</th><th scope="col">name</th><th scope="col">email</th><th scope="col">sub</th></tr></thead><tbody>${users}</tbody></table>
<h3>Configuration for your client</h3>${snippets || '<p class="rel">This server has no discovery; see the README.</p>'}
</article>`
}

const options = (tenants: ConsoleTenant[], any = true) => `${any ? '<option value="">any tenant</option>' : ''}${tenants.map((t) => `<option value="${e(t.id)}">${e(t.id)}</option>`).join('')}`

/** The console page: server-rendered, enhanced by /_mockidp/console/app.js. */
export function consolePage(boot: ConsoleBoot, scriptUrl: string): string {
  const ts = boot.tenants
  const json = JSON.stringify(boot).replace(/</g, '\\u003c')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,">
<title>mockidp console</title><style>${CSS}</style></head>
<body>
<header class="top"><span class="name">mockidp</span><span class="badge">mock · not for production</span>
<nav aria-label="Console"><a href="#requests">Requests</a><a href="#tenants">Tenants</a><a href="#try">Try a sign-in</a><a href="#manage">Manage</a></nav>
<span class="clock" id="clock">mock clock <b>${e(new Date(boot.now).toISOString())}</b> ${boot.frozen ? '(frozen)' : '(system)'}</span></header>
<main>
<section id="requests" aria-labelledby="h-requests" data-view>
<h1 id="h-requests">Requests</h1><p class="lead">Every request the mock received, newest first, live. Secrets are redacted; tokens are decoded.</p>
<div class="filters" role="search">
<label>Tenant<select id="f-tenant">${options(ts)}</select></label>
<label>Endpoint<select id="f-endpoint"><option value="">any endpoint</option>${['authorization', 'token', 'userinfo', 'jwks', 'discovery', 'introspection', 'revocation', 'endSession', 'checkSession', 'userProfile'].map((x) => `<option>${x}</option>`).join('')}</select></label>
<label>Client<input id="f-client" placeholder="client_id" size="14"></label>
<label>Status<select id="f-status"><option value="">any status</option><option value="ok">2xx/3xx</option><option value="fail">failed</option></select></label>
<button type="button" id="clear-journal">Clear</button><span id="live" class="chip" role="status">connecting…</span>
</div>
<div class="split"><div class="list" id="list" aria-label="Requests"><p class="empty">No requests yet. Point your app at a tenant's issuer.</p></div>
<div class="detail card" id="detail" aria-live="polite"><p class="empty">Pick a request to see what it carried, what came back and why.</p></div></div>
</section>
<section id="tenants" aria-labelledby="h-tenants" data-view>
<h1 id="h-tenants">Tenants</h1><p class="lead">Each tenant's URLs, clients and users, with configuration for the clients people use.</p>
${ts.map(tenantCard).join('\n')}
</section>
<section id="try" aria-labelledby="h-try" data-view>
<h1 id="h-try">Try a sign-in</h1><p class="lead">Run the authorization code flow with PKCE against a tenant, through its real login page, with the console as the app (it registers the client <code>mockidp-console</code> for this origin).</p>
<div id="try-result"></div>
<div class="grid">${ts
    .filter((t) => t.authorizationEndpoint)
    .map((t) => {
      const { brand, onBrand } = brandPalette(t.color)
      return `<div class="card tenant" style="--brand:${e(brand)};--on-brand:${e(onBrand)}"><h2>${e(t.id)}</h2><p class="rel">${e(t.displayName)} · scope <code>${e(t.scope)}</code></p><button type="button" class="primary" data-try="${e(t.id)}">Sign in with ${e(t.displayName)}</button></div>`
    })
    .join('')}</div>
</section>
<section id="manage" aria-labelledby="h-manage" data-view>
<h1 id="h-manage">Manage</h1><p class="lead">Every action goes through the admin API the tests use (<code>${e(boot.base)}/…</code>).</p>
<div class="grid">
<form class="card form" id="user-form"><h2>Add or replace a user</h2>
<label>Tenant<select name="tenant">${options(ts, false)}</select></label>
<label>User (JSON: sub, username, password, any claim)<textarea name="user" spellcheck="false">{ "sub": "u-carol", "username": "carol", "password": "carol", "name": "Carol Example", "email": "carol@example.com" }</textarea></label>
<div class="line"><button class="primary">Save user</button></div><div class="out" role="status"></div></form>
<form class="card form" id="client-form"><h2>Add or replace a client</h2>
<label>Tenant<select name="tenant">${options(ts, false)}</select></label>
<label>Client (JSON: clientId, clientSecret, redirectUris …)<textarea name="client" spellcheck="false">{ "clientId": "my-app", "redirectUris": ["http://localhost:5173/callback"] }</textarea></label>
<div class="line"><button class="primary">Save client</button></div><div class="out" role="status"></div></form>
<form class="card form" id="remove-form"><h2>Remove a user or client</h2>
<label>Tenant<select name="tenant">${options(ts, false)}</select></label>
<div class="line"><label>Kind<select name="kind"><option value="users">user</option><option value="clients">client</option></select></label><label>sub, username or client_id<input name="id" required></label></div>
<div class="line"><button class="danger">Remove</button></div><div class="out" role="status"></div></form>
<form class="card form" id="mint-form"><h2>Mint tokens</h2>
<label>Tenant<select name="tenant">${options(ts, false)}</select></label>
<div class="line"><label>User<input name="user" value="test1"></label><label>Client (default: the first)<input name="clientId"></label></div>
<label>Extra claims (JSON)<textarea name="claims" spellcheck="false">{ "role": "admin" }</textarea></label>
<div class="line"><button class="primary">Mint</button></div><div class="out" role="status"></div></form>
<form class="card form" id="fault-form"><h2>Inject a fault</h2>
<label>Tenant<select name="tenant">${options(ts, false)}</select></label>
<div class="line"><label>Endpoint<select name="endpoint"><option>token</option><option>authorization</option><option>userinfo</option><option>jwks</option><option>discovery</option></select></label>
<label>Answer<select name="kind"><option value="error:temporarily_unavailable">OAuth error temporarily_unavailable</option><option value="error:invalid_grant">OAuth error invalid_grant</option><option value="status:503">HTTP 503</option><option value="status:500">HTTP 500</option><option value="delay:2000">2 s delay</option><option value="drop">dropped connection</option></select></label>
<label>Times<input name="times" type="number" min="1" value="1" size="4"></label></div>
<div class="line"><button class="primary">Inject</button><button type="button" id="clear-faults" class="danger">Clear all faults</button></div><div class="out" role="status"></div><ul id="faults"></ul></form>
<div class="card form"><h2>Mock</h2><p class="rel">Reset forgets every code, token, session and run-time fixture; reload re-reads the config file.</p>
<div class="line"><button type="button" id="reset" class="danger">Reset</button><button type="button" id="reload">Reload config</button></div><div class="out" id="mock-out" role="status"></div></div>
</div></section>
<p class="warnline">A mock identity provider for development and tests. Its keys, secrets and users are public.</p>
</main>
<script id="boot" type="application/json">${json}</script>
<script src="${e(scriptUrl)}" defer></script>
</body></html>`
}
