// Peer: oauth2-mock-server (v8) with a static key: the fixture's private JWK is added to the key
// store, nothing is generated. Token endpoint POST /token, authorize GET /authorize (redirects at once).
import { OAuth2Server } from 'oauth2-mock-server'
import { fixtureKey, portArg } from './args.mjs'

const port = portArg()
const fk = fixtureKey()
const server = new OAuth2Server()
await server.issuer.keys.add({ ...fk.privateJwk, kid: fk.kid, alg: 'RS256', use: 'sig' })
await server.start(port, '127.0.0.1')
console.log(`oauth2-mock-server listening on ${server.issuer.url}`)
