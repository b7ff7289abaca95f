import { defineConfig } from 'vitest/config'

// This example's own config (vitest would otherwise pick up the repository's, two levels up).
export default defineConfig({ test: { include: ['test/**/*.test.js'], testTimeout: 60_000, hookTimeout: 60_000 } })
