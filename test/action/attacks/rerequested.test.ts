// Attacks on `command: rerequested`: anyone who can send the repository a repository_dispatch
// (or whose fragment reaches the state) chooses the payload it reads. One row per attack, each
// through the real dist/ against the GitHub emulator with its workflow runs and jobs
// (test/emulator/github-actions-jobs.ts), asserting what GitHub received: no re-run of a job or
// run outside the check run's own suite (repository, head commit, reporting workflow and run).
import { bodyOf, sealWith } from '../../sealed.ts'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createAppAuth } from '@octokit/auth-app'
import { getOctokit } from '@actions/github'
import { request } from '@octokit/request'
import { expect, test } from 'vitest'
import type { EmulatedWorkflowRun } from '../../emulator/github-actions-jobs.ts'
import { type EmulatedCheckRun, type GitHubEmulator, type RecordedRequest } from '../../emulator/github/index.ts'
import type { RunActionResult } from '../../runner.ts'
import { claimOf, dispatched, envelope, rerequestedPayload, type CheckRunClaim } from '../../webhook-payloads.ts'
import { startHarness } from '../harness.ts'

const REPO = 'octo-org/repo-a'
const SERVER = 'http://github.localhost'
const sha = () => randomBytes(20).toString('hex')

const webhookSecret = `whsec-${randomBytes(12).toString('hex')}`
const { gh, jobs, tempDir, fileStep: step } = await startHarness({ jobs: true, secrets: () => [webhookSecret] })
let nextRunId = 52_000

const jobUrl = (run: EmulatedWorkflowRun, jobId: number) => `${SERVER}/${run.repository}/actions/runs/${run.id}/job/${jobId}`
const runUrl = (run: EmulatedWorkflowRun) => `${SERVER}/${run.repository}/actions/runs/${run.id}`
const installationId = () => gh.installations().find((i) => i.appId === gh.app.id && i.account === 'octo-org')!.id

interface Scene {
  head: string
  dir: string
  ci: EmulatedWorkflowRun
  /** A release workflow on the same commit: its publish job must never be re-run from here. */
  release: EmulatedWorkflowRun
  publishJob: number
  /** A deploy workflow on the same commit with a failed job. */
  deploy: EmulatedWorkflowRun
  /** A run of the same ci workflow on another commit, with a failed job. */
  otherCommit: EmulatedWorkflowRun
  windows: EmulatedCheckRun
  windowsJob: number
  conclusion: EmulatedCheckRun
}


const ok = (r: RunActionResult) => expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0)

/** A ci run (matrix linux, windows; windows failed) reported as check runs, beside release and deploy runs of the same commit. */
async function scene(): Promise<Scene> {
  const head = sha()
  const dir = tempDir('attack-rerequested-')
  const ci = jobs.addRun({ id: nextRunId++, headSha: head, jobs: [{ name: 'queue' }, { name: 'build (linux)' }, { name: 'build (windows)', conclusion: 'failure' }] })
  const release = jobs.addRun({ name: 'release', headSha: head, event: 'release', jobs: [{ name: 'publish' }] })
  const deploy = jobs.addRun({ name: 'deploy', headSha: head, jobs: [{ name: 'deploy-prod', conclusion: 'failure' }] })
  const otherCommit = jobs.addRun({ headSha: sha(), jobs: [{ name: 'build (windows)', conclusion: 'failure' }] })
  const s = { head, dir, runId: ci.id }
  ok((await step(s, 'queued', { builds: 'linux,windows' }, { job: 'queue' })).result)
  ok((await step(s, 'built', { builds: 'linux', conclusion: 'success' })).result)
  ok((await step(s, 'built', { builds: 'windows', conclusion: 'failure' })).result)
  const runs = gh.checkRuns(REPO).filter((r) => r.head_sha === head)
  return {
    head, dir, ci, release, deploy, otherCommit,
    publishJob: release.jobs[0]!.id,
    windows: runs.find((r) => r.name === 'ci / windows')!,
    windowsJob: ci.jobs.find((j) => j.name === 'build (windows)')!.id,
    conclusion: runs.find((r) => r.name === 'ci / CONCLUSION')!,
  }
}

/** Sends `claim` as the relay would (the webhook payload as client_payload) and runs rerequested. */
async function rerequest(s: Scene, claim: CheckRunClaim | object, inputs: Record<string, string> = {}) {
  const clientPayload = 'app_id' in claim ? rerequestedPayload(claim as CheckRunClaim, { repository: REPO, installationId: installationId() }) : claim
  return step({ head: s.head, dir: s.dir, runId: 99_999 }, 'rerequested', inputs, { job: 'relay', event: dispatched(clientPayload) })
}

