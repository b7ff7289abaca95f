// mockidp console: the browser half. Served as is (no build step); talks only to the admin API.
'use strict'
;(() => {
  const boot = JSON.parse(document.getElementById('boot').textContent)
  const BASE = boot.base
  const $ = (sel, root = document) => root.querySelector(sel)
  const $$ = (sel, root = document) => [...root.querySelectorAll(sel)]
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  const tenantOf = (id) => boot.tenants.find((t) => t.id === id)
  let skew = boot.now - Date.now() // mock clock minus browser clock
  let frozenAt = boot.frozen ? boot.now : undefined
  const mockNow = () => frozenAt ?? Date.now() + skew

  async function api(method, path, body) {
    // JSON in and out, also for a bodiless POST or DELETE: the admin API takes nothing else from a browser
    const headers = method === 'GET' ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' }
    const res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await res.text()
    const data = text ? JSON.parse(text) : {}
    if (!res.ok) throw new Error(data.error_description || data.error || `HTTP ${res.status}`)
    return data
  }

  // ---- views --------------------------------------------------------------------------------
  const views = $$('[data-view]')
  function show() {
    const id = (location.hash || '#requests').slice(1)
    const target = views.find((v) => v.id === id) ? id : 'requests'
    for (const v of views) v.hidden = v.id !== target
    for (const a of $$('.top nav a')) a.setAttribute('aria-current', a.getAttribute('href') === `#${target}` ? 'page' : 'false')
  }
  addEventListener('hashchange', show)
  show()

  // ---- time -----------------------------------------------------------------------------------
  function rel(sec) {
    const d = Math.round(sec - mockNow() / 1000)
    const a = Math.abs(d)
    const span = a < 90 ? `${a} s` : a < 5400 ? `${Math.round(a / 60)} min` : a < 172800 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} days`
    return d === 0 ? 'now' : d > 0 ? `in ${span}` : `${span} ago`
  }
  const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at'])
  function claimsTable(obj) {
    return `<dl class="kv">${Object.entries(obj)
      .map(([k, v]) => {
        const time = TIME_CLAIMS.has(k) && typeof v === 'number' ? ` <span class="rel">${esc(new Date(v * 1000).toISOString())} · ${esc(rel(v))}</span>` : ''
        return `<dt>${esc(k)}</dt><dd><code>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</code>${time}</dd>`
      })
      .join('')}</dl>`
  }
  function tokenBlock(name, t) {
    const sig = t.signature === 'valid' ? '<span class="sig valid">✓ signature valid</span>' : '<span class="sig invalid">✗ signature invalid</span>'
    return `<h3>${esc(name)} ${sig}</h3><details><summary>header</summary>${claimsTable(t.header)}</details>${claimsTable(t.payload)}`
  }

  // ---- requests -------------------------------------------------------------------------------
  const entries = []
  let selected
  const list = $('#list')
  const filters = { tenant: $('#f-tenant'), endpoint: $('#f-endpoint'), client: $('#f-client'), status: $('#f-status') }
  const failed = (e) => e.status === 0 || e.status >= 400 || e.error !== undefined
  function visible(e) {
    if (filters.tenant.value && e.tenant !== filters.tenant.value) return false
    if (filters.endpoint.value && e.endpoint !== filters.endpoint.value) return false
    if (filters.client.value && !(e.clientId || '').includes(filters.client.value)) return false
    if (filters.status.value === 'ok' && failed(e)) return false
    if (filters.status.value === 'fail' && !failed(e)) return false
    return true
  }
  function row(e) {
    const what = e.endpoint ? `${e.endpoint}${e.grantType ? ` · ${e.grantType}` : ''}` : e.path
    const sub = [e.tenant, e.clientId, e.error].filter(Boolean).join(' · ')
    const cls = `s${String(e.status)[0]}`
    return `<button type="button" class="row" data-seq="${e.seq}" aria-pressed="${selected === e.seq}"><span class="t">${esc(e.time.slice(11, 19))}</span><span class="m">${esc(e.method)}</span><span class="what">${esc(what)}<span class="sub">${esc(sub || e.path)}</span></span><span class="status ${cls}">${e.status || 'drop'}</span></button>`
  }
  function renderList() {
    const shown = entries.filter(visible).slice().reverse()
    list.innerHTML = shown.length ? shown.map(row).join('') : '<p class="empty">No requests match.</p>'
  }
  function table(obj) {
    const rows = Object.entries(obj || {})
    return rows.length ? `<table><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</tbody></table>` : '<p class="rel">none</p>'
  }
  function renderDetail(e) {
    const d = $('#detail')
    if (!e) return
    const facts = { tenant: e.tenant, server: e.server, endpoint: e.endpoint, 'grant type': e.grantType, client: e.clientId, 'client auth': e.clientAuthMethod, PKCE: e.pkce === undefined ? undefined : e.pkce ? 'yes' : 'no', fault: e.fault ? `${e.fault.kind} (${e.fault.id})` : undefined }
    const why = e.error
      ? `<div class="why" role="note"><strong>${esc(e.error)}${e.errorDescription ? `: ${esc(e.errorDescription)}` : ''}</strong>${e.hint ? esc(e.hint) : ''}</div>`
      : ''
    d.innerHTML = `<h2><span class="status s${String(e.status)[0]}">${e.status || 'drop'}</span> ${esc(e.method)} <code>${esc(e.path)}</code></h2>
<p class="rel">#${e.seq} · ${esc(e.time)}</p>${why}
<dl class="kv">${Object.entries(facts).filter(([, v]) => v !== undefined).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
<h3>Query</h3>${table(e.query)}${e.form ? `<h3>Form</h3>${table(e.form)}` : ''}${e.authorization ? `<h3>Authorization</h3><p><code>${esc(e.authorization)}</code></p>` : ''}
${e.response ? `<h3>Response</h3>${table(Object.fromEntries(Object.entries(e.response).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])))}` : ''}
${Object.entries(e.tokens || {}).map(([k, t]) => tokenBlock(k, t)).join('')}`
  }
  list.addEventListener('click', (ev) => {
    const b = ev.target.closest('.row')
    if (!b) return
    selected = Number(b.dataset.seq)
    for (const r of $$('.row', list)) r.setAttribute('aria-pressed', String(Number(r.dataset.seq) === selected))
    renderDetail(entries.find((x) => x.seq === selected))
  })
  for (const f of Object.values(filters)) f.addEventListener('input', renderList)
  $('#clear-journal').addEventListener('click', async () => {
    await api('DELETE', '/journal')
    entries.length = 0
    renderList()
  })
  function add(e) {
    if (entries.some((x) => x.seq === e.seq)) return
    entries.push(e)
    if (entries.length > 2000) entries.shift()
  }
  async function connect() {
    const live = $('#live')
    try {
      const { entries: initial } = await api('GET', '/journal?limit=500')
      initial.forEach(add)
      renderList()
    } catch (err) {
      live.textContent = `journal unavailable: ${err.message}`
      return
    }
    const es = new EventSource(`${BASE}/journal/events`)
    es.onopen = () => (live.textContent = '● live')
    es.onerror = () => (live.textContent = 'reconnecting…')
    es.onmessage = (m) => {
      add(JSON.parse(m.data))
      renderList()
    }
  }
  if (!boot.callback) connect()

  // ---- copy buttons ---------------------------------------------------------------------------
  document.addEventListener('click', async (ev) => {
    const b = ev.target.closest('[data-copy]')
    if (!b) return
    await navigator.clipboard?.writeText(document.getElementById(b.dataset.copy).textContent).catch(() => {})
    b.textContent = 'Copied'
    setTimeout(() => (b.textContent = 'Copy'), 1200)
  })

  // ---- try a sign-in --------------------------------------------------------------------------
  const CLIENT_ID = 'mockidp-console'
  const redirectUri = `${location.origin}${BASE}/console/callback`
  const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)))
  async function trySignIn(id) {
    const t = tenantOf(id)
    await api('POST', `/tenants/${encodeURIComponent(id)}/clients`, { clientId: CLIENT_ID, name: 'mockidp console', redirectUris: [redirectUri], grantTypes: ['authorization_code', 'refresh_token'] })
    const verifier = random()
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
    const state = random()
    sessionStorage.setItem('mockidp-try', JSON.stringify({ id, verifier, state }))
    const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirectUri, scope: t.scope, state, nonce: random(), code_challenge: challenge, code_challenge_method: 'S256', prompt: 'login' })
    location.assign(`${t.authorizationEndpoint}?${q}`)
  }
  for (const b of $$('[data-try]')) b.addEventListener('click', () => trySignIn(b.dataset.try).catch((err) => notice($('#try-result'), err.message, false)))

  function notice(el, text, ok) {
    el.innerHTML = `<p class="notice ${ok ? 'ok' : 'bad'}">${esc(text)}</p>`
  }
  async function finishSignIn() {
    location.hash = '#try'
    const out = $('#try-result')
    const pending = JSON.parse(sessionStorage.getItem('mockidp-try') || 'null')
    sessionStorage.removeItem('mockidp-try')
    const p = new URLSearchParams(location.search)
    if (!pending || p.get('state') !== pending.state) return notice(out, 'This sign-in was not started here (state does not match).', false)
    if (p.get('error')) return notice(out, `${p.get('error')}: ${p.get('error_description') || ''}`, false)
    const t = tenantOf(pending.id)
    const res = await fetch(t.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: p.get('code'), redirect_uri: redirectUri, client_id: CLIENT_ID, code_verifier: pending.verifier }) })
    const body = await res.json()
    history.replaceState(null, '', `${BASE}/#try`)
    if (!res.ok) return notice(out, `token endpoint: ${body.error}: ${body.error_description || ''}`, false)
    let html = `<div class="card"><p class="notice ok">Signed in at ${esc(t.id)}: the token endpoint answered ${res.status}.</p><h2>Token response</h2>${table(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' && v.length > 60 ? `${v.slice(0, 24)}…${v.slice(-12)}` : String(v)])))}`
    for (const k of ['access_token', 'id_token']) {
      if (typeof body[k] !== 'string' || body[k].split('.').length !== 3) continue
      const decoded = await api('POST', `/tenants/${encodeURIComponent(t.id)}/verify`, { token: body[k] })
      html += tokenBlock(k, decoded)
    }
    out.innerHTML = `${html}</div>`
  }
  if (boot.callback) finishSignIn().catch((err) => notice($('#try-result'), err.message, false))

  // ---- manage ---------------------------------------------------------------------------------
  function form(id, run) {
    const f = document.getElementById(id)
    f.addEventListener('submit', async (ev) => {
      ev.preventDefault()
      const out = $('.out', f)
      try {
        notice(out, await run(Object.fromEntries(new FormData(f))), true)
      } catch (err) {
        notice(out, err.message, false)
      }
    })
  }
  const parse = (text, what) => {
    try {
      return JSON.parse(text)
    } catch {
      throw new Error(`${what} is not valid JSON`)
    }
  }
  form('user-form', async (v) => {
    const r = await api('POST', `/tenants/${encodeURIComponent(v.tenant)}/users`, parse(v.user, 'the user'))
    return `${r.replaced ? 'Replaced' : 'Added'} user ${r.user.username} in ${v.tenant}: it can sign in on the login page now.`
  })
  form('client-form', async (v) => {
    const r = await api('POST', `/tenants/${encodeURIComponent(v.tenant)}/clients`, parse(v.client, 'the client'))
    return `${r.replaced ? 'Replaced' : 'Added'} client ${r.client.clientId} in ${v.tenant}.`
  })
  form('remove-form', async (v) => {
    await api('DELETE', `/tenants/${encodeURIComponent(v.tenant)}/${v.kind}/${encodeURIComponent(v.id)}`)
    return `Removed ${v.id} from ${v.tenant}.`
  })
  form('mint-form', async (v) => {
    const body = { user: v.user || undefined, clientId: v.clientId || undefined, claims: v.claims.trim() ? parse(v.claims, 'the claims') : undefined }
    const r = await api('POST', `/tenants/${encodeURIComponent(v.tenant)}/tokens`, body)
    const out = $('#mint-form .out')
    setTimeout(async () => {
      let html = ''
      for (const k of ['access_token', 'id_token']) if (typeof r[k] === 'string' && r[k].split('.').length === 3) html += tokenBlock(k, await api('POST', `/tenants/${encodeURIComponent(v.tenant)}/verify`, { token: r[k] }))
      out.insertAdjacentHTML('beforeend', `<details><summary>access_token</summary><pre><code>${esc(r.access_token)}</code></pre></details>${html}`)
    })
    return `Minted tokens for ${v.user || 'the client'} at ${v.tenant}.`
  })
  async function refreshFaults() {
    const { faults } = await api('GET', '/faults')
    $('#faults').innerHTML = faults.map((f) => `<li><code>${esc(f.id)}</code> ${esc(f.tenant || 'any tenant')} · ${esc(f.endpoint || 'any endpoint')} · ${esc(f.kind)} ${esc(f.error || f.status || f.delayMs || '')} · ${f.times === undefined ? 'until cleared' : `${f.times - f.hits} left`}</li>`).join('')
  }
  form('fault-form', async (v) => {
    const [kind, arg] = v.kind.split(':')
    const spec = { tenant: v.tenant, endpoint: v.endpoint, times: Number(v.times) || 1, kind }
    if (kind === 'error') spec.error = arg
    else if (kind === 'status') spec.status = Number(arg)
    else if (kind === 'delay') spec.delayMs = Number(arg)
    const f = await api('POST', '/faults', spec)
    await refreshFaults()
    return `Fault ${f.id} active: the next ${spec.times} ${v.endpoint} request(s) of ${v.tenant} get it.`
  })
  $('#clear-faults').addEventListener('click', async () => {
    const r = await api('DELETE', '/faults')
    await refreshFaults()
    notice($('#fault-form .out'), `Removed ${r.removed} fault(s).`, true)
  })
  $('#reset').addEventListener('click', async () => {
    try {
      await api('POST', '/reset')
      notice($('#mock-out'), 'Reset: fixtures as configured, every issued code, token and session forgotten.', true)
    } catch (err) {
      notice($('#mock-out'), err.message, false)
    }
  })
  $('#reload').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/reload')
      notice($('#mock-out'), `Reloaded: ${r.tenants.join(', ')}${r.dropped?.length ? `; dropped ${r.dropped.join('; ')}` : ''}.`, true)
    } catch (err) {
      notice($('#mock-out'), err.message, false)
    }
  })
  if (!boot.callback) refreshFaults().catch(() => {})

  // the mock's clock, kept current (a test may move it)
  setInterval(async () => {
    try {
      const c = await api('GET', '/console/clock')
      skew = c.now - Date.now()
      frozenAt = c.frozen ? c.now : undefined
      $('#clock').innerHTML = `mock clock <b>${esc(new Date(c.now).toISOString())}</b> ${c.frozen ? '(frozen)' : '(system)'}`
    } catch {}
  }, 5000)
})()
