/**
 * The TLS directory: one development CA (`ca.pem`, `ca-key.pem`), created on first use and reused
 * from then on, and leaf certificates cached by the set of names they cover, so a warm start reads
 * three small files and creates nothing. Certificates are checked with Node's own X509Certificate;
 * the X.509 writer (./x509.ts, node-forge) is imported only when something must be created.
 */
import { X509Certificate, createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { join } from 'node:path'

/** What an HTTPS listener needs, and where the CA is. */
export interface TlsMaterial {
  /** Leaf private key, and the chain: the leaf, then the CA (so a browser flag naming the CA key, --ignore-certificate-errors-spki-list, finds it), PEM. */
  key: string
  cert: string
  /** The CA certificate, PEM. */
  ca: string
  /** Path of `ca.pem`: what clients trust (`NODE_EXTRA_CA_CERTS`). */
  caFile: string
  /** The names the leaf covers. */
  names: string[]
  /** What had to be made on this call (nothing on a warm start). */
  created: { ca: boolean; leaf: boolean }
}

/** File names in a TLS directory (the interface: other tools and docs name them). */
export const CA_CERT_FILE = 'ca.pem'
export const CA_KEY_FILE = 'ca-key.pem'

/** A leaf is reissued this long before it expires. */
const RENEW_BEFORE_MS = 7 * 86_400_000
const LOCK_STALE_MS = 20_000

const x509 = () => import('./x509.js')

/** The names every leaf covers: loopback names and addresses, as mkcert's defaults. */
export const LOOPBACK_NAMES = ['localhost', '*.localhost', '127.0.0.1', '::1']

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Whether the lock's holder is gone: a dead process of this host, or a lock older than LOCK_STALE_MS. */
function staleLock(lock: string): boolean {
  try {
    const [host, pid] = readFileSync(lock, 'utf8').split(' ')
    if (host === hostname() && pid) {
      try {
        process.kill(Number(pid), 0)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true
      }
    }
    return Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS
  } catch {
    return false // gone meanwhile: the next attempt takes it
  }
}

/**
 * Run `make` holding `<dir>/.lock` (another mockidp may be creating the same files right now). A
 * lock left by a killed process is taken over at once (same host) or after LOCK_STALE_MS.
 */
async function withLock<T>(dir: string, make: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock')
  for (let i = 0; ; i++) {
    try {
      const fd = openSync(lock, 'wx', 0o600)
      writeFileSync(fd, `${hostname()} ${process.pid}`)
      closeSync(fd)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (staleLock(lock)) {
        try {
          unlinkSync(lock)
        } catch {
          // another waiter removed it first
        }
        continue
      }
      if (i > 1200) throw new Error(`mockidp: ${lock} has been held for a minute; remove it if no mockidp is starting`)
      await sleep(50)
    }
  }
  try {
    return await make()
  } finally {
    try {
      unlinkSync(lock)
    } catch {
      // already removed
    }
  }
}

/** Write a file atomically (a reader sees the old file or the whole new one). */
function writeAtomic(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, text, { mode })
  renameSync(tmp, file)
}

function readCa(dir: string): { cert: string; key: string } | undefined {
  const certFile = join(dir, CA_CERT_FILE)
  const keyFile = join(dir, CA_KEY_FILE)
  const hasCert = existsSync(certFile)
  const hasKey = existsSync(keyFile)
  if (!hasCert && !hasKey) return undefined
  if (hasCert !== hasKey)
    throw new Error(`mockidp: ${dir} has ${hasCert ? CA_CERT_FILE : CA_KEY_FILE} but not ${hasCert ? CA_KEY_FILE : CA_CERT_FILE}; remove it to create a new CA (then trust the new ca.pem again)`)
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') }
}