/** The re-runs GitHub was asked for. */
const reruns = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.method === 'POST' && /\/actions\/(jobs\/\d+\/rerun|runs\/\d+\/rerun-failed-jobs)$/.test(r.path)).map((r) => r.path.replace(/^.*\/actions\//, ''))

/**
 * Rewrites every state fragment of the scene's store and seals it again with the app's key: the
 * worst case, a state the fragment tags cannot tell from a genuine one (an unsealed edit is set
 * aside anyway: test/action/attacks/forged-state.test.ts), so rerequested's own checks must hold.
 */
function poison(s: Scene, edit: (data: any) => void) {
  let n = 0
  for (const f of fs.readdirSync(s.dir).filter((f) => f.endsWith('.json'))) {
    const file = path.join(s.dir, f)
    const data = JSON.parse(bodyOf(fs.readFileSync(file, 'utf8')))
    edit(data)
    fs.writeFileSync(file, sealWith(gh.app.privateKeyPkcs1, { repository: data.repository, head_sha: data.head_sha, suite: data.suite }, JSON.stringify(data)))
    n++
  }
  expect(n).toBeGreaterThan(0)
}

async function appOctokit(app: GitHubEmulator['app']) {
  const installation = gh.installations().find((i) => i.appId === app.id)!
  const auth = createAppAuth({ appId: app.id, privateKey: app.privateKeyPkcs8, request: request.defaults({ baseUrl: gh.url }) })
  const { token } = (await auth({ type: 'installation', installationId: installation.id })) as { token: string }
  return getOctokit(token, { baseUrl: gh.url })
}

test('a forged check-run id of another app\'s run (claiming this app) re-runs nothing', async () => {
  const s = await scene()
  const other = gh.addApp({ slug: 'intruder-ci' })
  gh.install(other, 'octo-org')
  const octokit = await appOctokit(other)
  // The other app copies our external id and name, and links the release workflow's publish job.
  const { data: foreign } = await octokit.rest.checks.create({
    owner: 'octo-org', repo: 'repo-a', name: s.windows.name, head_sha: s.head, external_id: s.windows.external_id!,
    details_url: jobUrl(s.release, s.publishJob), status: 'completed', conclusion: 'failure',
  })
  const { result, requests } = await rerequest(s, { ...claimOf(s.windows), id: foreign.id, details_url: jobUrl(s.release, s.publishJob), app_id: gh.app.id })
  expect(reruns(requests)).toEqual([])
  ok(result)
  expect(result.stdout).toContain(`belongs to app ${other.id}, not to this app`)
  expect(requests.map((r) => r.operationId)).toContain('checks/get')
}, 90_000)

test('a forged pointer to this app\'s check run in another repository re-runs nothing', async () => {
  const s = await scene()
  const octokit = await appOctokit(gh.app)
  // A genuine-looking check run of this app, in octo-org/repo-b, with this suite's external id.
  const { data: elsewhere } = await octokit.rest.checks.create({
    owner: 'octo-org', repo: 'repo-b', name: s.windows.name, head_sha: s.head, external_id: s.windows.external_id!,
    details_url: jobUrl(s.release, s.publishJob), status: 'completed', conclusion: 'failure',
  })
  const { result, requests } = await rerequest(s, { ...claimOf(s.windows), id: elsewhere.id, details_url: jobUrl(s.release, s.publishJob) })
  expect(reruns(requests)).toEqual([])
  expect(result.exitCode).not.toBe(0)
  expect(result.errors.join('\n')).toContain(`${REPO} has no check run ${elsewhere.id}`)
}, 90_000)

test('a forged external id on this app\'s own non-CI check run re-runs nothing', async () => {
  const s = await scene()
  const octokit = await appOctokit(gh.app)
  // A check run the app made outside this action (e.g. a `token` step's script), linking the deploy job.
  const { data: mine } = await octokit.rest.checks.create({
    owner: 'octo-org', repo: 'repo-a', name: 'ci / windows', head_sha: s.head, external_id: 'deploy-approval-7',
    details_url: jobUrl(s.deploy, s.deploy.jobs[0]!.id), status: 'completed', conclusion: 'failure',
  })
  const claim = { ...claimOf(s.windows), id: mine.id, details_url: jobUrl(s.deploy, s.deploy.jobs[0]!.id) }
  const { result, requests } = await rerequest(s, claim)
  expect(reruns(requests)).toEqual([])
  ok(result)
  expect(result.stdout).toContain('was not made by github-app-ci')
}, 90_000)

test('a forged details link to a release workflow\'s publish job re-runs the check run\'s own job only', async () => {
  const s = await scene()
  const { result, requests } = await rerequest(s, { ...claimOf(s.windows), details_url: jobUrl(s.release, s.publishJob) })
  ok(result)
  expect(reruns(requests)).toEqual([`jobs/${s.windowsJob}/rerun`])
  expect(result.warnings.join('\n')).toContain("otherwise than GitHub does: going by GitHub's copy")
  expect(jobs.run(s.release.id)!.run_attempt).toBe(1)
}, 90_000)

test('a forged details link (and name) on the CONCLUSION re-runs the failed jobs of the suite\'s own run, never a deploy run\'s', async () => {
  const s = await scene()
  const { result, requests } = await rerequest(s, { ...claimOf(s.conclusion), name: 'deploy', details_url: runUrl(s.deploy) })
  ok(result)
  expect(reruns(requests)).toEqual([`runs/${s.ci.id}/rerun-failed-jobs`])
  expect(jobs.run(s.deploy.id)!.run_attempt).toBe(1)
}, 90_000)

test('a genuine re-request with a poisoned state (reporter.job_url = the publish job) re-runs the build\'s own job', async () => {
  const s = await scene()
  poison(s, (data) => {
    for (const r of Object.values<any>(data.check_runs ?? {})) if (r.reporter) r.reporter.job_url = jobUrl(s.release, s.publishJob)
  })
  const { result, requests } = await rerequest(s, claimOf(s.windows))
  ok(result)
  expect(reruns(requests)).toEqual([`jobs/${s.windowsJob}/rerun`])
  expect(requests.some((r) => r.method === 'POST' && r.path.endsWith(`/jobs/${s.publishJob}/rerun`))).toBe(false)
  expect(jobs.run(s.release.id)!.run_attempt).toBe(1)
  expect(result.warnings.join('\n')).toContain(`Set aside job ${s.publishJob} (from the state's job link)`)
}, 90_000)

test('a poisoned state naming a job of the same workflow on another commit re-runs the build\'s own job', async () => {
  const s = await scene()
  const foreignJob = s.otherCommit.jobs[0]!.id
  poison(s, (data) => {
    for (const r of Object.values<any>(data.check_runs ?? {})) if (r.reporter) r.reporter.job_url = jobUrl(s.otherCommit, foreignJob)
  })
  const { result, requests } = await rerequest(s, claimOf(s.windows))
  ok(result)
  expect(reruns(requests)).toEqual([`jobs/${s.windowsJob}/rerun`])
  expect(jobs.run(s.otherCommit.id)!.run_attempt).toBe(1)
}, 90_000)

test('a poisoned state naming runs of another workflow and another commit for a CONCLUSION re-runs none of them', async () => {
  const s = await scene()
  poison(s, (data) => {
    const windows = data.check_runs?.windows
    if (!windows?.reporter) return
    windows.reporter.run_id = s.deploy.id
    data.check_runs.arm = { ...windows, name: 'ci / arm', reporter: { ...windows.reporter, run_id: s.otherCommit.id } }
  })
  const { result, requests } = await rerequest(s, claimOf(s.conclusion))
  expect(reruns(requests)).toEqual([])
  expect(result.exitCode).not.toBe(0)
  const said = result.warnings.join('\n')
  expect(said).toContain(`Not re-running workflow run ${s.deploy.id}`)
  expect(said).toContain('another workflow')
  expect(said).toContain(`Not re-running workflow run ${s.otherCommit.id}`)
  expect(jobs.run(s.deploy.id)!.run_attempt).toBe(1)
  expect(jobs.run(s.otherCommit.id)!.run_attempt).toBe(1)
}, 90_000)

test('with webhook-secret set, an unsigned payload is refused before any request', async () => {
  const s = await scene()
  const { result, requests } = await rerequest(s, { ...claimOf(s.windows), details_url: jobUrl(s.release, s.publishJob) }, { 'webhook-secret': webhookSecret })
  expect(requests).toEqual([])
  expect(result.exitCode).not.toBe(0)
  expect(result.errors.join('\n')).toContain('not a signed relay envelope')
  expect(requests).toEqual([])
  const missing = await rerequest(s, { body: JSON.stringify(rerequestedPayload(claimOf(s.windows), { repository: REPO, installationId: installationId() })) }, { 'webhook-secret': webhookSecret })
  expect(missing.result.exitCode).not.toBe(0)
  expect(missing.result.errors.join('\n')).toContain('carries no signature')
  expect(missing.requests).toEqual([])
}, 90_000)

test('with webhook-secret set, a wrong secret or a tampered body is refused; the genuine signed delivery re-runs the job', async () => {
  const s = await scene()
  const genuine = JSON.stringify(rerequestedPayload(claimOf(s.windows), { repository: REPO, installationId: installationId() }))
  const inputs = { 'webhook-secret': webhookSecret }
  const wrongSecret = await rerequest(s, await envelope(genuine, 'not-the-secret'), inputs)
  const tampered = await rerequest(s, { ...(await envelope(genuine, webhookSecret)), body: genuine.replace(String(s.windows.id), String(s.conclusion.id)) }, inputs)
  const truncated = await rerequest(s, { ...(await envelope(genuine, webhookSecret)), signature: (await envelope(genuine, webhookSecret)).signature.slice(0, -1) }, inputs)
  for (const { result, requests } of [wrongSecret, tampered, truncated]) {
    expect(result.exitCode).not.toBe(0)
    expect(result.errors.join('\n')).toContain('does not match its X-Hub-Signature-256')
    expect(requests).toEqual([])
  }
  const { result, requests } = await rerequest(s, await envelope(genuine, webhookSecret), inputs)
  ok(result)
  expect(reruns(requests)).toEqual([`jobs/${s.windowsJob}/rerun`])
}, 90_000)
