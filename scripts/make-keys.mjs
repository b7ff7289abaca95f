// One-off generator for the signing-key fixtures in fixtures/keys/. The server never runs this:
// keys are loaded at start, never generated. Re-run only to rotate the fixtures on purpose.
//
// Each key gets the kid style its vendor uses (see ../shared/VENDORS.md):
//   thumbprint  RFC 7638 JWK thumbprint (oidc-provider's default kid; GenAuth/Authing)
//   uuid        a UUID (PingOne)
//   wso2        base64url(hex(SHA-256(cert DER))) + "_RS256", with x5t = base64url(SHA-1(cert DER)) (Asgardeo)
// A key is kept only when its JWT header, as the vendor lays it out, base64url-encodes without
// '-' or '_': @authing/web decodes headers with atob(), which rejects those characters.
import { generateKeyPairSync, createHash, randomUUID, X509Certificate } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const b64u = (buf) => Buffer.from(buf).toString('base64url')
const atobSafe = (header) => !/[-_]/.test(b64u(JSON.stringify(header)))

function thumbprint(jwk) {
  const json = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })
  return b64u(createHash('sha256').update(json).digest())
}

function selfSignedCert(privatePem, cn) {
  const dir = mkdtempSync(join(tmpdir(), 'mockidp-keys-'))
  writeFileSync(join(dir, 'key.pem'), privatePem)
  execFileSync('openssl', ['req', '-new', '-x509', '-key', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '36500', '-subj', `/CN=${cn}/O=mockidp`, '-sha256'])
  return new X509Certificate(readFileSync(join(dir, 'cert.pem')))
}

const specs = [
  { file: 'genauth', style: 'thumbprint', header: (kid) => ({ alg: 'RS256', typ: 'JWT', kid }) },
  { file: 'authing', style: 'thumbprint', header: (kid) => ({ alg: 'RS256', typ: 'JWT', kid }) },
  { file: 'pingone', style: 'uuid', header: (kid) => ({ kid, alg: 'RS256' }) },
  { file: 'asgardeo', style: 'wso2', header: (kid, x5t) => ({ x5t, kid, alg: 'RS256' }) },
]

for (const spec of specs) {
  for (let attempt = 0; ; attempt++) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = privateKey.export({ format: 'jwk' })
    const out = { kid: '', alg: 'RS256', use: 'sig', privateJwk: jwk }
    if (spec.style === 'thumbprint') out.kid = thumbprint(jwk)
    if (spec.style === 'uuid') out.kid = randomUUID()
    if (spec.style === 'wso2') {
      const cert = selfSignedCert(privateKey.export({ format: 'pem', type: 'pkcs8' }), 'mockidp-asgardeo')
      const der = cert.raw
      out.kid = b64u(createHash('sha256').update(der).digest('hex')) + '_RS256'
      out.x5t = b64u(createHash('sha1').update(der).digest())
      out['x5t#S256'] = b64u(createHash('sha256').update(der).digest())
      out.x5c = [der.toString('base64')]
    }
    if (!atobSafe(spec.header(out.kid, out.x5t))) continue
    writeFileSync(new URL(`../fixtures/keys/${spec.file}.json`, import.meta.url), JSON.stringify(out, null, 2) + '\n')
    console.log(`${spec.file}: kid ${out.kid} (after ${attempt + 1} tries)`)
    break
  }
}
