// command: rerequested (a relay forwards the check_run webhook as repository_dispatch), from the
// real dist/ against the GitHub emulator with its workflow jobs (test/emulator/github-actions-jobs.ts);
// and the pure parts (src/reconcile/rerequest.ts).
import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { CONCLUSION_BUILD, externalId, suiteHash } from '../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData } from '../../src/checks/types.ts'
import { sign } from '@octokit/webhooks-methods'
import {
  chooseJob, findSuite, jobProblem, parseExternalId, parseRerequest, runLink, runProblem, runsToRerun, type RunFacts,
} from '../../src/reconcile/rerequest.ts'
import { openRelay } from '../../src/reconcile/relay.ts'
import { validateResponse } from '../emulator/openapi-responses.ts'
import { UserError } from '../../src/errors.ts'
import type { EmulatedCheckRun } from '../emulator/github/index.ts'
import type { RunActionResult } from '../runner.ts'
import { claimOf, dispatched, rerequestedPayload } from '../webhook-payloads.ts'
import { startHarness, type FilePipeline } from './harness.ts'

const REPO = 'octo-org/repo-a'
const sha = () => randomBytes(20).toString('hex')

describe('rerequested (pure)', () => {
  const head = 'b'.repeat(40)
  const key = { repository: REPO, head_sha: head, suite: 'ci / nightly' }

  test('reads the forwarded payload in its usual shapes, and refuses what is not one', () => {
    const run = { id: 5, name: 'ci / nightly / linux', head_sha: head.toUpperCase(), external_id: 'x', details_url: 'https://h/d', app: { id: 9 } }
    expect(parseRerequest({ action: 'rerequested', check_run: run, repository: { full_name: REPO } })).toEqual({
      action: 'rerequested',
      checkRun: { id: 5, name: 'ci / nightly / linux', head_sha: head, external_id: 'x', details_url: 'https://h/d', app_id: 9 },
      repository: REPO,
    })
    expect(parseRerequest(run).action).toBe('rerequested')
    expect(parseRerequest({ check_run: run }).checkRun.id).toBe(5)
    for (const bad of [undefined, 'text', {}, { check_run: { ...run, id: 'five' } }, { check_run: { ...run, head_sha: 'main' } }]) {
      expect(() => parseRerequest(bad)).toThrow(UserError)
    }
    // Only the id is needed: the rest is read from GitHub.
    expect(parseRerequest({ action: 'rerequested', check_run: { id: 7 } }).checkRun).toEqual({ id: 7, name: '' })
    const example = rerequestedPayload({ id: 8, name: 'ci / x', head_sha: head, external_id: 'e', details_url: null, app_id: 3 }, { repository: REPO, installationId: 1 })
    expect(parseRerequest(example)).toEqual({ action: 'rerequested', checkRun: { id: 8, name: 'ci / x', head_sha: head, external_id: 'e', app_id: 3 }, repository: REPO })
  })

  test('finds the suite from the name and the external_id hash, also when the suite has " / " in it', () => {
    const parsed = parseExternalId(externalId(key, 'linux', 3))!
    expect(findSuite(REPO, head, 'ci / nightly / linux', parsed)).toEqual(key)
    const conclusion = parseExternalId(externalId(key, CONCLUSION_BUILD, 1))!
    expect(findSuite(REPO, head, 'ci / nightly / CONCLUSION', conclusion)).toEqual(key)
    expect(findSuite(REPO, head, 'renamed linux', parsed)).toBeUndefined()
    expect(findSuite(REPO, head, 'renamed linux', parsed, ['ci / nightly'])).toEqual(key)
    expect(findSuite('octo-org/other', head, 'ci / nightly / linux', parsed)).toBeUndefined()
    expect(suiteHash(key)).toBe(parsed.suite_hash)
  })

  test('run and job links count only on this server and for this repository', () => {
    const server = 'https://github.com'
    expect(runLink('https://github.com/o/r/actions/runs/12/job/345', server, 'o/r')).toEqual({ run_id: 12, job_id: 345 })
    expect(runLink('https://github.com/O/R/actions/runs/12/job/345?pr=1#step:2', server, 'o/r')).toEqual({ run_id: 12, job_id: 345 })
    expect(runLink('https://github.com/o/r/actions/runs/12/attempts/2', server, 'o/r')).toEqual({ run_id: 12, attempt: 2 })
    expect(runLink('https://github.com/o/r/actions/runs/12/attempts/2/job/9', server, 'o/r')).toEqual({ run_id: 12, attempt: 2, job_id: 9 })
    expect(runLink('https://ghes.example/sub/o/r/actions/runs/12', 'https://ghes.example/sub/', 'o/r')).toEqual({ run_id: 12 })
    for (const url of [
      undefined, '', 'not a url', 'https://example.com/build/7',
      'https://evil.example/o/r/actions/runs/12/job/345', // another host
      'https://github.com.evil.example/o/r/actions/runs/12', 'https://user@github.com/o/r/actions/runs/12',
      'https://github.com/o/other/actions/runs/12/job/345', // another repository
      'https://github.com/o/r/actions/runs/12x', 'https://github.com/o/r/actions/runs/12/job/345/extra',
      'http://github.com/o/r/actions/runs/12', // another scheme is another origin
    ]) expect(runLink(url, server, 'o/r'), String(url)).toBeUndefined()
  })

  test('a run or job may be re-run only in the check run\'s repository, commit, workflow (and, for a build, run)', () => {
    const run: RunFacts = { id: 12, repository: 'o/r', head_sha: 'a'.repeat(40), workflow_id: 7, path: '.github/workflows/ci.yml' }
    const scope = { repository: 'O/R', head_sha: 'A'.repeat(40), workflow_ids: new Set([7]) }
    expect(runProblem(run, scope)).toBeUndefined()
    expect(runProblem(run, { ...scope, run_id: 12 })).toBeUndefined()
    expect(runProblem({ ...run, repository: 'o/fork' }, scope)).toMatch(/belongs to o\/fork/)
    expect(runProblem({ ...run, head_sha: 'b'.repeat(40) }, scope)).toMatch(/ran commit bbbb/)
    expect(runProblem({ ...run, workflow_id: 8, path: '.github/workflows/release.yml' }, scope)).toMatch(/another workflow \(\.github\/workflows\/release\.yml\)/)
    expect(runProblem(run, { ...scope, run_id: 13 })).toMatch(/not the run that reported/)
    const job = { id: 99, run_id: 12, head_sha: 'a'.repeat(40), name: 'build' }
    expect(jobProblem(job, run, scope)).toBeUndefined()
    expect(jobProblem({ ...job, run_id: 14 }, run, scope)).toMatch(/of workflow run 14, not 12/)
    expect(jobProblem({ ...job, head_sha: 'c'.repeat(40) }, run, scope)).toMatch(/ran commit cccc/)
    expect(jobProblem(job, { ...run, workflow_id: 8 }, scope)).toMatch(/job 99 \("build"\): .*another workflow/)
  })

  test('the relay envelope: a signature is checked only when webhook-secret is set, and then required', async () => {
    const body = JSON.stringify({ action: 'rerequested', check_run: { id: 5 } })
    const signature = await sign('s3cret', body)
    expect(await openRelay({ check_run: { id: 5 } }, undefined)).toEqual({ payload: { check_run: { id: 5 } }, verified: false })
    expect(await openRelay({ body }, undefined)).toEqual({ payload: JSON.parse(body), verified: false })
    expect(await openRelay({ body, signature }, 's3cret')).toEqual({ payload: JSON.parse(body), verified: true })
    const refused = async (value: unknown, secret = 's3cret') => openRelay(value, secret).then(() => 'accepted', (e: unknown) => (e instanceof UserError ? e.message : `crash: ${e}`))
    expect(await refused({ check_run: { id: 5 } })).toMatch(/not a signed relay envelope/)
    expect(await refused({ body })).toMatch(/carries no signature/)
    expect(await refused({ body, signature: '' })).toMatch(/carries no signature/)
    for (const bad of [await sign('other', body), signature.toUpperCase(), signature.slice(0, -2), `${signature}00`, 'sha1=abc', 'garbage']) {
      expect(await refused({ body, signature: bad })).toMatch(/does not match its X-Hub-Signature-256/)
    }
    expect(await refused({ body: body.replace('5', '6'), signature })).toMatch(/does not match/)
    expect(await refused({ body: '', signature })).toMatch(/does not match/)
    expect(await refused({ body: 'not json', signature: await sign('s3cret', 'not json') })).toMatch(/body is not JSON/)
  })

  test('the emulator\'s replies are checked against GitHub\'s response schemas', () => {
    expect(validateResponse('actions/get-job-for-workflow-run', 200, { id: 1 })).toEqual(expect.arrayContaining([expect.stringContaining("must have required property 'run_id'")]))
    expect(validateResponse('actions/get-workflow-run', 200, { id: 'x' }).length).toBeGreaterThan(0)
    expect(validateResponse('no/such-operation', 200, {})).toEqual([expect.stringContaining('no JSON schema')])
  })

  test('chooses the job by key, matrix values, build id or check-run name; never guesses', () => {
    const jobs = [
      { id: 1, name: 'queue' },
      { id: 2, name: 'build (ubuntu, linux)' },
      { id: 3, name: 'build (windows, win)' },
      { id: 4, name: 'macos' },
      { id: 5, name: 'Lint everything' },
    ]
    expect(chooseJob(jobs, 'queue', 'x', 'ci / x')?.id).toBe(1)
    expect(chooseJob(jobs, 'build', 'win', 'ci / win')?.id).toBe(3)
    expect(chooseJob(jobs, 'build', 'linux', 'ci / linux')?.id).toBe(2)
    expect(chooseJob(jobs, 'mac', 'macos', 'ci / macos')?.id).toBe(4)
    expect(chooseJob(jobs, 'lint', 'lint', 'Lint everything')?.id).toBe(5)
    expect(chooseJob(jobs, 'build', 'arm', 'ci / arm')).toBeUndefined()
    expect(chooseJob([{ id: 7, name: 'build (a)' }], 'build', 'zzz', 'ci / zzz')?.id).toBe(7)
  })

  test('the runs to re-run for a CONCLUSION: those reporting failed or unfinished builds', () => {
    const r = (run_id: number, over: Partial<CheckRunRecord>): CheckRunRecord => ({
      name: 'n', state: 'built', conclusion: 'success', generation: 1, state_synced: true, updated_at: '2026-01-01T00:00:00Z',
      reporter: { run_id, run_attempt: 1, job: 'build' }, ...over,
    })
    const data: ServiceData = {
      version: 1, ...key,
      check_runs: {
        a: r(10, {}), b: r(11, { conclusion: 'failure' }), c: r(12, { state: 'building', conclusion: undefined }),
        d: r(11, { conclusion: 'timed_out' }), e: r(13, { conclusion: 'neutral' }),
      },
    }
    expect(runsToRerun(data, 'success')).toEqual([11, 12])
    expect(runsToRerun(data, 'failure')).toEqual([11, 12, 13])
  })
})

