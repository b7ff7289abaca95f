import { createServer, type Server } from 'node:http'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, HAVE_REDIS, requireRedis, startRedis, type TestRedis } from '../helpers/redis.js'
import { startReplicas, type Replica } from '../helpers/replicas.js'
import { decodeJwt, TENANTS } from '../helpers/idp.js'

// Which apps took part in a session is shared too: a session started at A and ended at B sends
// A's participants their back-channel logout tokens.
requireRedis('test/store/logout-replicas.test.ts')

const ASG = TENANTS.find((t) => t.id === 'asgardeo-demo')!
let redis: TestRedis
let a: Replica
let b: Replica
let receiver: Server
const received: string[] = []
beforeAll(async () => {
  if (!HAVE_REDIS) return
  const port = await freePort()
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d.toString()))
    req.on('end', () => {
      received.push(new URLSearchParams(body).get('logout_token') ?? '')
      res.writeHead(200).end()
    })
  })
  await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r))
  const cfg = JSON.parse(readFileSync(new URL('../../mockidp.config.json', import.meta.url), 'utf8')) as { tenants: { id: string; clients: { clientId: string; backchannelLogoutUri?: string }[] }[] }
  const client = cfg.tenants.find((t) => t.id === ASG.id)!.clients.find((c) => c.clientId === ASG.clientId)!
  client.backchannelLogoutUri = `http://127.0.0.1:${port}/bcl`
  redis = await startRedis()
  ;[a, b] = (await startReplicas(2, redis.url, { tenants: cfg.tenants })) as [Replica, Replica]
}, 30_000)
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.stop()
  receiver?.close()
})

describe.skipIf(!HAVE_REDIS)('logout across replicas', () => {
  it('a session started at A, ended at B: the app that signed in through A gets its back-channel logout token', async () => {
    const q = new URLSearchParams({ response_type: 'code', client_id: ASG.clientId, redirect_uri: ASG.redirectUri, scope: ASG.scope, login_hint: 'test1' })
    const auth = await fetch(`${a.url}${ASG.authorize}?${q}`, { redirect: 'manual' })
    const cookie = auth.headers.get('set-cookie')!.split(';')[0]!
    const logout = await fetch(`${b.url}/asgardeo/t/bifrost/oidc/logout?${new URLSearchParams({ client_id: ASG.clientId, post_logout_redirect_uri: ASG.redirectUri, state: 'bye' })}`, { redirect: 'manual', headers: { cookie } })
    expect(logout.status).toBeLessThan(400)
    const until = Date.now() + 5000
    while (!received.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
    expect(received).toHaveLength(1)
    const { payload } = decodeJwt(received[0]!)
    expect([payload.aud, typeof payload.sid, payload.events]).toEqual([ASG.clientId, 'string', { 'http://schemas.openid.net/event/backchannel-logout': {} }])
    // taken once: ending it again at A sends nothing more
    await fetch(`${a.url}/asgardeo/t/bifrost/oidc/logout?${new URLSearchParams({ client_id: ASG.clientId })}`, { redirect: 'manual', headers: { cookie } })
    await new Promise((r) => setTimeout(r, 300))
    expect(received).toHaveLength(1)
  })
})
