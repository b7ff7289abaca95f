import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'

/**
 * Did the client go away before its request was read to the end (an aborted upload, a closed tab)?
 * Such a request has no one to answer: it is journaled as status 0, like a dropped connection, and
 * is no server error. False for in-process `app.request()` calls, which have no socket.
 */
export function clientGone(c: Context): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  if (!incoming) return false
  return incoming.readableAborted || (incoming.destroyed && !incoming.complete) || incoming.socket?.destroyed === true
}
