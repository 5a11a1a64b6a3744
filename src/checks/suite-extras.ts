// The join of the suite-level fields of the service data (the aggregate switch and the
// CONCLUSION check run), called by the service data's merge. Pure. Like the builds' merge it
// is commutative, associative and idempotent, so fragments merge in any order.
import type { AggregateRecord, BuildState, ConclusionRunRecord, RegisteredRecord, ServiceData } from './types.ts'
import { isBuildState, stateRank } from './states.ts'

export type SuiteExtras = Pick<ServiceData, 'aggregate' | 'conclusion_run' | 'registered'>

/** The top-level keys of the service data that mergeSuiteExtras joins. */
export const SUITE_EXTRA_KEYS = ['aggregate', 'conclusion_run', 'registered'] as const satisfies readonly (keyof ServiceData)[]

/** Joins the suite-level fields of two documents; absent fields stay absent (no `undefined` keys). */
export function mergeSuiteExtras(a: SuiteExtras, b: SuiteExtras): SuiteExtras {
  const merged: SuiteExtras = {}
  const aggregate = mergeAggregate(a.aggregate, b.aggregate)
  if (aggregate) merged.aggregate = aggregate
  const conclusionRun = mergeConclusionRun(a.conclusion_run, b.conclusion_run)
  if (conclusionRun) merged.conclusion_run = conclusionRun
  const registered = mergeRegistered(a.registered, b.registered)
  if (registered) merged.registered = registered
  return merged
}

/** Sticky like the aggregate switch: the earliest registration is kept. */
export function mergeRegistered(a: RegisteredRecord | undefined, b: RegisteredRecord | undefined): RegisteredRecord | undefined {
  if (!a || !b) return a ?? b
  return compareTime(a.since, b.since) <= 0 ? a : b
}

/** Sticky: once any writer switched, the suite is aggregate; the earliest switch is kept. */
export function mergeAggregate(a: AggregateRecord | undefined, b: AggregateRecord | undefined): AggregateRecord | undefined {
  if (!a || !b) return a ?? b
  // Earliest first; a readable time beats an unreadable one, whichever sorts first as text.
  const readable = Number(Number.isFinite(Date.parse(b.since))) - Number(Number.isFinite(Date.parse(a.since)))
  const order = readable || compareTime(a.since, b.since) || compareStrings(a.reason, b.reason)
  return order <= 0 ? a : b
}

/**
 * The order of builds' records (service-data.ts compareRecords): the higher (generation,
 * state) wins; on a tie the later updated_at (a later transition must win even before it is
 * synced, so reconcile re-sends it), then a known check_run_id over none, synced over not
 * synced, then a fixed order of the content so that any two records have one answer.
 * `summary_updated_at` is joined on its own (the latest): it only spaces out refreshes.
 */
export function mergeConclusionRun(
  a: ConclusionRunRecord | undefined,
  b: ConclusionRunRecord | undefined,
): ConclusionRunRecord | undefined {
  if (!a || !b) return a ?? b
  const winner = compareConclusionRuns(a, b) >= 0 ? a : b
  const summaryAt = latest(a.summary_updated_at, b.summary_updated_at)
  if (summaryAt === winner.summary_updated_at) return winner
  const { summary_updated_at: _, ...rest } = winner
  return summaryAt === undefined ? rest : { ...rest, summary_updated_at: summaryAt }
}

/** > 0 when `a` ranks above `b`; ignores summary_updated_at. */
function compareConclusionRuns(a: ConclusionRunRecord, b: ConclusionRunRecord): number {
  return (
    a.generation - b.generation ||
    stateRank(a.state) - stateRank(b.state) ||
    compareTime(a.updated_at, b.updated_at) ||
    Number(a.check_run_id !== undefined) - Number(b.check_run_id !== undefined) ||
    Number(a.state_synced) - Number(b.state_synced) ||
    compareStrings(canonical(a), canonical(b))
  )
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return a ?? b
  return compareTime(a, b) >= 0 ? a : b
}

