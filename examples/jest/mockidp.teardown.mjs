export default async function teardown() {
  await globalThis.__MOCKIDP__?.stop()
}
