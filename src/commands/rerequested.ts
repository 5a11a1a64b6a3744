// command: rerequested — GitHub sends a check run's `rerequested` event only to the webhook of
// the app that created it; workflows never see it. With a relay that forwards that webhook as a
// repository_dispatch (client_payload; docs/relay.md), this re-runs the job that reported the
// build (`POST …/actions/jobs/{job_id}/rerun`), or, for the suite's CONCLUSION run, the failed
// jobs of the runs that reported failed builds (`POST …/actions/runs/{run_id}/rerun-failed-jobs`).
// The re-run job reports a new generation: a new check run of the same name (a completed one is final).
//
// Anyone who can send a repository_dispatch can forward anything, so the payload is only a
// pointer: the check run is read with the app's token, and acted on only when it is this app's
// and carries this action's external id; its suite, build and links are GitHub's copy. Every job
// and run is read back from the Actions API before a re-run, and must be of this repository,
// the check run's head commit and the workflow that reported it (for a build: its very run).
// With `webhook-secret`, the relayed body must also carry GitHub's signature (relay.ts).
// Requests: the token's, GET the check run, one listing of the state (artifact/cache stores)
// and its reads, GET the reporting run and the job (or one listing of the run's jobs), and the
// re-runs; GET /app when only a client id was given.
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { CorruptStateError, isConclusionId, mergeAll, parseServiceData, sameSuite } from '../checks/service-data.ts'
import { escapeMarkdown } from '../checks/titles.ts'
import type { ServiceData, SuiteKey } from '../checks/types.ts'
import { readRunContext } from '../context.ts'
import { errorText, UserError } from '../errors.ts'
import { githubMessage } from '../github/client.ts'
import { describeFragment, fragmentSuiteHash } from '../store/naming.ts'
import {
  buildOf,
  chooseJob,
  findSuite,
  jobProblem,
  parseExternalId,
  parseRerequest,
  runLink,
  runProblem,
  runsToRerun,
  type JobFacts,
  type ListedJob,
  type RerunScope,
  type RunFacts,
} from '../reconcile/rerequest.ts'
import { openRelay } from '../reconcile/relay.ts'
import { readCommonInputs } from './common-inputs.ts'
import { openSession, type Session } from './session.ts'

/** The check run as GitHub has it (GET …/check-runs/{id}): the only copy this command believes. */
interface GitHubCheckRun {
  id: number
  name: string
  head_sha: string
  external_id: string
  details_url?: string
  app_id?: number
}

const status = (error: unknown) => (error as { status?: unknown }).status

export async function run(): Promise<void> {
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const secret = core.getInput('webhook-secret').trim()
  if (secret) core.setSecret(secret)
  const relayed = await openRelay(readPayload(ctx.eventName, ctx.payload), secret || undefined)
  const request = parseRerequest(relayed.payload)
  const app = readAppInputs()
  if (request.action !== 'rerequested') {
    core.notice(`The forwarded check_run event is "${request.action}", not "rerequested": nothing to re-run.`)
    return
  }
  if (request.repository && request.repository.toLowerCase() !== ctx.repository.toLowerCase()) {
    throw new UserError(
      `The forwarded check run belongs to ${request.repository}, but this workflow runs in ${ctx.repository}: ` +
        'forward the event to the repository whose check run it is.',
    )
  }
  // A payload that itself says the run is someone else's is taken at its word: that can only
  // prevent a re-run, never cause one (and costs no request).
  if (request.checkRun.external_id !== undefined && !parseExternalId(request.checkRun.external_id)) {
    core.notice(`Check run ${request.checkRun.id} ("${request.checkRun.name ?? ''}") was not made by github-app-ci (no external_id of ours): nothing to re-run.`)
    return
  }
  // Unless permission-* inputs say otherwise: read the check run (checks: read) and re-run jobs
  // (actions: write, which also reads jobs, runs and the artifact and cache stores). Not
  // revoked, like every check command (session.ts).
  const session = await openSession({
    ctx,
    inputs: common,
    app: app.permissions ? app : { ...app, permissions: { actions: 'write', checks: 'read' } },
  })
  const cr = await readCheckRun(session, request.checkRun.id)
  const appId = await ourAppId(session)
  if (cr.app_id !== appId) {
    core.notice(`Check run ${cr.id} ("${cr.name}") belongs to ${cr.app_id === undefined ? 'no app' : `app ${cr.app_id}`}, not to this app (${appId}): nothing to re-run.`)
    return
  }
  const parsed = parseExternalId(cr.external_id)
  if (!parsed) {
    core.notice(`Check run ${cr.id} ("${cr.name}") was not made by github-app-ci (no external_id of ours): nothing to re-run.`)
    return
  }
  const p = request.checkRun
  if ((p.head_sha !== undefined && p.head_sha !== cr.head_sha) || (p.external_id !== undefined && p.external_id !== cr.external_id) ||
    (p.details_url !== undefined && p.details_url !== cr.details_url) || (p.name && p.name !== cr.name)) {
    core.warning(`The forwarded payload describes check run ${cr.id} otherwise than GitHub does: going by GitHub's copy.`)
  }
  const suiteInput = core.getInput('suite').trim()
  const key = findSuite(ctx.repository, cr.head_sha, cr.name, parsed, suiteInput ? [suiteInput] : [])
  const data = key ? await readState(session, key) : undefined
  const lines = isConclusionId(parsed)
    ? await rerunFailed(session, cr, parsed.suite_hash, data)
    : await rerunBuild(session, cr, parsed.build_key, data)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(`### Re-requested: ${escapeMarkdown(cr.name)}\n\n${lines.join('\n')}\n`).write().catch(() => undefined)
  }
}

