// Reconcile's decisions, pure: what to re-send, what is stale, whether the CONCLUSION run is due,
// what to forget, when a suite is settled, whether to compact it and how its compacted fragment is
// named. src/reconcile/suite.ts does the I/O.
import { buildGetsCheckRun } from '../checks/aggregate.ts'
import { conclusionFor, conclusionStep } from '../checks/conclusion.ts'
import { planConclusionRun, type ConclusionPlan, type ConclusionSettings } from '../checks/conclusion-run.ts'
import { planResend, planTransition, type WriteOperation } from '../checks/rules.ts'
import { emptyServiceData, mergeServiceData, recordOf, setOwn } from '../checks/service-data.ts'
import type { BuildState, CheckRunRecord, Conclusion, ServiceData } from '../checks/types.ts'
import { laterReads, READS_PER_WRITE, worthCompacting } from './pass-index.ts'

export interface SuitePlanOptions {
  /** Epoch ms of this pass. */
  now: number
  staleAfterMs: number
  staleConclusion: Conclusion
}

export interface StaleBuild {
  build: string
  /** The record it was left in (queued or building). */
  was: CheckRunRecord
}

export interface SuitePlan {
  /** Unsynced records to send as they are (not the stale ones: their timeout replaces them). */
  resend: WriteOperation[]
  /**
   * Stale builds completed with the stale conclusion, and builds whose reporting job has ended
   * (`ended`) completed with the job's; `op` is absent when no check run shows it (aggregate mode).
   */
  timeouts: { build: string; was: CheckRunRecord; op?: WriteOperation; record: CheckRunRecord; ended?: boolean }[]
}

/** A build whose reporting job the Actions API shows completed: its end, from the job. */
export interface EndedJob {
  conclusion: Conclusion
}

function time(iso: string | undefined): number | undefined {
  const ms = iso === undefined ? NaN : Date.parse(iso)
  return Number.isFinite(ms) ? ms : undefined
}

/** Queued or building for longer than staleAfterMs (by the time of its last transition). */
export function staleBuilds(data: ServiceData, now: number, staleAfterMs: number): StaleBuild[] {
  const out: StaleBuild[] = []
  for (const build of Object.keys(data.check_runs).sort()) {
    const was = recordOf(data, build)!
    if (was.state === 'built') continue
    const at = time(was.updated_at)
    if (at !== undefined && now - at > staleAfterMs) out.push({ build, was })
  }
  return out
}

/**
 * What this pass sends for one suite. `ended`: unfinished builds whose reporting job has ended
 * without reporting the build's end (a killed runner, a cancelled run, a built step that never
 * ran): they are completed with the job's conclusion at once, not after stale-after.
 */
export function planSuite(data: ServiceData, opts: SuitePlanOptions, ended: ReadonlyMap<string, EndedJob> = new Map()): SuitePlan {
  const at = new Date(opts.now).toISOString()
  const stale: (StaleBuild & { conclusion: Conclusion; ended?: boolean })[] = staleBuilds(data, opts.now, opts.staleAfterMs)
    .map((s) => ({ ...s, conclusion: ended.get(s.build)?.conclusion ?? opts.staleConclusion, ...(ended.has(s.build) ? { ended: true } : {}) }))
  for (const build of [...ended.keys()].sort()) {
    const was = recordOf(data, build)
    if (was && was.state !== 'built' && !stale.some((s) => s.build === build)) stale.push({ build, was, conclusion: ended.get(build)!.conclusion, ended: true })
  }
  const staleIds = new Set(stale.map((s) => s.build))
  const resend = planResend(data).operations.filter(
    (op): op is WriteOperation => op.op !== 'skip' && !staleIds.has(op.build),
  )
  const timeouts: SuitePlan['timeouts'] = []
  for (const { build, was, conclusion, ended: fromJob } of stale) {
    // The same generation, one state later: rules.ts updates the build's run (creates it if its id is unknown).
    const plan = planTransition(
      data,
      [build],
      { state: 'built', generation: was.generation, conclusion, at },
      () => was.name,
    )
    const op = plan.operations[0]!
    if (op.op === 'skip') continue // cannot happen for a queued/building record; kept for the types
    if (data.aggregate !== undefined && !buildGetsCheckRun(true, was)) {
      // Aggregate mode: no check run of its own, the CONCLUSION run counts it.
      timeouts.push({ build, was, record: { ...op.record, state_synced: true }, ...(fromJob ? { ended: true } : {}) })
    } else {
      timeouts.push({ build, was, op, record: op.record, ...(fromJob ? { ended: true } : {}) })
    }
  }
  return { resend, timeouts }
}

/** The suite once the plan's writes land: re-sent records and timed-out builds. */
export function afterRepair(data: ServiceData, plan: SuitePlan): ServiceData {
  const planned = emptyServiceData(data)
  for (const op of plan.resend) setOwn(planned.check_runs, op.build, op.record)
  for (const t of plan.timeouts) setOwn(planned.check_runs, t.build, t.op?.record ?? t.record)
  return mergeServiceData(data, planned)
}

/**
 * The CONCLUSION run's plan when the suite has one and it is due (complete, re-sent or adopted);
 * `after`: the suite once the builds' writes land. An update keeps the link the run has.
 */
