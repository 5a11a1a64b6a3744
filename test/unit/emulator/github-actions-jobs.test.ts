// The emulator's Actions jobs API (test/emulator/github-actions-jobs.ts), through @actions/github's
// Octokit: statuses and steps, filter=latest|all, attempts, paging by per_page/page with Link
// headers; every reply validated against @octokit/openapi's schema of the operation's reply.
import { createAppAuth } from '@octokit/auth-app'
import { getOctokit } from '@actions/github'
import { request } from '@octokit/request'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { mountActionsJobs, type ActionsJobs } from '../../emulator/github-actions-jobs.ts'
import { startGitHubEmulator, type GitHubEmulator } from '../../emulator/github/index.ts'
import { validateResponse as validateReply } from '../../emulator/openapi-responses.ts'

let gh: GitHubEmulator
let jobs: ActionsJobs
let octokit: ReturnType<typeof getOctokit>
const repo = { owner: 'octo-org', repo: 'repo-a' }

beforeAll(async () => {
  gh = await startGitHubEmulator()
  jobs = mountActionsJobs(gh)
  const installationId = gh.installations().find((i) => i.account === 'octo-org')!.id
  const auth = createAppAuth({ appId: gh.app.id, privateKey: gh.app.privateKeyPkcs8, request: request.defaults({ baseUrl: gh.url }) })
  const { token } = (await auth({ type: 'installation', installationId, permissions: { actions: 'read' } })) as { token: string }
  octokit = getOctokit(token, { baseUrl: gh.url })
}, 60_000)
afterEach(() => expect(gh.violations).toEqual([]))
afterAll(async () => { await gh.close() })

const list = async (run_id: number, query: Record<string, string | number> = {}) => {
  const r = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { ...repo, run_id, ...query })
  expect(validateReply('actions/list-jobs-for-workflow-run', 200, r.data)).toEqual([])
  return r
}

test('jobs move through every status with steps; replies are what the OpenAPI description says', async () => {
  const run = jobs.addRun({ headSha: 'a'.repeat(40), headRepository: 'someone/repo-a', jobs: [
    { name: 'build', status: 'queued' }, { name: 'deploy', status: 'waiting' }, { name: 'lint', status: 'pending' }, { name: 'x', status: 'requested' },
  ] })
  const [build] = run.jobs
  jobs.setJob(build!.id, { status: 'in_progress', at: '2026-01-01T10:00:00.000Z', steps: [{ name: 'Set up job', status: 'completed', conclusion: 'success', started_at: '2026-01-01T10:00:00Z', completed_at: '2026-01-01T10:00:02Z' }, { name: 'make', status: 'in_progress', conclusion: null, started_at: '2026-01-01T10:00:02Z', completed_at: null }] })
  let r = await list(run.id)
  expect(r.data.jobs.map((j) => [j.name, j.status, j.runner_id])).toEqual([['build', 'in_progress', 1], ['deploy', 'waiting', null], ['lint', 'pending', null], ['x', 'requested', null]])
  expect(r.data.jobs[0]!.started_at).toBe('2026-01-01T10:00:00.000Z')
  expect(r.data.jobs[0]!.steps!.map((s) => [s.number, s.name, s.status])).toEqual([[1, 'Set up job', 'completed'], [2, 'make', 'in_progress']])
  jobs.setJob(build!.id, { status: 'completed', conclusion: 'failure', at: '2026-01-01T10:05:00.000Z' })
  r = await list(run.id)
  expect(r.data.jobs[0]).toMatchObject({ status: 'completed', conclusion: 'failure', completed_at: '2026-01-01T10:05:00.000Z', run_attempt: 1 })
  expect(r.data.jobs[0]!.html_url).toBe(`http://github.localhost/octo-org/repo-a/actions/runs/${run.id}/job/${build!.id}`)
})

test('filter=latest (the default) shows the newest attempt; all shows every attempt; attempts list their own', async () => {
  const run = jobs.addRun({ headSha: 'b'.repeat(40), jobs: [{ name: 'a' }, { name: 'b', conclusion: 'failure' }] })
  const [again] = jobs.rerunJobs(run.id, ['b'])
  const latest = await list(run.id)
  expect(latest.data.jobs.map((j) => [j.name, j.run_attempt, j.status])).toEqual([['a', 1, 'completed'], ['b', 2, 'queued']])
  expect((await list(run.id, { filter: 'latest' })).data.jobs.map((j) => j.id)).toEqual(latest.data.jobs.map((j) => j.id))
  const all = await list(run.id, { filter: 'all' })
  expect(all.data.total_count).toBe(3)
  expect(all.data.jobs.map((j) => j.run_attempt)).toEqual([1, 1, 2])
  const first = await octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs', { ...repo, run_id: run.id, attempt_number: 1 })
  expect(validateReply('actions/list-jobs-for-workflow-run-attempt', 200, first.data)).toEqual([])
  expect(first.data.jobs.map((j) => [j.name, j.conclusion])).toEqual([['a', 'success'], ['b', 'failure']])
  expect(again!.run_attempt).toBe(2)
})

test('paging: per_page (at most 100), page, Link rel="next"; octokit.paginate follows it', async () => {
  const run = jobs.addRun({ headSha: 'c'.repeat(40), jobs: Array.from({ length: 230 }, (_, i) => ({ name: `job ${i}` })) })
  const one = await list(run.id, { per_page: 100 })
  expect(one.data.jobs).toHaveLength(100)
  expect(one.data.total_count).toBe(230)
  expect(one.headers.link).toMatch(/[?&]page=2[^>]*>; rel="next"/)
  const last = await list(run.id, { per_page: 100, page: 3 })
  expect(last.data.jobs).toHaveLength(30)
  expect(last.headers.link).toBeUndefined()
  expect((await list(run.id, { per_page: 500 })).data.jobs).toHaveLength(100)
  const before = gh.requests.length
  const every = await octokit.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { ...repo, run_id: run.id, per_page: 100 })
  expect(every.map((j) => j.name)).toEqual(Array.from({ length: 230 }, (_, i) => `job ${i}`))
  expect(gh.requests.length - before).toBe(3)
  // A filter GitHub does not know is refused by the OpenAPI validation.
  await expect(octokit.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', { ...repo, run_id: run.id, filter: 'newest' as 'all' })).rejects.toMatchObject({ status: 422 })
  gh.violations.length = 0
})
