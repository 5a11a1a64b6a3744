// command: queued | building | built — report builds' state transitions as check runs.
// inputs -> token -> read the suite's state -> rules -> one GraphQL request -> write this step's
// fragment -> outputs and step summary. Requests to GitHub per step (the token's two, plus):
// one GraphQL request for up to 34 check runs (the CONCLUSION run rides along), one repository
// lookup only when neither the event nor the state has its node id, one listing only when the
// state is lost or corrupt (or a reply was lost). The token is not revoked (see session.ts).
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { decideAggregate, splitWrites } from '../checks/aggregate.ts'
import { renderName } from '../checks/inputs.ts'
import { planTransition, type Plan, type WriteOperation } from '../checks/rules.ts'
import { emptyServiceData, mergeServiceData, recordOf, setOwn } from '../checks/service-data.ts'
import { isBuildState, stateRank } from '../checks/states.ts'
import { escapeMarkdown, safeUrl, titleFor } from '../checks/titles.ts'
import type { BuildState, CheckRunRecord, ServiceData, Transition } from '../checks/types.ts'
import { readRunContext } from '../context.ts'
import { UserError } from '../errors.ts'
import { planConclusionRun, type ConclusionPlan } from '../checks/conclusion-run.ts'
import { buildTag } from '../store/naming.ts'
import type { FragmentRef } from '../store/index.ts'
import { readRestOfSuite, readSuite, type SuiteRead } from '../state/read.ts'
import { writeSuite } from '../state/write.ts'
import { readCommonInputs } from './common-inputs.ts'
import { openSession, type Session } from './session.ts'
import { sendWrites } from './suite-writes.ts'
import { readTransitionInputs, type TransitionInputs } from './transition-inputs.ts'

interface BuildOutcome {
  build: string
  record?: CheckRunRecord
  url?: string
  skipped?: string
}

export async function run(): Promise<void> {
  const command = core.getInput('command').trim().toLowerCase()
  const state = isBuildState(command) ? command : undefined
  if (!state) throw new UserError(`command "${command}" is not a transition: use queued, building or built.`)
  // Every input first: a bad one must write nothing to GitHub or the store.
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const inputs = readTransitionInputs(state, common, ctx.runUrl)
  const app = readAppInputs()

  const session = await openSession({ ctx, inputs: common, app })
  await report(session, inputs)
}

interface Prepared {
  data: ServiceData
  plan: Plan
  aggregate: boolean
  /** Aggregate mode would apply, but conclusion-check is false. */
  aggregateRefused?: string
  switched?: { since: string; reason: string }
  buildCount: number
  writes: WriteOperation[]
  /** Builds aggregate mode records without a write (the CONCLUSION run counts them). */
  local: Map<string, CheckRunRecord>
  skipped: Map<string, string>
  /** The suite as it will be once this step's writes land: what the CONCLUSION run shows. */
  after: ServiceData
}

/** Plans the step from what was read (no I/O, no log: a filtered read may be replaced by a full one). */
function prepare(session: Session, inputs: TransitionInputs, read: SuiteRead, transition: Transition, now: string): Prepared {
  const { inputs: common } = session
  const data = read.data
  const plan = planTransition(data, inputs.builds, transition, (build) => renderName(common.nameTemplate, common.suite, build))

  // Aggregate mode: past aggregate-above builds only the CONCLUSION run reports the suite.
  const buildCount = countBuilds(data, inputs.builds, read.listed)
  const decision = decideAggregate({
    buildCount,
    aggregateAbove: common.aggregateAbove,
    rateLimitRemaining: session.rateLimitRemaining(),
    alreadyAggregate: data.aggregate !== undefined,
  })
  const aggregate = decision.aggregate && common.conclusionCheck
  const switched = aggregate && data.aggregate === undefined ? { since: now, reason: decision.reason ?? 'aggregate mode' } : undefined

  const { writes, local } = splitWrites(data, plan.operations, aggregate)
  const skipped = new Map<string, string>()
  for (const op of plan.operations) if (op.op === 'skip') skipped.set(op.build, op.reason)

  const planned: ServiceData = { ...emptyServiceData(session.key), check_runs: {} }
  for (const op of writes) setOwn(planned.check_runs, op.build, op.record)
  for (const [build, r] of local) setOwn(planned.check_runs, build, r)
  if (switched) planned.aggregate = switched
  // A queued step registers the suite's builds: from now on the suite may complete without conclude.
  if (inputs.state === 'queued' && !data.registered) planned.registered = { since: now }
  const after = mergeServiceData(data, planned)
  return {
    data, plan, aggregate, switched, buildCount, writes, local, skipped, after,
    ...(decision.aggregate && !common.conclusionCheck ? { aggregateRefused: decision.reason ?? 'aggregate mode' } : {}),
  }
}

