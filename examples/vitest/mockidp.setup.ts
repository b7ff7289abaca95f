import type { TestProject } from 'vitest/node'
import { startMockIdp } from 'mockidp'

declare module 'vitest' {
  export interface ProvidedContext {
    mockidpUrl: string
  }
}

// One mock for the whole run, on a free port; tests get its URL through inject('mockidpUrl').
export default async function setup(project: TestProject) {
  const idp = await startMockIdp({ port: 0 })
  project.provide('mockidpUrl', idp.url)
  return () => idp.stop()
}
