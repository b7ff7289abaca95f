import { sign, type KeyObject } from 'node:crypto'

// A minimal DER encoder: just what a self-signed X.509 v3 certificate needs (RFC 5280 §4.1).
const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.of(n)
  const bytes: number[] = []
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content)
  return Buffer.concat([Buffer.of(tag), len(body.length), body])
}
const seq = (...c: Buffer[]) => tlv(0x30, ...c)
const set = (...c: Buffer[]) => tlv(0x31, ...c)
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number)
  const out = [a! * 40 + b!]
  for (const v of rest) {
    const chunk = [v & 0x7f]
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80)
    out.push(...chunk)
  }
  return tlv(0x06, Buffer.from(out))
}
const integer = (bytes: Buffer): Buffer => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes)
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'))
const name = (cn: string, o: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))), set(seq(oid('2.5.4.10'), utf8(o))))
const SHA256_RSA = seq(oid('1.2.840.113549.1.1.11'), Buffer.of(0x05, 0x00))

/**
 * A self-signed certificate for `publicKey`, DER-encoded, deterministic in its inputs (RSA
 * PKCS#1 v1.5 signatures are): WSO2 publishes a certificate with every JWKS key (`x5c`) and derives
 * the `kid` and `x5t` from it. Valid from 2000 to 2100 so the mock's clock never makes it stale.
 */
export function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, serial: Buffer, commonName: string): Buffer {
  const spki = publicKey.export({ format: 'der', type: 'spki' })
  const validity = seq(tlv(0x17, Buffer.from('000101000000Z')), tlv(0x18, Buffer.from('21000101000000Z')))
  const subject = name(commonName, 'mockidp')
  const tbs = seq(tlv(0xa0, integer(Buffer.of(2))), integer(serial), SHA256_RSA, subject, validity, subject, spki)
  const signature = sign('sha256', tbs, privateKey)
  return seq(tbs, SHA256_RSA, tlv(0x03, Buffer.of(0), signature))
}
