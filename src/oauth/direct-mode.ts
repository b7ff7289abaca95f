import type { Context } from 'hono'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import { stringify } from '../lib/json.js'
import { renderValue } from '../lib/template.js'
import type { Env } from '../server/env.js'
import type { ServerRuntime } from '../runtime/server.js'
import type { User } from '../runtime/tenant.js'
import type { DirectFlowRecord } from '../runtime/flow-stores.js'
import type { DirectModeSpec } from '../profiles/types.js'
import type { AuthorizationRequest } from './authorize.js'
import { LOGIN_FIELDS } from './login-page.js'
import { OAuthError } from './errors.js'
import { claimFresh } from '../store/claim.js'

// response_mode=direct: the authorization endpoint answers a flow (JSON) instead of a login page;
// the app posts the user's credentials with the flow id to the API route whose action is
// `authenticate`, and gets the authorization response's parameters (code, state, session_state)
// as JSON. WSO2 calls it app-native authentication; the bodies are the profile's templates.

/** The profile's direct-mode spec, or `unsupported_response_mode` when the server has none. */
export function directSpec(server: ServerRuntime): DirectModeSpec {
  const spec = server.spec.authorization.direct
  if (!spec) throw new OAuthError('unsupported_response_mode')
  return spec
}

const json = (server: ServerRuntime, status: number, body: unknown): Response =>
  new Response(stringify(body, server.spec.json), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } })

/** The URL of the route the app posts credentials to (the API route with the `authenticate` action). */
function authnUrl(c: Context<Env>, server: ServerRuntime): string {
  const route = server.spec.api?.routes.find((r) => r.action === 'authenticate')
  return c.get('origin') + server.rootPath + (route?.path ?? '')
}

/** Template variables of a prompt or failure body. */
function promptVars(c: Context<Env>, server: ServerRuntime, spec: DirectModeSpec, flowId: string): Record<string, unknown> {
  return { flowId, authnUrl: authnUrl(c, server), authenticatorId: spec.authenticator.id, tenant: server.tenant.values }
}

/**
 * Open a direct-mode flow for a checked authorization request: keep its parameters (without the
 * login page's own fields) under a new flow id and answer the prompt for username and password.
 */
export async function startDirectFlow(c: Context<Env>, req: AuthorizationRequest): Promise<Response> {
  const server = c.get('server')
  const spec = directSpec(server)
  const tenant = server.tenant
  const reserved = new Set<string>(Object.values(LOGIN_FIELDS))
  const params = [...req.params].filter(([k]) => !reserved.has(k))
  const store = tenant.store.flows().directFlows
  const parts = [tenant.id, server.id, 'flow', ...params.map(([k, v]) => `${k}=${v}`)]
  const exp = epochSeconds(tenant.clock) + spec.ttl
  // claimed (SET NX with a shared store): a value another replica derived already moves on to the next
  const flowId = await claimFresh(store, () => formatId(tenant.ids, parts, spec.flowId), (flowId) => ({ flowId, serverId: server.id, params, exp }))
  return json(server, 200, renderValue(spec.prompt, promptVars(c, server, spec, flowId)))
}

/** The success body of a completed flow: the authorization response's parameters as `authData`. */
export function directSuccess(server: ServerRuntime, out: [string, string][]): Response {
  const spec = directSpec(server)
  return json(server, 200, renderValue(spec.success, { authData: Object.fromEntries(out), tenant: server.tenant.values }))
}

/** The open flow `flowId` of this server, or undefined (unknown, expired, another server's, used). */
export async function openDirectFlow(server: ServerRuntime, flowId: string): Promise<DirectFlowRecord | undefined> {
  const rec = await server.tenant.store.flows().directFlows.get(flowId)
  return rec && rec.serverId === server.id && rec.exp > epochSeconds(server.tenant.clock) ? rec : undefined
}

/**
 * Close a flow (signed in: its code is issued once). In one step (GETDEL with a shared store):
 * resolves false when another request — on any replica — closed it first.
 */
export async function closeDirectFlow(server: ServerRuntime, flowId: string): Promise<boolean> {
  return (await server.tenant.store.flows().directFlows.take(flowId)) !== undefined
}

/** The failure body (a wrong password): the profile's `failure`, the flow still open. */
export function directFailure(c: Context<Env>, server: ServerRuntime, flowId: string): Response {
  const spec = directSpec(server)
  return json(server, 200, renderValue(spec.failure, promptVars(c, server, spec, flowId)))
}

/** The stored request's parameters with the login page's answer: `user` signs in. */
export function signedInParams(rec: DirectFlowRecord, user: User): Map<string, string> {
  const params = new Map(rec.params)
  params.set(LOGIN_FIELDS.action, 'login')
  params.set(LOGIN_FIELDS.user, user.sub)
  return params
}
