// command: rerequested — GitHub sends a check run's `rerequested` event only to the webhook of
// the app that created it; workflows never see it. With a relay that forwards that webhook as a
// repository_dispatch (client_payload), this re-runs the job that reported the build
// (`POST …/actions/jobs/{job_id}/rerun`), or, for the suite's CONCLUSION run, the failed jobs
// of the runs that reported failed builds (`POST …/actions/runs/{run_id}/rerun-failed-jobs`).
// The re-run job reports a new generation and updates the same check run.
// Requests: the token's, one listing of the state (artifact/cache stores) and one read, one
// listing of the run's jobs unless the check run's details_url names the job, and the re-runs.
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { buildKey, CorruptStateError, mergeAll, parseServiceData, sameSuite } from '../checks/service-data.ts'
import { escapeMarkdown } from '../checks/titles.ts'
import type { ServiceData, SuiteKey } from '../checks/types.ts'
import { readRunContext } from '../context.ts'
import { UserError } from '../errors.ts'
import { githubMessage } from '../github/client.ts'
import { describeFragment, suiteHash as storeSuiteHash } from '../store/naming.ts'
import {
  buildOf,
  chooseJob,
  findSuite,
  jobIdFromUrl,
  parseExternalId,
  parseRerequest,
  runFromUrl,
  runsToRerun,
  type ListedJob,
  type Rerequest,
} from '../reconcile/rerequest.ts'
import { CONCLUSION_BUILD, openSession, readCommonInputs, type Session } from './session.ts'

export async function run(): Promise<void> {
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const request = parseRerequest(readPayload(ctx.eventName, ctx.payload))
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
  const parsed = parseExternalId(request.checkRun.external_id)
  if (!parsed) {
    core.notice(`Check run ${request.checkRun.id} ("${request.checkRun.name}") was not made by github-app-ci (no external_id of ours): nothing to re-run.`)
    return
  }
  // Unless permission-* inputs say otherwise: re-run jobs (actions: write, which also lists jobs
  // and reads the artifact and cache stores). Not revoked, like every check command (session.ts).
  const session = await openSession({ ctx, inputs: common, app: app.permissions ? app : { ...app, permissions: { actions: 'write' } } })
  if (request.checkRun.app_id !== undefined && session.auth.appId !== undefined && request.checkRun.app_id !== session.auth.appId) {
    core.notice(`Check run ${request.checkRun.id} belongs to app ${request.checkRun.app_id}, not to this app (${session.auth.appId}): nothing to re-run.`)
    return
  }
  const suiteInput = core.getInput('suite').trim()
  const key = findSuite(ctx.repository, request.checkRun.head_sha, request.checkRun.name, parsed, suiteInput ? [suiteInput] : [])
  const data = key ? await readState(session, key) : undefined
  const lines = parsed.build_key === buildKey(CONCLUSION_BUILD)
    ? await rerunFailed(session, request, data)
    : await rerunBuild(session, request, parsed.build_key, data)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(`### Re-requested: ${escapeMarkdown(request.checkRun.name)}\n\n${lines.join('\n')}\n`).write().catch(() => undefined)
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
    const hash = storeSuiteHash(key)
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
    core.warning(`The state could not be read (${error instanceof Error ? error.message : String(error)}): going by the check run's details link.`)
    return undefined
  }
}

async function rerunBuild(session: Session, request: Rerequest, key: string, data: ServiceData | undefined): Promise<string[]> {
  const { ctx, github } = session
  const cr = request.checkRun
  const build = data ? buildOf(data, key) : undefined
  const record = build !== undefined ? data!.check_runs[build] : undefined
  // The job's own page names its id: no lookup needed.
  let jobId = jobIdFromUrl(cr.details_url) ?? jobIdFromUrl(record?.reporter?.job_url) ?? jobIdFromUrl(record?.details_url)
  if (jobId === undefined) {
    const runId = record?.reporter?.run_id ?? runFromUrl(cr.details_url)?.run_id
    const jobKey = record?.reporter?.job
    if (runId === undefined || jobKey === undefined) {
      throw new UserError(
        `Cannot tell which job reported check run ${cr.id} ("${cr.name}"): the state has no record of it and its details link ` +
          'does not name a job. Set details-url on the transitions to the job\'s page: ' +
          '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/job/${{ job.check_run_id }}.',
      )
    }
    const jobs = await listJobs(session, runId)
    const job = chooseJob(jobs, jobKey, build ?? key, cr.name)
    if (!job) {
      throw new UserError(
        `Cannot tell which job of workflow run ${runId} reported build "${build ?? key}" (job key "${jobKey}"; jobs: ` +
          `${jobs.map((j) => `"${j.name}"`).slice(0, 20).join(', ') || 'none'}). Set details-url on the transitions to the job's page: ` +
          '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/job/${{ job.check_run_id }}.',
      )
    }
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
    return jobs.map((j) => ({ id: j.id, name: j.name, run_attempt: j.run_attempt }))
  } catch (error) {
    throw new UserError(`Could not list the jobs of workflow run ${runId}: ${githubMessage(error)} (the token needs actions: read).`)
  }
}

async function rerunFailed(session: Session, request: Rerequest, data: ServiceData | undefined): Promise<string[]> {
  const { ctx, github } = session
  const cr = request.checkRun
  let runs = data ? runsToRerun(data, session.inputs.warningAs) : []
  if (runs.length === 0 && !data) {
    const fromLink = runFromUrl(cr.details_url)?.run_id
    if (fromLink !== undefined) runs = [fromLink]
  }
  if (runs.length === 0) {
    const line = `The suite of "${cr.name}" has no failed or unfinished build: nothing to re-run.`
    core.notice(line)
    return [escapeMarkdown(line)]
  }
  const lines: string[] = []
  const failures: string[] = []
  for (const runId of runs) {
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
  return lines.map(escapeMarkdown)
}
