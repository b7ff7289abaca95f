import type { Page, Request } from 'playwright-core'

/** Keep every request and every page error of `page` (for assertions and failure messages); bound each wait by `stepMs`. */
export function record(page: Page, stepMs: number): { requests: Request[]; errors: string[] } {
  page.setDefaultTimeout(stepMs)
  page.setDefaultNavigationTimeout(stepMs)
  const requests: Request[] = []
  const errors: string[] = []
  page.on('request', (r) => requests.push(r))
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  return { requests, errors }
}
