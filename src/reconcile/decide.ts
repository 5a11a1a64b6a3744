// Reconcile's decisions, pure: what to re-send, what is stale, what to forget, when a suite is
// settled, and how its compacted fragment is named. src/commands/reconcile.ts does the I/O.
import { buildGetsCheckRun } from '../checks/aggregate.ts'
import { planResend, planTransition, type WriteOperation } from '../checks/rules.ts'
import { recordOf } from '../checks/service-data.ts'
import type { CheckRunRecord, Conclusion, ServiceData } from '../checks/types.ts'

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
