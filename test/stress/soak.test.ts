// Issue 7, part 4: a concurrency soak. 64 matrix jobs run as parallel runner processes (a pool of
// 12 on 2 cores), each `building` then `built` on its own build after one `queued` for all, with
// random delays, while about 10% of the check-run requests fail once (GitHub emulator faults of
// every kind a request can meet) and, on the artifact and cache stores, every 10th Twirp and blob
// call fails once (runtime emulator). On each store: no record lost (the merged state has all 64,
// each built as reported), no duplicate check run, none left queued or in progress — after one
// reconcile if anything was recorded unsynced (the output says so). Figures are printed.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, test } from 'vitest'
import { mergeAll } from '../../src/checks/service-data.ts'
import { parseStored } from '../sealed.ts'
import type { ServiceData, SuiteKey } from '../../src/checks/types.ts'
import { CacheStore } from '../../src/store/cache.ts'
import type { Fault } from '../emulator/github/index.ts'
import { appStep, artifactState, fileState, jobEnv, pool, REPO, sleep, type AppStep } from '../fault-harness.ts'
import { startStoreHarness, type StoreHarness } from '../store-contract.ts'
import { mulberry32 } from '../seeded-random.ts'

/** Jobs per store (SOAK_JOBS overrides). Every step is a Node process: the soak is CPU-bound on 2 cores. */
const JOBS = Number(process.env.SOAK_JOBS ?? 64)
const AT_ONCE = 12
const RUN_ID = 100 // the store harness's run: its in-process reads list this run's fragments
const SEED = Number(process.env.SOAK_SEED ?? Date.now() % 1_000_000)

/** What a check-run request may meet, once. */
const GITHUB_FAULTS: Fault[] = [
  { match: 'graphql', kind: 'status', status: 500 },
  { match: 'graphql', kind: 'status', status: 502 },
  { match: 'graphql', kind: 'reset' },
  { match: 'graphql', kind: 'drop-after-write' },
  { match: 'graphql', kind: 'rate-limit-429', retryAfterSeconds: 1 },
  { match: 'graphql', kind: 'secondary-rate-limit', retryAfterSeconds: 2 },
]

const temps: string[] = []
const figures: string[] = []
afterAll(() => {
  console.log(`Concurrency soak (seed ${SEED}; SOAK_SEED=${SEED} replays it):\n${figures.join('\n')}`)
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true })
})

async function readState(h: StoreHarness, store: string, key: SuiteKey): Promise<ServiceData> {
  if (store.startsWith('file:')) return fileState(store.slice(5), key)
  if (store === 'artifact') {
    // Straight from the runtime emulator's blobs (the toolkit in-process would flood the log).
    return (await artifactState(h.runtime, key)).merged
  }
  h.enterJob({ runId: RUN_ID, jobId: 'verify', repository: REPO, headSha: key.head_sha })
  const reader = new CacheStore({ rest: await h.rest() })
  return mergeAll(key, (await reader.readFragments(key)).map((f) => parseStored(f.text)))
}

const unsyncedIn = (d: ServiceData) =>
  Object.values(d.check_runs).filter((r) => !r.state_synced).length + (d.conclusion_run && !d.conclusion_run.state_synced ? 1 : 0)

