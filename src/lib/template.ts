/**
 * `${a.b}` templates used by profiles (issuer formats, claim values, error texts, headers).
 * A template is compiled once; rendering is a loop over pre-split parts.
 */
export type Vars = Record<string, unknown>

export type Compiled = (vars: Vars) => string

const PART = /\$\{([A-Za-z0-9_.\-]+)\}/g

function lookup(vars: Vars, path: string): unknown {
  let v: unknown = vars
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[key]
  }
  return v
}

/** Compile a template string. Unknown variables render as an empty string. */
export function compile(template: string): Compiled {
  const statics: string[] = []
  const paths: string[] = []
  let last = 0
  for (const m of template.matchAll(PART)) {
    statics.push(template.slice(last, m.index))
    paths.push(m[1]!)
    last = m.index + m[0].length
  }
  const tail = template.slice(last)
  if (paths.length === 0) return () => template
  return (vars) => {
    let out = ''
    for (let i = 0; i < paths.length; i++) {
      const v = lookup(vars, paths[i]!)
      out += statics[i]! + (v === undefined || v === null ? '' : String(v))
    }
    return out + tail
  }
}

/**
 * Render a template value that may be a whole-variable reference (`"${user.sub}"` keeps its JSON type),
 * a string with embedded variables, or a JSON value holding such strings.
 */
export function renderValue(value: unknown, vars: Vars): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z0-9_.\-]+)\}$/.exec(value)
    if (whole) return lookup(vars, whole[1]!)
    return value.includes('${') ? compile(value)(vars) : value
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const r = renderValue(v, vars)
      if (r !== undefined) out[k] = r
    }
    return out
  }
  return value
}
