// command: mirror, model-based over event orders (fast-check, fixed seed): a fork pull request's
// run of 6 jobs (one failing, one re-run in attempt 2) goes through its phases while the mirror
// handlers of its 6 workflow_run events run late, out of order, or not at all (a pending run of
// a concurrency group is cancelled by a newer one), always after their event. Each handler runs
// the real dist/ against the emulator. After every handler: builds only move forward and never
// show more than the job has reached; no duplicate runs. After the last: 6 check runs and a
// CONCLUSION that match the jobs. Nothing of the fork's run (artifacts, caches) is ever read.
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import { stateRank } from '../../src/checks/service-data.ts'
import { jobState } from '../../src/mirror/jobs.ts'
import type { EmulatedWorkflowRun } from '../emulator/github-actions-jobs.ts'
import { mirrorStep, shownRuns, workflowRunEvent, type RepoInfo, type RunAction } from '../mirror-harness.ts'
import { startHarness } from '../action/harness.ts'

const { gh, jobs } = await startHarness({ jobs: true })
const added = gh.addRepository('octo-org/upstream')
const repo: RepoInfo = { full_name: 'octo-org/upstream', node_id: added.node_id }
const requestCounts: number[] = []

const NAMES = ['lint', 'test (linux)', 'test (windows)', 'docs', 'build', 'package']
const FINAL = 7
/** The events in the order GitHub sends them, and the phase at which each is sent. */
const EVENTS: { action: RunAction; attempt: number; phase: number }[] = [
  { action: 'requested', attempt: 1, phase: 0 },
  { action: 'in_progress', attempt: 1, phase: 1 },
  { action: 'completed', attempt: 1, phase: 4 },
  { action: 'requested', attempt: 2, phase: 5 },
  { action: 'in_progress', attempt: 2, phase: 6 },
  { action: 'completed', attempt: 2, phase: 7 },
]

/** The world at each phase: attempt 1 runs with "test (linux)" failing and "test (windows)" failing; attempt 2 re-runs windows, which passes. */
function advance(run: EmulatedWorkflowRun, phase: number): void {
  const at = new Date(Date.UTC(2026, 2, 1, 10, phase)).toISOString()
  const job = (name: string) => jobs.jobsOf(run.id).find((j) => j.name === name)!
  const set = (name: string, status: 'in_progress' | 'completed', conclusion?: string) => jobs.setJob(job(name).id, {
    status, conclusion, at,
    steps: [{ name: 'Set up job', status: 'completed', conclusion: 'success', started_at: at, completed_at: at },
      { name: 'Run', status: status === 'completed' ? 'completed' : 'in_progress', conclusion: status === 'completed' ? (conclusion ?? 'success') : null, started_at: at, completed_at: status === 'completed' ? at : null }],
  })
  switch (phase) {
    case 1: for (const n of ['lint', 'test (linux)', 'test (windows)']) set(n, 'in_progress'); break
    case 2: set('lint', 'completed', 'success'); set('test (linux)', 'completed', 'failure'); set('test (windows)', 'completed', 'failure'); set('docs', 'in_progress'); set('build', 'in_progress'); break
    case 3: set('docs', 'completed', 'success'); set('build', 'completed', 'success'); set('package', 'in_progress'); break
    case 4: set('package', 'completed', 'success'); break
    case 5: jobs.rerunJobs(run.id, ['test (windows)']); break
    case 6: set('test (windows)', 'in_progress'); break
    case 7: set('test (windows)', 'completed', 'success'); break
  }
}

interface Plan {
  /** Phases each handler waits after its event before it runs. */
  delays: number[]
  /** Order among handlers that run at the same phase. */
  priority: number[]
  /** Handlers cancelled before they ran (never the last event's). */
  dropped: boolean[]
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  delays: fc.tuple(...EVENTS.map((e) => fc.integer({ min: 0, max: FINAL - e.phase }))),
  priority: fc.tuple(...EVENTS.map(() => fc.integer({ min: 0, max: 100 }))),
  dropped: fc.tuple(...EVENTS.map((_, i) => (i === EVENTS.length - 1 ? fc.constant(false) : fc.integer({ min: 0, max: 3 }).map((n) => n === 0)))),
})

const rank = (generation: number, state: 'queued' | 'building' | 'built') => generation * 10 + stateRank(state)
const shownState = (status: string) => (status === 'completed' ? 'built' : status === 'in_progress' ? 'building' : 'queued')
const generationOf = (externalId: string | null) => Number(/:(\d+)$/.exec(externalId ?? '')?.[1] ?? 0)

