/**
 * Add a profile's page headers (`ServerSpec.pages.headers`, e.g. PingOne's `X-Frame-Options: DENY`)
 * to an HTML response; other responses pass unchanged. The check-session iframe is exempt: framing
 * it is its purpose.
 */
export function withPageHeaders(res: Response, headers: Record<string, string>): Response {
  if (!/^text\/html/i.test(res.headers.get('content-type') ?? '')) return res
  for (const [k, v] of Object.entries(headers)) {
    try {
      res.headers.set(k, v)
    } catch {
      // an immutable Headers (a Response built elsewhere): copy it
      const copy = new Response(res.body, res)
      for (const [k2, v2] of Object.entries(headers)) copy.headers.set(k2, v2)
      return copy
    }
  }
  return res
}
