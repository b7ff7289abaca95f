import { frontOrigin, isHttps } from '../server/origin.js'
import { ADMIN_PATH } from '../journal/observe.js'
import { clientGone } from '../server/aborted.js'
import { TrieRouter } from 'hono/router/trie-router'
import { Hono, type Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Idp } from '../runtime/idp.js'
import { ConfigError } from '../config/errors.js'
import { OAuthError } from '../oauth/errors.js'
import { InputError } from '../lib/input-error.js'
import { stringify } from '../lib/json.js'
import type { EndpointName } from '../profiles/types.js'
import type { JournalFilter } from '../journal/journal.js'
import type { FaultConfig } from '../faults/faults.js'
import type { ClientConfig, UserConfig } from '../config/types.js'
import {
  NotFound,
  createCode,
  describeTenant,
  injectFault,
  mintTokens,
  removeClient,
  removeUser,
  requireTenant,
  serverOf,
  upsertClient,
  upsertUser,
  type CreateCodeOptions,
  type IssueTokensOptions,
} from './control.js'
import { changeClock, clockState, type ClockChange } from './clock.js'
import { endTenantSessions, nextSignIn, revokeTokens, rotateKeys, type EndSessionsOptions, type RevokeTokensOptions, type RotateKeysOptions } from './lifecycle.js'
import type { NextSignInOptions } from '../runtime/next-sign-in.js'
import { storeHealth } from '../runtime/idp.js'

const NO_STORE = { 'cache-control': 'no-store' }

/** The admin API's error body: the same two members an OAuth error has. */
function fail(c: Context, status: ContentfulStatusCode, error: string, description: string): Response {
  return c.json({ error, error_description: description }, status, NO_STORE)
}

async function jsonBody<T>(c: Context): Promise<T> {
  try {
    const v: unknown = await c.req.json()
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object')
    return v as T
  } catch {
    throw new ConfigError('the body must be a JSON object (Content-Type: application/json)')
  }
}

/** A JSON object body, or `{}` when there is none (calls whose members are all optional). */
async function optionalBody<T>(c: Context): Promise<T> {
  if ((c.req.header('content-length') === '0' || c.req.header('content-length') === undefined) && !c.req.header('transfer-encoding')) return {} as T
  return jsonBody<T>(c)
}

const num = (v: string | undefined): number | undefined => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? undefined : Number(v))

/** Journal filter from query parameters (`?tenant=…&endpoint=token&status=400&limit=10`). */
function filterOf(c: Context): JournalFilter {
  const q = c.req.query()
  const f: JournalFilter = {}
  if (q.tenant) f.tenant = q.tenant
  if (q.endpoint) f.endpoint = q.endpoint as EndpointName
  if (q.grantType) f.grantType = q.grantType
  if (q.clientId) f.clientId = q.clientId
  if (q.method) f.method = q.method
  if (q.error) f.error = q.error
  if (q.fault === 'true' || q.fault === 'false') f.fault = q.fault === 'true'
  if (q.delivery === 'true' || q.delivery === 'false') f.delivery = q.delivery === 'true'
  const status = num(q.status)
  const since = num(q.since)
  const limit = num(q.limit)
  if (status !== undefined) f.status = status
  if (since !== undefined) f.since = since
  if (limit !== undefined) f.limit = limit
  return f
}

/**
 * The admin HTTP API, mounted at `/_mockidp`: everything the programmatic API does, for tests that
 * run in another process (vitest/jest workers, Docker). JSON in, JSON out; errors are
 * `{ error, error_description }` with 400 (bad input) or 404 (unknown tenant, user, client, fault).
 */
