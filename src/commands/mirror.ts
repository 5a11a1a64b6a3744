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
import { decideAggregate, splitWrites } from '../checks/aggregate.ts'
import { parseBoolean, parseDuration, renderName } from '../checks/inputs.ts'
import { planTransition, type WriteOperation } from '../checks/rules.ts'
import { emptyServiceData, mergeServiceData, recordOf, setOwn } from '../checks/service-data.ts'
import { escapeMarkdown, safeUrl, titleFor } from '../checks/titles.ts'
import type { CheckRunRecord, ServiceData, Transition } from '../checks/types.ts'
import { readRunContext, type RunContext } from '../context.ts'
import { errorText, UserError } from '../errors.ts'
import { githubMessage } from '../github/client.ts'
import { readMirroredRun, type MirroredRun } from '../mirror/event.ts'
import {
  DEFAULT_BUILD_NAME, jobIsAhead, jobState, jobSummary, jobTransition, parsePatterns, selectJobs,
  type JobSelection, type MirroredJob, type WorkflowJob,
} from '../mirror/jobs.ts'
import { planConclusionRun } from '../checks/conclusion-run.ts'
import { readSuite } from '../state/read.ts'
import { writeSuite } from '../state/write.ts'
import { readCommonInputs } from './common-inputs.ts'
import { CONCLUSION_BUILD, openSession, type Session } from './session.ts'
import { sendWrites } from './suite-writes.ts'

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
    await new Promise((r) => setTimeout(r, inputs.pollIntervalSeconds * 1000))
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

