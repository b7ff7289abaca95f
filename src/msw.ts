// `mockidp/msw`: MSW request handlers answering the tenants' URLs from the in-process engine.
// Built as its own entry (dist/msw.js) that imports the main one; msw is an optional peer.
import { http, type HttpHandler } from 'msw'
import { createMockIdp, type CreateOptions, type InProcessMockIdp } from './index.js'

/** Options of {@link handlers}. */
export interface MswHandlerOptions extends CreateOptions {
  /** An engine to answer from (to reach its journal or faults); default: one created from the other options. */
  idp?: InProcessMockIdp
  /**
   * Origins whose every request the engine answers, e.g. `http://localhost:9000` (where the config
   * of the code under test points). Requests to host-mounted tenants' hosts are answered too.
   */
  origins?: string[]
}

const originOf = (value: string): string => {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new TypeError(`mockidp/msw: origins: "${value}" is not an http(s) origin (e.g. "http://localhost:9000")`)
  return url.origin
}

/**
 * MSW handlers that answer requests to the tenants' URLs — the host names tenants are mounted at
 * (`https://demo.authing.cn/oidc/*`, …) and any of `origins` — from mockidp's in-process engine, by
 * URL and Host, exactly as the server would. Code under test keeps its production config; no socket
 * is opened. Other requests fall through to the next handler.
 *
 * @example
 * import { setupServer } from 'msw/node'
 * import { handlers } from 'mockidp/msw'
 * const server = setupServer(...handlers({ tenants: ['authing-demo'] }))
 * server.listen({ onUnhandledRequest: 'error' })
 */
export function handlers(options: MswHandlerOptions = {}): HttpHandler[] {
  const { idp: given, origins = [], ...create } = options
  const idp = given ?? createMockIdp(create)
  const fixed = new Set(origins.map(originOf))
  const answers = (url: URL) => fixed.has(url.origin) || idp.servesHost(url)
  return [http.all(({ request }) => answers(new URL(request.url)), ({ request }) => idp.fetch(request))]
}