// ---------------------------------------------------------------------------------------------
// Through the runner

const { gh, jobs, tempDir, fileStep: step } = await startHarness({ jobs: true })
let nextRunId = 41_000

type Pipeline = FilePipeline

function pipeline(): Pipeline {
  const dir = tempDir('rerequested-')
  return { head: sha(), dir, runId: nextRunId++ }
}


/** The check_run webhook a relay forwards (GitHub's example delivery with this check run in it). */
function forwarded(run: EmulatedCheckRun) {
  return dispatched(rerequestedPayload(claimOf(run), { repository: REPO, installationId: gh.installations()[0]!.id }))
}

const runsOn = (head: string) => gh.checkRuns(REPO).filter((r) => r.head_sha === head)
const ok = (r: RunActionResult) => expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0)

test('a re-requested build re-runs its matrix job; the re-run is a new check run of the same name with the new result', async () => {
  const p = pipeline()
  const run = jobs.addRun({ id: p.runId, headSha: p.head, jobs: [{ name: 'queue' }, { name: 'build (linux)' }, { name: 'build (windows)', conclusion: 'failure' }] })
  ok((await step(p, 'queued', { builds: 'linux,windows' }, { job: 'queue' })).result)
  ok((await step(p, 'built', { builds: 'linux', conclusion: 'success' })).result)
  ok((await step(p, 'built', { builds: 'windows', conclusion: 'failure' })).result)
  const windows = runsOn(p.head).find((r) => r.name === 'ci / windows')!
  expect(windows.conclusion).toBe('failure')

  const { result, requests } = await step(p, 'rerequested', {}, { job: 'relay', event: forwarded(windows) })
  ok(result)
  const windowsJob = run.jobs.find((j) => j.name === 'build (windows)' && j.run_attempt === 1)!
  expect(jobs.reruns).toContainEqual(expect.objectContaining({ kind: 'job', run_id: p.runId, job_id: windowsJob.id }))
  expect(requests.filter((r) => r.operationId === 'actions/list-jobs-for-workflow-run')).toHaveLength(1)
  expect(requests.filter((r) => r.operationId === 'actions/re-run-job-for-workflow-run')).toHaveLength(1)
  expect(result.summary).toContain(`Re-running job ${windowsJob.id}`)

  // The re-run job: attempt 2 reports building, then its new result.
  expect(jobs.jobsOf(p.runId).find((j) => j.name === 'build (windows)')).toMatchObject({ run_attempt: 2, status: 'queued' })
  ok((await step(p, 'building', { builds: 'windows' }, { attempt: 2 })).result)
  // GitHub keeps the failed run as it is; the re-run is a new run of the same name, shown instead.
  const rerun = runsOn(p.head).filter((r) => r.name === 'ci / windows').sort((x, y) => y.id - x.id)[0]!
  expect(rerun).toMatchObject({ status: 'in_progress' })
  expect(rerun.id).not.toBe(windows.id)
  ok((await step(p, 'built', { builds: 'windows', conclusion: 'success' }, { attempt: 2 })).result)
  const after = runsOn(p.head)
  expect(after.filter((r) => r.name === 'ci / windows').sort((x, y) => x.id - y.id)).toEqual([
    expect.objectContaining({ id: windows.id, status: 'completed', conclusion: 'failure' }),
    expect.objectContaining({ id: rerun.id, status: 'completed', conclusion: 'success' }),
  ])
  expect(after.find((r) => r.id === rerun.id)!.external_id).toMatch(/:2$/)
  const newestConclusion = after.filter((r) => r.name === 'ci / CONCLUSION').sort((a, b) => b.id - a.id)[0]!
  expect(newestConclusion).toMatchObject({ status: 'completed', conclusion: 'success' })
}, 90_000)

