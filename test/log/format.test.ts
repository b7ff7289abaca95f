import { describe, expect, it } from 'vitest'
import { createRequestLog } from '../../src/log/request-log.js'
import type { JournalEntry } from '../../src/journal/journal.js'

const entry: JournalEntry = { seq: 3, time: '2026-01-01T00:00:00.000Z', method: 'POST', path: '/authing/demo/oidc/token', tenant: 'authing-demo', endpoint: 'token', grantType: 'client_credentials', clientId: 'c1', status: 401, error: 'invalid_client', hint: 'why and fix', query: {}, form: { client_secret: '[redacted]' } }
const at = new Date(2026, 0, 1, 9, 5, 7, 42).getTime() // local time: the line shows the terminal's clock

describe('request log lines', () => {
  it('pretty, plain: one line with every field in order', () => {
    const out: string[] = []
    createRequestLog({ write: (l) => out.push(l), now: () => at })(entry, 2.345)
    expect(out).toEqual(['09:05:07.042 POST /authing/demo/oidc/token 401 invalid_client [authing-demo token client_credentials client=c1] 2.3 ms — why and fix'])
  })

  it('pretty, coloured (a TTY): the same text inside ANSI colours; status red/yellow/green by class', () => {
    const out: string[] = []
    const log = createRequestLog({ write: (l) => out.push(l), now: () => at, color: true })
    log(entry, 2.345)
    log({ ...entry, status: 200, error: undefined, hint: undefined } as JournalEntry, 12.6)
    expect(out[0]).toContain('\x1b[33;1m401\x1b[0m')
    expect(out[0]!.replace(/\x1b\[[\d;]*m/g, '')).toBe('09:05:07.042 POST /authing/demo/oidc/token 401 invalid_client [authing-demo token client_credentials client=c1] 2.3 ms — why and fix')
    expect(out[1]).toContain('\x1b[32m200\x1b[0m')
    expect(out[1]!.replace(/\x1b\[[\d;]*m/g, '')).toMatch(/ 13 ms$/)
  })

  it('control characters a request sent are shown, not sent to the terminal (no ANSI injection)', () => {
    const out: string[] = []
    createRequestLog({ write: (l) => out.push(l), now: () => at, color: false })({ ...entry, clientId: 'x\x1b[2Jy', grantType: 'a\nb', hint: 'redirect_uri http://a/\x1b]0;pwned\x07 is not registered' }, 1)
    expect(out[0]).not.toMatch(/[\x00-\x1f]/)
    expect(out[0]).toContain('client=x\\x1b[2Jy')
    expect(out[0]).toContain('a\\x0ab')
    expect(out[0]).toContain('http://a/\\x1b]0;pwned\\x07 is not registered')
  })

  it('json: the journal entry without seq, with wall-clock time and ms', () => {
    const out: string[] = []
    createRequestLog({ format: 'json', write: (l) => out.push(l), now: () => Date.UTC(2026, 4, 1) })(entry, 2.345)
    const { seq: _s, time: _t, ...rest } = entry
    expect(JSON.parse(out[0]!)).toEqual({ time: '2026-05-01T00:00:00.000Z', ...rest, ms: 2.3 })
  })
})
