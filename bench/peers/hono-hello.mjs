// The floor: a bare Hono app on @hono/node-server answering POST /token with a small fixed JSON.
import { Hono } from 'hono'
import { serve } from '@hono/node-server'
import { portArg } from './args.mjs'

const app = new Hono()
app.post('/token', (c) => c.json({ access_token: 'hello', token_type: 'Bearer', expires_in: 3600 }))
serve({ fetch: app.fetch, port: portArg(), hostname: '127.0.0.1' }, (info) => console.log(`hono-hello listening on ${info.port}`))
