// command: mirror from the real dist/ against the GitHub emulator and its Actions jobs API:
// a run's jobs become check runs event by event, refusals, job selection, a store still working,
// and the requests an event costs (also for a 100-job run).
import fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { apiRequests, mirrorStep, shownRuns, workflowRunEvent, type RepoInfo } from '../mirror-harness.ts'
import type { RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const { gh, jobs, tempDir } = await startHarness({ jobs: true })
const added = gh.addRepository('octo-org/mirrored')
const repo: RepoInfo = { full_name: 'octo-org/mirrored', node_id: added.node_id }
const sha = () => randomBytes(20).toString('hex')
const ok = (r: RunActionResult) => expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0)

const ops = (requests: { operationId?: string; graphqlOperations?: string[] }[]) =>
  apiRequests(requests as never).map((r: { operationId?: string; graphqlOperations?: string[] }) => r.operationId === 'graphql' || r.operationId === undefined ? `graphql(${(r.graphqlOperations ?? []).length})` : r.operationId)

test('a run, event by event: queued, then running with steps, then built; CONCLUSION pending until the run completes', async () => {
  const run = jobs.addRun({ repository: repo.full_name, name: 'CI', headSha: sha(), jobs: [
    { name: 'lint', status: 'queued' }, { name: 'test (linux)', status: 'queued' }, { name: 'deploy', status: 'waiting' },
  ] })
  const [lint, linux, deploy] = run.jobs

  const requested = await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo))
  ok(requested.result)
  let shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect([...shown.keys()].sort()).toEqual(['CI / CONCLUSION', 'CI / deploy', 'CI / lint', 'CI / test (linux)'])
  expect(shown.get('CI / lint')).toMatchObject({ status: 'queued', details_url: `http://github.localhost/${repo.full_name}/actions/runs/${run.id}/job/${lint!.id}` })
  expect(shown.get('CI / deploy')!.status).toBe('queued') // waiting for an environment is queued
  expect(shown.get('CI / CONCLUSION')).toMatchObject({ status: 'in_progress', details_url: `http://github.localhost/${repo.full_name}/actions/runs/${run.id}` })
  // The token, the jobs listing, the check-run listing (the state), one GraphQL request.
  expect(ops(requested.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'graphql(4)'])

  jobs.setJob(lint!.id, { status: 'in_progress', at: '2026-03-01T10:00:00Z', steps: [
    { name: 'Set up job', status: 'completed', conclusion: 'success', started_at: '2026-03-01T10:00:00Z', completed_at: '2026-03-01T10:00:03Z' },
    { name: 'Run eslint', status: 'in_progress', conclusion: null, started_at: '2026-03-01T10:00:03Z', completed_at: null },
  ] })
  const inProgress = await mirrorStep(gh, repo.full_name, workflowRunEvent('in_progress', run, repo))
  ok(inProgress.result)
  shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect(shown.get('CI / lint')).toMatchObject({ status: 'in_progress', started_at: '2026-03-01T10:00:00.000Z' })
  expect(shown.get('CI / lint')!.output.summary).toContain('| 1 | Set up job | success | 3s |')
  expect(shown.get('CI / test (linux)')!.status).toBe('queued')
  expect(ops(inProgress.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'graphql(1)'])

  // Every job ends; one fails. The run is completed.
  jobs.setJob(lint!.id, { status: 'completed', conclusion: 'success', at: '2026-03-01T10:01:00Z' })
  jobs.setJob(linux!.id, { status: 'completed', conclusion: 'failure', at: '2026-03-01T10:02:00Z' })
  jobs.setJob(deploy!.id, { status: 'completed', conclusion: 'skipped', at: '2026-03-01T10:02:00Z' })
  const completed = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo, 1, 'failure'))
  ok(completed.result)
  shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect(shown.get('CI / lint')).toMatchObject({ status: 'completed', conclusion: 'success', completed_at: '2026-03-01T10:01:00.000Z' })
  expect(shown.get('CI / test (linux)')).toMatchObject({ status: 'completed', conclusion: 'failure' })
  expect(shown.get('CI / deploy')).toMatchObject({ status: 'completed', conclusion: 'skipped' })
  expect(shown.get('CI / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'failure' })
  expect(completed.result.outputs.conclusion).toBe('failure')
  expect(ops(completed.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'graphql(4)'])
  // Nothing more than one run per name: updates, never second runs.
  expect(gh.checkRuns(repo.full_name).filter((r) => r.head_sha === run.head_sha)).toHaveLength(4)

  // A late handler of the requested event, after all that: it reads the present, writes nothing.
  const late = await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo))
  ok(late.result)
  expect(ops(late.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref'])
  expect(late.result.warnings).toEqual([])
  for (const [event, r] of Object.entries({ requested, inProgress, completed, late })) console.log(`mirror requests, ${event}: ${r.requests.length} (token 2, ${ops(r.requests).join(', ')})`)
}, 120_000)