test('a re-requested CONCLUSION re-runs the failed jobs of the run that reported failed builds', async () => {
  const p = pipeline()
  jobs.addRun({ id: p.runId, headSha: p.head, jobs: [{ name: 'queue' }, { name: 'a' }, { name: 'b', conclusion: 'failure' }] })
  ok((await step(p, 'queued', { builds: 'a,b' }, { job: 'queue' })).result)
  ok((await step(p, 'built', { builds: 'a', conclusion: 'success' }, { job: 'a' })).result)
  ok((await step(p, 'built', { builds: 'b', conclusion: 'failure' }, { job: 'b' })).result)
  const conclusion = runsOn(p.head).find((r) => r.name === 'ci / CONCLUSION')!
  expect(conclusion).toMatchObject({ status: 'completed', conclusion: 'failure' })

  const { result, requests } = await step(p, 'rerequested', {}, { job: 'relay', event: forwarded(conclusion) })
  ok(result)
  expect(jobs.reruns.filter((r) => r.run_id === p.runId)).toEqual([expect.objectContaining({ kind: 'failed-jobs', queued: [expect.objectContaining({ name: 'b' })] })])
  expect(requests.filter((r) => r.operationId === 'actions/list-jobs-for-workflow-run')).toHaveLength(0)
}, 90_000)

