// A transition step (queued | building | built) as data: its plan from the suite as read, and the
// fragment it writes once GitHub answered. src/commands/transition.ts runs the I/O around them:
// read → plan → send → record → write → outputs. Mirror's pass is the same step with every job its
// own transition (planJobsStep, jobsStepFragment; src/commands/mirror.ts). Pure: no I/O.
import { decideAggregate, splitWrites } from './aggregate.ts'
import { renderName } from './inputs.ts'
import { planTransition, type Plan, type WriteOperation } from './rules.ts'
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

const namesOf = (settings: StepSettings) => (build: string) => renderName(settings.nameTemplate, settings.suite, build)

/** Plans the step from what was read (no log: a filtered read may be replaced by a full one). */
export function planStep(settings: StepSettings, data: ServiceData, step: StepInput, budget: StepBudget): StepPlan {
  const rules = planTransition(data, step.builds, step.transition, namesOf(settings))
  // A queued step registers the suite's builds: from now on the suite may complete without conclude.
  return planFromRules(settings, data, { key: step.key, now: step.now, registers: step.state === 'queued' }, rules, budget)
}

/** Mirror's pass as a step: each job's build with the transition the job's status calls for. */
export interface JobsStepInput {
  key: SuiteKey
  /** The jobs to plan (those ahead of their records: src/mirror/jobs.ts jobIsAhead), in the listing's order. */
  jobs: { build: string; transition: Transition }[]
  /** Every mirrored job's build, planned or not: the outcomes are theirs. */
  builds: string[]
  now: string
}

/**
 * Plans mirror's pass. A job first seen running (its queued event was handled late, or not at
 * all) was queued: it is planned from a queued record, so with no run id yet the rules create it
 * running. The jobs listing names every job of the run, so the pass registers the suite's builds,
 * as a queued step does (src/checks/conclusion.ts completes only a registered suite by itself).
 */
export function planJobsStep(settings: StepSettings, data: ServiceData, step: JobsStepInput, budget: StepBudget): StepPlan {
  const names = namesOf(settings)
  const rules: Plan = { operations: [], warnings: [] }
  for (const { build, transition } of step.jobs) {
    const plan = planTransition(fromQueued(data, build, transition, names), [build], transition, names)
    rules.operations.push(...plan.operations)
    rules.warnings.push(...plan.warnings)
  }
  return planFromRules(settings, data, { key: step.key, now: step.now, registers: true }, rules, budget)
}

/** The suite to plan a job's transition from: with a queued record for a job first seen running. */
function fromQueued(data: ServiceData, build: string, t: Transition, names: (build: string) => string): ServiceData {
  if (recordOf(data, build) || t.state !== 'building') return data
  const { conclusion: _none, ...queued } = t
  const q = planTransition(data, [build], { ...queued, state: 'queued' }, names).operations[0]
  if (!q || q.op === 'skip') return data
  const base = { ...data, check_runs: { ...data.check_runs } }
  setOwn(base.check_runs, build, q.record)
  return base
}

/** The step's plan from the rules' operations: aggregate mode, what is sent and what only kept, the suite after. */
function planFromRules(settings: StepSettings, data: ServiceData, frame: { key: SuiteKey; now: string; registers: boolean }, plan: Plan, budget: StepBudget): StepPlan {
  const { now } = frame

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

  const planned: ServiceData = { ...emptyServiceData(frame.key), check_runs: {} }
  for (const b of builds) if (b.write) setOwn(planned.check_runs, b.build, b.write.record)
  for (const b of builds) if (b.kept) setOwn(planned.check_runs, b.build, b.kept)
  if (switched) planned.aggregate = switched
  if (frame.registers && !data.registered) planned.registered = { since: now }
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

/** The `check-runs` output of a step's builds: each one's run id, link, state and whether it is synced. */
export function checkRunsOutput(outcomes: readonly BuildOutcome[], runUrl: (id: number | undefined) => string | null): Record<string, { id: number | null; url: string | null; state: BuildState | null; synced: boolean }> {
  const checkRuns: Record<string, { id: number | null; url: string | null; state: BuildState | null; synced: boolean }> = {}
  for (const o of outcomes) {
    setOwn(checkRuns, o.build, {
      id: o.record?.check_run_id ?? null,
      url: o.url ?? runUrl(o.record?.check_run_id),
      state: o.record?.state ?? null,
      synced: o.record?.state_synced ?? true,
    })
  }
  return checkRuns
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
  const outcomes = recordBuilds(fragment, plan, step.builds, rebuilt, sent)
  recordSuite(fragment, plan, sent)
  if (step.state === 'queued') fragment.registered = plan.after.registered
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

/**
 * The fragment of mirror's pass: as a step's, but with every record rebuilt from GitHub (mirror
 * sees the whole suite: the next handler then need not list GitHub's runs), no registration (each
 * pass registers from its own jobs listing) and no late aggregate switch (each pass decides anew).
 */
export function jobsStepFragment(plan: StepPlan, step: JobsStepInput, rebuilt: readonly string[], sent: StepSent): StepRecord {
  const fragment: ServiceData = emptyServiceData(step.key)
  const outcomes = recordBuilds(fragment, plan, step.builds, rebuilt, sent)
  recordBuilds(fragment, plan, rebuilt.filter((b) => !step.builds.includes(b)), rebuilt, sent)
  recordSuite(fragment, plan, sent)
  return { fragment, outcomes }
}

/** Each build's record into the fragment when the step touched it (or rebuilt it); its outcome. */
function recordBuilds(fragment: ServiceData, plan: StepPlan, builds: readonly string[], rebuilt: readonly string[], sent: StepSent): BuildOutcome[] {
  return builds.map((build) => {
    const planned = plan.builds.find((b) => b.build === build)
    const applied = sent.builds.find((a) => a.build === build)
    const kept = planned?.kept
    const record = applied?.record ?? kept ?? recordOf(plan.data, build)
    if (applied || kept || (record && rebuilt.includes(build))) setOwn(fragment.check_runs, build, record!)
    return { build, record, url: applied?.url, skipped: planned?.skipped }
  })
}

/** The suite-wide records a step's fragment carries: the aggregate switch, the CONCLUSION run, a looked-up node id. */
function recordSuite(fragment: ServiceData, plan: StepPlan, sent: StepSent): void {
  if (plan.switched) fragment.aggregate = plan.switched
  if (sent.conclusion) fragment.conclusion_run = sent.conclusion.record
  if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
}

/** Whether the fragment says anything worth a write (a registration alone rides with its builds). */
export function worthWriting(fragment: ServiceData): boolean {
  return Object.keys(fragment.check_runs).length > 0 || fragment.aggregate !== undefined || fragment.conclusion_run !== undefined || fragment.repository_node_id !== undefined
}
