// command: queued | building | built — report builds' state transitions as check runs.
// inputs -> token -> read → plan → send → record → write → outputs: each a function below, the
// plan and the fragment pure (src/checks/step.ts). Requests to GitHub per step (the token's two, plus):
// one GraphQL request for up to 34 check runs (the CONCLUSION run rides along), one repository
// lookup only when neither the event nor the state has its node id, one listing only when the
// state is lost or corrupt (or a reply was lost). The token is not revoked (see session.ts).
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { planConclusionRun, type ConclusionPlan } from '../checks/conclusion-run.ts'
import { emptyServiceData, mergeServiceData } from '../checks/service-data.ts'
import { isBuildState } from '../checks/states.ts'
import { checkRunsOutput, planStep, stepFragment, worthWriting, writesOf, type BuildOutcome, type StepInput, type StepPlan, type StepRecord } from '../checks/step.ts'
import { escapeMarkdown, safeUrl, titleFor } from '../checks/titles.ts'
import type { BuildState, ConclusionRunRecord, ServiceData, Transition } from '../checks/types.ts'
import { readRunContext, type RunContext } from '../context.ts'
import { errorText, UserError } from '../errors.ts'
import { countBuilds, mayBeComplete } from '../state/listing.ts'
import { readRestOfSuite, readSuite, type SuiteRead } from '../state/read.ts'
import { writeSuite, type WriteResult } from '../state/write.ts'
import { readCommonInputs } from './common-inputs.ts'
import { openSession, type Session } from './session.ts'
import { sendWrites, type WritesResult } from './suite-writes.ts'
import { readTransitionInputs, type TransitionInputs } from './transition-inputs.ts'

export async function run(): Promise<void> {
  const command = core.getInput('command').trim().toLowerCase()
  const state = isBuildState(command) ? command : undefined
  if (!state) throw new UserError(`command "${command}" is not a transition: use queued, building or built.`)
  // Every input first: a bad one must write nothing to GitHub or the store.
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const inputs = readTransitionInputs(state, common, ctx.runUrl)
  const app = readAppInputs()

  // report's first read starts while the token is minted (session.ts).
  const session = await openSession({ ctx, inputs: common, app, readFirst: firstRead(inputs) })
  await report(session, inputs)
}

/** What the step reads first: building and built only their own builds' fragments and the untagged ones (readAndPlan). */
function firstRead(inputs: TransitionInputs): { builds?: string[] } {
  return inputs.state === 'queued' ? {} : { builds: inputs.builds }
}

/** One transition step, as its data flows: read → plan → send → record → write → outputs. */
export async function report(session: Session, inputs: TransitionInputs): Promise<void> {
  const step = stepOf(session.key, session.ctx, inputs, new Date().toISOString())
  const { read, filtered, plan, conclusion } = await readAndPlan(session, inputs, step)
  announce(session, plan)
  const sent = await sendWrites(session, plan.data, writesOf(plan), inputs, conclusion, step.now)
  const recorded = record(session, plan, step, read, sent)
  const saved = await write(session, recorded.fragment)
  // The last jobs of a matrix, ending at once, each list before the others' fragments are written,
  // so none sees the suite complete. Whichever write lands last, its writer sees the others' when
  // it lists again: so a built step that left the suite open lists once more after writing. Every
  // such step, not only those that saw every other build under way: a build that looked queued may
  // have had its building and built both land while this step was between listing and writing.
  const late = inputs.state === 'built' && filtered && saved.saved && !sent.conclusion && session.inputs.conclusionCheck
    ? await completeLate(session, read, mergeServiceData(plan.after, recorded.fragment), plan.aggregate, step.now)
    : undefined
  await outputs(session, inputs, { plan, sent, recorded, saved, late })
}

/** The step's transition, from the run's context and the inputs. */
function stepOf(key: StepInput['key'], ctx: RunContext, inputs: TransitionInputs, now: string): StepInput {
  const transition: Transition = {
    state: inputs.state,
    generation: ctx.runAttempt,
    at: now,
    details_url: inputs.detailsUrl,
    reporter: { run_id: ctx.runId || 1, run_attempt: ctx.runAttempt, job: ctx.job || 'job', job_url: ctx.runUrl },
    ...(inputs.conclusion ? { conclusion: inputs.conclusion } : {}),
  }
  return { key, state: inputs.state, builds: inputs.builds, transition, now }
}

interface ReadAndPlanned {
  /** The last read: filtered, or completed by readRestOfSuite. */
  read: SuiteRead
  /** The first read was filtered to the step's builds (the store listed the others' names). */
  filtered: boolean
  plan: StepPlan
  conclusion: ConclusionPlan
}

/**
 * read → plan. building and built download only their own builds' fragments and the untagged ones
 * (the queued matrix, compacted state, CONCLUSION and aggregate records). Only a step that may
 * complete the suite, or must write the CONCLUSION run (its summary counts every build), reads the
 * rest and plans again: so a matrix's jobs do not each download every other job's fragment.
 */