/** The suite's build count: with a filtered read, builds known only by their fragments' names count too. */
function countBuilds(data: ServiceData, builds: string[], listed: FragmentRef[] | undefined): number {
  const ids = new Set([...Object.keys(data.check_runs), ...builds])
  if (!listed) return ids.size
  const tags = new Set([...ids].map(buildTag))
  for (const ref of listed) if (ref.tag) tags.add(ref.tag)
  return tags.size
}

/**
 * Each build's best state in its newest generation, from the records read and the fragments'
 * names (a build known only by a tagged name counts too).
 */
function newestStates(data: ServiceData, listed: FragmentRef[]): BuildState[] {
  const newest = new Map<string, { generation: number; state: BuildState }>()
  const see = (tag: string, state: BuildState, generation: number) => {
    const had = newest.get(tag)
    if (!had || generation > had.generation) newest.set(tag, { generation, state })
    else if (generation === had.generation && stateRank(state) > stateRank(had.state)) had.state = state
  }
  for (const [build, record] of Object.entries(data.check_runs)) see(buildTag(build), record.state, record.generation)
  for (const ref of listed) if (ref.tag && ref.state && ref.generation !== undefined) see(ref.tag, ref.state, ref.generation)
  return [...newest.values()].map((b) => b.state)
}

/**
 * From the names (and the records read): whether every build may have ended in its newest
 * generation. Never for a suite no queued step registered: only conclude completes that.
 */
export function mayBeComplete(data: ServiceData, listed: FragmentRef[]): boolean {
  if (!data.registered) return false
  const states = newestStates(data, listed)
  return states.length > 0 && states.every((s) => s === 'built')
}

