// A matrix workflow (queued, building and built per job, conclude) on the artifact and cache stores through the Actions runtime emulator.
// Many parallel jobs while store calls fail now and then: test/stress/soak.test.ts (64 jobs per store).
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { suitePrefix } from '../../src/store/naming.ts'
import { mountActionsStorage } from '../emulator/github-actions-storage.ts'
import { startGitHubEmulator, type EmulatedCheckRun, type GitHubEmulator } from '../emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator } from '../emulator/runtime/index.ts'
import { artifactState, jobEnv, REPO } from '../fault-harness.ts'
import { runAction, type RunActionResult } from '../runner.ts'

const RUN_ID = 1000
let gh: GitHubEmulator
let runtime: RuntimeEmulator

beforeAll(async () => {
  ;[gh, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
  mountActionsStorage(gh, runtime)
  gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 }) // limits are test/action/conclusion-run.test.ts's subject
})
afterEach(() => {
  expect(gh.violations).toEqual([])
  runtime.faults.clear()
})
afterAll(async () => {
  await Promise.all([gh.close(), runtime.close()])
})

async function step(sha: string, store: string, job: string, command: string, inputs: Record<string, string>): Promise<RunActionResult> {
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store, ...inputs },
    env: {
      ...jobEnv(runtime, { runId: RUN_ID, job, sha }),
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
    },
    timeoutMs: 120_000,
  })
  expect(result.exitCode, `${job} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  expect(result.errors).toEqual([])
  return result
}

const runsOf = (sha: string): EmulatedCheckRun[] => gh.checkRuns(REPO).filter((r) => r.head_sha === sha)

describe.concurrent.each(['artifact', 'cache'])('a matrix workflow on store: %s', (store) => {
  test('4 builds queued, then building and built per job; conclude', async () => {
    const sha = randomBytes(20).toString('hex')
    const builds = ['linux', 'macos', 'windows', 'docs']
    const queued = await step(sha, store, 'queue', 'queued', { builds: builds.join(',') })
    expect(queued.warnings).toEqual([])
    await Promise.all(builds.map(async (b) => {
      const building = await step(sha, store, b, 'building', { builds: b })
      expect(building.warnings).toEqual([])
      await step(sha, store, b, 'built', { builds: b, conclusion: b === 'macos' ? 'failure' : 'success' })
    }))
    const concluded = await step(sha, store, 'conclude', 'conclude', {})
    expect(concluded.outputs.conclusion).toBe('failure')

    const runs = runsOf(sha)
    expect(runs.map((r) => r.name).sort()).toEqual(['ci / CONCLUSION', 'ci / docs', 'ci / linux', 'ci / macos', 'ci / windows'])
    for (const r of runs) expect(r.status).toBe('completed')
    expect(runs.find((r) => r.name === 'ci / macos')!.conclusion).toBe('failure')
    expect(runs.find((r) => r.name === 'ci / CONCLUSION')!.output.title).toBe('🔴 FAILURE · 4 builds: 1 failed')
    if (store === 'artifact') {
      const { merged, fragments } = await artifactState(runtime, { repository: REPO, head_sha: sha, suite: 'ci' })
      // One per step; one more from each job that completed the CONCLUSION after its own write
      // (jobs ending at once may each do it: at most one per job), and one from conclude unless one did.
      const names = runtime.artifacts(REPO).filter((a) => a.name.startsWith(suitePrefix({ repository: REPO, head_sha: sha, suite: 'ci' }))).map((a) => a.name)
      const late = names.filter((n) => /-c(-r\d+)?$/.test(n)).length
      const fromConclude = names.filter((n) => n.includes('-conclude-')).length
      expect(late + fromConclude).toBeGreaterThanOrEqual(1)
      expect(late).toBeLessThanOrEqual(builds.length)
      expect(fromConclude).toBeLessThanOrEqual(1)
      expect(fragments).toBe(1 + 2 * builds.length + late + fromConclude)
      for (const b of builds) expect(merged.check_runs[b]).toMatchObject({ state: 'built', state_synced: true, check_run_id: runs.find((r) => r.name === `ci / ${b}`)!.id })
    } else {
      expect(runtime.cacheEntries(REPO).filter((e) => e.key.startsWith(suitePrefix({ repository: REPO, head_sha: sha, suite: 'ci' }))).length).toBeGreaterThanOrEqual(9)
    }
  }, 120_000)
})