async function readAndPlan(session: Session, inputs: TransitionInputs, step: StepInput): Promise<ReadAndPlanned> {
  const expect = inputs.state === 'queued' ? [] : inputs.builds
  let read = await readSuite(session, session.key, { expect, ...firstRead(inputs) })
  const filtered = read.listed !== undefined
  let plan = planFrom(session, step, read)
  let conclusion: ConclusionPlan
  if (read.listed) {
    const complete = mayBeComplete(plan.after, read.listed)
    conclusion = planConclusion(session, step, plan, !complete)
    // Names carry no tag (only contents do): before names alone switch the suite to aggregate
    // mode, the fragments behind them are read and checked.
    if (complete || conclusion.op || plan.switched) {
      read = await readRestOfSuite(session, session.key, read, { expect })
      plan = planFrom(session, step, read)
      conclusion = planConclusion(session, step, plan)
    }
  } else {
    conclusion = planConclusion(session, step, plan)
  }
  return { read, filtered, plan, conclusion }
}

/** The builds' plan from a read (src/checks/step.ts planStep). */
function planFrom(session: Session, step: StepInput, read: SuiteRead): StepPlan {
  const buildCount = countBuilds(read.data, step.builds, read.listed)
  return planStep(session.inputs, read.data, step, { buildCount, rateLimitRemaining: session.rateLimitRemaining() })
}

/** The CONCLUSION run's plan once the builds' writes land; `incomplete` when the names show an unfinished build. */
function planConclusion(session: Session, step: StepInput, plan: StepPlan, incomplete?: boolean): ConclusionPlan {
  const options = { final: false, mayOpen: step.state === 'queued', aggregate: plan.aggregate, now: step.now }
  return planConclusionRun(session.conclusion, plan.after, incomplete === undefined ? options : { ...options, incomplete })
}

/** The plan's warnings and notices, once it is final. */
function announce(session: Session, plan: StepPlan): void {
  for (const w of plan.warnings) core.warning(w)
  if (plan.refused) {
    core.warning(`Aggregate mode would apply (${plan.refused}), but conclusion-check is false: every build keeps its own check run.`)
  }
  if (plan.switched) core.notice(`Aggregate mode: ${plan.switched.reason}. Only the "${session.inputs.conclusionName}" check run reports this suite.`)
}

/** record: this step's fragment from what GitHub answered (src/checks/step.ts stepFragment). */
function record(session: Session, plan: StepPlan, step: StepInput, read: SuiteRead, sent: WritesResult): StepRecord {
  // The installation's remaining budget, known only now: it may switch later steps.
  const recorded = stepFragment(session.inputs, plan, step, read.rebuilt, sent, session.rateLimitRemaining())
  if (recorded.lateSwitch) core.warning(`Switching the suite to aggregate mode for its next steps: ${recorded.lateSwitch}.`)
  return recorded
}

/** write: the step's fragment, when it says anything. */
async function write(session: Session, fragment: ServiceData): Promise<WriteResult> {
  return worthWriting(fragment) ? writeSuite(session, session.key, fragment) : { saved: true }
}

/**
 * After this step's fragment is written: list again (downloading only new untagged fragments);
 * if every build has now ended, read the rest and complete the CONCLUSION run (one more GraphQL
 * request), recording it in a second fragment. `mine` is the suite as this step left it.
 */
async function completeLate(session: Session, first: SuiteRead, mine: ServiceData, aggregate: boolean, now: string): Promise<LateCompletion | undefined> {
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

interface LateCompletion {
  record: ConclusionRunRecord
  saved: boolean
}

interface StepResult {
  plan: StepPlan
  sent: WritesResult
  recorded: StepRecord
  saved: WriteResult
  late?: LateCompletion
}

/** outputs: check-runs and unsynced, the step summary, the log line; fail-on-unsynced last. */
async function outputs(session: Session, inputs: TransitionInputs, result: StepResult): Promise<void> {
  const { ctx, inputs: common } = session
  const { plan, sent, recorded: { outcomes }, saved, late } = result
  const runUrl = (id: number | undefined) => (id === undefined ? null : `${ctx.serverUrl}/${ctx.repository}/runs/${id}`)
  const conclusionRecord = sent.conclusion?.record ?? late?.record
  const unsynced =
    outcomes.filter((o) => o.record && !o.record.state_synced && !o.skipped).length +
    (conclusionRecord && !conclusionRecord.state_synced ? 1 : 0)
  core.setOutput('check-runs', JSON.stringify(checkRunsOutput(outcomes, runUrl)))
  core.setOutput('unsynced', String(unsynced))
  await writeStepSummary(session, inputs.state, outcomes, plan.aggregate, runUrl(conclusionRecord?.check_run_id ?? plan.after.conclusion_run?.check_run_id))
  const skipped = plan.builds.filter((b) => b.skipped !== undefined).length
  core.info(
    `${inputs.state}: ${inputs.builds.length} build(s), ${sent.builds.length} check run write(s)` +
      `${conclusionRecord ? `, CONCLUSION ${conclusionRecord.state}` : ''}, ${skipped} skipped, ${unsynced} unsynced; ` +
      `${session.requestCount()} request(s) with the installation token.`,
  )

  const problems: string[] = []
  if (unsynced > 0) problems.push(`${unsynced} transition(s) may not have reached GitHub (reconcile re-sends them)`)
  if (!saved.saved || late?.saved === false) problems.push('the state could not be saved')
  if (problems.length > 0 && common.failOnUnsynced) {
    throw new UserError(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`)
  }
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
    core.warning(`Could not write the step summary: ${errorText(error)}`)
  }
}