test('a details-url naming the job needs no job lookup; a check run of someone else is left alone', async () => {
  const p = pipeline()
  const run = jobs.addRun({ id: p.runId, headSha: p.head, jobs: [{ name: 'Build it all', conclusion: 'failure' }] })
  const jobUrl = `http://github.localhost/${REPO}/actions/runs/${p.runId}/job/${run.jobs[0]!.id}`
  ok((await step(p, 'queued', { builds: 'all', 'details-url': jobUrl })).result)
  ok((await step(p, 'built', { builds: 'all', conclusion: 'failure', 'details-url': jobUrl })).result)
  const all = runsOn(p.head).find((r) => r.name === 'ci / all')!
  expect(all.details_url).toBe(jobUrl)

  const { result, requests } = await step(p, 'rerequested', {}, { job: 'relay', event: forwarded(all) })
  ok(result)
  expect(jobs.reruns.filter((r) => r.run_id === p.runId)).toEqual([expect.objectContaining({ kind: 'job', job_id: run.jobs[0]!.id })])
  expect(requests.filter((r) => r.operationId === 'actions/list-jobs-for-workflow-run')).toHaveLength(0)

  const before = jobs.reruns.length
  const foreign = await step(p, 'rerequested', {}, { job: 'relay', event: forwarded({ ...all, external_id: 'someone-else:1' }) })
  ok(foreign.result)
  expect(foreign.result.stdout).toContain('was not made by github-app-ci')
  expect(jobs.reruns.length).toBe(before)
  expect(foreign.requests).toHaveLength(0) // decided before any token was minted
}, 90_000)

