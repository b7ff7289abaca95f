import { startMockIdp } from 'mockidp'

// One mock for the whole run, on a free port. Test files run in workers: they get the URL from the
// environment and drive the mock over its admin API (/_mockidp/). globalThis is shared with teardown.
export default async function setup() {
  globalThis.__MOCKIDP__ = await startMockIdp({ port: 0 })
  process.env.MOCKIDP_URL = globalThis.__MOCKIDP__.url
}
