import type { ServerRuntime } from '../runtime/server.js'

/** Hono context variables set for every tenant request. */
export type Env = {
  Variables: {
    /** Origin the request was addressed to (or the configured public URL). */
    origin: string
    /** The tenant server the route belongs to. */
    server: ServerRuntime
    /** Set by client authentication: the request used HTTP Basic (affects error status/headers). */
    usedBasic: boolean
  }
}