/** The CA of `dir`, created (once, under a lock) when the directory has none. */
export async function ensureCa(dir: string, onCreate?: () => void): Promise<{ cert: string; key: string; created: boolean }> {
  // readable directory (an app container reads ca.pem from a shared volume), private key files
  mkdirSync(dir, { recursive: true, mode: 0o755 })
  const existing = readCa(dir)
  if (existing) return { ...existing, created: false }
  return withLock(dir, async () => {
    const again = readCa(dir) // made by another process while we waited
    if (again) return { ...again, created: false }
    const { createCa } = await x509()
    onCreate?.()
    let who = 'mockidp'
    try {
      who = `${userInfo().username}@${hostname()}`
    } catch {
      // no user name (some containers): keep the generic name
    }
    const ca = await createCa(`mockidp development CA (${who})`)
    // the key first: a reader that sees ca.pem also finds its key
    writeAtomic(join(dir, CA_KEY_FILE), ca.key, 0o600)
    writeAtomic(join(dir, CA_CERT_FILE), ca.cert, 0o644)
    return { ...ca, created: true }
  })
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\r?\n?/g

/** A cached leaf that is still good: issued by this CA, covering `names`, not about to expire. */
function usableLeaf(text: string, ca: X509Certificate, now: number): { key: string; cert: string } | undefined {
  const blocks = [...text.matchAll(PEM_BLOCK)]
  const key = blocks.find((b) => b[1]!.endsWith('PRIVATE KEY'))?.[0]
  const cert = blocks.find((b) => b[1] === 'CERTIFICATE')?.[0]
  if (!key || !cert) return undefined
  try {
    const leaf = new X509Certificate(cert)
    if (Date.parse(leaf.validTo) - now < RENEW_BEFORE_MS || Date.parse(leaf.validFrom) > now) return undefined
    if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return undefined
    return { key, cert }
  } catch {
    return undefined
  }
}

const withNewline = (pem: string): string => (pem.endsWith('\n') ? pem : `${pem}\n`)

/** Lowercased, de-duplicated, in a stable order (the cache key). */
export function leafNames(extra: Iterable<string>): string[] {
  const names = new Set(LOOPBACK_NAMES)
  for (const n of extra) if (n) names.add(n.toLowerCase())
  return [...names]
}

/**
 * Key and certificate for an HTTPS listener covering `names` (plus the loopback names): the CA is
 * created on first use, the leaf taken from the cache when one for these names is still good.
 */
export async function loadTlsMaterial(dir: string, names: Iterable<string>, now = Date.now()): Promise<TlsMaterial> {
  const all = leafNames(names)
  // a new CA needs a new leaf: make the leaf's key on another thread while the CA is made
  let leafKey: Promise<unknown> | undefined
  const ca = await ensureCa(dir, () => void (leafKey = x509().then((m) => m.startKey())))
  const caCert = new X509Certificate(ca.cert)
  if (Date.parse(caCert.validTo) < now) throw new Error(`mockidp: the CA in ${dir} expired on ${caCert.validTo}; remove ${CA_CERT_FILE} and ${CA_KEY_FILE} there to create a new one`)
  const id = createHash('sha256').update(caCert.fingerprint256).update('\0').update([...all].sort().join('\0')).digest('hex').slice(0, 16)
  const file = join(dir, `leaf-${id}.pem`)
  const read = () => (existsSync(file) ? usableLeaf(readFileSync(file, 'utf8'), caCert, now) : undefined)
  let leaf = read()
  let created = false
  if (!leaf) {
    leaf = await withLock(dir, async () => {
      const again = read()
      if (again) return again
      const { createLeaf, startKey } = await x509()
      const made = await createLeaf(ca, all, now, (leafKey as ReturnType<typeof startKey> | undefined) ?? startKey())
      created = true
      writeAtomic(file, made.key + made.cert, 0o600)
      return made
    })
  }
  return { key: leaf.key, cert: withNewline(leaf.cert) + ca.cert, ca: ca.cert, caFile: join(dir, CA_CERT_FILE), names: all, created: { ca: ca.created, leaf: created } }
}