test('a CONCLUSION that links another workflow\'s run (the scheduled reconcile made it) re-runs the runs its builds link to', async () => {
  const p = pipeline()
  jobs.addRun({ id: p.runId, headSha: p.head, jobs: [{ name: 'queue' }, { name: 'a' }, { name: 'b', conclusion: 'failure' }] })
  const reconcileRun = jobs.addRun({ name: 'reconcile', headSha: sha(), event: 'schedule', jobs: [{ name: 'reconcile' }] })
  ok((await step(p, 'queued', { builds: 'a,b' }, { job: 'queue' })).result)
  ok((await step(p, 'built', { builds: 'a', conclusion: 'success' }, { job: 'a' })).result)
  ok((await step(p, 'built', { builds: 'b', conclusion: 'failure' }, { job: 'b' })).result)
  const conclusion = runsOn(p.head).find((r) => r.name === 'ci / CONCLUSION')!
  // As when reconcile creates the CONCLUSION: its link names the reconcile's run (of the default branch).
  conclusion.details_url = `http://github.localhost/${REPO}/actions/runs/${reconcileRun.id}/attempts/1`

  const { result, requests } = await step(p, 'rerequested', {}, { job: 'relay', event: forwarded(conclusion) })
  ok(result)
  expect(jobs.reruns.filter((r) => r.run_id === p.runId)).toEqual([expect.objectContaining({ kind: 'failed-jobs' })])
  expect(jobs.reruns.filter((r) => r.run_id === reconcileRun.id)).toEqual([])
  expect(requests.filter((r) => r.operationId === 'checks/list-for-ref')).toHaveLength(1)
}, 90_000)

test('with only a client id and an installation id, the app\'s id for the ownership check comes from GET /app', async () => {
  const p = pipeline()
  const run = jobs.addRun({ id: p.runId, headSha: p.head, jobs: [{ name: 'build', conclusion: 'failure' }] })
  ok((await step(p, 'built', { builds: 'x', conclusion: 'failure' })).result)
  const x = runsOn(p.head).find((r) => r.name === 'ci / x')!
  const installation = gh.installations().find((i) => i.appId === gh.app.id)!.id
  const { result, requests } = await step(p, 'rerequested', { 'app-id': '', 'client-id': gh.app.clientId, 'installation-id': String(installation) }, { job: 'relay', event: forwarded(x) })
  ok(result)
  expect(requests.filter((r) => r.operationId === 'apps/get-authenticated')).toHaveLength(1)
  expect(jobs.reruns.filter((r) => r.run_id === p.runId)).toEqual([expect.objectContaining({ kind: 'job', job_id: run.jobs[0]!.id })])
}, 90_000)
