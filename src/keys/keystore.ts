import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { packagePath } from '../lib/paths.js'

/** A signing key loaded from `fixtures/keys/<name>.json`. Keys are loaded once, never generated. */
export interface SigningKey {
  name: string
  kid: string
  alg: 'RS256'
  use: 'sig'
  privateKey: KeyObject
  publicKey: KeyObject
  /** Public JWK members plus vendor extras (`x5t`, `x5t#S256`, `x5c`). */
  publicJwk: Record<string, unknown>
  /** Values profiles may reference as `${key.*}` in JWT headers. */
  vars: Record<string, string>
}

interface KeyFile {
  kid: string
  alg: 'RS256'
  use: 'sig'
  privateJwk: Record<string, string>
  x5t?: string
  'x5t#S256'?: string
  x5c?: string[]
}

const cache = new Map<string, SigningKey>()

/** Load (once per process) the named key fixture. */
export function loadKey(name: string): SigningKey {
  const hit = cache.get(name)
  if (hit) return hit
  const file = packagePath(`fixtures/keys/${name}.json`)
  const data = JSON.parse(readFileSync(file, 'utf8')) as KeyFile
  const privateKey = createPrivateKey({ key: data.privateJwk, format: 'jwk' })
  const publicKey = createPublicKey(privateKey)
  const pub = publicKey.export({ format: 'jwk' }) as Record<string, string>
  const publicJwk: Record<string, unknown> = { kty: pub.kty, kid: data.kid, use: data.use, alg: data.alg, e: pub.e, n: pub.n }
  if (data.x5t) publicJwk.x5t = data.x5t
  if (data['x5t#S256']) publicJwk['x5t#S256'] = data['x5t#S256']
  if (data.x5c) publicJwk.x5c = data.x5c
  const key: SigningKey = {
    name,
    kid: data.kid,
    alg: data.alg,
    use: data.use,
    privateKey,
    publicKey,
    publicJwk,
    vars: { kid: data.kid, alg: data.alg, ...(data.x5t ? { x5t: data.x5t } : {}) },
  }
  cache.set(name, key)
  return key
}