export function repairConclusion(settings: ConclusionSettings, data: ServiceData, after: ServiceData, now: string): ConclusionPlan | undefined {
  if (!data.conclusion_run) return undefined
  const step = conclusionStep(data.conclusion_run, conclusionFor(after, data.conclusion_run, { warningAs: settings.warningAs }))
  if (step.op !== 'create' && step.op !== 'update') return undefined
  const plan = planConclusionRun(settings, after, { final: false, mayOpen: true, aggregate: data.aggregate !== undefined, now })
  if (plan.op?.op === 'update') delete plan.op.record.details_url
  return plan
}

/** What reconcile did to the CONCLUSION run, for the report: completed, created or updated. */
export function conclusionDone(state: BuildState, op: 'create' | 'update', adopted: 'updated' | 'as-shown' | undefined): string {
  if (state === 'built') return 'completed'
  return op === 'create' && adopted !== 'updated' ? 'created' : 'updated'
}

/** Records that may still not be on GitHub. */
export function countUnsynced(data: ServiceData): number {
  let n = Object.values(data.check_runs).filter((r) => !r.state_synced).length
  if (data.conclusion_run && !data.conclusion_run.state_synced) n++
  return n
}

/** What a pass does with a repaired suite's fragments. */
export interface Compaction {
  /** Nothing left to do, now or later, and nothing set aside. */
  settled: boolean
  /** The pass sent something: it is written as one fragment. */
  changed: boolean
  /** The merged fragments are replaced by one (pass-index.ts worthCompacting: the reads it saves outweigh the deletes). */
  compact: boolean
}

/** Whether to write the repaired suite as one fragment and delete the ones merged. `last`: its last activity as read. */
export function planCompaction(
  compacted: ServiceData,
  changes: ServiceData,
  suite: { aside: number; merged: number; last: number; selfClearing: boolean },
  opts: { now: number; staleAfterMs: number; intervalMs?: number },
): Compaction {
  const settled = isSettled(compacted) && suite.aside === 0
  const changed = Object.keys(changes.check_runs).length > 0 || changes.conclusion_run !== undefined
  const later = laterReads(settled, lastActivity(compacted) ?? suite.last, { now: opts.now, staleAfterMs: opts.staleAfterMs, intervalMs: opts.intervalMs })
  const compact = worthCompacting(suite.merged, later, suite.selfClearing ? READS_PER_WRITE : 0, !changed)
  return { settled, changed, compact }
}

/** The newest transition time the suite records (epoch ms), if any. */
export function lastActivity(data: ServiceData): number | undefined {
  let last: number | undefined
  const see = (iso: string | undefined) => {
    const t = time(iso)
    if (t !== undefined && (last === undefined || t > last)) last = t
  }
  for (const record of Object.values(data.check_runs)) see(record.updated_at)
  see(data.conclusion_run?.updated_at)
  see(data.aggregate?.since)
  return last
}

/** A suite whose last activity is older than forget-after is dropped from the store. */
export function shouldForget(last: number | undefined, now: number, forgetAfterMs: number): boolean {
  return last !== undefined && now - last > forgetAfterMs
}

/**
 * Nothing left for reconcile to do, now or later: every build built and synced, and the
 * CONCLUSION run (if any) completed, synced, in the newest generation.
 */
export function isSettled(data: ServiceData): boolean {
  let generation = 0
  for (const record of Object.values(data.check_runs)) {
    if (record.state !== 'built' || !record.state_synced) return false
    generation = Math.max(generation, record.generation)
  }
  const c = data.conclusion_run
  if (c && (c.state !== 'built' || !c.state_synced || c.generation < generation)) return false
  return true
}

// A settled suite's compacted fragment says so in its name, with its last activity, so later
// passes need not download it: `…-settled.<epoch seconds>.<8 hex>`. Workflow step ids cannot
// hold a dot, so no transition's fragment name ends this way.
const SETTLED = /-settled\.(\d{1,12})\.[0-9a-f]{8}$/

/** The writer `step` of a settled suite's compacted fragment. */
export function settledStep(lastActivityMs: number, random: string): string {
  return `settled.${Math.floor(lastActivityMs / 1000)}.${random.slice(0, 8)}`
}

/** The writer `step` of the compacted fragment: a settled suite's says so (settledStep). */
export function compactedStep(settled: boolean, lastActivityMs: number, random: string): string {
  return settled ? settledStep(lastActivityMs, random) : `reconcile-${random.slice(0, 8)}`
}

/** The last activity (epoch ms) a settled fragment's name records, or undefined for any other name. */
export function settledAt(fragmentName: string): number | undefined {
  const m = SETTLED.exec(fragmentName)
  return m ? Number(m[1]) * 1000 : undefined
}

/**
 * Suites are grouped by fragment; one holding a single settled fragment needs no reading:
 * reconcile only checks whether it is old enough to forget.
 */
export function skipsReading(names: string[]): boolean {
  return names.length === 1 && settledAt(names[0]!) !== undefined
}

/** "6h", "1d 2h", "90s" (the two largest units): for messages. */
export function formatDuration(ms: number): string {
  const parts: string[] = []
  let rest = Math.round(ms / 1000)
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.slice(0, 2).join(' ') || '0s'
}
