// The issue-3 workflow on the artifact and cache stores through the Actions runtime emulator,
// and a 32-job matrix running as parallel runner processes while store calls fail now and then.
import { randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { mergeAll, parseServiceData } from '../src/checks/service-data.ts'
import { suitePrefix } from '../src/store/naming.ts'
import { unzipText } from '../src/store/unzip.ts'
import { mountActionsStorage } from './emulator/github-actions-storage.ts'
import { startGitHubEmulator, type EmulatedCheckRun, type GitHubEmulator } from './emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator } from './emulator/runtime/index.ts'
import { runAction, type RunActionResult } from './runner.ts'

const REPO = 'octo-org/repo-a'
const RUN_ID = 1000
let gh: GitHubEmulator
let runtime: RuntimeEmulator

beforeAll(async () => {
  ;[gh, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
  mountActionsStorage(gh, runtime)
  gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 }) // limits are test/conclusion-run.test.ts's subject
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
      ...runtime.runtimeEnv({ runId: RUN_ID, jobId: job, ref: 'refs/heads/main', repository: REPO, headSha: sha }),
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
      GITHUB_SHA: sha,
      GITHUB_RUN_ID: String(RUN_ID),
      GITHUB_JOB: job,
    },
    timeoutMs: 120_000,
  })
  expect(result.exitCode, `${job} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  expect(result.errors).toEqual([])
  return result
}

const runsOf = (sha: string): EmulatedCheckRun[] => gh.checkRuns(REPO).filter((r) => r.head_sha === sha)

/** The suite's merged state, straight from the artifacts the runtime emulator holds. */
async function artifactState(sha: string) {
  const key = { repository: REPO, head_sha: sha, suite: 'ci' }
  const docs = []
  for (const a of runtime.artifacts(REPO).filter((x) => x.name.startsWith(suitePrefix(key)))) {
    const files = await unzipText(runtime.artifactZip(a.id)!)
    docs.push(parseServiceData(files.get('fragment.json')!))
  }
  return { merged: mergeAll(key, docs), fragments: docs.length }
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

describe.concurrent.each(['artifact', 'cache'])('the issue-3 workflow on store: %s', (store) => {
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
      const { merged, fragments } = await artifactState(sha)
      // One per step, and one from conclude unless the last built step already completed the conclusion.
      expect([1 + 2 * builds.length, 2 + 2 * builds.length]).toContain(fragments)
      for (const b of builds) expect(merged.check_runs[b]).toMatchObject({ state: 'built', state_synced: true, check_run_id: runs.find((r) => r.name === `ci / ${b}`)!.id })
    } else {
      expect(runtime.cacheEntries(REPO).filter((e) => e.key.startsWith(suitePrefix({ repository: REPO, head_sha: sha, suite: 'ci' }))).length).toBeGreaterThanOrEqual(9)
    }
  }, 120_000)
})

describe('a 32-job matrix', () => {
  test('32 parallel jobs (8 at a time), each building then built, 10% of store calls failing once: nothing lost, no duplicate', async () => {
    const sha = randomBytes(20).toString('hex')
    const builds = Array.from({ length: 32 }, (_, i) => `job-${String(i).padStart(2, '0')}`)
    await step(sha, 'artifact', 'queue', 'queued', { builds: builds.join(',') })
    for (const match of ['twirp', 'blob:put', 'blob:get']) runtime.faults.add({ match, every: 10 })
    const failedBefore = runtime.calls.filter((c) => c.status >= 500).length
    await pool(builds, 8, async (b) => {
      await step(sha, 'artifact', b, 'building', { builds: b })
      await step(sha, 'artifact', b, 'built', { builds: b, conclusion: 'success' })
    })
    expect(runtime.calls.filter((c) => c.status >= 500).length - failedBefore).toBeGreaterThan(5) // the faults did fire
    runtime.faults.clear()
    const concluded = await step(sha, 'artifact', 'conclude', 'conclude', {})
    expect(concluded.outputs.conclusion).toBe('success')

    const runs = runsOf(sha)
    for (const b of builds) {
      const mine = runs.filter((r) => r.name === `ci / ${b}`)
      expect(mine, b).toHaveLength(1)
      expect(mine[0]).toMatchObject({ status: 'completed', conclusion: 'success' })
    }
    expect(runs.filter((r) => r.name === 'ci / CONCLUSION')).toHaveLength(1)
    expect(runs.find((r) => r.name === 'ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(runs.find((r) => r.name === 'ci / CONCLUSION')!.output.title).toBe('🟢 SUCCESS · 32 builds')
    const { merged } = await artifactState(sha)
    expect(Object.keys(merged.check_runs).sort()).toEqual(builds)
    for (const b of builds) {
      const run = runs.find((r) => r.name === `ci / ${b}`)!
      expect(merged.check_runs[b], b).toMatchObject({ state: 'built', conclusion: 'success', state_synced: true, check_run_id: run.id })
    }
  }, 300_000)
})
