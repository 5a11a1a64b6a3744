// command: mirror — a workflow's jobs become the app's check runs, with no step in the mirrored
// workflow. Runs on: workflow_run (in the base repository, with its secrets, never running the
// mirrored run's code: so fork pull requests get check runs too). At every event it reads the
// run's jobs afresh from the Actions API (latest attempt, paged) and moves each job's build
// forward with the same rules as the per-step commands: a handler that runs late or out of order
// reads the present, and the rules never move a build back.
//
// State: by default none is kept (store: none). The app's check runs on the commit (one listing,
// rebuilt into records by readSuite, as when a store is lost) plus the jobs listing are the whole
// state; the journal the per-step commands keep exists because a step knows only its own build,
// where mirror sees every job at once. A `store:` input still works (the records then also go to
// the store, and the listing of check runs is skipped when the store has them all).
//
// Requests per event (the token's two, plus): the jobs listing (1 per 100 jobs), the check-run
// listing (with no store), one GraphQL request per 34 check-run writes (none when no job moved).
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { withDefaultPermissions } from '../auth/permissions.ts'
import { parseBoolean } from '../boolean.ts'
import { parseDuration } from '../checks/inputs.ts'
import { CONCLUSION_BUILD, emptyServiceData, mergeServiceData, recordOf, setOwn } from '../checks/service-data.ts'
import { checkRunsOutput, jobsStepFragment, planJobsStep, worthWriting, writesOf, type JobsStepInput, type StepPlan, type StepRecord } from '../checks/step.ts'
import { escapeMarkdown, safeUrl, titleFor } from '../checks/titles.ts'
import type { CheckRunRecord, ServiceData, Transition } from '../checks/types.ts'
import { readRunContext, type RunContext } from '../context.ts'
import { errorText, UserError } from '../errors.ts'
import { githubMessage } from '../github/client.ts'
import { realClock } from '../github/clock.ts'
import { readMirroredRun, type MirroredRun } from '../mirror/event.ts'
import {
  DEFAULT_BUILD_NAME, jobIsAhead, jobState, jobSummary, jobTransition, parsePatterns, selectJobs,
  type JobSelection, type MirroredJob, type WorkflowJob,
} from '../mirror/jobs.ts'
import { planConclusionRun, type ConclusionPlan } from '../checks/conclusion-run.ts'
import { countBuilds } from '../state/listing.ts'
import { readSuite } from '../state/read.ts'
import { writeSuite } from '../state/write.ts'
import { readCommonInputs } from './common-inputs.ts'
import { openSession, type Session } from './session.ts'
import { sendWrites, type WritesResult } from './suite-writes.ts'

type GetInput = (name: string) => string

export interface MirrorInputs {
  selection: JobSelection
  watch: boolean
  pollIntervalSeconds: number
  maxDurationSeconds: number
}

/** A duration input in whole seconds (parseDuration's units; a bare number is seconds). */
function seconds(getInput: GetInput, name: string, fallback: number, min: number): number {
  const text = getInput(name).trim()
  if (text === '') return fallback
  const value = /^\d+$/.test(text) ? Number(text) : Math.round(parseDuration(text, name) / 1000)
  if (!Number.isSafeInteger(value) || value < min) throw new UserError(`${name} must be at least ${min} s, not "${text}".`)
  return value
}

/** The inputs only mirror reads; checked before any request. */
export function readMirrorInputs(common: { suite: string; nameTemplate: string; conclusionName: string }, getInput: GetInput = (n) => core.getInput(n)): MirrorInputs {
  const buildName = getInput('build-name').trim() || DEFAULT_BUILD_NAME
  if (!buildName.includes('{job}')) throw new UserError(`build-name "${buildName}" has no {job}: every job's build needs its own id.`)
  return {
    selection: {
      include: parsePatterns(getInput('jobs')),
      exclude: parsePatterns(getInput('exclude-jobs')),
      buildName,
      suite: common.suite,
      nameTemplate: common.nameTemplate,
      reserved: [common.conclusionName],
    },
    watch: parseBoolean(getInput('watch'), 'watch', false),
    pollIntervalSeconds: seconds(getInput, 'poll-interval', 20, 5),
    maxDurationSeconds: seconds(getInput, 'max-duration', 600, 1),
  }
}

