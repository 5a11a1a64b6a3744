// The suite's CONCLUSION check run as one more write in the same GraphQL request as the builds':
// what to send (conclusion.ts decides) and the record to keep afterwards. Pure: no I/O.
import { shouldRefreshAggregate } from './aggregate.ts'
import { conclusionFor, conclusionOutput, conclusionStep, type SuiteConclusion } from './conclusion.ts'
import type { CheckRunOutput, CheckRunRecord, ConclusionRunRecord, RunWrite, ServiceData } from './types.ts'

/**
 * What planning the CONCLUSION run takes of the step: its inputs (src/commands/common-inputs.ts
 * conclusionSettings) and links; reconcile gives each suite's own name.
 */
export interface ConclusionSettings {
  warningAs: 'success' | 'failure'
  conclusionCheck: boolean
  /** The run's name, {suite} already filled in. */
  conclusionName: string
  aggregateIntervalSeconds: number
  /** The step's workflow run: the new run's details_url. */
  runUrl: string
  /** Links in the output's table point at this server. */
  serverUrl: string
}

export interface ConclusionPlan {
  result: SuiteConclusion
  /** Absent when nothing is sent this step. */
  op?: RunWrite
  output?: CheckRunOutput
}

export interface ConclusionPlanOptions {
  /** conclude: every job is over; unfinished builds count as failed. */
  final: boolean
  /** A queued step (or conclude) may open the run; other steps only open a newer generation's. */
  mayOpen: boolean
  aggregate: boolean
  now: string
  /**
   * The caller knows a build is unfinished that `data` does not show (a filtered read saw it in
   * the fragments' names): the suite is not complete, whatever the partial data says.
   */
  incomplete?: boolean
}

/** What to do with the CONCLUSION run, given the suite as it will be after this step's writes. */
export function planConclusionRun(settings: ConclusionSettings, data: ServiceData, options: ConclusionPlanOptions): ConclusionPlan {
  const recorded = data.conclusion_run
  const result = conclusionFor(data, recorded, { warningAs: settings.warningAs, final: options.final, incomplete: options.incomplete })
  if (!settings.conclusionCheck) return { result }
  const step = conclusionStep(recorded, result)
  let state: 'building' | 'built'
  switch (step.op) {
    case 'none':
      return { result }
    case 'refresh':
      // Without aggregate mode each build's own run shows its state: the table waits for the end.
      if (!options.aggregate || !shouldRefreshAggregate(recorded?.summary_updated_at, options.now, settings.aggregateIntervalSeconds, false)) {
        return { result }
      }
      state = 'building'
      break
    default:
      state = step.state
      // Opening a run where none is recorded is the queued step's (or a re-run's) job: two
      // building jobs racing to create it would leave a duplicate open.
      if (step.op === 'create' && state === 'building' && !options.mayOpen && (recorded === undefined || recorded.generation >= step.generation)) {
        return { result }
      }
  }
  const generation = step.generation
  // Re-sending a completed run repeats its times too: GitHub keeps them once completed. A suite
  // that completes by itself ended with its last build, so jobs ending at once that each complete
  // it send the same completed_at (their second update asks GitHub to change nothing).
  const resendsEnd = step.op === 'update' && recorded?.state === 'built' && recorded.generation === generation
  const endedAt = state === 'built' && !options.final ? lastBuildTime(data) : undefined
  const record: CheckRunRecord = {
    name: settings.conclusionName,
    state,
    generation,
    state_synced: true,
    updated_at: resendsEnd ? recorded.updated_at : (endedAt ?? options.now),
    details_url: settings.runUrl,
  }
  if (state === 'built') record.conclusion = result.conclusion ?? 'failure'
  const output = conclusionOutput(data, {
    warningAs: settings.warningAs,
    // A complete suite's output counts unfinished builds as failed, as its conclusion does.
    final: options.final || result.complete,
    aggregate: options.aggregate,
    serverUrl: settings.serverUrl,
  })
  const reuse = recorded?.check_run_id !== undefined && step.op !== 'create'
  const op: RunWrite = reuse
    ? {
        op: 'update',
        check_run_id: recorded!.check_run_id!,
        ...(recorded!.node_id ? { node_id: recorded!.node_id } : {}),
        record: { ...record, check_run_id: recorded!.check_run_id!, ...(recorded!.node_id ? { node_id: recorded!.node_id } : {}) },
      }
    : { op: 'create', record }
  return { result, op, output }
}

/** The latest transition time of the suite's builds (ISO), if any is readable. */
function lastBuildTime(data: ServiceData): string | undefined {
  let last: number | undefined
  for (const r of Object.values(data.check_runs)) {
    const t = Date.parse(r.updated_at)
    if (Number.isFinite(t) && (last === undefined || t > last)) last = t
  }
  return last === undefined ? undefined : new Date(last).toISOString()
}

/** The CONCLUSION run's record after apply wrote it. */
export function conclusionRecordAfter(applied: { record: CheckRunRecord }, now: string): ConclusionRunRecord {
  const r = applied.record
  const record: ConclusionRunRecord = {
    state: r.state === 'queued' ? 'building' : r.state,
    generation: Math.max(1, r.generation),
    state_synced: r.state_synced,
    updated_at: r.updated_at,
    summary_updated_at: now,
  }
  if (r.check_run_id !== undefined) record.check_run_id = r.check_run_id
  if (r.node_id !== undefined) record.node_id = r.node_id
  if (r.state === 'built') record.conclusion = r.conclusion === 'success' ? 'success' : 'failure'
  return record
}
