// The ceiling for a JWT token endpoint: a bare Hono handler that reads the form body (c.req.text(),
// @hono/node-server's direct-read fast path, + URLSearchParams) and signs one RS256 JWT per request
// with node:crypto (synchronous sign, like mockidp), using the fixture key.
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { createPrivateKey, randomUUID, sign } from 'node:crypto'
import { fixtureKey, portArg } from './args.mjs'

const port = portArg()
const fk = fixtureKey()
const key = createPrivateKey({ key: fk.privateJwk, format: 'jwk' })
const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: fk.kid })).toString('base64url')
const iss = `http://127.0.0.1:${port}`

const app = new Hono()
app.post('/token', async (c) => {
  const form = new URLSearchParams(await c.req.text())
  const clientId = form.get('client_id') ?? ''
  const iat = Math.floor(Date.now() / 1000)
  const payload = { iss, sub: clientId, aud: iss, client_id: clientId, jti: randomUUID(), iat, exp: iat + 3600, scope: '' }
  const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`
  const jwt = `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
  return c.json({ access_token: jwt, token_type: 'Bearer', expires_in: 3600, scope: '' })
})
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => console.log(`hono-sign listening on ${info.port}`))
