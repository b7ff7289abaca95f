import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(new URL('../../src', import.meta.url).pathname)

/** Every module of src/ with the src/ modules it imports; `types`: count type-only imports too. */
function graph(types: boolean): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))
  const g = new Map<string, string[]>()
  for (const f of files) {
    const text = readFileSync(join(SRC, f), 'utf8')
    const deps = [...text.matchAll(/^\s*(?:import|export)(\s+type)?\b[^'"]*?from\s+'(\.[^']+)'/gm)]
      .filter((m) => types || !m[1])
      .map((m) => relative(SRC, resolve(dirname(join(SRC, f)), m[2]!.replace(/\.js$/, '.ts'))))
    g.set(f, deps)
  }
  return g
}

/** One import cycle, if there is any (depth-first search). */
function findCycle(g: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n]
    state.set(n, 'open')
    stack.push(n)
    for (const d of g.get(n) ?? []) {
      const c = visit(d)
      if (c) return c
    }
    stack.pop()
    state.set(n, 'done')
    return undefined
  }
  for (const n of g.keys()) {
    const c = visit(n)
    if (c) return c
  }
  return undefined
}

// The bottom layers: what the config, the profiles and the stores are made of. They know nothing
// of the runtime, the endpoints, the journal or the server above them.
const BOTTOM = /^(lib|store|profiles|config|keys)\/|^faults\/faults\.ts$/

describe('layers', () => {
  it('src/ has no import cycle between modules', () => {
    const g = graph(false)
    expect(g.size).toBeGreaterThan(40)
    expect(findCycle(g)?.join(' → ')).toBeUndefined()
  })

  it('the bottom layers (lib, store, profiles, config, keys, fault specs) import only each other, types included', () => {
    const upward: string[] = []
    for (const [from, deps] of graph(true)) if (BOTTOM.test(from)) for (const d of deps) if (!BOTTOM.test(d)) upward.push(`${from} → ${d}`)
    expect(upward).toEqual([])
  })
})
