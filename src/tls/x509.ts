/**
 * X.509 certificates for the local development CA and its leaf certificates. Node can parse and
 * verify certificates (`crypto.X509Certificate`) but not write them, so the structure is built with
 * node-forge; keys are generated and every signature is made by Node's own crypto (native RSA),
 * which keeps issuing a certificate to a few milliseconds.
 *
 * Loaded only when HTTPS is asked for (dynamic import), and then only to create a CA or a leaf:
 * a warm start reuses both from the TLS directory without loading this module.
 */
import { constants, createPrivateKey, generateKeyPair, privateEncrypt, randomBytes, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { isIP } from 'node:net'
import forge from 'node-forge'

const { pki } = forge

/** A certificate and its private key, both PEM. */
export interface PemPair {
  cert: string
  key: string
}

const DAY = 86_400_000

/** forge writes CRLF line ends; Node and every PEM reader here use LF. */
const pem = (text: string): string => text.replace(/\r\n/g, '\n')

// DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex')

/** A forge "private key" whose sign() is Node's native RSA (PKCS#1 v1.5 over the DigestInfo). */
function nodeSigner(key: KeyObject): forge.pki.rsa.PrivateKey {
  return {
    sign(md: forge.md.MessageDigest) {
      const digest = Buffer.from(md.digest().getBytes(), 'binary')
      const sig = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]))
      return sig.toString('binary')
    },
  } as unknown as forge.pki.rsa.PrivateKey
}

/** An RSA-2048 key pair, made on the thread pool (a CA and its first leaf are made in parallel). */
async function newKey(): Promise<{ privateKey: KeyObject; publicPem: string; privatePem: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 })
  return { privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }
}

/**
 * Subject attributes as UTF8String: forge defaults to PrintableString, which cannot hold "@" or "_"
 * (a CA named "user@host"), and Chromium's strict parser then refuses the certificate
 * (ERR_SSL_SERVER_CERT_BAD_FORMAT) where OpenSSL would let it through.
 */
const names = (attrs: Record<string, string>) => Object.entries(attrs).map(([name, value]) => ({ name, value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class }))

/** Start making a key pair now (to overlap with other work); pass it to createCa/createLeaf. */
export const startKey = newKey

/** A positive 128-bit serial number, hex. */
const serial = (): string => '7' + randomBytes(16).toString('hex').slice(1)

/** A certificate for the public key, valid from a day before `now` (clock skew) for `days` days. */
function newCertificate(publicPem: string, now: number, days: number): forge.pki.Certificate {
  const cert = pki.createCertificate()
  cert.publicKey = pki.publicKeyFromPem(publicPem)
  cert.serialNumber = serial()
  cert.validity.notBefore = new Date(now - DAY)
  cert.validity.notAfter = new Date(now + days * DAY)
  return cert
}

/**
 * A self-signed CA, valid for ten years, allowed to sign leaf certificates only (pathLen 0).
 * `commonName` names whose it is, as mkcert does ("mockidp development CA (user@host)").
 */
export async function createCa(commonName: string, now = Date.now(), key = newKey()): Promise<PemPair> {
  const k = await key
  const cert = newCertificate(k.publicPem, now, 3650)
  const subject = names({ commonName, organizationName: 'mockidp development CA' })
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  cert.sign(nodeSigner(k.privateKey), forge.md.sha256.create())
  return { cert: pem(pki.certificateToPem(cert)), key: k.privatePem }
}

/**
 * A leaf (server) certificate for `names` (DNS names, `*.` wildcards, IPv4/IPv6 addresses), signed
 * by `ca`. 397 days: within the 398 days browsers accept for a server certificate.
 */
export async function createLeaf(ca: PemPair, hostNames: readonly string[], now = Date.now(), key = newKey()): Promise<PemPair> {
  const caCert = pki.certificateFromPem(ca.cert)
  const k = await key
  const cert = newCertificate(k.publicPem, now, 397)
  cert.setSubject(names({ commonName: hostNames[0] ?? 'localhost', organizationName: 'mockidp development certificate' }))
  cert.setIssuer(caCert.subject.attributes)
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hostNames.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ])
  cert.sign(nodeSigner(createPrivateKey(ca.key)), forge.md.sha256.create())
  return { cert: pem(pki.certificateToPem(cert)), key: k.privatePem }
}
