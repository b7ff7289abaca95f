import type { Context } from 'hono'
import { createHash } from 'node:crypto'
import type { Env } from '../server/env.js'
import { OAuthError } from './errors.js'
import { readQuery } from './params.js'
import { currentSession } from './session.js'

/**
 * The `session_state` a client at `origin` is given for the session `sid`: the hash of client id,
 * RP origin and OP browser state, then `.` and a salt (OIDC Session Management 1.0 §3). The
 * authorization endpoint (authorize.ts) appends the same value to its redirects.
 */
export function sessionState(clientId: string, origin: string, sid: string): string {
  return `${createHash('sha256').update(`${clientId} ${origin} ${sid}`).digest('hex')}.${sid.slice(0, 8)}`
}

// The OP iframe's script (OIDC Session Management 1.0 §3.2). The RP posts "<client_id> <session_state>";
// the iframe asks its own origin what the session state should be now (a same-origin request that
// carries the HttpOnly session cookie, so a logout elsewhere shows at the next check) and answers
// "unchanged", "changed" or "error" to the RP's window at the RP's origin.
const SCRIPT = `(function(){
var path=location.pathname;
window.addEventListener('message',function(e){
if(e.source===window||typeof e.data!=='string')return;
var reply=function(s){if(e.source)e.source.postMessage(s,e.origin)};
var i=e.data.lastIndexOf(' ');
if(i<=0||i===e.data.length-1)return reply('error');
var clientId=e.data.slice(0,i),state=e.data.slice(i+1);
fetch(path+'?'+new URLSearchParams({client_id:clientId,origin:e.origin}),{credentials:'same-origin',cache:'no-store'})
.then(function(r){return r.ok?r.json():null})
.then(function(s){reply(!s?'error':s.session_state===state?'unchanged':'changed')},function(){reply('error')});
});
})();`

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>OP iframe (mockidp)</title></head><body><script>${SCRIPT}</script></body></html>`

/**
 * The check-session iframe (`check_session_iframe`, OIDC Session Management 1.0 §3.2). A plain GET
 * returns the OP iframe page; the page itself calls back with `client_id` and `origin` to learn
 * the current `session_state` of that client (JSON, `null` without a session). An unknown client is
 * an error, which the iframe reports to the RP as "error".
 */
export async function checkSessionEndpoint(c: Context<Env>): Promise<Response> {
  const params = readQuery(c)
  const origin = params.get('origin')
  if (origin === undefined) return c.html(PAGE, 200, { 'cache-control': 'no-store' })
  const tenant = c.get('server').tenant
  const clientId = params.get('client_id') ?? ''
  if (!tenant.clients.has(clientId)) throw new OAuthError('unknown_client', { client_id: clientId })
  const session = await currentSession(c)
  return c.json({ session_state: session ? sessionState(clientId, origin, session.sid) : null }, 200, { 'cache-control': 'no-store' })
}
