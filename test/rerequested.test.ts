// command: rerequested (a relay forwards the check_run webhook as repository_dispatch), from the
// real dist/ against the GitHub emulator with its workflow jobs (test/emulator/github-actions-jobs.ts);
// and the pure parts (src/reconcile/rerequest.ts).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { externalId, suiteHash } from '../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData } from '../src/checks/types.ts'
import { CONCLUSION_BUILD } from '../src/commands/session.ts'
import { chooseJob, findSuite, jobIdFromUrl, parseExternalId, parseRerequest, runFromUrl, runsToRerun } from '../src/reconcile/rerequest.ts'
import { UserError } from '../src/errors.ts'
import { mountActionsJobs, type ActionsJobs } from './emulator/github-actions-jobs.ts'
import { startGitHubEmulator, type EmulatedCheckRun, type GitHubEmulator } from './emulator/github/index.ts'
import { runAction, type RunActionResult } from './runner.ts'

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

  test('job and run ids from links', () => {
    expect(jobIdFromUrl('https://github.com/o/r/actions/runs/12/job/345')).toBe(345)
    expect(jobIdFromUrl('https://github.com/o/r/actions/runs/12/job/345?pr=1')).toBe(345)
    expect(jobIdFromUrl('https://github.com/o/r/actions/runs/12/attempts/2')).toBeUndefined()
    expect(jobIdFromUrl(undefined)).toBeUndefined()
    expect(runFromUrl('https://github.com/o/r/actions/runs/12/attempts/2')).toEqual({ run_id: 12, attempt: 2 })
    expect(runFromUrl('https://github.com/o/r/actions/runs/12/job/345')).toEqual({ run_id: 12 })
    expect(runFromUrl('https://example.com/build/7')).toBeUndefined()
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

let gh: GitHubEmulator
let jobs: ActionsJobs
const dirs: string[] = []
const results: RunActionResult[] = []
let nextRunId = 41_000

beforeAll(async () => {
  gh = await startGitHubEmulator()
  gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
  jobs = mountActionsJobs(gh)
})
afterEach(() => {
  expect(gh.violations).toEqual([])
  gh.faults.clear()
})
afterAll(async () => {
  const secrets = gh.issuedSecrets()
  for (const r of results) {
    const text = `${r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')}\n${r.stderr}${JSON.stringify(r.outputs)}`
    for (const s of secrets) expect(text.includes(s), 'a secret reached the log').toBe(false)
  }
  await gh?.close()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

interface Pipeline {
  head: string
  dir: string
  runId: number
}

function pipeline(): Pipeline {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rerequested-'))
  dirs.push(dir)
  return { head: sha(), dir, runId: nextRunId++ }
}

async function step(p: Pipeline, command: string, inputs: Record<string, string>, o: { job?: string; attempt?: number; event?: { name: string; payload: object } } = {}) {
  const before = gh.requests.length
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: `file:${p.dir}`, ...inputs },
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
      GITHUB_SHA: p.head,
      GITHUB_RUN_ID: String(p.runId),
      GITHUB_RUN_ATTEMPT: String(o.attempt ?? 1),
      GITHUB_JOB: o.job ?? 'build',
    },
    event: o.event,
    timeoutMs: 60_000,
  })
  results.push(result)
  return { result, requests: gh.requests.slice(before) }
}

/** The check_run webhook a relay forwards, as GitHub sends it to the app (the fields we read, and more). */
function forwarded(run: EmulatedCheckRun) {
  const payload = {
    action: 'rerequested',
    check_run: {
      id: run.id, node_id: run.node_id, name: run.name, head_sha: run.head_sha, external_id: run.external_id,
      status: run.status, conclusion: run.conclusion, details_url: run.details_url, app: { id: run.app_id, slug: 'ci-app' },
      check_suite: { id: 1, head_sha: run.head_sha },
    },
    repository: { full_name: REPO, name: 'repo-a', owner: { login: 'octo-org' } },
    installation: { id: gh.installations()[0]!.id },
  }
  return { name: 'repository_dispatch', payload: { action: 'check_run_rerequested', client_payload: payload, repository: payload.repository } }
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
