import { createHash, createPublicKey } from 'node:crypto'
import type { Clock } from '../lib/clock.js'
import type { IdSource } from '../lib/ids.js'
import { b64url } from '../lib/json.js'
import { renderValue } from '../lib/template.js'
import type { Profile } from '../profiles/types.js'
import { selfSignedCertificate } from './cert.js'
import { deriveRsaKeys } from './derive.js'
import type { SigningKey } from './keystore.js'

/** How a vendor names its signing keys; rotated keys follow it (see `Profile.keyIds`). */
export type KidStyle = 'thumbprint' | 'uuid' | 'wso2'

/** A key ring as numbers (rotated keys are re-derived from them): for a reload or a state file. */
export interface KeyRingState {
  /** Rotations so far. */
  rotations: number
  /** The rotation whose key signs (0: the fixture key). */
  signing: number
  /** Earlier keys still published, with the mock-clock epoch milliseconds each is dropped at. */
  retained: { rotation: number; dropAt: number }[]
}

/** What a rotation did: the new signing `kid`, and the keys still published with when they go. */
export interface RotationResult {
  kid: string
  /** Earlier keys still in JWKS (and still verifying), oldest first, with the mock-clock instant each is dropped. */
  retained: { kid: string; until: string }[]
  /** Keys this rotation took out of JWKS (a replacement: `graceSeconds: 0`). */
  dropped: string[]
  /** How many rotations this tenant has had since start or reset. */
  rotation: number
}

// Derived keys by seed material: a rotation costs tens of milliseconds, and test suites start many
// mocks with the same seed.
const derived = new Map<string, SigningKey>()

