// `npm run demo:mirror`: command: mirror against the local GitHub emulator, through the real dist/
// (test/runner.ts). Nothing here reaches the network.
//
//   1. requested     a fork's pull request starts "CI" (6 jobs) in the base repository; the mirror
//                    workflow's handler queues 6 check runs and opens the CONCLUSION run
//   2. in_progress   3 jobs run: their check runs show it, steps in the summary
//   3. completed     every job ends, "test (windows)" fails: CONCLUSION failure
//   4. re-run        "Re-run failed jobs": attempt 2 re-runs test (windows), which passes; its
//                    handlers (requested, completed) move that build to generation 2 and a new
//                    CONCLUSION run succeeds. A late handler of attempt 1 changes nothing.
//
// After each phase it prints the check runs as GitHub shows them; at the end the requests.
import { randomBytes } from 'node:crypto'
import { mountActionsJobs } from './emulator/github-actions-jobs.ts'
import { startGitHubEmulator } from './emulator/github/index.ts'
import { mirrorStep, shownRuns, workflowRunEvent, type RunAction } from './mirror-harness.ts'

const REPO = 'octo-org/upstream'
const started = performance.now()
const gh = await startGitHubEmulator()
const jobs = mountActionsJobs(gh)
const repo = { full_name: REPO, node_id: gh.addRepository(REPO).node_id }
const run = jobs.addRun({
  repository: REPO, name: 'CI', headSha: randomBytes(20).toString('hex'), headRepository: 'contributor/upstream',
  jobs: ['lint', 'test (linux)', 'test (windows)', 'test (macos)', 'docs', 'package'].map((name) => ({ name, status: 'queued' as const })),
})
const job = (name: string) => jobs.jobsOf(run.id).find((j) => j.name === name)!
const steps = (conclusion: string | null) => [
  { name: 'Set up job', status: 'completed' as const, conclusion: 'success', started_at: new Date().toISOString(), completed_at: new Date().toISOString() },
  { name: 'Run tests', status: (conclusion ? 'completed' : 'in_progress') as 'completed' | 'in_progress', conclusion, started_at: new Date().toISOString(), completed_at: conclusion ? new Date().toISOString() : null },
]
const counts: string[] = []

async function handle(action: RunAction, attempt: number, label: string = action) {
  const { result, requests } = await mirrorStep(gh, REPO, workflowRunEvent(action, run, repo, attempt))
  if (result.exitCode !== 0) throw new Error(`${label} failed:\n${result.stdout}\n${result.stderr}`)
  counts.push(`${label} (attempt ${attempt}): ${requests.length}`)
}

function show(phase: string) {
  console.log(`\n== ${phase} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
  console.log(`   ${'check run'.padEnd(24)}${'status'.padEnd(13)}${'conclusion'.padEnd(12)}generation`)
  for (const [name, r] of [...shownRuns(gh, REPO, run.head_sha)].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`   ${name.padEnd(24)}${r.status.padEnd(13)}${(r.conclusion ?? '—').padEnd(12)}${/:(\d+)$/.exec(r.external_id ?? '')?.[1] ?? '?'}`)
  }
}

console.log(`Run ${run.id} of ${REPO} for a pull request from ${run.head_repository}, commit ${run.head_sha.slice(0, 7)}.`)
await handle('requested', 1)
show('requested')

for (const n of ['lint', 'test (linux)', 'test (windows)']) jobs.setJob(job(n).id, { status: 'in_progress', steps: steps(null) })
await handle('in_progress', 1)
show('in_progress')

for (const j of jobs.jobsOf(run.id)) {
  const conclusion = j.name === 'test (windows)' ? 'failure' : 'success'
  jobs.setJob(j.id, { status: 'completed', conclusion, steps: steps(conclusion) })
}
await handle('completed', 1)
show('completed')

jobs.rerunJobs(run.id, ['test (windows)'])
await handle('requested', 2)
jobs.setJob(job('test (windows)').id, { status: 'completed', conclusion: 'success', steps: steps('success') })
await handle('completed', 2)
await handle('requested', 1, 'late requested')
show('re-run')

console.log(`\nRequests per handler (token included): ${counts.join('; ')}.`)
console.log(`No artifact, cache or log request: ${gh.requests.every((r) => !/artifact|cache|logs/i.test(`${r.operationId} ${r.path}`))}.`)
await gh.close()