async function readCheckRun(session: Session, id: number): Promise<GitHubCheckRun> {
  const { ctx, github } = session
  try {
    const { data } = await github.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: ctx.owner, repo: ctx.repo, check_run_id: id })
    const out: GitHubCheckRun = { id: Number(data.id), name: data.name, head_sha: data.head_sha.toLowerCase(), external_id: data.external_id ?? '' }
    if (data.details_url) out.details_url = data.details_url
    if (data.app?.id !== undefined) out.app_id = data.app.id
    return out
  } catch (error) {
    if (status(error) === 404) {
      throw new UserError(`${ctx.repository} has no check run ${id} (the forwarded payload names it): nothing re-run.`)
    }
    throw new UserError(`Could not read check run ${id}: ${githubMessage(error)} (the token needs checks: read).`)
  }
}

/** This app's id: known from the inputs or the installation, else from GET /app (app JWT). */
async function ourAppId(session: Session): Promise<number> {
  if (session.auth.appId !== undefined) return session.auth.appId
  try {
    return (await session.auth.appClient.request('GET /app')).data!.id
  } catch (error) {
    throw new UserError(`Could not read this app's id (GET /app): ${githubMessage(error)}; give app-id.`)
  }
}

async function getRun(session: Session, runId: number): Promise<RunFacts | undefined> {
  const { ctx, github } = session
  try {
    const { data } = await github.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', { owner: ctx.owner, repo: ctx.repo, run_id: runId })
    return { id: Number(data.id), repository: data.repository.full_name, head_sha: data.head_sha, workflow_id: data.workflow_id, path: data.path }
  } catch (error) {
    if (status(error) === 404) return undefined
    throw new UserError(`Could not read workflow run ${runId}: ${githubMessage(error)} (the token needs actions: read).`)
  }
}

async function getJob(session: Session, jobId: number): Promise<JobFacts | undefined> {
  const { ctx, github } = session
  try {
    const { data } = await github.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}', { owner: ctx.owner, repo: ctx.repo, job_id: jobId })
    return { id: Number(data.id), run_id: Number(data.run_id), head_sha: data.head_sha, name: data.name }
  } catch (error) {
    if (status(error) === 404) return undefined
    throw new UserError(`Could not read job ${jobId}: ${githubMessage(error)} (the token needs actions: read).`)
  }
}

function readPayload(eventName: string, event: Record<string, unknown>): unknown {
  const text = core.getInput('payload').trim()
  if (text) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new UserError('payload is not valid JSON: pass it as payload: ${{ toJson(github.event.client_payload) }}.')
    }
  }
  if (eventName === 'repository_dispatch' && event.client_payload !== undefined) return event.client_payload
  if (eventName === 'check_run') return event
  throw new UserError(
    'rerequested needs the forwarded check_run webhook payload: run it on repository_dispatch (the relay puts the ' +
      'payload in client_payload) or give payload: ${{ toJson(github.event.client_payload) }}.',
  )
}

/** The suite's state across runs (every store keeps fragments under the suite's hash). */
async function readState(session: Session, key: SuiteKey): Promise<ServiceData | undefined> {
  try {
    const hash = fragmentSuiteHash(key)
    const refs = (await session.store.listAllFragments()).filter((r) => r.suite_hash === hash)
    const documents: ServiceData[] = []
    for (const ref of refs) {
      try {
        // Only fragments the app's key holder wrote say which job to re-run.
        const opened = session.fragmentAuth.open(key, (await session.store.readFragment(ref)).text)
        if ('problem' in opened) {
          core.warning(`State fragment ${describeFragment(session.store.description, ref)} was set aside, not read: ${opened.problem}.`)
          continue
        }
        const data = parseServiceData(opened.body)
        if (sameSuite(data, key)) documents.push(data)
      } catch (error) {
        if (!(error instanceof CorruptStateError)) throw error
      }
    }
    return documents.length > 0 ? mergeAll(key, documents) : undefined
  } catch (error) {
    core.warning(`The state could not be read (${errorText(error)}): going by the check run's details link.`)
    return undefined
  }
}

