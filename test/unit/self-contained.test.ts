import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// What a user's clone ships (README, docs, fixtures, src, test messages) never points outside the
// repository: no `../shared` (the developers' folder beside the clone, which users do not have).
const ROOT = new URL('../..', import.meta.url).pathname
const SELF = 'test/unit/self-contained.test.ts'

describe('the repository is self-contained', () => {
  it("git grep finds no '../shared' in README, docs, fixtures, src or test", () => {
    // this file names the pattern itself, so it is the one file left out
    const r = spawnSync('git', ['grep', '-n', '\\.\\./shared', '--', 'README.md', 'docs', 'fixtures', 'src', 'test', `:(exclude)${SELF}`], { cwd: ROOT, encoding: 'utf8' })
    expect(r.error).toBeUndefined()
    expect(r.status, `git grep failed: ${r.stderr}`).not.toBe(2)
    expect(r.stdout).toBe('')
  })

  it('the pattern does find a reference (the check can fail)', () => {
    const r = spawnSync('git', ['grep', '-n', '--no-index', '\\.\\./shared', '--', SELF], { cwd: ROOT, encoding: 'utf8' })
    expect(r.stdout).toContain(SELF)
  })

  it.each(['authing', 'genauth', 'pingone', 'asgardeo'])('the %s profile points at docs/vendors/%s.md, which exists', (vendor) => {
    const profile = spawnSync('git', ['grep', '-c', `docs/vendors/${vendor}.md`, '--', `fixtures/profiles/${vendor}.json`], { cwd: ROOT, encoding: 'utf8' })
    expect(Number(profile.stdout.trim().split(':').pop())).toBeGreaterThan(0)
    expect(existsSync(`${ROOT}docs/vendors/${vendor}.md`)).toBe(true)
  })
})
