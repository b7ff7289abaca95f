import type { JournalEntry } from '../journal/journal.js'

/** `pretty`: one human line per request (coloured on a terminal); `json`: one JSON object per line. */
export type LogFormat = 'pretty' | 'json'

/** Options of the per-request log (`startMockIdp({ log })`, the CLI's `--log`). */
export interface RequestLogOptions {
  /** Default `pretty`. */
  format?: LogFormat
  /** ANSI colours in `pretty` lines. Default: when `write` is the default and stdout is a TTY (and `NO_COLOR` is unset). */
  color?: boolean
  /** Where each line goes (without its newline). Default: `process.stdout`. */
  write?: (line: string) => void
  /** Wall clock for the line's time (injected in tests). Default `Date.now`. */
  now?: () => number
}

/** Takes one finished request (decoded and redacted as the journal does) and its duration in ms. */
export type RequestLogger = (entry: JournalEntry, ms: number) => void

const paint = (on: boolean) => (code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s)
const pad2 = (n: number) => String(n).padStart(2, '0')
const timeOfDay = (t: number): string => {
  const d = new Date(t)
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** The members a JSON log line carries, in this order: the journal entry's (redacted) plus `ms`. */
function jsonLine(e: JournalEntry, ms: number, now: number): string {
  const { seq: _seq, time: _time, ...rest } = e
  return JSON.stringify({ time: new Date(now).toISOString(), ...rest, ms: Math.round(ms * 10) / 10 })
}

/** Control characters shown, not obeyed: a request must not drive the developer's terminal (ANSI escapes). */
const visible = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)

/**
 * One line: time, method, path (never the query: it can hold tokens), status, OAuth error, then in
 * brackets tenant, endpoint, grant and client, the duration and, for a failure, the hint.
 */
function prettyLine(e: JournalEntry, ms: number, now: number, color: boolean): string {
  const c = paint(color)
  const status = e.status === 0 ? 'dropped' : String(e.status)
  const statusCol = e.status === 0 || e.status >= 500 ? '31;1' : e.status >= 400 || e.error ? '33;1' : e.status >= 300 ? '36' : '32'
  const what = [e.tenant, e.endpoint, e.grantType, e.clientId === undefined ? undefined : `client=${e.clientId}`].filter((x) => x !== undefined)
  let line = `${c('2', timeOfDay(now))} ${visible(e.method.padEnd(4))} ${visible(e.path)} ${c(statusCol, status)}`
  if (e.error) line += ` ${c(statusCol, visible(e.error))}`
  if (what.length) line += ` ${c('2', visible(`[${what.join(' ')}]`))}`
  line += ` ${c('2', `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`)}`
  if (e.fault) line += ` ${c('35', `fault ${e.fault.id}`)}`
  if (e.hint) line += ` — ${c('1', visible(e.hint))}`
  return line
}

/** A logger that prints one line per request. */
export function createRequestLog(opts: RequestLogOptions = {}): RequestLogger {
  const write = opts.write ?? ((line: string) => void process.stdout.write(line + '\n'))
  const color = opts.color ?? (opts.write === undefined && process.stdout.isTTY === true && !process.env.NO_COLOR)
  const now = opts.now ?? Date.now
  if (opts.format === 'json') return (e, ms) => write(jsonLine(e, ms, now()))
  return (e, ms) => write(prettyLine(e, ms, now(), color))
}

/** The logger a `log` option asks for (`startMockIdp({ log })`, `createMockIdp({ log })`): none when absent or false. */
export function requestLogFor(log: boolean | LogFormat | RequestLogOptions | undefined): RequestLogger | undefined {
  if (!log) return undefined
  return createRequestLog(log === true ? {} : typeof log === 'string' ? { format: log } : log)
}
