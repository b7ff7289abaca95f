/** @type {import('next').NextConfig} */
export default {
  // mockidp reads its fixtures (profiles, keys) from its package directory at run time: keep it a
  // plain Node dependency instead of bundling it into the route.
  serverExternalPackages: ['mockidp'],
}
