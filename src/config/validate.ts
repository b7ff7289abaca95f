import { didYouMean } from '../lib/suggest.js'

/**
 * A validator for the subset of JSON Schema that `configSchema` uses. Each problem names its JSON
 * path (`tenants[1].clients[0].redirectUris[2]`) and says what is allowed.
 */
type Node = {
  type?: string
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
    const ok = t === schema.type || (schema.type === 'number' && t === 'integer')
    if (!ok) return [`${where}: expected ${schema.type}, got ${t}${schema.description ? ` (${schema.description})` : ''}`]
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) errs.push(`${where}: must not be empty`)
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      errs.push(`${where}: ${JSON.stringify(value)} is not valid${schema.description ? ` (${schema.description})` : ` (must match ${schema.pattern})`}`)
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${where}: must be ≥ ${schema.minimum}`)
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${where}: must be ≤ ${schema.maximum}`)
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
      const sub = schema.properties?.[key]
      const p = path ? `${path}.${key}` : key
      if (sub) errs.push(...validate(v, sub, p))
      else if (schema.additionalProperties === false) {
        const known = Object.keys(schema.properties ?? {}).filter((k) => k !== '$schema')
        errs.push(`${p}: unknown setting (known here: ${known.join(', ')})${didYouMean(key, known)}`)
      }
    }
  }
  return errs
}