/** One reading of the jobs and the writes it calls for; `known`: the state the previous pass left. */
async function pass(session: Session, inputs: MirrorInputs, wr: MirroredRun, known?: ServiceData): Promise<PassResult> {
  const { key, inputs: common } = session
  const now = new Date().toISOString()
  const jobs = selectJobs(await listJobs(session, wr.id), inputs.selection)
  const runInfo = { run_id: wr.id, html_url: session.ctx.runUrl }
  const planned = jobs.map((m) => ({ ...m, t: jobTransition(m.job, runInfo, now) }))
  const builds = planned.map((p) => p.build)

  // With no store every build is "missing": the app's check runs on the commit are listed once
  // and become the records (CONCLUSION run included, which is why it is expected too).
  const noStore = session.store.description === 'none'
  const read = known
    ? { data: known, rebuilt: [] as string[] }
    : await readSuite(session, key, { expect: noStore ? [...builds, CONCLUSION_BUILD] : builds })
  const data = read.data
  const names = (build: string) => renderName(common.nameTemplate, common.suite, build)

  const ops: WriteOperation[] = []
  const transitions = new Map<string, Transition>()
  for (const p of planned) {
    const recorded = recordOf(data, p.build)
    if (!jobIsAhead(p.t, recorded)) continue
    let base = data
    if (!recorded && p.t.state === 'building') {
      // A job first seen running (its queued event was handled late, or not at all): it was
      // queued, so plan from a queued record; with no run id yet the rules create it running.
      const { conclusion: _none, ...queued } = p.t
      const q = planTransition(data, [p.build], { ...queued, state: 'queued' }, names).operations[0]
      if (q && q.op !== 'skip') {
        base = { ...data, check_runs: { ...data.check_runs } }
        setOwn(base.check_runs, p.build, q.record)
      }
    }
    const plan = planTransition(base, [p.build], p.t, names)
    for (const w of plan.warnings) core.warning(w)
    for (const op of plan.operations) if (op.op !== 'skip') ops.push(op)
    transitions.set(p.build, p.t)
  }

  const buildCount = new Set([...Object.keys(data.check_runs), ...builds]).size
  const decision = decideAggregate({
    buildCount,
    aggregateAbove: common.aggregateAbove,
    rateLimitRemaining: session.rateLimitRemaining(),
    alreadyAggregate: data.aggregate !== undefined,
  })
  const aggregate = decision.aggregate && common.conclusionCheck
  const { writes, local } = splitWrites(data, ops, aggregate)
  const plannedData = emptyServiceData(key)
  for (const [build, record] of local) setOwn(plannedData.check_runs, build, record)
  for (const op of writes) setOwn(plannedData.check_runs, op.build, op.record)
  if (aggregate && data.aggregate === undefined) plannedData.aggregate = { since: now, reason: decision.reason ?? 'aggregate mode' }
  // The jobs listing names every job of the run: the suite's builds are registered, as a queued
  // step registers them (src/checks/conclusion.ts completes only a registered suite by itself).
  plannedData.registered = data.registered ?? { since: now }
  const after = mergeServiceData(data, plannedData)

  // The CONCLUSION run: opened at the first event (pending in branch protection), completed
  // once the run is completed and every mirrored job is built. Handlers of one run are
  // serialised by the workflow's concurrency group, so any of them may open it.
  const allBuilt = planned.every((p) => jobState(p.job.status) === 'built')
  const runDone = wr.status === 'completed' && allBuilt
  const conclusion = planConclusionRun(session.conclusion, after, { final: false, mayOpen: true, aggregate, now, incomplete: !runDone })

  const byBuild = new Map(planned.map((p) => [p.build, p]))
  const sent = await sendWrites(session, data, writes, (build) => {
    const p = byBuild.get(build)
    return p ? { summary: jobSummary(p.job, transitions.get(build) ?? p.t) } : {}
  }, conclusion, now)

  // With a store: what this event touched, so the next handler need not list GitHub's runs.
  let saved = true
  if (!noStore) {
    const fragment = emptyServiceData(key)
    for (const a of sent.builds) setOwn(fragment.check_runs, a.build, a.record)
    for (const [b, r] of local) setOwn(fragment.check_runs, b, r)
    for (const b of read.rebuilt) if (!Object.hasOwn(fragment.check_runs, b) && recordOf(data, b)) setOwn(fragment.check_runs, b, recordOf(data, b)!)
    if (plannedData.aggregate) fragment.aggregate = plannedData.aggregate
    if (sent.conclusion) fragment.conclusion_run = sent.conclusion.record
    if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
    if (Object.keys(fragment.check_runs).length > 0 || fragment.conclusion_run || fragment.aggregate || fragment.repository_node_id) {
      saved = (await writeSuite(session, key, fragment)).saved
    }
  }

  const outcomes: Outcome[] = planned.map((p) => {
    const applied = sent.builds.find((a) => a.build === p.build)
    return { build: p.build, job: p.job, record: applied?.record ?? local.get(p.build) ?? recordOf(data, p.build), url: applied?.url }
  })
  const state = emptyServiceData(key)
  for (const [b, r] of local) setOwn(state.check_runs, b, r)
  for (const a of sent.builds) setOwn(state.check_runs, a.build, a.record)
  if (sent.conclusion) state.conclusion_run = sent.conclusion.record
  if (plannedData.aggregate) state.aggregate = plannedData.aggregate
  const unsynced = sent.builds.filter((a) => !a.record.state_synced).length + (sent.conclusion && !sent.conclusion.record.state_synced ? 1 : 0)
  return {
    outcomes,
    writes: sent.builds.length,
    unsynced,
    conclusion: sent.conclusion?.record ?? after.conclusion_run,
    allBuilt,
    saved,
    aggregate,
    state: mergeServiceData(data, state),
  }
}

async function finish(session: Session, last: PassResult): Promise<void> {
  const { ctx, inputs: common } = session
  const runUrl = (id: number | undefined) => (id === undefined ? null : `${ctx.serverUrl}/${ctx.repository}/runs/${id}`)
  const checkRuns: Record<string, { id: number | null; url: string | null; state: string | null; synced: boolean }> = {}
  for (const o of last.outcomes) {
    setOwn(checkRuns, o.build, {
      id: o.record?.check_run_id ?? null,
      url: o.url ?? runUrl(o.record?.check_run_id),
      state: o.record?.state ?? null,
      synced: o.record?.state_synced ?? true,
    })
  }
  core.setOutput('check-runs', JSON.stringify(checkRuns))
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
