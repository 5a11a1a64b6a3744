// Aggregate mode: when one check run per build cannot fit GitHub's limits,
// the suite reports only its CONCLUSION check run. Pure decisions; the switch is recorded in
// the service data (`aggregate`) so every job of the suite reports the same way.
import type { WriteOperation } from './rules.ts'
import { recordOf } from './service-data.ts'
import type { CheckRunRecord, Operation, ServiceData } from './types.ts'

/**
 * Content-creating mutations one build costs over its life: create (queued), update
 * (in_progress), update (completed). GitHub counts each GraphQL mutation, even in one request.
 */
export const MUTATIONS_PER_BUILD = 3
/** The CONCLUSION check run itself: create, complete. */
export const CONCLUSION_MUTATIONS = 2
/** GitHub's secondary limit: at most 500 content-creating requests an hour per installation. */
export const SECONDARY_HOURLY_LIMIT = 500
/** Only this share of the installation's remaining primary limit may go to one suite's check runs. */
export const RATE_LIMIT_SHARE = 0.5

export interface AggregateInput {
  buildCount: number
  /** The `aggregate-above` input (default 100). */
  aggregateAbove: number
  /** `x-ratelimit-remaining` of the installation's last response, when known. */
  rateLimitRemaining?: number
  /** The service data already records the switch. */
  alreadyAggregate: boolean
}

export interface AggregateDecision {
  aggregate: boolean
  /** Why, for the service data and the log; set when aggregate. */
  reason?: string
}

/** Mutations one check run per build needs: MUTATIONS_PER_BUILD × builds + CONCLUSION_MUTATIONS. */
export function mutationsNeeded(buildCount: number): number {
  return MUTATIONS_PER_BUILD * buildCount + CONCLUSION_MUTATIONS
}

/**
 * Whether the suite reports only its CONCLUSION check run. In order:
 * 1. sticky: once recorded, stay (jobs of one suite must not report two ways);
 * 2. more builds than `aggregate-above`;
 * 3. mutationsNeeded(builds) > 500, GitHub's hourly secondary limit (more than 166 builds),
 *    which no setting of `aggregate-above` can lift;
 * 4. mutationsNeeded(builds) > RATE_LIMIT_SHARE × the installation's remaining requests:
 *    the rest of the hour's budget is left to reads, other suites and reconcile.
 */
export function decideAggregate(input: AggregateInput): AggregateDecision {
  const { buildCount, aggregateAbove, rateLimitRemaining } = input
  if (input.alreadyAggregate) return { aggregate: true, reason: 'already in aggregate mode' }
  const builds = `${buildCount} build${buildCount === 1 ? '' : 's'}`
  if (buildCount > aggregateAbove) {
    return { aggregate: true, reason: `${builds}, more than aggregate-above (${aggregateAbove})` }
  }
  const needed = mutationsNeeded(buildCount)
  if (needed > SECONDARY_HOURLY_LIMIT) {
    return {
      aggregate: true,
      reason: `${builds} need about ${needed} check-run mutations, more than GitHub's ${SECONDARY_HOURLY_LIMIT} content-creating requests an hour`,
    }
  }
  if (rateLimitRemaining !== undefined && needed > RATE_LIMIT_SHARE * rateLimitRemaining) {
    return {
      aggregate: true,
      reason: `${builds} need about ${needed} requests; the installation has ${rateLimitRemaining} left this hour`,
    }
  }
  return { aggregate: false }
}

/**
 * Whether a build still gets its own check run. In aggregate mode only builds whose check run
 * was created before the switch do: they are carried to completion rather than left open.
 */
export function buildGetsCheckRun(aggregate: boolean, record: Pick<CheckRunRecord, 'check_run_id'> | undefined): boolean {
  return !aggregate || record?.check_run_id !== undefined
}

/**
 * A plan's writes split by aggregate mode: those sent to GitHub, and the records of builds with
 * no check run of their own, kept only in the state as synced (nothing to send: the CONCLUSION
 * run counts them).
 */
export function splitWrites(data: ServiceData, ops: Operation[], aggregate: boolean): { writes: WriteOperation[]; local: Map<string, CheckRunRecord> } {
  const writes: WriteOperation[] = []
  const local = new Map<string, CheckRunRecord>()
  for (const op of ops) {
    if (op.op === 'skip') continue
    if (aggregate && !buildGetsCheckRun(true, recordOf(data, op.build))) local.set(op.build, { ...op.record, state_synced: true })
    else writes.push(op)
  }
  return { writes, local }
}

/**
 * Whether to send the aggregate summary now: always at the end, else at most every
 * `intervalSeconds`. Times are ISO 8601 (or Dates). A last update in the future by a full
 * interval or more (another runner's clock) does not block refreshes; an unreadable one
 * counts as never.
 */
export function shouldRefreshAggregate(
  lastUpdatedAt: string | Date | undefined,
  now: string | Date,
  intervalSeconds: number,
  final: boolean,
): boolean {
  if (final || lastUpdatedAt === undefined) return true
  const last = new Date(lastUpdatedAt).getTime()
  const current = new Date(now).getTime()
  if (!Number.isFinite(last) || !Number.isFinite(current)) return true
  return Math.abs(current - last) >= Math.max(0, intervalSeconds) * 1000
}