const uuidOf = (bytes: Buffer): string => {
  const b = Buffer.from(bytes.subarray(0, 16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = b.toString('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** The JWT headers the profile's servers would write for a key with these `vars`. */
const headersOf = (profile: Profile, vars: Record<string, string>): unknown[] =>
  profile.servers.flatMap((s) => [s.accessToken.format === 'jwt' ? s.accessToken.header : undefined, s.idToken && s.openid ? s.idToken.header : undefined].filter(Boolean).map((h) => renderValue(h, { key: vars })))

// @authing/web decodes JWT headers with atob(), which rejects '-' and '_' (scripts/make-keys.mjs
// keeps fixture keys to the same rule).
const atobSafe = (header: unknown): boolean => !/[-_]/.test(b64url(JSON.stringify(header)))

/**
 * Derive the signing key of one rotation from `material` (seed-derived bytes): RSA from the DRBG,
 * the `kid` in the vendor's style, the first key whose JWT headers every client can decode.
 */
export function deriveSigningKey(material: Buffer, style: KidStyle, profile: Profile, name: string): SigningKey {
  const cacheKey = `${material.toString('hex')}|${style}|${profile.name}`
  const hit = derived.get(cacheKey)
  if (hit) return hit
  let attempt = 0
  for (const { jwk, privateKey } of deriveRsaKeys(material.toString('hex'))) {
    const publicKey = createPublicKey(privateKey)
    const publicJwk: Record<string, unknown> = { kty: 'RSA', kid: '', use: 'sig', alg: 'RS256', e: jwk.e, n: jwk.n }
    const vars: Record<string, string> = { alg: 'RS256', kid: '' }
    if (style === 'thumbprint') {
      // RFC 7638 thumbprint: oidc-provider's default kid (GenAuth/Authing)
      vars.kid = b64url(createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })).digest())
    } else if (style === 'uuid') {
      vars.kid = uuidOf(createHash('sha256').update(material).update(String(attempt)).digest())
    } else {
      // WSO2: kid = base64url(hex(SHA-256(cert DER))) + "_RS256", x5t = base64url(SHA-1(cert DER))
      const serial = createHash('sha256').update(material).digest().subarray(0, 16)
      serial[0]! &= 0x7f
      const der = selfSignedCertificate(privateKey, publicKey, serial, `mockidp-${profile.name}`)
      vars.kid = `${b64url(createHash('sha256').update(der).digest('hex'))}_RS256`
      vars.x5t = b64url(createHash('sha1').update(der).digest())
      publicJwk.x5t = vars.x5t
      publicJwk['x5t#S256'] = b64url(createHash('sha256').update(der).digest())
      publicJwk.x5c = [der.toString('base64')]
    }
    publicJwk.kid = vars.kid
    attempt++
    if (!headersOf(profile, vars).every(atobSafe)) continue
    const key: SigningKey = { name, kid: vars.kid, alg: 'RS256', use: 'sig', privateKey, publicKey, publicJwk, vars }
    derived.set(cacheKey, key)
    return key
  }
  throw new Error('unreachable')
}

/**
 * A tenant's signing keys: the one new tokens are signed with, and earlier ones kept (in JWKS, and
 * verifying at the mock's own endpoints) until their grace period ends by the mock's clock.
 * Starts with the fixture key; rotated keys are derived only when a rotation asks for one.
 */
export class KeyRing {
  private signing: SigningKey
  private signingRotation = 0
  private retainedKeys: { key: SigningKey; rotation: number; dropAt: number }[] = []
  private count = 0
  private changes = 0
  // rotation n → its key: a reset and the same rotations again give the same keys without the work
  private readonly byRotation = new Map<number, SigningKey>()

  constructor(
    private readonly initial: SigningKey,
    private readonly tenantId: string,
    private readonly profile: Profile,
    private readonly clock: Clock,
    private readonly ids: IdSource,
    /** Hears every change (a state file writes it). */
    private readonly onChange?: (() => void) | undefined,
  ) {
    this.signing = initial
  }

  /** The key new tokens are signed with. */
  get current(): SigningKey {
    return this.signing
  }

  /** Changes when the published set changes (JWKS caches on it). */
  get version(): number {
    this.prune()
    return this.changes
  }

  /** How many rotations since start or reset. */
  get rotations(): number {
    return this.count
  }

  /** Keys a token may be signed with: the current one first, then those in their grace period. */
  verificationKeys(): SigningKey[] {
    this.prune()
    return [this.signing, ...this.retainedKeys.map((r) => r.key)]
  }

  /** Sign with a new key; keep the old one `graceSeconds` (0: drop it now). */
  rotate(graceSeconds: number): RotationResult {
    const n = this.count + 1
    const next = this.keyOf(n)
    const old = this.signing
    const dropped: string[] = []
    if (graceSeconds > 0) this.retainedKeys.push({ key: old, rotation: this.signingRotation, dropAt: this.clock.now() + graceSeconds * 1000 })
    else dropped.push(old.kid)
    this.signing = next
    this.signingRotation = n
    this.count = n
    this.changes++
    this.prune()
    this.onChange?.()
    return { kid: next.kid, retained: this.retainedKeys.map((r) => ({ kid: r.key.kid, until: new Date(r.dropAt).toISOString() })), dropped, rotation: n }
  }

  /** Back to the fixture key (a reset). */
  reset(): void {
    if (this.signing === this.initial && !this.retainedKeys.length && this.count === 0) return
    this.signing = this.initial
    this.signingRotation = 0
    this.retainedKeys = []
    this.count = 0
    this.changes++
  }

  /** The ring as numbers. */
  snapshot(): KeyRingState {
    this.prune()
    return { rotations: this.count, signing: this.signingRotation, retained: this.retainedKeys.map((r) => ({ rotation: r.rotation, dropAt: r.dropAt })) }
  }

  /**
   * Take over a ring's state (a reload, a state file): the same keys, re-derived. Returns why not,
   * for a state it cannot be (numbers out of range), leaving the ring as it was.
   */
  restore(state: KeyRingState): string | undefined {
    const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= state.rotations
    if (!Number.isInteger(state.rotations) || state.rotations < 0 || state.rotations > 1_000_000 || !ok(state.signing) || !Array.isArray(state.retained) || !state.retained.every((r) => ok(r?.rotation) && typeof r.dropAt === 'number'))
      return 'signing keys (an invalid key ring)'
    if (state.rotations === 0 && !this.count) return undefined
    this.signing = this.keyOf(state.signing)
    this.signingRotation = state.signing
    this.retainedKeys = state.retained.map((r) => ({ key: this.keyOf(r.rotation), rotation: r.rotation, dropAt: r.dropAt }))
    this.count = state.rotations
    this.changes++
    return undefined
  }

  /** The key of rotation `n` (0: the fixture key), derived once. */
  private keyOf(n: number): SigningKey {
    if (n === 0) return this.initial
    let key = this.byRotation.get(n)
    if (!key) {
      // the seed, the tenant and the rotation number only: the same key at any time, on any run
      const material = this.ids.fixed([this.tenantId, 'signing-key', String(n)], 32)
      key = deriveSigningKey(material, this.profile.keyIds?.style ?? 'thumbprint', this.profile, `${this.profile.key}#${n}`)
      this.byRotation.set(n, key)
    }
    return key
  }

  private prune(): void {
    if (!this.retainedKeys.length) return
    const now = this.clock.now()
    const kept = this.retainedKeys.filter((r) => r.dropAt > now)
    if (kept.length !== this.retainedKeys.length) {
      this.retainedKeys = kept
      this.changes++
    }
  }
}