export async function run(): Promise<void> {
  const own = readRunContext()
  const wr = readMirroredRun(own.eventName, own.payload, {
    repository: own.repository,
    runId: own.runId,
    workflowRef: process.env.GITHUB_WORKFLOW_REF,
  })
  // The suite, the commit and the CONCLUSION run's link are the mirrored run's; the writer of
  // any store fragment stays this job.
  const ctx: RunContext = {
    ...own,
    workflow: wr.name || own.workflow,
    sha: wr.head_sha,
    runUrl: wr.html_url ?? `${own.serverUrl}/${own.repository}/actions/runs/${wr.id}`,
  }
  // action.yml's default, auto, means none here: the state is on GitHub.
  const storeInput = core.getInput('store').trim()
  const store = storeInput === '' || storeInput.toLowerCase() === 'auto' ? 'none' : storeInput
  const common = readCommonInputs(ctx, (name) => (name === 'store' ? store : core.getInput(name)))
  const inputs = readMirrorInputs(common)
  const given = readAppInputs()
  // Unless permission-* inputs say otherwise (auth/permissions.ts defaultPermissions).
  const app = withDefaultPermissions(given, 'mirror', store)
  const session = await openSession({ ctx, inputs: common, app })
  core.info(
    `Mirroring run ${wr.id} (attempt ${wr.run_attempt}, ${escapeMarkdown(wr.name)}) of ${wr.repository}` +
      `${wr.head_repository.toLowerCase() !== wr.repository.toLowerCase() ? ` from ${wr.head_repository}` : ''} onto ${wr.head_sha}.`,
  )

  const started = Date.now()
  let last = await pass(session, inputs, wr)
  // watch: keep reading while the run goes on, so job starts show before the next event.
  while (inputs.watch && wr.status !== 'completed' && !last.allBuilt) {
    const left = inputs.maxDurationSeconds * 1000 - (Date.now() - started)
    if (left < inputs.pollIntervalSeconds * 1000) {
      core.info(`watch: max-duration reached; the run's next event reports the rest.`)
      break
    }
    await realClock.sleep(inputs.pollIntervalSeconds * 1000)
    // The state is what the last pass left (handlers of one run are serialised, so no one else
    // wrote meanwhile): one jobs listing per interval, and writes only for jobs that moved.
    last = await pass(session, inputs, wr, last.state)
  }
  await finish(session, last)
}

/** The run's jobs as the Actions API lists them now: the latest attempt of each, 100 a page. */
async function listJobs(session: Session, runId: number): Promise<WorkflowJob[]> {
  try {
    return (await session.github.paginate('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
      owner: session.ctx.owner,
      repo: session.ctx.repo,
      run_id: runId,
      filter: 'latest',
      per_page: 100,
    })) as WorkflowJob[]
  } catch (error) {
    throw new UserError(
      `Could not list the jobs of run ${runId}: ${githubMessage(error)}. The app needs Actions: read on ${session.ctx.repository}.`,
    )
  }
}

interface Outcome {
  build: string
  job: MirroredJob['job']
  record?: CheckRunRecord
  url?: string
}

interface PassResult {
  outcomes: Outcome[]
  writes: number
  unsynced: number
  conclusion?: ServiceData['conclusion_run']
  allBuilt: boolean
  saved: boolean
  aggregate: boolean
  /** The suite as this pass left it. */
  state: ServiceData
}

/** A pass's jobs: each mirrored job with the transition its present status reports. */
interface PassJobs {
  jobs: (MirroredJob & { t: Transition })[]
  now: string
}

