import type { KeyObject } from 'node:crypto'

const big = (b64url: string): bigint => BigInt(`0x${Buffer.from(b64url, 'base64url').toString('hex') || '0'}`)

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  base %= mod
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod
    exp >>= 1n
    base = (base * base) % mod
  }
  return result
}

const cache = new WeakMap<KeyObject, { n: bigint; d: bigint; size: number }>()

/**
 * Decrypt an RSAES-PKCS1-v1_5 ciphertext (RFC 8017 §7.2.2), base64 as JSEncrypt sends it, with the
 * password key. Returns undefined for anything that is not a well-formed ciphertext of this key.
 *
 * Node refuses PKCS#1 v1.5 in `privateDecrypt` (CVE-2023-46809, the Marvin timing attack); that
 * matters for real secrets, not for a mock's fixture passwords, so the RSA step is done here.
 */
export function rsaPkcs1Decrypt(key: KeyObject, base64: string): string | undefined {
  let k = cache.get(key)
  if (!k) {
    const jwk = key.export({ format: 'jwk' })
    const n = big(jwk.n!)
    k = { n, d: big(jwk.d!), size: Math.ceil(n.toString(16).length / 2) }
    cache.set(key, k)
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined
  const bytes = Buffer.from(base64, 'base64')
  // JSEncrypt drops leading zero bytes of the ciphertext; anything longer than the modulus is not ours
  if (bytes.length === 0 || bytes.length > k.size) return undefined
  const c = BigInt(`0x${bytes.toString('hex')}`)
  if (c >= k.n) return undefined
  const em = Buffer.from(modPow(c, k.d, k.n).toString(16).padStart(k.size * 2, '0'), 'hex')
  // EM = 0x00 || 0x02 || PS (>= 8 non-zero bytes) || 0x00 || M
  if (em[0] !== 0 || em[1] !== 2) return undefined
  const sep = em.indexOf(0, 2)
  if (sep < 10) return undefined
  return em.subarray(sep + 1).toString('utf8')
}
