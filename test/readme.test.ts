import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdp, type MockIdp } from '../src/index.js'

// Every curl command in the README, run as printed against the default config: the only change is
// the port (the README's 9000 → this server's free port).
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const run = promisify(execFile)

/** `curl …` commands of the README's fenced code blocks, continuation lines joined. */
function curlCommands(md: string): string[] {
  const out: string[] = []
  for (const block of md.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)) {
    const lines = block[1]!.split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*curl\s/.test(lines[i]!)) continue
      let cmd = lines[i]!
      while (cmd.endsWith('\\') && i + 1 < lines.length) cmd = `${cmd.slice(0, -1)}${lines[++i]}`
      out.push(cmd.trim())
    }
  }
  return out
}

const COMMANDS = curlCommands(README)

describe('the README curl commands run as printed', () => {
  let idp: MockIdp
  beforeAll(async () => {
    idp = await startMockIdp({ port: 0, env: {} })
  })
  afterAll(() => idp?.stop())

  it('there is one per vendor token endpoint, plus the admin API examples', () => {
    const paths = COMMANDS.map((c) => /(?:127\.0\.0\.1|localhost):9000(\/[^\s'"?]*)/.exec(c)?.[1])
    expect(paths).toEqual(expect.arrayContaining(['/genauth/demo/oauth/token', '/authing/demo/oidc/token', '/pingone/0f4e2a8c-6b1d-4c3e-9a7f-2d5b8e1c4a60/as/token', '/asgardeo/t/bifrost/oauth2/token', '/_mockidp/faults', '/_mockidp/journal']))
    // every command names the README's host and port, so the port is all the test changes
    for (const c of COMMANDS) expect(c).toMatch(/(?:127\.0\.0\.1|localhost):9000/)
  })

  it.each(COMMANDS.map((c, i) => [i + 1, c.slice(0, 90), c]))('#%i %s', async (_n, _short, command) => {
    idp.reset() // each example on the documented state (pre-issued codes are single-use)
    const local = command.replace(/(127\.0\.0\.1|localhost):9000/g, `127.0.0.1:${idp.port}`)
    const { stdout } = await run('bash', ['-c', `${local} --fail-with-body --write-out '\\n%{http_code}'`], { timeout: 10_000 })
    const [body, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)]
    expect(Number(status)).toBeLessThan(300)
    const json = JSON.parse(body) as Record<string, unknown>
    expect(json.error).toBeUndefined()
    if (/\/token'?\s/.test(local + ' ')) expect(typeof json.access_token).toBe('string')
  })
})