async function check(plan: Plan): Promise<void> {
  const run = jobs.addRun({
    repository: repo.full_name, name: 'CI', headSha: randomBytes(20).toString('hex'), headRepository: 'someone/upstream-fork',
    jobs: NAMES.map((name) => ({ name, status: 'queued' as const })),
  })
  const runAt = EVENTS.map((e, i) => Math.min(FINAL, e.phase + plan.delays[i]!))
  const seen = new Map<string, number>()
  const payloads: ({ name: string; payload: object } | undefined)[] = EVENTS.map(() => undefined)
  for (let phase = 0; phase <= FINAL; phase++) {
    advance(run, phase)
    EVENTS.forEach((e, i) => { if (e.phase === phase) payloads[i] = workflowRunEvent(e.action, run, repo, e.attempt, e.attempt === 1 ? 'failure' : 'failure') })
    const due = EVENTS.map((_, i) => i).filter((i) => runAt[i] === phase && !plan.dropped[i]).sort((a, b) => plan.priority[a]! - plan.priority[b]! || a - b)
    for (const i of due) {
      const step = await mirrorStep(gh, repo.full_name, payloads[i]!)
      expect(step.result.exitCode, `${step.result.stdout}\n${step.result.stderr}`).toBe(0)
      requestCounts.push(step.requests.length)
      // Nothing the fork's run left is read: no artifact, cache or log request at all.
      expect(step.requests.filter((r) => /artifact|cache|logs/i.test(`${r.operationId} ${r.path}`))).toEqual([])
      const all = gh.checkRuns(repo.full_name).filter((r) => r.head_sha === run.head_sha)
      const shown = shownRuns(gh, repo.full_name, run.head_sha)
      for (const job of jobs.jobsOf(run.id)) {
        // The handler listed every job: each has its check run from then on.
        const r = shown.get(`CI / ${job.name}`)
        expect(r, `${job.name} has no check run`).toBeDefined()
        if (!r) continue
        const now = rank(generationOf(r.external_id), shownState(r.status))
        // Forward only, and never ahead of the job.
        expect(now, `${job.name} moved back`).toBeGreaterThanOrEqual(seen.get(job.name) ?? 0)
        expect(now, `${job.name} ahead of its job`).toBeLessThanOrEqual(rank(job.run_attempt, jobState(job.status)))
        seen.set(job.name, now)
        if (r.status === 'completed' && generationOf(r.external_id) === job.run_attempt) expect(r.conclusion).toBe(job.conclusion)
        // At most one run per generation the job has had.
        expect(all.filter((x) => x.name === r.name).length).toBeLessThanOrEqual(job.run_attempt)
      }
      expect(all.filter((x) => x.name === 'CI / CONCLUSION').length).toBeLessThanOrEqual(2)
    }
  }
  // After the last handler: the six jobs and the CONCLUSION, as the jobs say.
  const shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect([...shown.keys()].sort()).toEqual([...NAMES.map((n) => `CI / ${n}`), 'CI / CONCLUSION'].sort())
  for (const job of jobs.jobsOf(run.id)) {
    expect(shown.get(`CI / ${job.name}`), job.name).toMatchObject({ status: 'completed', conclusion: job.conclusion })
    expect(generationOf(shown.get(`CI / ${job.name}`)!.external_id)).toBe(job.run_attempt)
  }
  expect(shown.get('CI / test (windows)')!.conclusion).toBe('success')
  expect(shown.get('CI / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'failure' }) // test (linux) failed
}

test('every event order tried ends with 6 check runs and a CONCLUSION matching the jobs', async () => {
  const started = Date.now()
  await fc.assert(fc.asyncProperty(planArb, check), {
    seed: 1616,
    numRuns: 8,
    endOnFailure: true,
    examples: [
      // In order, as they are sent.
      [{ delays: [0, 0, 0, 0, 0, 0], priority: [0, 0, 0, 0, 0, 0], dropped: [false, false, false, false, false, false] }],
      // Every handler at the very end, newest first: attempt 1's requested runs last.
      [{ delays: EVENTS.map((e) => FINAL - e.phase), priority: [5, 4, 3, 2, 1, 0], dropped: [false, false, false, false, false, false] }],
    ],
  })
  console.log(`mirror model: ${requestCounts.length} handlers in ${((Date.now() - started) / 1000).toFixed(1)} s; requests per handler min ${Math.min(...requestCounts)}, max ${Math.max(...requestCounts)}`)
}, 120_000)