test('refused: a run of another repository, a run of the mirror workflow itself; nothing is requested', async () => {
  const run = jobs.addRun({ repository: repo.full_name, headSha: sha(), jobs: [{ name: 'a' }] })
  const other = workflowRunEvent('completed', run, { full_name: 'octo-org/repo-b', node_id: 'x' })
  const a = await mirrorStep(gh, repo.full_name, other)
  expect(a.result.exitCode).toBe(1)
  expect(a.result.errors.join('\n')).toContain(`belongs to octo-org/repo-b, not to ${repo.full_name}`)
  const self = workflowRunEvent('completed', { ...run, path: '.github/workflows/mirror.yml' }, repo)
  const b = await mirrorStep(gh, repo.full_name, self)
  expect(b.result.exitCode).toBe(1)
  expect(b.result.errors.join('\n')).toContain('is a run of this mirror workflow')
  const push = await mirrorStep(gh, repo.full_name, { name: 'push', payload: {} })
  expect(push.result.errors.join('\n')).toContain('on: workflow_run')
  expect([...a.requests, ...b.requests, ...push.requests]).toEqual([])
}, 60_000)

test('jobs and exclude-jobs pick the jobs; build-name and suite shape the names; untrusted names are cleaned', async () => {
  const run = jobs.addRun({ repository: repo.full_name, name: 'CI', headSha: sha(), jobs: [
    { name: 'build (linux)' }, { name: 'build (windows)' }, { name: 'docs' }, { name: 'evil\u001b[31m\nname\u202e' },
    { name: 'CONCLUSION', conclusion: 'success' }, { name: 'fails', conclusion: 'failure' },
  ] })
  const r = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo), {
    jobs: 'build *\nevil*\nCONCLUSION\nfails', 'exclude-jobs': '*(windows)', 'build-name': 'gh-{job}', suite: 'mirror',
  })
  ok(r.result)
  const names = [...shownRuns(gh, repo.full_name, run.head_sha).keys()].sort()
  expect(names).toEqual(['mirror / CONCLUSION', 'mirror / gh-CONCLUSION', 'mirror / gh-build (linux)', 'mirror / gh-evil [31m name', 'mirror / gh-fails'])
  expect(shownRuns(gh, repo.full_name, run.head_sha).get('mirror / CONCLUSION')!.conclusion).toBe('failure')
  // A job named CONCLUSION cannot stand in for the suite's CONCLUSION run.
  const plain = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo), { jobs: 'CONCLUSION\nfails', suite: 'plain' })
  ok(plain.result)
  const shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect(shown.get('plain / CONCLUSION #2')!.conclusion).toBe('success')
  expect(shown.get('plain / CONCLUSION')!.conclusion).toBe('failure')
  expect(gh.checkRuns(repo.full_name).filter((r) => r.head_sha === run.head_sha && r.name === 'plain / CONCLUSION')).toHaveLength(1)
}, 60_000)

