// mockidp answers the vendors' production URLs through MSW, from its in-process engine.
import { afterAll, afterEach, beforeAll } from 'vitest'
import { setupServer } from 'msw/node'
import { createMockIdp } from 'mockidp'
import { handlers } from 'mockidp/msw'
import './sockets.js'

// The built-in tenants, with Authing at its production host (a tenant `hosts` mount) and PingOne
// at the root path of its production origin (basePath "", so /<envId>/as/… is kept).
export const idp = createMockIdp({
  config: {
    tenants: [
      { id: 'authing-demo', hosts: ['demo.authing.cn'] },
      { id: 'pingone-demo', basePath: '' },
    ],
  },
})
export const server = setupServer(...handlers({ idp, origins: ['https://auth.pingone.com'] }))

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => idp.reset())
afterAll(() => server.close())
