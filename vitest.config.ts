import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    setupFiles: ['test/setup/secret-scan.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
