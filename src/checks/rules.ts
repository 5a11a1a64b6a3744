/**
 * The rules (docs/design.md "The rules", after brep): given the recorded service data and one
 * reported transition, decide per build whether to create, update or skip its check run.
 * Pure: the plan is data that src/github/apply-plan.ts executes; `recordAfter` says what to store afterwards.
 *
 * Per build, with R the recorded record and T the transition:
 * - no R: queued and built create; building skips (a nice-to-have notification).
 * - T older generation than R: skip with a warning (a later state is never overwritten).
 * - T newer generation than R (a re-run job): start over. A completed check run is final on
 *   GitHub (an update asking another status or conclusion is answered 200 and changes nothing:
 *   brep's mod-ci-github-gq.cxx, and test/emulator/github/checks-store.ts for the other sources),
 *   so when R is built T creates a new run of the same name, which GitHub shows in its place;
 *   when R is queued or building, T's state goes onto R's run.
 * - same generation, T's state after R's (queued → building → built): write T.
 * - same generation, same state: queued and building skip ("unexpected rebuild", duplicate);
 *   built creates a new completed check run (a rebuild) when R is synced.
 * - same generation, T's state before R's: skip, "out of order".
 * - R not synced: whatever would skip re-sends R instead (so the next notification repairs it),
 *   and a write updates R's run when its id is known, else creates (apply first adopts a run a
 *   lost reply may have made: see mayAlreadyExist).
 * "Write" = update when R has a check_run_id, else create. No rule updates a built R to another
 * state; src/github/apply-plan.ts creates a new run should GitHub still show a completed run another way.
 */
import { buildIdProblem, isIsoTime, recordOf } from './service-data.ts'
import { isBuildState, stateRank } from './states.ts'
import type {
  BuildState,
  CheckRunRecord,
  Operation,
  RunWrite,
  ServiceData,
  Transition,
} from './types.ts'

export interface Plan {
  operations: Operation[]
  warnings: string[]
}

export type WriteOperation = Extract<Operation, { op: 'create' | 'update' }>

/** What apply learned from GitHub about one write. */
export interface ApplyResult {
  /** The run written (from the reply, or the adopted run's id). */
  check_run_id?: number
  node_id?: string
  /** true only when GitHub's reply confirmed the write. */
  synced: boolean
}

export { githubStatus } from './states.ts'

function checkTransition(t: Transition): void {
  if (!isBuildState(t.state)) {
    throw new TypeError(`unknown transition state ${JSON.stringify(t.state)}`)
  }
  if (!Number.isSafeInteger(t.generation) || t.generation < 0) {
    throw new TypeError(`transition generation must be a non-negative integer, got ${t.generation}`)
  }
  if (t.state === 'built' && !t.conclusion) {
    throw new TypeError('a built transition needs a conclusion')
  }
  if (!isIsoTime(t.at)) throw new TypeError(`transition time must be ISO 8601 with a zone, got ${t.at}`)
}

/** Plans only produce records that parse back: ids and names are checked here too. */
function checkBuild(build: string, name: string): void {
  const problem = buildIdProblem(build)
  if (problem) throw new TypeError(`build id ${JSON.stringify(build)} ${problem}`)
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`the check run name of build ${JSON.stringify(build)} is empty`)
  }
}

/** The record T leaves, before GitHub's reply (ids kept only when its run is reused). */
function recordFor(t: Transition, name: string, previous: CheckRunRecord | undefined, reuseRun: boolean): CheckRunRecord {
  const record: CheckRunRecord = {
    name,
    state: t.state,
    generation: t.generation,
    state_synced: true,
    updated_at: t.at,
  }
  if (reuseRun && previous?.check_run_id !== undefined) {
    record.check_run_id = previous.check_run_id
    if (previous.node_id !== undefined) record.node_id = previous.node_id
  }
  if (t.state === 'built') record.conclusion = t.conclusion
  const details_url = t.details_url ?? previous?.details_url
  if (details_url !== undefined) record.details_url = details_url
  const reporter = t.reporter ?? previous?.reporter
  if (reporter !== undefined) record.reporter = reporter
  return record
}

/** Update the run `previous` names, or create one when its id is unknown. */
function write(build: string, previous: CheckRunRecord | undefined, record: CheckRunRecord): WriteOperation {
  if (previous?.check_run_id !== undefined && record.check_run_id === previous.check_run_id) {
    const op: WriteOperation = { op: 'update', build, check_run_id: previous.check_run_id, record }
    if (previous.node_id !== undefined) op.node_id = previous.node_id
    return op
  }
  const { check_run_id: _id, node_id: _node, ...fresh } = record
  return { op: 'create', build, record: fresh }
}

/** Re-sends a record as it is (reconcile, or a notification that finds it unsynced). */
function resend(build: string, record: CheckRunRecord, name: string): WriteOperation {
  return write(build, record, { ...record, name, state_synced: true })
}

