import { checkPrimeSync, createHmac, createPrivateKey, type KeyObject } from 'node:crypto'

/**
 * Deterministic RSA keys. Node (OpenSSL) cannot generate a key from a seed, so rotated keys are
 * built here: an HMAC_DRBG (NIST SP 800-90A §10.1.2, SHA-256) seeded with the config seed and the
 * rotation's own inputs draws prime candidates, small primes sieve them, and OpenSSL's Miller–Rabin
 * (`crypto.checkPrimeSync`) decides. The same inputs always give the same key, on any machine.
 * These keys sign test tokens only; they are not meant to protect anything.
 */
export class HmacDrbg {
  private k: Buffer = Buffer.alloc(32, 0)
  private v: Buffer = Buffer.alloc(32, 1)

  constructor(seed: string | Buffer) {
    this.update(Buffer.from(seed))
  }

  private hmac(key: Buffer, ...data: Buffer[]): Buffer {
    const h = createHmac('sha256', key)
    for (const d of data) h.update(d)
    return h.digest()
  }

  private update(data?: Buffer): void {
    this.k = this.hmac(this.k, this.v, Buffer.of(0), data ?? Buffer.alloc(0))
    this.v = this.hmac(this.k, this.v)
    if (!data?.length) return
    this.k = this.hmac(this.k, this.v, Buffer.of(1), data)
    this.v = this.hmac(this.k, this.v)
  }

  /** The next `n` pseudo-random bytes. */
  generate(n: number): Buffer {
    const out: Buffer[] = []
    let len = 0
    while (len < n) {
      this.v = this.hmac(this.k, this.v)
      out.push(this.v)
      len += this.v.length
    }
    this.update()
    return Buffer.concat(out).subarray(0, n)
  }
}

// odd primes below 2^14, computed on the first rotation (nothing here runs at start)
let smallPrimes: number[] | undefined
const SMALL_PRIMES_OF = (): number[] => (smallPrimes ??= sieve())
function sieve(): number[] {
  const limit = 1 << 14
  const sieve = new Uint8Array(limit)
  const out: number[] = []
  for (let i = 2; i < limit; i++) {
    if (sieve[i]) continue
    out.push(i)
    for (let j = i * i; j < limit; j += i) sieve[j] = 1
  }
  return out.slice(1) // odd primes only: candidates are odd
}

const E = 65537n
const toBig = (b: Buffer): bigint => BigInt(`0x${b.toString('hex')}`)

/**
 * A `bits`-bit prime drawn from the DRBG: a random odd start with the top two bits set (so two of
 * them multiply to exactly 2·bits), then the first prime p ≥ start with gcd(e, p−1) = 1. Residues
 * mod the small primes are updated as the candidate steps by 2, so only survivors reach
 * Miller–Rabin.
 */
function drawPrime(drbg: HmacDrbg, bits: number): bigint {
  const bytes = drbg.generate(bits / 8)
  bytes[0]! |= 0xc0
  bytes[bytes.length - 1]! |= 1
  const start = toBig(bytes)
  const SMALL_PRIMES = SMALL_PRIMES_OF()
  const residues = SMALL_PRIMES.map((p) => Number(start % BigInt(p)))
  for (let delta = 0; ; delta += 2) {
    let composite = false
    for (let i = 0; i < SMALL_PRIMES.length; i++) {
      if ((residues[i]! + delta) % SMALL_PRIMES[i]! === 0) {
        composite = true
        break
      }
    }
    if (composite) continue
    const candidate = start + BigInt(delta)
    if ((candidate - 1n) % E === 0n) continue
    if (checkPrimeSync(candidate, { checks: 64 })) return candidate
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m]
  let [s0, s1] = [1n, 0n]
  while (r1 !== 0n) {
    const q = r0 / r1
    ;[r0, r1] = [r1, r0 - q * r1]
    ;[s0, s1] = [s1, s0 - q * s1]
  }
  return ((s0 % m) + m) % m
}

const b64 = (n: bigint): string => {
  let hex = n.toString(16)
  if (hex.length % 2) hex = `0${hex}`
  return Buffer.from(hex, 'hex').toString('base64url')
}

/** A derived RSA key as a private JWK and a KeyObject. */
export interface DerivedRsaKey {
  jwk: { kty: 'RSA'; n: string; e: string; d: string; p: string; q: string; dp: string; dq: string; qi: string }
  privateKey: KeyObject
}

/**
 * 2048-bit RSA keys (e = 65537) derived from `seed`, one after another from the same DRBG stream:
 * the first is the seed's key; a caller that must reject a key (a kid with characters a client
 * cannot decode) takes the next, which keeps `p` and draws a new `q` (one prime, ~30 ms).
 */
export function* deriveRsaKeys(seed: string, bits = 2048): Generator<DerivedRsaKey, never> {
  const drbg = new HmacDrbg(`mockidp rsa\u0000${seed}`)
  const p0 = drawPrime(drbg, bits / 2)
  for (;;) {
    const q0 = drawPrime(drbg, bits / 2)
    if (q0 === p0) continue
    const [p, q] = p0 > q0 ? [p0, q0] : [q0, p0]
    const n = p * q
    const d = modInverse(E, (p - 1n) * (q - 1n))
    const jwk = { kty: 'RSA' as const, n: b64(n), e: b64(E), d: b64(d), p: b64(p), q: b64(q), dp: b64(d % (p - 1n)), dq: b64(d % (q - 1n)), qi: b64(modInverse(q, p)) }
    yield { jwk, privateKey: createPrivateKey({ key: jwk, format: 'jwk' }) }
  }
}