/**
 * One reading of the jobs and the writes it calls for, as a transition step's data flows:
 * read → plan → send → record → write → outcome. `known`: the state the previous pass left.
 */
async function pass(session: Session, inputs: MirrorInputs, wr: MirroredRun, known?: ServiceData): Promise<PassResult> {
  const listed = await readJobs(session, inputs, wr)
  const read = await readState(session, listed, known)
  const step = stepOf(session, listed, read.data)
  const { plan, conclusion, allBuilt } = planPass(session, wr, listed, step, read.data)
  for (const w of plan.warnings) core.warning(w)
  const sent = await sendPass(session, listed, plan, conclusion)
  const recorded = jobsStepFragment(plan, step, read.rebuilt, sent)
  const saved = await writePass(session, recorded.fragment)
  return outcomeOf(session, listed, plan, sent, recorded, { allBuilt, saved })
}

/** read: the run's jobs now, and the transition each one's status reports. */
async function readJobs(session: Session, inputs: MirrorInputs, wr: MirroredRun): Promise<PassJobs> {
  const now = new Date().toISOString()
  const jobs = selectJobs(await listJobs(session, wr.id), inputs.selection)
  const runInfo = { run_id: wr.id, html_url: session.ctx.runUrl }
  return { jobs: jobs.map((m) => ({ ...m, t: jobTransition(m.job, runInfo, now) })), now }
}

/**
 * read: the suite's state, or what the last pass left. With no store every build is "missing":
 * the app's check runs on the commit are listed once and become the records (the CONCLUSION
 * run's included, which is why it is expected too).
 */
async function readState(session: Session, listed: PassJobs, known?: ServiceData): Promise<{ data: ServiceData; rebuilt: string[] }> {
  if (known) return { data: known, rebuilt: [] }
  const builds = listed.jobs.map((j) => j.build)
  const expect = session.store.description === 'none' ? [...builds, CONCLUSION_BUILD] : builds
  return readSuite(session, session.key, { expect })
}

/** The pass as a step of the pure core (src/checks/step.ts): the jobs ahead of their records. */
function stepOf(session: Session, listed: PassJobs, data: ServiceData): JobsStepInput {
  const ahead = listed.jobs.filter((j) => jobIsAhead(j.t, recordOf(data, j.build)))
  return { key: session.key, jobs: ahead.map((j) => ({ build: j.build, transition: j.t })), builds: listed.jobs.map((j) => j.build), now: listed.now }
}

/**
 * plan: the builds' writes, and the CONCLUSION run: opened at the first event (pending in branch
 * protection), completed once the run is completed and every mirrored job is built. Handlers of
 * one run are serialised by the workflow's concurrency group, so any of them may open it.
 */
function planPass(session: Session, wr: MirroredRun, listed: PassJobs, step: JobsStepInput, data: ServiceData): { plan: StepPlan; conclusion: ConclusionPlan; allBuilt: boolean } {
  const buildCount = countBuilds(data, step.builds, undefined)
  const plan = planJobsStep(session.inputs, data, step, { buildCount, rateLimitRemaining: session.rateLimitRemaining() })
  const allBuilt = listed.jobs.every((j) => jobState(j.job.status) === 'built')
  const runDone = wr.status === 'completed' && allBuilt
  const conclusion = planConclusionRun(session.conclusion, plan.after, { final: false, mayOpen: true, aggregate: plan.aggregate, now: listed.now, incomplete: !runDone })
  return { plan, conclusion, allBuilt }
}

/** send: the writes, each build's check run summarising its job. */
function sendPass(session: Session, listed: PassJobs, plan: StepPlan, conclusion: ConclusionPlan): Promise<WritesResult> {
  const byBuild = new Map(listed.jobs.map((j) => [j.build, j]))
  const summary = (build: string) => {
    const j = byBuild.get(build)
    return j ? { summary: jobSummary(j.job, j.t) } : {}
  }
  return sendWrites(session, plan.data, writesOf(plan), summary, conclusion, listed.now)
}

