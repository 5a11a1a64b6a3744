// reconcile learns from the Actions jobs API: a building build whose link names its job, and whose
// job has ended without reporting the build's end (a killed runner, a cancelled run), is
// completed with the job's conclusion at once instead of after stale-after. From the real dist/
// against the GitHub emulator with its jobs (test/emulator/github-actions-jobs.ts), file: store.
import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const REPO = 'octo-org/repo-a'
const { gh, jobs, tempDir } = await startHarness({ jobs: true })
let nextRunId = 61_000

const ok = (r: RunActionResult) => expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0)

async function step(dir: string, head: string, runId: number, command: string, inputs: Record<string, string>, job = 'build') {
  const before = gh.requests.length
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: `file:${dir}`, ...inputs },
    env: {
      GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
      GITHUB_SHA: head, GITHUB_RUN_ID: String(runId), GITHUB_JOB: job,
    },
    event: command === 'reconcile' ? { name: 'schedule', payload: { schedule: '17 * * * *' } } : undefined,
    timeoutMs: 60_000,
  })
  ok(result)
  return { result, requests: gh.requests.slice(before) }
}

async function pipeline() {
  const dir = tempDir('reconcile-jobs-')
  const head = randomBytes(20).toString('hex')
  const runId = nextRunId++
  const run = jobs.addRun({ id: runId, repository: REPO, headSha: head, jobs: [{ name: 'build (linux)', status: 'in_progress' }, { name: 'build (windows)', status: 'in_progress' }] })
  const [linux, windows] = run.jobs
  const link = (id: number) => `http://github.localhost/${REPO}/actions/runs/${runId}/job/${id}`
  await step(dir, head, runId, 'queued', { builds: 'linux, windows' }, 'queue')
  await step(dir, head, runId, 'building', { builds: 'linux', 'details-url': link(linux!.id) })
  await step(dir, head, runId, 'building', { builds: 'windows', 'details-url': link(windows!.id) })
  // The linux job is killed: GitHub ends it, its built step never ran. Windows is still running.
  jobs.setJob(linux!.id, { status: 'completed', conclusion: 'cancelled', at: new Date(Date.now() - 60_000).toISOString() })
  return { dir, head, runId }
}

const shown = (head: string, name: string) => gh.checkRuns(REPO).find((r) => r.head_sha === head && r.name === name)!

test('a building build whose job ended is completed with the job\'s conclusion at once; a running one is left', async () => {
  const p = await pipeline()
  const { result, requests } = await step(p.dir, p.head, 9100, 'reconcile', { 'permission-checks': 'write', 'permission-actions': 'read' }, 'reconcile')
  expect(shown(p.head, 'ci / linux')).toMatchObject({ status: 'completed', conclusion: 'cancelled' })
  expect(shown(p.head, 'ci / linux').output.summary).toContain('Its job ended (`cancelled`) without reporting')
  expect(shown(p.head, 'ci / windows').status).toBe('in_progress')
  expect(requests.filter((r) => r.operationId === 'actions/get-job-for-workflow-run')).toHaveLength(2)
  const out = JSON.parse(result.outputs.reconciled!) as { reconciled: { timed_out: number }[] }
  expect(out.reconciled.reduce((n, s) => n + s.timed_out, 0)).toBe(1)
}, 90_000)

test('without actions: read the lookup is refused once and nothing is concluded early', async () => {
  const p = await pipeline()
  const { requests } = await step(p.dir, p.head, 9101, 'reconcile', {}, 'reconcile')
  expect(shown(p.head, 'ci / linux').status).toBe('in_progress')
  expect(requests.filter((r) => r.operationId === 'actions/get-job-for-workflow-run').map((r) => r.status)).toEqual([403])
}, 90_000)