const HELP_DETAILS_URL =
  'Set details-url on the transitions to the job\'s page: ' +
  '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/job/${{ job.check_run_id }}.'

async function rerunBuild(session: Session, cr: GitHubCheckRun, key: string, data: ServiceData | undefined): Promise<string[]> {
  const { ctx, github } = session
  const build = data ? buildOf(data, key) : undefined
  const record = build !== undefined ? data!.check_runs[build] : undefined
  const link = (url: string | undefined) => runLink(url, ctx.serverUrl, ctx.repository)
  // The run that reported the build: the one the check run's own link names, else (a
  // details-url elsewhere) the one the state records.
  const own = link(cr.details_url)
  const reportedBy = own?.run_id ?? record?.reporter?.run_id
  if (reportedBy === undefined) {
    throw new UserError(`Cannot tell which job reported check run ${cr.id} ("${cr.name}"): the state has no record of it and its details link does not name a job. ${HELP_DETAILS_URL}`)
  }
  const source = own ? 'its details link' : 'the stored state'
  const run = await getRun(session, reportedBy)
  if (!run) throw new UserError(`${ctx.repository} has no workflow run ${reportedBy} (named by ${source} of check run ${cr.id}): nothing re-run.`)
  const scope: RerunScope = { repository: ctx.repository, head_sha: cr.head_sha, workflow_ids: new Set([run.workflow_id]), run_id: run.id }
  const problem = runProblem(run, scope)
  if (problem) throw new UserError(`Not re-running anything for check run ${cr.id} ("${cr.name}"): ${problem} (named by ${source}).`)

  // The job: named by the check run's own link, else by the state's links; each read back.
  const candidates = new Map<number, string>()
  if (own?.job_id !== undefined) candidates.set(own.job_id, "the check run's details link")
  for (const [url, from] of [[record?.reporter?.job_url, "the state's job link"], [record?.details_url, "the state's details link"]] as const) {
    const id = link(url)?.job_id
    if (id !== undefined && !candidates.has(id)) candidates.set(id, from)
  }
  let jobId: number | undefined
  for (const [id, from] of candidates) {
    const job = await getJob(session, id)
    const why = job ? jobProblem(job, run, scope) : `${ctx.repository} has no job ${id}`
    if (!why) {
      jobId = id
      break
    }
    core.warning(`Set aside job ${id} (from ${from}) for check run ${cr.id} ("${cr.name}"): ${why}.`)
  }
  if (jobId === undefined) {
    const jobKey = record?.reporter?.job
    if (jobKey === undefined) {
      throw new UserError(`Cannot tell which job of workflow run ${run.id} reported check run ${cr.id} ("${cr.name}"): the state has no record of it. ${HELP_DETAILS_URL}`)
    }
    const jobs = await listJobs(session, run.id)
    const job = chooseJob(jobs, jobKey, build ?? key, cr.name)
    if (!job) {
      throw new UserError(
        `Cannot tell which job of workflow run ${run.id} reported build "${build ?? key}" (job key "${jobKey}"; jobs: ` +
          `${jobs.map((j) => `"${j.name}"`).slice(0, 20).join(', ') || 'none'}). ${HELP_DETAILS_URL}`,
      )
    }
    const why = jobProblem({ id: job.id, name: job.name, run_id: job.run_id ?? run.id, head_sha: job.head_sha ?? run.head_sha }, run, scope)
    if (why) throw new UserError(`Not re-running job ${job.id} for check run ${cr.id}: ${why}.`)
    jobId = job.id
  }
  try {
    await github.request('POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun', { owner: ctx.owner, repo: ctx.repo, job_id: jobId })
  } catch (error) {
    throw new UserError(`GitHub refused to re-run job ${jobId} for check run "${cr.name}": ${githubMessage(error)} (the token needs actions: write).`)
  }
  const line = `Re-running job ${jobId} (build "${build ?? key}"): its transitions update check run ${cr.id} in a new generation.`
  core.info(line)
  core.setOutput('check-runs', JSON.stringify({ [build ?? key]: { id: cr.id, url: null, state: record?.state ?? null, synced: record?.state_synced ?? true } }))
  return [escapeMarkdown(line)]
}

async function listJobs(session: Session, runId: number): Promise<ListedJob[]> {
  const { ctx, github } = session
  try {
    const jobs = await github.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
      owner: ctx.owner,
      repo: ctx.repo,
      run_id: runId,
      filter: 'latest',
      per_page: 100,
    })
    return jobs.map((j) => ({ id: j.id, name: j.name, run_attempt: j.run_attempt, run_id: j.run_id, head_sha: j.head_sha }))
  } catch (error) {
    throw new UserError(`Could not list the jobs of workflow run ${runId}: ${githubMessage(error)} (the token needs actions: read).`)
  }
}

