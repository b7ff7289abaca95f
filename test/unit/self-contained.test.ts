import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// What a user's clone ships (README, docs, fixtures, src, test messages) never points outside the
// repository: no reference to the developers' shared folder beside the clone, which users do not have.
// The reference is spelled from parts here, so that this file does not contain it either.
const ROOT = new URL('../..', import.meta.url).pathname
const REF = ['..', 'shared'].join('/')
const PATTERN = REF.replace(/\./g, '\\.')

describe('the repository is self-contained', () => {
  it(`git grep finds no '${REF}' in README, docs, fixtures, src or test`, () => {
    const r = spawnSync('git', ['grep', '-n', PATTERN, '--', 'README.md', 'docs', 'fixtures', 'src', 'test'], { cwd: ROOT, encoding: 'utf8' })
    expect(r.error).toBeUndefined()
    expect(r.status, `git grep failed: ${r.stderr}`).not.toBe(2)
    expect(r.stdout).toBe('')
  })

  it('the pattern does find a reference (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mockidp-selfcontained-'))
    writeFileSync(join(dir, 'README.md'), `see ${REF}/VENDORS.md\n`)
    const r = spawnSync('git', ['grep', '-n', '--no-index', PATTERN, '--', 'README.md'], { cwd: dir, encoding: 'utf8' })
    expect(r.stdout).toBe(`README.md:1:see ${REF}/VENDORS.md\n`)
  })

  it.each(['authing', 'genauth', 'pingone', 'asgardeo'])('the %s profile points at docs/vendors/%s.md, which exists', (vendor) => {
    const profile = spawnSync('git', ['grep', '-c', `docs/vendors/${vendor}.md`, '--', `fixtures/profiles/${vendor}.json`], { cwd: ROOT, encoding: 'utf8' })
    expect(Number(profile.stdout.trim().split(':').pop())).toBeGreaterThan(0)
    expect(existsSync(`${ROOT}docs/vendors/${vendor}.md`)).toBe(true)
  })
})
