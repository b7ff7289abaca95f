/** Levenshtein distance, case-insensitive (a typo in case is the commonest: `clientID`). */
function distance(a: string, b: string): number {
  a = a.toLowerCase()
  b = b.toLowerCase()
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]!
}

/**
 * The known value nearest to `value`, when it is close enough to be a typo (at most a third of its
 * length, at least one edit; a difference in case alone counts); undefined for `value` itself or nothing close. Used for "did you mean …?".
 */
export function nearest(value: string, known: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestD = Infinity
  for (const k of known) {
    const d = distance(value, k)
    if (d < bestD) [best, bestD] = [k, d]
  }
  const limit = Math.max(1, Math.floor(Math.max(value.length, best?.length ?? 0) / 3))
  return best !== undefined && best !== value && bestD <= limit ? best : undefined
}

/** ` (did you mean "x"?)`, or empty. */
export function didYouMean(value: string, known: Iterable<string>): string {
  const n = nearest(value, known)
  return n === undefined ? '' : ` — did you mean ${JSON.stringify(n)}?`
}
