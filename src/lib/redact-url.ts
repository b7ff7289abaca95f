/** A URL with the password in its user info hidden (`redis://user:***@host`), for logs and health answers. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^@/]*)@/, (_, auth: string) => `//${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`)
