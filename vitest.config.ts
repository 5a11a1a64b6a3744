import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Most test time is waiting (child processes, retry pauses, GitHub's 1 s spacing of writes),
    // so more files than cores run at once.
    maxWorkers: 4,
    setupFiles: ['test/setup/secret-scan.ts', 'test/setup/emulator-violations.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }` (it is
    // written for bundlers), which Node refuses; Vite's transform loads it.
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
})
