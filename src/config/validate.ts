import { didYouMean } from '../lib/suggest.js'

/**
 * A validator for the subset of JSON Schema that `configSchema` uses. Each problem names its JSON
 * path (`tenants[1].clients[0].redirectUris[2]`) and says what is allowed.
 */
type Node = {
  type?: string | readonly string[]
  enum?: readonly unknown[]
  pattern?: string
  minLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  items?: Node
  required?: readonly string[]
  properties?: Record<string, Node>
  additionalProperties?: boolean
  description?: string
}

/** Keys written `a.key`; any other is written `a["key"]`, so an empty or odd key still has a path. */
const IDENT = /^[A-Za-z_$][\w$-]*$/

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v

/** Validate `value` against `schema`; returns messages (empty when valid). */
export function validate(value: unknown, schema: Node, path = ''): string[] {
  const where = path || '(root)'
  const errs: string[] = []
  if (schema.enum && !schema.enum.includes(value)) {
    const near = typeof value === 'string' ? didYouMean(value, schema.enum.filter((e): e is string => typeof e === 'string')) : ''
    return [`${where}: ${JSON.stringify(value)} is not allowed (use one of: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')})${near}`]
  }
  if (schema.type) {
    const t = typeOf(value)
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type
    const ok = types.includes(t) || (types.includes('number') && t === 'integer')
    if (!ok) return [`${where}: expected ${types.join(' or ')}, got ${t === 'number' && !Number.isFinite(value) ? String(value) : t}${schema.description ? ` (${schema.description})` : ''}`]
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) errs.push(`${where}: must not be empty`)
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      errs.push(`${where}: ${JSON.stringify(value)} is not valid${schema.description ? ` (${schema.description})` : ` (must match ${schema.pattern})`}`)
  }
  if (typeof value === 'number') {
    const why = schema.description ? ` (${schema.description})` : ''
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${where}: ${value} is too small: must be ≥ ${schema.minimum}${why}`)
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${where}: ${value} is too large: must be ≤ ${schema.maximum}${why}`)
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errs.push(`${where}: needs at least ${schema.minItems} item(s)`)
    if (schema.items) value.forEach((v, i) => errs.push(...validate(v, schema.items!, `${path}[${i}]`)))
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>
    for (const key of schema.required ?? []) {
      if (!(key in obj)) errs.push(`${path ? `${path}.` : ''}${key}: is required${schema.properties?.[key]?.description ? ` (${schema.properties[key].description})` : ''}`)
    }
    for (const [key, v] of Object.entries(obj)) {
      const p = IDENT.test(key) ? (path ? `${path}.${key}` : key) : `${path || '(root)'}[${JSON.stringify(key)}]`
      // JSON.parse makes "__proto__" an own key; merged or spread later it would set a prototype
      if (key === '__proto__') {
        errs.push(`${p}: "__proto__" is not allowed as a key; remove it`)
        continue
      }
      const sub = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined
      if (sub) errs.push(...validate(v, sub, p))
      else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {}).filter((k) => k !== '$schema')
        errs.push(`${p}: unknown setting (known here: ${known.join(', ')})${didYouMean(key, known)}`)
      }
    }
  }
  return errs
}