/**
 * The workflows whose runs a CONCLUSION may re-run: that of the run its own link names, and
 * those of the runs the suite's build check runs (GitHub's copies) link to, each of this
 * repository and commit. The builds are listed only when the first does not settle it (e.g. a
 * CONCLUSION that the scheduled reconcile created links to the reconcile's run).
 */
class ConclusionScope {
  readonly scope: RerunScope
  private listed = false
  readonly runs = new Map<number, RunFacts | undefined>()
  private readonly session: Session
  private readonly cr: GitHubCheckRun
  private readonly suiteHashOf: string

  constructor(session: Session, cr: GitHubCheckRun, suiteHashOf: string) {
    this.session = session
    this.cr = cr
    this.suiteHashOf = suiteHashOf
    this.scope = { repository: session.ctx.repository, head_sha: cr.head_sha, workflow_ids: new Set<number>() }
  }

  async run(id: number): Promise<RunFacts | undefined> {
    if (!this.runs.has(id)) this.runs.set(id, await getRun(this.session, id))
    return this.runs.get(id)
  }

  /** Adds the workflow of the run `url` names, when that run is of this repository and commit. */
  async addLinked(url: string | undefined): Promise<RunFacts | undefined> {
    const link = runLink(url, this.session.ctx.serverUrl, this.session.ctx.repository)
    const run = link ? await this.run(link.run_id) : undefined
    if (!run || runProblem(run, { ...this.scope, workflow_ids: new Set([run.workflow_id]) })) return undefined
    ;(this.scope.workflow_ids as Set<number>).add(run.workflow_id)
    return run
  }

  /** Why `run` may not be re-run; the builds' links are read once when its workflow is not yet known. */
  async problem(run: RunFacts): Promise<string | undefined> {
    const first = runProblem(run, this.scope)
    // Only an unknown workflow can be settled by the builds' links.
    const otherwise = runProblem(run, { ...this.scope, workflow_ids: new Set([run.workflow_id]) })
    if (!first || otherwise || this.listed) return first
    this.listed = true
    const { ctx, github } = this.session
    const runs = await github.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner: ctx.owner, repo: ctx.repo, ref: this.cr.head_sha, filter: 'all', per_page: 100,
      ...(this.cr.app_id !== undefined ? { app_id: this.cr.app_id } : {}),
    })
    const links = new Set<string>()
    for (const r of runs) {
      const parsed = parseExternalId(r.external_id)
      if (r.app?.id !== this.cr.app_id || !parsed || parsed.suite_hash !== this.suiteHashOf || isConclusionId(parsed)) continue
      if (r.details_url) links.add(r.details_url)
    }
    for (const url of links) await this.addLinked(url)
    return runProblem(run, this.scope)
  }
}

async function rerunFailed(session: Session, cr: GitHubCheckRun, suiteHashOf: string, data: ServiceData | undefined): Promise<string[]> {
  const { ctx, github } = session
  const scope = new ConclusionScope(session, cr, suiteHashOf)
  const own = await scope.addLinked(cr.details_url)
  const runs = data ? runsToRerun(data, session.inputs.warningAs) : own ? [own.id] : []
  if (runs.length === 0) {
    const line = `The suite of "${cr.name}" has no failed or unfinished build: nothing to re-run.`
    core.notice(line)
    return [escapeMarkdown(line)]
  }
  const lines: string[] = []
  const refused: string[] = []
  const failures: string[] = []
  for (const runId of runs) {
    const run = await scope.run(runId)
    const why = run ? await scope.problem(run) : `${ctx.repository} has no workflow run ${runId}`
    if (why) {
      refused.push(why)
      core.warning(`Not re-running workflow run ${runId} for check run ${cr.id} ("${cr.name}"): ${why}.`)
      continue
    }
    try {
      await github.request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', { owner: ctx.owner, repo: ctx.repo, run_id: runId })
      lines.push(`Re-running the failed jobs of workflow run ${runId}.`)
    } catch (error) {
      failures.push(`workflow run ${runId}: ${githubMessage(error)}`)
    }
  }
  for (const l of lines) core.info(l)
  if (failures.length > 0) {
    throw new UserError(`GitHub refused to re-run failed jobs (the token needs actions: write): ${failures.join('; ')}.`)
  }
  if (lines.length === 0) {
    throw new UserError(`Re-ran nothing for check run ${cr.id} ("${cr.name}"): ${refused.join('; ')}.`)
  }
  return lines.map(escapeMarkdown)
}
