/** A request body larger than the limit it was read against (HTTP 413). */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge'
  constructor(readonly limit: number) {
    super(`the body is larger than ${limit} bytes`)
  }
}

/**
 * Read a request body as UTF-8 text, refusing ({@link BodyTooLarge}) past `limit` bytes — from a
 * declared Content-Length before reading anything, else by counting as it arrives, so an endless
 * chunked upload costs at most `limit` bytes of memory.
 */
export async function readLimitedText(raw: Request, limit: number): Promise<string> {
  const length = raw.headers.get('content-length')
  if (length !== null) {
    if (Number(length) > limit) throw new BodyTooLarge(limit)
    // Already checked against the limit: text() lets @hono/node-server read the socket directly,
    // where touching `raw.body` would build a whole web Request and stream.
    return raw.text()
  }
  const body = raw.body
  if (!body) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw new BodyTooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