test('a store: input still works: the next event reads the store instead of listing the check runs', async () => {
  const dir = tempDir('mirror-')
  const run = jobs.addRun({ repository: repo.full_name, headSha: sha(), jobs: [{ name: 'a', status: 'queued' }, { name: 'b', status: 'queued' }] })
  const first = await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo), { store: `file:${dir}` })
  ok(first.result)
  expect(fs.readdirSync(dir).length).toBeGreaterThan(0)
  for (const j of run.jobs) jobs.setJob(j.id, { status: 'completed', conclusion: 'success' })
  const second = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo), { store: `file:${dir}` })
  ok(second.result)
  // The store holds the runs' ids; the one listing checks that each run an update names by a
  // stored id is this suite's (src/checks/planned-write.ts updateTarget), as a store may be forged.
  expect(ops(second.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'graphql(3)'])
  expect(shownRuns(gh, repo.full_name, run.head_sha).get('ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'success' })
}, 60_000)

test('requests for a 100-job run: per event, and in total', async () => {
  const run = jobs.addRun({ repository: repo.full_name, headSha: sha(), jobs: Array.from({ length: 100 }, (_, i) => ({ name: `job ${i}`, status: 'queued' as const })) })
  const requested = await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo), { 'aggregate-above': '1000' })
  ok(requested.result)
  for (const j of run.jobs.slice(0, 50)) jobs.setJob(j.id, { status: 'in_progress' })
  const inProgress = await mirrorStep(gh, repo.full_name, workflowRunEvent('in_progress', run, repo), { 'aggregate-above': '1000' })
  ok(inProgress.result)
  for (const j of run.jobs) jobs.setJob(j.id, { status: 'completed', conclusion: 'success' })
  const completed = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo), { 'aggregate-above': '1000' })
  ok(completed.result)
  const shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect(shown.size).toBe(101)
  expect([...shown.values()].every((r) => r.status === 'completed')).toBe(true)
  const counts = [requested, inProgress, completed].map((s) => s.requests.length)
  console.log(`mirror, 100 jobs: requests per event ${counts.join(', ')} (total ${counts.reduce((a, b) => a + b)}); ${[requested, inProgress, completed].map((s) => ops(s.requests).join(' ')).join(' | ')}`)
  // token 2 + jobs 1 + check runs 1 (+1 page past 100) + GraphQL ceil(writes / 34)
  expect(ops(requested.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'graphql(34)', 'graphql(34)', 'graphql(33)'])
  expect(ops(inProgress.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'checks/list-for-ref', 'graphql(34)', 'graphql(16)'])
}, 180_000)

test('watch: a requested event keeps reading the jobs every poll-interval, so starts show before the next event', async () => {
  const run = jobs.addRun({ repository: repo.full_name, headSha: sha(), jobs: [{ name: 'a', status: 'queued' }, { name: 'b', status: 'queued' }] })
  const [a, b] = run.jobs
  const watching = mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo), { watch: 'true', 'poll-interval': '5', 'max-duration': '40s' })
  const shownStatus = () => [...shownRuns(gh, repo.full_name, run.head_sha).entries()].map(([n, r]) => `${n}: ${r.status}`).sort()
  const until = async (what: () => boolean) => { for (let i = 0; i < 200 && !what(); i++) await new Promise((r) => setTimeout(r, 100)) }
  await until(() => shownRuns(gh, repo.full_name, run.head_sha).size === 3)
  jobs.setJob(a!.id, { status: 'in_progress' })
  await until(() => shownRuns(gh, repo.full_name, run.head_sha).get('ci / a')?.status === 'in_progress')
  expect(shownStatus()).toEqual(['ci / CONCLUSION: in_progress', 'ci / a: in_progress', 'ci / b: queued'])
  jobs.setJob(a!.id, { status: 'completed', conclusion: 'success' })
  jobs.setJob(b!.id, { status: 'completed', conclusion: 'success' })
  const { result, requests } = await watching
  ok(result)
  // Stopped once every job was built; the completed event's handler completes the CONCLUSION.
  expect(shownStatus()).toEqual(['ci / CONCLUSION: in_progress', 'ci / a: completed', 'ci / b: completed'])
  // Every interval costs one jobs listing; GitHub's check runs are listed once, at the start.
  const listings = requests.filter((r) => r.operationId === 'actions/list-jobs-for-workflow-run').length
  expect(listings).toBeGreaterThanOrEqual(3)
  expect(requests.filter((r) => r.operationId === 'checks/list-for-ref')).toHaveLength(1)
  const done = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo))
  ok(done.result)
  expect(shownStatus()).toEqual(['ci / CONCLUSION: completed', 'ci / a: completed', 'ci / b: completed'])
}, 90_000)