// Every job's steps share one RUNNER_TEMP, as on a runner (the job memory of src/state/job-memory.ts).
// SOAK_STORES=file,artifact,cache (the default) and SOAK_JOBS pick what runs; SOAK_RECONCILE=always
// runs the reconcile even when nothing needs it.
describe.each((process.env.SOAK_STORES ?? 'file,artifact,cache').split(','))('store: %s', (kind) => {
  test(`${JOBS} jobs, ${AT_ONCE} at a time, faults on check-run and store calls: nothing lost, no duplicate, nothing left open`, async () => {
    const h = await startStoreHarness()
    try {
      const gh = h.github
      const runtime = h.runtime
      gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 }) // the limits are test/action/conclusion-run.test.ts's subject
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'))
      temps.push(dir)
      const store = kind === 'file' ? `file:${dir}` : kind
      const sha = randomBytes(20).toString('hex')
      const key: SuiteKey = { repository: REPO, head_sha: sha, suite: 'ci' }
      const rand = mulberry32(SEED + kind.length) // a failing soak replays with SOAK_SEED
      const builds = Array.from({ length: JOBS }, (_, i) => `job-${String(i).padStart(2, '0')}`)
      const conclusions = Object.fromEntries(builds.map((b) => [b, rand() < 0.15 ? 'failure' : 'success']))
      // A job's steps share its RUNNER_TEMP (a runner empties it per job): `built` finds what `building` held.
      const runnerTemps = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-runner-'))
      temps.push(runnerTemps)
      const runnerTemp = (job: string) => {
        const t = path.join(runnerTemps, job)
        fs.mkdirSync(t, { recursive: true })
        return t
      }
      const step = (job: string, command: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<AppStep> =>
        appStep(gh, command, {
          sha,
          store,
          inputs,
          env: { ...jobEnv(runtime, { runId: RUN_ID, job, sha, runnerTemp: runnerTemp(job) }), ...env },
          timeoutMs: 120_000,
        })

      const started = performance.now()
      const cpuBefore = process.cpuUsage()
      const queued = await step('queue', 'queued', { builds: builds.join(',') })
      expect(queued.result.exitCode, queued.result.stdout).toBe(0)
      expect(queued.result.outputs.unsynced).toBe('0')
      const requestsBefore = gh.requests.length
      const runtimeBefore = runtime.calls.length

      if (kind !== 'file') for (const match of ['twirp', 'blob:put', 'blob:get']) runtime.faults.add({ match, every: 10 })
      let armed = 0
      const arm = () => {
        if (rand() < 0.1) {
          gh.faults.add({ ...GITHUB_FAULTS[Math.floor(rand() * GITHUB_FAULTS.length)]!, times: 1 })
          armed++
        }
      }
      const steps: AppStep[] = []
      await pool(builds, AT_ONCE, async (b) => {
        await sleep(rand() * 300)
        arm()
        steps.push(await step(b, 'building', { builds: b }))
        await sleep(rand() * 500)
        arm()
        steps.push(await step(b, 'built', { builds: b, conclusion: conclusions[b]! }))
      })
      const soakMs = performance.now() - started
      const cpu = process.cpuUsage(cpuBefore)
      gh.faults.clear()
      runtime.faults.clear()

      for (const s of steps) expect(s.result.exitCode, `${s.result.stdout}\n${s.result.stderr}`).toBe(0)
      const graphql = gh.requests.slice(requestsBefore).filter((r) => r.path === '/graphql')
      const failedGraphql = graphql.filter((r) => r.status === 0 || r.status >= 500 || r.status === 429 || r.status === 403).length
      const runtimeCalls = runtime.calls.slice(runtimeBefore)
      const runtimeFailed = runtimeCalls.filter((c) => c.status >= 500).length
      const byMethod = new Map<string, number>()
      for (const c of runtimeCalls) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1)
      const stepUnsynced = steps.reduce((n, s) => n + Number(s.result.outputs.unsynced ?? 0), 0)
      const storeWarningTexts = steps.flatMap((s) => s.result.warnings.filter((w) => /state could not be (read|saved)/.test(w)))
      const storeWarnings = storeWarningTexts.length

      const runsOf = () => gh.checkRuns(REPO).filter((r) => r.head_sha === sha)
      const open = () => runsOf().filter((r) => r.status !== 'completed')
      let state = await readState(h, store, key)
      const unsyncedBefore = unsyncedIn(state)
      const openBefore = open().length
      let reconciled = 'not needed'
      if (unsyncedBefore > 0 || openBefore > 0 || process.env.SOAK_RECONCILE === 'always') {
        // max-duration bounds its deletes of the ~130 merged fragments (GitHub: one write a second)
        const r = await step('reconcile', 'reconcile', { 'max-duration': '30s' }, { GITHUB_RUN_ID: '9000' })
        expect(r.result.exitCode, r.result.stdout).toBe(0)
        reconciled = `ran once (${r.result.outputs.reconciled ? JSON.stringify(JSON.parse(r.result.outputs.reconciled).totals) : 'no report'})`
        state = await readState(h, store, key)
      }

      figures.push(
        `- ${kind}: ${JOBS} jobs (${AT_ONCE} at a time) in ${(soakMs / 1000).toFixed(1)} s wall after queued ` +
          `(emulators' CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s); ` +
          `${gh.requests.length - requestsBefore} GitHub requests (${graphql.length} GraphQL, ${armed} faults armed, ${failedGraphql} seen failing), ` +
          `${runtimeCalls.length} runtime calls (${runtimeFailed} failed${byMethod.size ? `; ${[...byMethod].map(([m, n]) => `${m} ${n}`).join(', ')}` : ''}); ` +
          `steps reporting unsynced: ${stepUnsynced}, store warnings: ${storeWarnings}` +
          `${storeWarnings ? ` (${[...new Set(storeWarningTexts.map((w) => w.slice(0, 300)))].join(' | ')})` : ''}; ` +
          `unsynced records before reconcile: ${unsyncedBefore}, runs open before reconcile: ${openBefore}; reconcile ${reconciled}.`,
      )

      // 0 lost records: every build is in the merged state, built as reported, synced.
      expect(Object.keys(state.check_runs).sort()).toEqual(builds)
      const runs = runsOf()
      for (const b of builds) {
        const mine = runs.filter((r) => r.name === `ci / ${b}`)
        // 0 duplicates, 0 left open.
        expect(mine, b).toHaveLength(1)
        expect(mine[0], b).toMatchObject({ status: 'completed', conclusion: conclusions[b] })
        expect(state.check_runs[b], b).toMatchObject({ state: 'built', conclusion: conclusions[b], state_synced: true, check_run_id: mine[0]!.id })
      }
      const conclusion = runs.filter((r) => r.name === 'ci / CONCLUSION')
      expect(conclusion).toHaveLength(1)
      expect(conclusion[0]).toMatchObject({ status: 'completed', conclusion: Object.values(conclusions).includes('failure') ? 'failure' : 'success' })
      expect(runs).toHaveLength(JOBS + 1)
      expect(open()).toEqual([])
      expect(unsyncedIn(state)).toBe(0)
      expect(gh.violations).toEqual([])
      if (kind !== 'file') expect(runtimeFailed).toBeGreaterThan(0) // the store faults did fire
    } finally {
      await h.close()
    }
  }, 600_000) // not a timing goal: on a loaded 2-core machine a store took over 4 minutes (see the report)
})
