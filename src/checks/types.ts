// The service data: the per-suite record of every build's check run (docs/design.md "State model").
// Shared by the pure core (rules, merge) and the adapters (GitHub, stores). No token, ever.

export const SERVICE_DATA_VERSION = 1

export type BuildState = 'queued' | 'building' | 'built'

/** GitHub's check-run conclusions. */
export type Conclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required'
  | 'stale'

/** Who reported a transition: the job whose "Re-run job" button re-runs the build. */
export interface Reporter {
  run_id: number
  run_attempt: number
  job: string
  job_url?: string
}

export interface CheckRunRecord {
  name: string
  state: BuildState
  /** The workflow run attempt that reported it: a re-run job starts a new generation. */
  generation: number
  check_run_id?: number
  node_id?: string
  /** false: the last notification may not have reached GitHub; reconcile re-sends it. */
  state_synced: boolean
  conclusion?: Conclusion
  details_url?: string
  /** ISO 8601 time of the transition. */
  updated_at: string
  reporter?: Reporter
}

export interface ServiceData {
  version: typeof SERVICE_DATA_VERSION
  repository: string
  head_sha: string
  suite: string
  check_runs: Record<string, CheckRunRecord>
  /** Set once the suite switched to aggregate mode; sticky (merge keeps the earliest). */
  aggregate?: AggregateRecord
  /** The suite's `<suite> / CONCLUSION` check run (absent until created, or when turned off). */
  conclusion_run?: ConclusionRunRecord
  /**
   * Set by a `queued` step: the suite's builds were registered up front, so once every build
   * known is built the suite is complete. Without it only `conclude` (or reconcile) completes the
   * suite: a build that never reported may still come. Sticky (merge keeps the earliest).
   */
  registered?: RegisteredRecord
  /** The repository's GraphQL node id, once looked up (events without one, e.g. schedule): later steps skip the lookup. */
  repository_node_id?: string
}

/** When a queued step first registered the suite's builds (src/checks/conclusion.ts). */
export interface RegisteredRecord {
  /** ISO 8601 time of the first queued step. */
  since: string
}

/** Why and since when a suite reports only its CONCLUSION check run (src/checks/aggregate.ts). */
export interface AggregateRecord {
  /** ISO 8601 time of the switch. */
  since: string
  reason: string
}

/**
 * The CONCLUSION check run. It is created in_progress (state 'building') and completed
 * (state 'built'). A re-run build re-opens it in a newer generation: as a new check run of
 * the same name, since GitHub does not move a completed run back to in_progress. Merged like
 * a build's record: higher (generation, state) wins (src/checks/suite-extras.ts).
 */
export interface ConclusionRunRecord {
  check_run_id?: number
  node_id?: string
  state: BuildState
  /** The highest build generation it reflects. */
  generation: number
  /** Set when state is 'built'. */
  conclusion?: 'success' | 'failure'
  state_synced: boolean
  /** ISO 8601 time of its last state change. */
  updated_at: string
  /** ISO 8601 time its summary was last sent to GitHub (aggregate mode refreshes). */
  summary_updated_at?: string
}

/** Identifies one suite's document: (repository, head sha, suite name). */
export interface SuiteKey {
  repository: string
  head_sha: string
  suite: string
}

/** A build's state transition as a workflow step reports it. */
export interface Transition {
  state: BuildState
  /** The workflow run attempt of the reporting job (the generation it writes). */
  generation: number
  /** Required for state 'built'. */
  conclusion?: Conclusion
  /** ISO 8601 time of the report. */
  at: string
  reporter?: Reporter
  details_url?: string
}

/**
 * One create or update of a check run, whichever run it is for (src/github/apply.ts PlannedWrite names the
 * target: a build or the suite's CONCLUSION run).
 */
export type RunWrite =
  | { op: 'create'; record: CheckRunRecord }
  | { op: 'update'; check_run_id: number; node_id?: string; record: CheckRunRecord }

/** What rules.ts decides for one build: pure data, executed by src/github/apply.ts. */
export type Operation =
  | { op: 'create'; build: string; record: CheckRunRecord }
  | { op: 'update'; build: string; check_run_id: number; node_id?: string; record: CheckRunRecord }
  | { op: 'skip'; build: string; reason: string }

/** The visible content of a check run (GitHub's `output`), limits applied by the caller. */
export interface CheckRunOutput {
  title: string
  summary: string
  text?: string
  annotations?: Annotation[]
}

/** GitHub's check-run annotation object. */
export interface Annotation {
  path: string
  start_line: number
  end_line: number
  start_column?: number
  end_column?: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title?: string
  raw_details?: string
}
