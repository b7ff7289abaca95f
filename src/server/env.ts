import type { ServerRuntime } from '../runtime/server.js'
import type { EndpointName } from '../profiles/types.js'
import type { Idp } from '../runtime/idp.js'
import type { OAuthError } from '../oauth/errors.js'

/** Hono context variables set for every tenant request. */
export type Env = {
  Variables: {
    /** Browser-facing origin: the configured public URL, else the request's own. The issuer's base. */
    origin: string
    /** Back-channel origin: the configured back-channel URL, else the request's own. */
    backOrigin: string
    /** The tenant server the route belongs to. */
    server: ServerRuntime
    /** Set by client authentication: the request used HTTP Basic (affects error status/headers). */
    usedBasic: boolean
    /** The token endpoint's successful answer, for the journal. */
    tokenResponse: Record<string, unknown>
    /** The endpoint the route serves (selects `errors.endpoints` overrides). */
    endpoint: EndpointName
    /** The body was JSON (a token request where the profile accepts one). */
    jsonBody: boolean
    /** The running mock (its config names the JSON paths in hints and error pages). */
    idp: Idp
    /** An OAuth refusal answered without throwing (an error page or an error redirect), for the journal and the log. */
    refusal: OAuthError
    /** The hint an error page worked out for `refusal` (the journal takes it rather than diagnosing again). */
    refusalHint: string
  }
}
