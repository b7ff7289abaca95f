// Shared by the peer servers: `--port N` (or PORT), and the fixed fixture key (never generated).
import { readFileSync } from 'node:fs'

export function portArg() {
  const i = process.argv.indexOf('--port')
  const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('usage: --port N')
  return port
}

/** fixtures/keys/pingone.json: { kid, alg, use, privateJwk } — the same RSA-2048 key mockidp signs PingOne tokens with. */
export function fixtureKey() {
  const file = new URL('../../fixtures/keys/pingone.json', import.meta.url)
  return JSON.parse(readFileSync(file, 'utf8'))
}