test('aggregate mode: past aggregate-above jobs only the CONCLUSION run reports, counting the jobs; with no store too', async () => {
  const run = jobs.addRun({ repository: repo.full_name, name: 'Big', headSha: sha(), jobs: Array.from({ length: 8 }, (_, i) => ({ name: `shard ${i}`, status: 'queued' as const })) })
  const first = await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo), { 'aggregate-above': '5' })
  ok(first.result)
  expect([...shownRuns(gh, repo.full_name, run.head_sha).keys()]).toEqual(['Big / CONCLUSION'])
  run.jobs.forEach((j, i) => jobs.setJob(j.id, { status: 'completed', conclusion: i === 3 ? 'failure' : 'success' }))
  const done = await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo), { 'aggregate-above': '5' })
  ok(done.result)
  const shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect([...shown.keys()]).toEqual(['Big / CONCLUSION'])
  expect(shown.get('Big / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'failure' })
  expect(shown.get('Big / CONCLUSION')!.output.summary).toContain('shard 3')
  expect(ops(done.requests)).toEqual(['actions/list-jobs-for-workflow-run', 'checks/list-for-ref', 'graphql(1)'])
}, 60_000)

test('a requested event before the run has jobs opens the CONCLUSION run alone', async () => {
  const run = jobs.addRun({ repository: repo.full_name, headSha: sha(), jobs: [] })
  const r = await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo))
  ok(r.result)
  expect([...shownRuns(gh, repo.full_name, run.head_sha).entries()].map(([n, c]) => `${n}: ${c.status}`)).toEqual(['ci / CONCLUSION: in_progress'])
}, 60_000)

test('the Re-run button of a mirrored check run (forwarded to rerequested) re-runs its job; the re-run is mirrored as a new generation', async () => {
  const run = jobs.addRun({ repository: repo.full_name, name: 'CI', headSha: sha(), jobs: [{ name: 'a' }, { name: 'b', conclusion: 'failure' }] })
  ok((await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo, 1, 'failure'))).result)
  const b = shownRuns(gh, repo.full_name, run.head_sha).get('CI / b')!
  const payload = {
    action: 'rerequested',
    check_run: { id: b.id, node_id: b.node_id, name: b.name, head_sha: b.head_sha, external_id: b.external_id, status: b.status, conclusion: b.conclusion, details_url: b.details_url, app: { id: b.app_id } },
    repository: { full_name: repo.full_name, name: 'mirrored', owner: { login: 'octo-org' } },
  }
  const relay = await mirrorStep(gh, repo.full_name, { name: 'repository_dispatch', payload: { action: 'check_run_rerequested', client_payload: payload, repository: payload.repository } }, { command: 'rerequested', store: 'none' })
  ok(relay.result)
  expect(jobs.reruns.filter((r) => r.run_id === run.id)).toEqual([expect.objectContaining({ kind: 'job', job_id: run.jobs[1]!.id })])
  ok((await mirrorStep(gh, repo.full_name, workflowRunEvent('requested', run, repo, 2))).result)
  expect(shownRuns(gh, repo.full_name, run.head_sha).get('CI / b')!.status).not.toBe('completed')
  expect(shownRuns(gh, repo.full_name, run.head_sha).get('CI / CONCLUSION')!.status).toBe('in_progress')
  jobs.setJob(jobs.jobsOf(run.id).find((j) => j.name === 'b')!.id, { status: 'completed', conclusion: 'success' })
  ok((await mirrorStep(gh, repo.full_name, workflowRunEvent('completed', run, repo, 2))).result)
  const shown = shownRuns(gh, repo.full_name, run.head_sha)
  expect(shown.get('CI / b')).toMatchObject({ status: 'completed', conclusion: 'success' })
  expect(shown.get('CI / b')!.external_id).toMatch(/:2$/)
  expect(shown.get('CI / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'success' })
}, 90_000)