function planOne(
  data: ServiceData,
  build: string,
  t: Transition,
  name: string,
  warnings: string[],
): Operation {
  const previous = recordOf(data, build)
  const label = `build ${JSON.stringify(build)}`

  // Skips carry a warning; an unsynced record is re-sent instead of skipped.
  const skip = (reason: string, warn: boolean): Operation => {
    if (previous && !previous.state_synced) {
      warnings.push(`${label}: ${reason}; re-sending its recorded state, which may not have reached GitHub`)
      return resend(build, previous, name)
    }
    if (warn) warnings.push(`${label}: ${reason}; skipped`)
    return { op: 'skip', build, reason }
  }

  if (!previous) {
    if (t.state === 'building') {
      return { op: 'skip', build, reason: 'building reported before queued: no check run to update' }
    }
    return write(build, undefined, recordFor(t, name, undefined, false))
  }

  if (t.generation < previous.generation) {
    return skip(
      `${t.state} of run attempt ${t.generation} arrived after attempt ${previous.generation} was recorded (out of order)`,
      true,
    )
  }
  if (t.generation > previous.generation) {
    // A re-run: a completed run stays as it is, so T gets a new one; an open one moves on. Even
    // a built R that may not have reached GitHub gets a new run: a record of T must never name
    // a run that may be completed (the merge would keep that id over a create's lost reply); an
    // open run it leaves behind is hidden by the newer run of the same name.
    const reuse = previous.state !== 'built'
    return write(build, reuse ? previous : undefined, recordFor(t, name, previous, reuse))
  }

  const ahead = stateRank(t.state) - stateRank(previous.state)
  if (ahead > 0) return write(build, previous, recordFor(t, name, previous, true))
  if (ahead < 0) {
    return skip(`${t.state} arrived after ${previous.state} was recorded (out of order)`, true)
  }
  switch (t.state) {
    case 'queued':
      return skip('queued again while already queued (unexpected rebuild)', true)
    case 'building':
      return skip('building reported twice (duplicate)', true)
    case 'built':
      // A rebuild: a new completed check run, unless the recorded one never reached GitHub.
      return previous.state_synced
        ? write(build, undefined, recordFor(t, name, previous, false))
        : write(build, previous, recordFor(t, name, previous, true))
  }
}

/**
 * Plans one transition for each of `builds` (each once, in order). `names(build)` gives the
 * check run's name. Throws TypeError for an invalid transition, build id or name (a caller's
 * bug: inputs.ts validates user input first), so every planned record parses back.
 */
export function planTransition(
  data: ServiceData,
  builds: string[],
  t: Transition,
  names: (build: string) => string,
): Plan {
  checkTransition(t)
  const operations: Operation[] = []
  const warnings: string[] = []
  for (const build of new Set(builds)) {
    const name = names(build)
    checkBuild(build, name)
    operations.push(planOne(data, build, t, name, warnings))
  }
  return { operations, warnings }
}

/**
 * Re-sends every record not known to be on GitHub (reconcile): an update when its run's id is
 * known, else a create (apply adopts first). Records keep their `updated_at`.
 */
export function planResend(data: ServiceData, names?: (build: string) => string): Plan {
  const operations: Operation[] = []
  for (const build of Object.keys(data.check_runs).sort()) {
    const record = recordOf(data, build)!
    if (!record.state_synced) operations.push(resend(build, record, names ? names(build) : record.name))
  }
  return { operations, warnings: [] }
}

/**
 * true when a create for this build may duplicate a run a lost reply already made: the build
 * has a record without a check run id. apply lists the app's runs on the commit and adopts
 * `findAdoptable(...)` (an update of that run) before creating.
 */
export function mayAlreadyExist(previous: CheckRunRecord | undefined): boolean {
  return previous !== undefined && previous.check_run_id === undefined
}

/**
 * The record to store after apply ran `op`: the planned record with GitHub's ids and whether
 * the reply confirmed it. A write is only synced when the run's id is known, since only then
 * can a later transition update it. `updated_at` stays the transition's time (the merge
 * relies on it to tell re-sends of one transition from a newer one).
 */
export function recordAfter(op: RunWrite, result: ApplyResult): CheckRunRecord {
  const knownId = op.op === 'update' ? op.check_run_id : op.record.check_run_id
  const knownNode = op.op === 'update' ? (op.node_id ?? op.record.node_id) : op.record.node_id
  const check_run_id = result.check_run_id ?? knownId
  const record: CheckRunRecord = { ...op.record }
  delete record.check_run_id
  delete record.node_id
  if (check_run_id !== undefined) {
    record.check_run_id = check_run_id
    const node_id = result.node_id ?? (check_run_id === knownId ? knownNode : undefined)
    if (node_id !== undefined) record.node_id = node_id
  }
  record.state_synced = result.synced && check_run_id !== undefined
  return record
}