/**
 * A total order on timestamps: readable ones by instant (then text, for equal instants
 * written differently), all above unreadable ones (ordered by text).
 */
export function compareTime(a: string, b: string): number {
  const ta = Date.parse(a)
  const tb = Date.parse(b)
  const va = Number.isFinite(ta)
  const vb = Number.isFinite(tb)
  if (va !== vb) return va ? 1 : -1
  if (va && ta !== tb) return ta - tb
  return compareStrings(a, b)
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The record's content with sorted keys, without summary_updated_at. */
function canonical(record: ConclusionRunRecord): string {
  const entries = Object.entries(record)
    .filter(([key, value]) => key !== 'summary_updated_at' && value !== undefined)
    .sort(([x], [y]) => compareStrings(x, y))
  return JSON.stringify(entries)
}

/** Where a stored document's suite-level field is wrong, for the parser's CorruptStateError. */
export interface SuiteExtrasProblem {
  path: string
  expected: string
}

/**
 * Reads and checks the suite-level fields of a parsed JSON document (absent ones stay
 * absent). Only the known fields of each are kept. Returns the first problem found instead.
 */
export function readSuiteExtras(doc: Record<string, unknown>): { extras: SuiteExtras } | { problem: SuiteExtrasProblem } {
  const extras: SuiteExtras = {}
  const problem = (path: string, expected: string) => ({ problem: { path, expected } })
  if (doc.aggregate !== undefined) {
    const a = doc.aggregate
    if (!isPlainObject(a)) return problem('aggregate', 'an object')
    if (typeof a.since !== 'string' || a.since === '') return problem('aggregate.since', 'an ISO 8601 time')
    if (typeof a.reason !== 'string') return problem('aggregate.reason', 'a string')
    extras.aggregate = { since: a.since, reason: a.reason }
  }
  if (doc.registered !== undefined) {
    const r = doc.registered
    if (!isPlainObject(r)) return problem('registered', 'an object')
    if (typeof r.since !== 'string' || r.since === '') return problem('registered.since', 'an ISO 8601 time')
    extras.registered = { since: r.since }
  }
  if (doc.conclusion_run !== undefined) {
    const c = doc.conclusion_run
    if (!isPlainObject(c)) return problem('conclusion_run', 'an object')
    if (!isBuildState(c.state)) return problem('conclusion_run.state', 'queued, building or built')
    if (!isCount(c.generation, 1)) return problem('conclusion_run.generation', 'a positive integer')
    if (typeof c.state_synced !== 'boolean') return problem('conclusion_run.state_synced', 'true or false')
    if (typeof c.updated_at !== 'string' || c.updated_at === '') return problem('conclusion_run.updated_at', 'an ISO 8601 time')
    const record: ConclusionRunRecord = {
      state: c.state as BuildState,
      generation: c.generation,
      state_synced: c.state_synced,
      updated_at: c.updated_at,
    }
    if (c.check_run_id !== undefined) {
      if (!isCount(c.check_run_id, 1)) return problem('conclusion_run.check_run_id', 'a positive integer')
      record.check_run_id = c.check_run_id
    }
    if (c.node_id !== undefined) {
      if (typeof c.node_id !== 'string' || c.node_id === '') return problem('conclusion_run.node_id', 'a non-empty string')
      record.node_id = c.node_id
    }
    if (c.conclusion !== undefined) {
      if (c.conclusion !== 'success' && c.conclusion !== 'failure') return problem('conclusion_run.conclusion', 'success or failure')
      record.conclusion = c.conclusion
    }
    if (c.summary_updated_at !== undefined) {
      if (typeof c.summary_updated_at !== 'string' || c.summary_updated_at === '') {
        return problem('conclusion_run.summary_updated_at', 'an ISO 8601 time')
      }
      record.summary_updated_at = c.summary_updated_at
    }
    extras.conclusion_run = record
  }
  return { extras }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min
}
