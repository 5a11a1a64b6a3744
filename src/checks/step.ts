// A transition step (queued | building | built) as data: its plan from the suite as read, and the
// fragment it writes once GitHub answered. src/commands/transition.ts runs the I/O around them:
// read → plan → send → record → write → outputs. Pure: no I/O.
import { decideAggregate, splitWrites } from './aggregate.ts'
import { renderName } from './inputs.ts'
import { planTransition, type WriteOperation } from './rules.ts'
import { emptyServiceData, mergeServiceData, recordOf, setOwn } from './service-data.ts'
import type { BuildState, CheckRunRecord, ConclusionRunRecord, ServiceData, SuiteKey, Transition } from './types.ts'

/** What the step takes of its inputs (src/commands/common-inputs.ts CommonInputs). */
export interface StepSettings {
  suite: string
  nameTemplate: string
  aggregateAbove: number
  conclusionCheck: boolean
}

/** The step: which builds it reports, how, and when. */
export interface StepInput {
  key: SuiteKey
  state: BuildState
  builds: string[]
  transition: Transition
  /** ISO time of the step (the transition's `at`). */
  now: string
}

/** What the step knows of the suite beyond the records read. */
export interface StepBudget {
  /** Builds of the suite, counting those a filtered read knows only by name (src/state/listing.ts). */
  buildCount: number
  /** `x-ratelimit-remaining` of GitHub's last reply, when known. */
  rateLimitRemaining?: number
}

/** One build the step reports: exactly one of `write`, `kept` or `skipped`. */
export interface PlannedBuild {
  build: string
  /** Sent to GitHub. */
  write?: WriteOperation
  /** Recorded in the state only: aggregate mode and no check run of its own (the CONCLUSION run counts it). */
  kept?: CheckRunRecord
  /** Why the rules send nothing (src/checks/rules.ts). */
  skipped?: string
}

export interface StepPlan {
  /** The suite as read. */
  data: ServiceData
  /** In the rules' order, each build once. */
  builds: PlannedBuild[]
  warnings: string[]
  /** Only the CONCLUSION run reports the suite (src/checks/aggregate.ts). */
  aggregate: boolean
  /** This step switches the suite to aggregate mode. */
  switched?: { since: string; reason: string }
  /** Aggregate mode would apply, but conclusion-check is false: why it would. */
  refused?: string
  buildCount: number
  /** The suite as it will be once this step's writes land: what the CONCLUSION run shows. */
  after: ServiceData
}

/** Plans the step from what was read (no log: a filtered read may be replaced by a full one). */
export function planStep(settings: StepSettings, data: ServiceData, step: StepInput, budget: StepBudget): StepPlan {
  const { now } = step
  const plan = planTransition(data, step.builds, step.transition, (build) => renderName(settings.nameTemplate, settings.suite, build))

  // Aggregate mode: past aggregate-above builds only the CONCLUSION run reports the suite.
  const decision = decideAggregate({
    buildCount: budget.buildCount,
    aggregateAbove: settings.aggregateAbove,
    rateLimitRemaining: budget.rateLimitRemaining,
    alreadyAggregate: data.aggregate !== undefined,
  })
  const aggregate = decision.aggregate && settings.conclusionCheck
  const switched = aggregate && data.aggregate === undefined ? { since: now, reason: decision.reason ?? 'aggregate mode' } : undefined

  const { local } = splitWrites(data, plan.operations, aggregate)
  const builds: PlannedBuild[] = plan.operations.map((op) =>
    op.op === 'skip' ? { build: op.build, skipped: op.reason } : local.has(op.build) ? { build: op.build, kept: local.get(op.build)! } : { build: op.build, write: op },
  )

  const planned: ServiceData = { ...emptyServiceData(step.key), check_runs: {} }
  for (const b of builds) if (b.write) setOwn(planned.check_runs, b.build, b.write.record)
  for (const b of builds) if (b.kept) setOwn(planned.check_runs, b.build, b.kept)
  if (switched) planned.aggregate = switched
  // A queued step registers the suite's builds: from now on the suite may complete without conclude.
  if (step.state === 'queued' && !data.registered) planned.registered = { since: now }
  return {
    data,
    builds,
    warnings: plan.warnings,
    aggregate,
    ...(switched ? { switched } : {}),
    ...(decision.aggregate && !settings.conclusionCheck ? { refused: decision.reason ?? 'aggregate mode' } : {}),
    buildCount: budget.buildCount,
    after: mergeServiceData(data, planned),
  }
}

/** The writes the step sends, in the plan's order. */
export function writesOf(plan: StepPlan): WriteOperation[] {
  return plan.builds.flatMap((b) => (b.write ? [b.write] : []))
}

/** What GitHub answered to the step's writes (src/commands/suite-writes.ts). */
export interface StepSent {
  builds: { build: string; record: CheckRunRecord; url?: string }[]
  conclusion?: { record: ConclusionRunRecord }
  lookedUpRepositoryNodeId?: string
}

/** One reported build as the step's outputs show it. */
export interface BuildOutcome {
  build: string
  record?: CheckRunRecord
  url?: string
  skipped?: string
}

export interface StepRecord {
  /** This step's fragment: only what it touched. */
  fragment: ServiceData
  /** One per build of the step's input, in its order. */
  outcomes: BuildOutcome[]
  /** Set when the budget known only after the writes switches the suite's next steps to aggregate mode. */
  lateSwitch?: string
}

/**
 * The fragment a step writes: the builds it touched (and records rebuilt from GitHub for them),
 * the aggregate switch, the registration, the CONCLUSION run and a looked-up node id. With the
 * installation's remaining budget known only now, it may switch the suite's later steps too.
 */
export function stepFragment(settings: StepSettings, plan: StepPlan, step: StepInput, rebuilt: readonly string[], sent: StepSent, rateLimitRemaining: number | undefined): StepRecord {
  const fragment: ServiceData = emptyServiceData(step.key)
  const outcomes: BuildOutcome[] = []
  for (const build of step.builds) {
    const planned = plan.builds.find((b) => b.build === build)
    const applied = sent.builds.find((a) => a.build === build)
    const kept = planned?.kept
    const record = applied?.record ?? kept ?? recordOf(plan.data, build)
    if (applied || kept || (record && rebuilt.includes(build))) setOwn(fragment.check_runs, build, record!)
    outcomes.push({ build, record, url: applied?.url, skipped: planned?.skipped })
  }
  if (plan.switched) fragment.aggregate = plan.switched
  if (step.state === 'queued') fragment.registered = plan.after.registered
  if (sent.conclusion) fragment.conclusion_run = sent.conclusion.record
  if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
  let lateSwitch: string | undefined
  if (!plan.aggregate && !plan.switched) {
    const late = decideAggregate({ buildCount: plan.buildCount, aggregateAbove: settings.aggregateAbove, rateLimitRemaining, alreadyAggregate: false })
    if (late.aggregate && settings.conclusionCheck) {
      lateSwitch = late.reason ?? 'low rate limit'
      fragment.aggregate = { since: step.now, reason: lateSwitch }
    }
  }
  return { fragment, outcomes, ...(lateSwitch ? { lateSwitch } : {}) }
}

/** Whether the fragment says anything worth a write (a registration alone rides with its builds). */
export function worthWriting(fragment: ServiceData): boolean {
  return Object.keys(fragment.check_runs).length > 0 || fragment.aggregate !== undefined || fragment.conclusion_run !== undefined || fragment.repository_node_id !== undefined
}
