/** Whether a request came over TLS: its URL's scheme (@hono/node-server makes it https for a TLS socket). */
export const isHttps = (c: { req: { url: string } }): boolean => c.req.url.startsWith('https:')
