import type { Context } from 'hono'
import { isHttps } from '../lib/request.js'
import { epochSeconds } from '../lib/clock.js'
import { formatId } from '../lib/ids.js'
import type { Env } from '../server/env.js'
import type { User } from '../runtime/tenant.js'
import type { SessionRecord } from '../runtime/sessions.js'
import { secretEquals } from './client-auth.js'
import { OAuthError } from './errors.js'
import type { AuthorizationRequest, completeAuthorization } from './authorize.js'

/** Issues the authorization response once the user is known (passed in: authorize imports this module). */
type Complete = typeof completeAuthorization
import { loginPage, LOGIN_FIELDS } from './login-page.js'
import { currentSession, sessionCookie, sessionHandle } from './session.js'
import { DEFAULT_PASSWORD } from './token/password.js'
import type { Params } from './params.js'
import { expireOldestSessions, notifySessionEnded } from './backchannel-logout.js'
import { NEXT_SIGN_IN_COOKIE, bindSessionClaims, takeSignIn } from '../runtime/next-sign-in.js'
import { getCookie } from 'hono/cookie'

/**
 * Decide who signs in, in this order:
 * 0. a queued "sign in as" (`next-sign-in`) this request matches: by its ticket cookie, or the oldest for this client or any;
 * 1. the login page's answer (a picked user, or a username and password);
 * 2. `login_hint`: that user at once (the browser's session is reused when it is theirs);
 * 3. the browser's SSO session;
 * 4. the tenant's `autoLogin` user (only without a `login_hint`);
 * 5. otherwise the login page, or `login_required` for `prompt=none`.
 * `prompt=login`, `prompt=select_account` and `max_age=0` skip 2-4; a session older than `max_age`
 * is not reused (OIDC Core §3.1.2.1).
 */
export async function signIn(c: Context<Env>, req: AuthorizationRequest, complete: Complete): Promise<Response> {
  const tenant = c.get('server').tenant
  const { params } = req
  const prompt = readPrompt(params)
  const maxAge = readMaxAge(params)

  // 0. a queued "sign in as" (admin API) for this client: that user, no page
  const ticket = getCookie(c, NEXT_SIGN_IN_COOKIE)
  const queued = await takeSignIn(tenant, req.client.clientId, ticket)
  const queuedUser = queued && tenant.userBySub(queued.sub)
  if (queued && queuedUser) {
    const res = await startSession(c, req, queuedUser, complete, queued.claims)
    if (ticket !== undefined) res.headers.append('set-cookie', `${NEXT_SIGN_IN_COOKIE}=; Max-Age=0; Path=/`)
    return res
  }

  if (params.get(LOGIN_FIELDS.action) === 'login') {
    const picked = params.get(LOGIN_FIELDS.user)
    let user: User | undefined
    if (picked !== undefined) user = tenant.userBySub(picked)
    else {
      const u = tenant.findUser(params.get(LOGIN_FIELDS.username) ?? '')
      if (u && secretEquals(params.get(LOGIN_FIELDS.password) ?? '', u.password ?? DEFAULT_PASSWORD)) user = u
    }
    if (!user) return loginPage(c, req, { error: 'Wrong username or password.' })
    return startSession(c, req, user, complete)
  }

  const reauthenticate = prompt.has('login') || prompt.has('select_account') || maxAge === 0
  const session = await currentSession(c)
  const reusable = session && !reauthenticate && (maxAge === undefined || epochSeconds(tenant.clock) - session.authTime <= maxAge) ? session : undefined

  const hint = params.get('login_hint')
  const hinted = hint === undefined ? undefined : tenant.findUser(hint)
  if (hinted && !reauthenticate) return reusable?.sub === hinted.sub ? resumeSession(c, req, reusable, complete) : startSession(c, req, hinted, complete)
  if (reusable) return resumeSession(c, req, reusable, complete)
  const auto = hint === undefined && tenant.config.autoLogin !== undefined ? tenant.findUser(tenant.config.autoLogin) : undefined
  if (auto && !reauthenticate) return startSession(c, req, auto, complete)
  if (prompt.has('none')) throw new OAuthError('login_required')
  const signedIn = session && tenant.userBySub(session.sub)
  return loginPage(c, req, signedIn ? { signedIn } : {})
}

/** `prompt` as a set; `none` combined with anything else is an error (OIDC Core §3.1.2.1). */
function readPrompt(params: Params): Set<string> {
  const prompt = new Set((params.get('prompt') ?? '').split(' ').filter(Boolean))
  if (prompt.has('none') && prompt.size > 1) throw new OAuthError('prompt_none_combined', { param: 'prompt' })
  return prompt
}

/** `max_age` in seconds, a non-negative integer. */
function readMaxAge(params: Params): number | undefined {
  const v = params.get('max_age')
  if (v === undefined || v === '') return undefined
  if (!/^\d{1,15}$/.test(v)) throw new OAuthError('invalid_parameter', { param: 'max_age' })
  return Number(v)
}

/** A fresh authentication: replace the browser's session with a new one and issue the code. */
async function startSession(c: Context<Env>, req: AuthorizationRequest, user: User, complete: Complete, claims?: Record<string, unknown>): Promise<Response> {
  const tenant = c.get('server').tenant
  const replaced = await tenant.sessions.find(sessionHandle(c))
  await tenant.sessions.end(sessionHandle(c))
  // the browser's old session ends here: its apps hear it (back-channel logout), as on any other end
  if (replaced) void notifySessionEnded(tenant, replaced, 'replaced')
  expireOldestSessions(tenant)
  // derived from this sign-in's own inputs, not a per-user counter: concurrent flows of one user get
  // the same sids (and so cookies, codes and tokens) in whatever order they arrive
  const flow = [tenant.id, 'sid', user.sub, req.client.clientId, req.redirectUri, req.state ?? '', req.nonce ?? '', req.codeChallenge ?? '', req.scopes.join(' ')]
  const sid = formatId(tenant.ids, flow, { kind: 'uuid', version: 4 })
  const session = await tenant.sessions.start(user.sub, sid)
  bindSessionClaims(tenant, sid, claims)
  const res = await complete(c, req, user, { sid, authTime: session.authTime })
  res.headers.append('set-cookie', sessionCookie(c.get('server'), session, isHttps(c)))
  return res
}

/** Single sign-on: the session's user, `sid` and `auth_time`, without a login page. */
function resumeSession(c: Context<Env>, req: AuthorizationRequest, session: SessionRecord, complete: Complete): Promise<Response> {
  const user = c.get('server').tenant.userBySub(session.sub)!
  return complete(c, req, user, { sid: session.sid, authTime: session.authTime })
}
