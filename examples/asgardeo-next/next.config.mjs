/** @type {import('next').NextConfig} */
export default {
  // this example lives inside the mockidp repository: trace files from here, not from the repo root
  outputFileTracingRoot: import.meta.dirname,
}