export function adminRoutes(idp: Idp, fallbackHost: string): Hono {
  const app = new Hono({ router: new TrieRouter() })
  const originOf = (c: Context) => frontOrigin(c, idp, fallbackHost)
  const tenantOrigin = (c: Context, id: string) => {
    const t = requireTenant(idp, id)
    return t.servers.length || !t.config.hosts?.length ? originOf(c) : `${isHttps(c) ? 'https' : 'http'}://${t.config.hosts[0]}${portOf(c)}`
  }
  const portOf = (c: Context) => {
    const host = c.req.header('host') ?? fallbackHost
    const m = /:(\d+)$/.exec(host)
    return m ? `:${m[1]}` : ''
  }

  app.onError((err, c) => {
    if (err instanceof NotFound) return fail(c, 404, 'not_found', err.message)
    if (err instanceof InputError) return fail(c, 400, 'invalid_request', err.message)
    if (err instanceof OAuthError && err.reason === 'limit_reached') return fail(c, 429, 'temporarily_unavailable', String(err.vars.detail))
    if (err instanceof OAuthError && err.reason === 'store_unavailable') {
      c.header('retry-after', '1')
      return fail(c, 503, 'temporarily_unavailable', String(err.vars.detail))
    }
    if (clientGone(c)) return new Response(null, { status: 499 })
    console.error('mockidp admin: unexpected error:', err)
    return fail(c, 500, 'server_error', String((err as Error)?.message ?? err))
  })
  app.notFound((c) => fail(c, 404, 'not_found', `no admin endpoint at ${c.req.method} ${c.req.path}`))
  // with a Redis store, a change answers once every replica can see it (the next request may go to any)
  app.use(async (c, next) => {
    await next()
    if (c.req.method !== 'GET' && idp.shared) await idp.shared.flush()
  })

  // The console (README: Console): for a browser only, and loaded on first use so that start-up does not pay for it.
  const ui = () => import('../console/routes.js')
  const wantsHtml = (c: Context) => /\btext\/html\b/.test(c.req.header('accept') ?? '')
  const consolePage = async (c: Context) =>
    wantsHtml(c) ? (await ui()).consoleResponse(c, idp, originOf(c), ADMIN_PATH) : fail(c, 404, 'not_found', `the console at ${ADMIN_PATH}/ is for browsers (Accept: text/html); the JSON API is under ${ADMIN_PATH}/…`)
  app.get('/', consolePage)
  app.get('/console/callback', async (c) => (await ui()).consoleResponse(c, idp, originOf(c), ADMIN_PATH, true))
  app.get('/console/app.js', async (c) => (await ui()).consoleScript(c))
  app.get('/console/clock', async (c) => (await ui()).consoleClock(c, idp))
  app.get('/journal/events', async (c) => (await ui()).journalEvents(c, idp))
  app.post('/tenants/:tenant/verify', async (c) => (await ui()).verifyEndpoint(c, idp))

  app.get('/health', (c) => {
    const store = storeHealth(idp)
    const body = { status: store.healthy ? 'ok' : 'unhealthy', tenants: idp.tenants.map((t) => t.id), journal: { size: idp.journal.size, capacity: idp.journal.capacity }, faults: idp.faults.size, ...(idp.redis ? { store: store.report } : {}) }
    return c.json(body, store.healthy ? 200 : 503, NO_STORE)
  })
  app.post('/reset', (c) => {
    idp.reset()
    return c.json({ status: 'reset' }, 200, NO_STORE)
  })
  app.post('/reload', async (c) => {
    if (!idp.reload) return fail(c, 409, 'not_reloadable', 'this mock was not started from a config file')
    const dropped = await idp.reload()
    return c.json({ status: 'reloaded', tenants: idp.tenants.map((t) => t.id), dropped }, 200, NO_STORE)
  })

  app.get('/tenants', (c) => c.json({ tenants: idp.tenants.map((t) => describeTenant(idp, t.id, tenantOrigin(c, t.id))) }, 200, NO_STORE))
  app.get('/tenants/:tenant', (c) => c.json(describeTenant(idp, c.req.param('tenant'), tenantOrigin(c, c.req.param('tenant'))), 200, NO_STORE))

  app.get('/tenants/:tenant/users', (c) => c.json({ users: requireTenant(idp, c.req.param('tenant')).users }, 200, NO_STORE))
  app.post('/tenants/:tenant/users', async (c) => {
    const user = await jsonBody<UserConfig>(c)
    const replaced = upsertUser(idp, c.req.param('tenant'), user)
    return c.json({ user, replaced }, replaced ? 200 : 201, NO_STORE)
  })
  app.delete('/tenants/:tenant/users/:user', (c) => {
    if (!removeUser(idp, c.req.param('tenant'), c.req.param('user'))) throw new NotFound(`no user "${c.req.param('user')}" in tenant "${c.req.param('tenant')}"`)
    return c.body(null, 204)
  })

  app.get('/tenants/:tenant/clients', (c) =>
    c.json({ clients: [...requireTenant(idp, c.req.param('tenant')).clients.values()].map(({ public: _p, ...client }) => client) }, 200, NO_STORE),
  )
  app.post('/tenants/:tenant/clients', async (c) => {
    const client = await jsonBody<ClientConfig>(c)
    const replaced = upsertClient(idp, c.req.param('tenant'), client)
    return c.json({ client, replaced }, replaced ? 200 : 201, NO_STORE)
  })
  app.delete('/tenants/:tenant/clients/:clientId', (c) => {
    if (!removeClient(idp, c.req.param('tenant'), c.req.param('clientId')))
      throw new NotFound(`no client "${c.req.param('clientId')}" in tenant "${c.req.param('tenant')}"`)
    return c.body(null, 204)
  })

  app.post('/tenants/:tenant/codes', async (c) => {
    const code = createCode(idp, c.req.param('tenant'), await jsonBody<CreateCodeOptions>(c))
    return c.json({ code }, 201, NO_STORE)
  })
  // The body is serialised like the token endpoint's own (the vendor's JSON style and field order).
  app.post('/tenants/:tenant/tokens', async (c) => {
    const id = c.req.param('tenant')
    const opts = await jsonBody<IssueTokensOptions>(c)
    const body = await mintTokens(idp, id, opts, tenantOrigin(c, id))
    const spec = serverOf(requireTenant(idp, id), opts.server).spec
    return new Response(stringify(body, spec.json), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE } })
  })

  // time, keys, logout, revocation and "sign in as" (admin/clock.ts, admin/lifecycle.ts)
  app.get('/clock', (c) => c.json(clockState(idp), 200, NO_STORE))
  app.post('/clock', async (c) => c.json(await changeClock(idp, await jsonBody<ClockChange>(c)), 200, NO_STORE))
  app.post('/tenants/:tenant/keys/rotate', async (c) => c.json(rotateKeys(idp, c.req.param('tenant'), await optionalBody<RotateKeysOptions>(c)), 200, NO_STORE))
  app.post('/tenants/:tenant/sessions/end', async (c) => c.json(await endTenantSessions(idp, c.req.param('tenant'), await optionalBody<EndSessionsOptions>(c)), 200, NO_STORE))
  app.post('/tenants/:tenant/revoke', async (c) => c.json(await revokeTokens(idp, c.req.param('tenant'), await optionalBody<RevokeTokensOptions>(c)), 200, NO_STORE))
  app.post('/tenants/:tenant/next-sign-in', async (c) => c.json(nextSignIn(idp, c.req.param('tenant'), await jsonBody<NextSignInOptions>(c)), 201, NO_STORE))

  app.get('/journal', async (c) => c.json({ entries: await idp.journal.read(filterOf(c)) }, 200, NO_STORE))
  app.delete('/journal', (c) => {
    idp.journal.clear()
    return c.body(null, 204)
  })

  app.get('/faults', (c) => c.json({ faults: idp.faults.all() }, 200, NO_STORE))
  app.post('/faults', async (c) => c.json(injectFault(idp, await jsonBody<FaultConfig>(c)), 201, NO_STORE))
  app.delete('/faults', (c) => c.json({ removed: idp.faults.remove() }, 200, NO_STORE))
  app.delete('/faults/:id', (c) => {
    if (!idp.faults.remove(c.req.param('id'))) throw new NotFound(`no fault "${c.req.param('id')}"`)
    return c.body(null, 204)
  })
  return app
}
