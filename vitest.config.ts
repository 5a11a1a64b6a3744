import { defineConfig } from 'vitest/config'

// Three tiers, one project each (`npm test` runs all; `npm run test:unit` only the first):
// - unit: the pure core and the adapters in process (rules, merge, emulators, stores, clients);
// - action: the real dist/ run as the runner runs it, per command, and the attack table;
// - stress: soak, fault matrix and the model-based tests (fixed seeds; `npm run soak` for more).
// test/setup holds the suite-wide checks every project runs after each test.
const shared = {
  environment: 'node' as const,
  pool: 'forks' as const,
  setupFiles: ['test/setup/secret-scan.ts', 'test/setup/emulator-violations.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // @actions/workflow-parser imports its schema JSON without `with { type: 'json' }` (it is
  // written for bundlers), which Node refuses; Vite's transform loads it.
  server: { deps: { inline: ['@actions/workflow-parser'] } },
}

export default defineConfig({
  test: {
    // Most test time is waiting (child processes, retry pauses, GitHub's 1 s spacing of writes),
    // so more files than cores run at once.
    maxWorkers: 4,
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts', 'test/setup/**/*.test.ts'] } },
      { test: { ...shared, name: 'action', include: ['test/action/**/*.test.ts'] } },
      { test: { ...shared, name: 'stress', include: ['test/stress/**/*.test.ts'] } },
    ],
  },
})