/** write: with a store, what this event touched, so the next handler need not list GitHub's runs. */
async function writePass(session: Session, fragment: ServiceData): Promise<boolean> {
  if (session.store.description === 'none' || !worthWriting(fragment)) return true
  return (await writeSuite(session, session.key, fragment)).saved
}

/** outcome: each job's record and link, the counts, and the suite as this pass left it. */
function outcomeOf(session: Session, listed: PassJobs, plan: StepPlan, sent: WritesResult, recorded: StepRecord, done: { allBuilt: boolean; saved: boolean }): PassResult {
  const outcomes: Outcome[] = listed.jobs.map((j, i) => {
    const { record, url } = recorded.outcomes[i]!
    return { build: j.build, job: j.job, record, url }
  })
  const left = emptyServiceData(session.key)
  for (const b of plan.builds) if (b.kept) setOwn(left.check_runs, b.build, b.kept)
  for (const a of sent.builds) setOwn(left.check_runs, a.build, a.record)
  if (sent.conclusion) left.conclusion_run = sent.conclusion.record
  if (plan.switched) left.aggregate = plan.switched
  const unsynced = sent.builds.filter((a) => !a.record.state_synced).length + (sent.conclusion && !sent.conclusion.record.state_synced ? 1 : 0)
  return {
    outcomes,
    writes: sent.builds.length,
    unsynced,
    conclusion: sent.conclusion?.record ?? plan.after.conclusion_run,
    allBuilt: done.allBuilt,
    saved: done.saved,
    aggregate: plan.aggregate,
    state: mergeServiceData(plan.data, left),
  }
}

async function finish(session: Session, last: PassResult): Promise<void> {
  const { ctx, inputs: common } = session
  const runUrl = (id: number | undefined) => (id === undefined ? null : `${ctx.serverUrl}/${ctx.repository}/runs/${id}`)
  core.setOutput('check-runs', JSON.stringify(checkRunsOutput(last.outcomes, runUrl)))
  core.setOutput('unsynced', String(last.unsynced))
  if (last.conclusion?.state === 'built' && last.conclusion.conclusion) core.setOutput('conclusion', last.conclusion.conclusion)
  if (process.env.GITHUB_STEP_SUMMARY) {
    const rows = last.outcomes.map((o) => {
      const url = safeUrl(o.url ?? runUrl(o.record?.check_run_id) ?? undefined)
      return `| ${escapeMarkdown(o.build)} | ${o.record ? titleFor(o.record) : '—'} | ${url ? `[check run](${url})` : '—'} |`
    })
    const lines = [`### ${escapeMarkdown(common.suite)}: mirror`, '', ...(last.aggregate ? [`Aggregate mode: the jobs are counted in the ${escapeMarkdown(common.conclusionName)} check run.`, ''] : []), '| Build | State | Link |', '| --- | --- | --- |', ...rows, '']
    try {
      await core.summary.addRaw(lines.join('\n')).write()
    } catch (error) {
      core.warning(`Could not write the step summary: ${errorText(error)}`)
    }
  }
  core.info(
    `mirror: ${last.outcomes.length} job(s), ${last.writes} check run write(s)` +
      `${last.conclusion ? `, CONCLUSION ${last.conclusion.state}` : ''}, ${last.unsynced} unsynced; ` +
      `${session.requestCount()} request(s) with the installation token.`,
  )
  const problems: string[] = []
  if (last.unsynced > 0) problems.push(`${last.unsynced} transition(s) may not have reached GitHub (the run's next event, or reconcile, re-sends them)`)
  if (!last.saved) problems.push('the state could not be saved')
  if (problems.length > 0 && common.failOnUnsynced) throw new UserError(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`)
}