async function report(session: Session, inputs: TransitionInputs): Promise<void> {
  const { ctx, key, inputs: common } = session
  const now = new Date().toISOString()
  const expect = inputs.state === 'queued' ? [] : inputs.builds
  const transition: Transition = {
    state: inputs.state,
    generation: ctx.runAttempt,
    at: now,
    details_url: inputs.detailsUrl,
    reporter: { run_id: ctx.runId || 1, run_attempt: ctx.runAttempt, job: ctx.job || 'job', job_url: ctx.runUrl },
    ...(inputs.conclusion ? { conclusion: inputs.conclusion } : {}),
  }
  const conclusionOptions = (p: Prepared) => ({ final: false, mayOpen: inputs.state === 'queued', aggregate: p.aggregate, now })

  // building and built download only their own builds' fragments and the untagged ones (the
  // queued matrix, compacted state, CONCLUSION and aggregate records). Only a step that may
  // complete the suite, or must write the CONCLUSION run (its summary counts every build),
  // reads the rest: so a matrix's jobs do not each download every other job's fragment.
  let read = await readSuite(session, key, { expect, ...(inputs.state === 'queued' ? {} : { builds: inputs.builds }) })
  const firstListed = read.listed
  let p = prepare(session, inputs, read, transition, now)
  let conclusion: ConclusionPlan
  if (read.listed) {
    const complete = mayBeComplete(p.after, read.listed)
    conclusion = planConclusionRun(session.conclusion, p.after, { ...conclusionOptions(p), incomplete: !complete })
    // Names carry no tag (only contents do): before names alone switch the suite to aggregate
    // mode, the fragments behind them are read and checked.
    if (complete || conclusion.op || p.switched) {
      read = await readRestOfSuite(session, key, read, { expect })
      p = prepare(session, inputs, read, transition, now)
      conclusion = planConclusionRun(session.conclusion, p.after, conclusionOptions(p))
    }
  } else {
    conclusion = planConclusionRun(session.conclusion, p.after, conclusionOptions(p))
  }
  const { data, plan, aggregate, switched, buildCount, writes, local, skipped, after } = p
  for (const w of plan.warnings) core.warning(w)
  if (p.aggregateRefused) {
    core.warning(`Aggregate mode would apply (${p.aggregateRefused}), but conclusion-check is false: every build keeps its own check run.`)
  }
  if (switched) core.notice(`Aggregate mode: ${switched.reason}. Only the "${common.conclusionName}" check run reports this suite.`)

  const sent = await sendWrites(session, data, writes, inputs, conclusion, now)

  // This step's fragment: the builds it touched (and records rebuilt from GitHub for them).
  const fragment: ServiceData = emptyServiceData(key)
  const outcomes: BuildOutcome[] = []
  for (const build of inputs.builds) {
    const applied = sent.builds.find((a) => a.build === build)
    const kept = local.get(build)
    const record = applied?.record ?? kept ?? recordOf(data, build)
    if (applied || kept || (record && read.rebuilt.includes(build))) setOwn(fragment.check_runs, build, record!)
    outcomes.push({ build, record, url: applied?.url, skipped: skipped.get(build) })
  }
  if (switched) fragment.aggregate = switched
  if (inputs.state === 'queued') fragment.registered = after.registered
  if (sent.conclusion) fragment.conclusion_run = sent.conclusion.record
  if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
  if (!aggregate && !switched) {
    // The installation's remaining budget, known only now: switch later steps if it ran low.
    const late = decideAggregate({ buildCount, aggregateAbove: common.aggregateAbove, rateLimitRemaining: session.rateLimitRemaining(), alreadyAggregate: false })
    if (late.aggregate && common.conclusionCheck) {
      fragment.aggregate = { since: now, reason: late.reason ?? 'low rate limit' }
      core.warning(`Switching the suite to aggregate mode for its next steps: ${late.reason}.`)
    }
  }
  const saved = Object.keys(fragment.check_runs).length > 0 || fragment.aggregate || fragment.conclusion_run || fragment.repository_node_id
    ? await writeSuite(session, key, fragment)
    : { saved: true }

  // The last jobs of a matrix, ending at once, each list before the others' fragments are written,
  // so none sees the suite complete. Whichever write lands last, its writer sees the others' when
  // it lists again: so a built step that left the suite open lists once more after writing. Every
  // such step, not only those that saw every other build under way: a build that looked queued may
  // have had its building and built both land while this step was between listing and writing.
  let late: Awaited<ReturnType<typeof completeLate>> | undefined
  if (inputs.state === 'built' && firstListed && saved.saved && !sent.conclusion && common.conclusionCheck) {
    late = await completeLate(session, read, mergeServiceData(after, fragment), aggregate, now)
  }

  // Outputs and the step summary.
  const runUrl = (id: number | undefined) => (id === undefined ? null : `${ctx.serverUrl}/${ctx.repository}/runs/${id}`)
  const checkRuns: Record<string, { id: number | null; url: string | null; state: BuildState | null; synced: boolean }> = {}
  for (const o of outcomes) {
    setOwn(checkRuns, o.build, {
      id: o.record?.check_run_id ?? null,
      url: o.url ?? runUrl(o.record?.check_run_id),
      state: o.record?.state ?? null,
      synced: o.record?.state_synced ?? true,
    })
  }
  const conclusionRecord = sent.conclusion?.record ?? late?.record
  const unsynced =
    outcomes.filter((o) => o.record && !o.record.state_synced && !o.skipped).length +
    (conclusionRecord && !conclusionRecord.state_synced ? 1 : 0)
  core.setOutput('check-runs', JSON.stringify(checkRuns))
  core.setOutput('unsynced', String(unsynced))
  await writeStepSummary(session, inputs.state, outcomes, aggregate, runUrl(conclusionRecord?.check_run_id ?? after.conclusion_run?.check_run_id))
  core.info(
    `${inputs.state}: ${inputs.builds.length} build(s), ${sent.builds.length} check run write(s)` +
      `${conclusionRecord ? `, CONCLUSION ${conclusionRecord.state}` : ''}, ${skipped.size} skipped, ${unsynced} unsynced; ` +
      `${session.requestCount()} request(s) with the installation token.`,
  )

  const problems: string[] = []
  if (unsynced > 0) problems.push(`${unsynced} transition(s) may not have reached GitHub (reconcile re-sends them)`)
  if (!saved.saved || late?.saved === false) problems.push('the state could not be saved')
  if (problems.length > 0 && common.failOnUnsynced) {
    throw new UserError(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`)
  }
}

/**
 * After this step's fragment is written: list again (downloading only new untagged fragments);
 * if every build has now ended, read the rest and complete the CONCLUSION run (one more GraphQL
 * request), recording it in a second fragment. `mine` is the suite as this step left it.
 */
async function completeLate(session: Session, first: SuiteRead, mine: ServiceData, aggregate: boolean, now: string) {
  const { key } = session
  const again = await readRestOfSuite(session, key, first, { builds: [] })
  if (!again.listed || !mayBeComplete(mergeServiceData(mine, again.data), again.listed)) return undefined
  const full = await readRestOfSuite(session, key, again)
  const data = mergeServiceData(mine, full.data)
  const plan = planConclusionRun(session.conclusion, data, { final: false, mayOpen: false, aggregate, now })
  // Only an update of the open run: the other last job may be doing the same, and two updates
  // say the same thing, where two creates would leave a duplicate (conclude creates it then).
  if (plan.op?.op !== 'update') return undefined
  const sent = await sendWrites(session, data, [], {}, plan, now)
  if (!sent.conclusion) return undefined
  const fragment: ServiceData = emptyServiceData(key)
  fragment.conclusion_run = sent.conclusion.record
  if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
  const saved = await writeSuite(session, key, fragment, '-c')
  core.info(`The suite's last builds ended at once: ${session.inputs.conclusionName} ${sent.conclusion.record.state} after this step's own write.`)
  return { record: sent.conclusion.record, saved: saved.saved }
}

async function writeStepSummary(
  session: Session,
  state: BuildState,
  outcomes: BuildOutcome[],
  aggregate: boolean,
  conclusionUrl: string | null,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const { inputs } = session
  const rows = outcomes.map((o) => {
    const shown = o.record ? titleFor(o.record) : '—'
    const url = safeUrl(o.record?.check_run_id !== undefined ? `${session.ctx.serverUrl}/${session.ctx.repository}/runs/${o.record.check_run_id}` : (aggregate ? conclusionUrl ?? undefined : undefined))
    const link = url ? `[${o.record?.check_run_id !== undefined ? 'check run' : 'CONCLUSION'}](${url})` : '—'
    const note = o.skipped ? ` (skipped: ${escapeMarkdown(o.skipped)})` : o.record && !o.record.state_synced ? ' (may not have reached GitHub)' : ''
    return `| ${escapeMarkdown(o.build)} | ${shown}${note} | ${link} |`
  })
  const lines = [
    `### ${escapeMarkdown(inputs.suite)}: ${state}`,
    '',
    ...(aggregate ? [`Aggregate mode: the builds are counted in the ${escapeMarkdown(inputs.conclusionName)} check run.`, ''] : []),
    '| Build | State | Link |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ]
  try {
    await core.summary.addRaw(lines.join('\n')).write()
  } catch (error) {
    core.warning(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}
