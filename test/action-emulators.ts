// The GitHub and Actions runtime emulators one test file of real dist/ steps runs against: the
// storage routes mounted, the content-creation limits lifted (test/action/conclusion-run.test.ts's
// subject), every test ending with no emulator violation and no fault left for the next one.
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { mountActionsStorage } from './emulator/github-actions-storage.ts'
import { startGitHubEmulator, type GitHubEmulator } from './emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator } from './emulator/runtime/index.ts'

export interface ActionsEmulators {
  gh: GitHubEmulator
  runtime: RuntimeEmulator
}

/** Starts both emulators before the file's tests (the fields are set then) and closes them after. */
export function useActionsEmulators(): ActionsEmulators {
  const emulators = {} as ActionsEmulators
  beforeAll(async () => {
    ;[emulators.gh, emulators.runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
    mountActionsStorage(emulators.gh, emulators.runtime)
    emulators.gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
  })
  afterEach(() => {
    expect(emulators.gh.violations).toEqual([])
    emulators.gh.faults.clear()
    emulators.runtime.faults.clear()
  })
  afterAll(async () => {
    await Promise.all([emulators.gh.close(), emulators.runtime.close()])
  })
  return emulators
}
