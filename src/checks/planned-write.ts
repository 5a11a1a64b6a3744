// A planned write to GitHub, and the pure decisions the one write path (github/apply-plan.ts)
// makes about it: the fields it sends, what its first request does given the commit's runs, and
// whether GitHub took it. Completed check runs are final on GitHub
// (test/emulator/github/checks-store.ts cites why), which most of these encode.
import { mayAlreadyExist, type WriteOperation } from './rules.ts'
import { conclusionExternalId, externalId, findAdoptable } from './service-data.ts'
import type { CheckRunFields, CheckRunItem, CheckRunOutput, CheckRunRecord, ConclusionRunRecord, ListedCheckRun, RunWrite, SuiteKey } from './types.ts'

/** Which run a write is for: a build's, or the suite's CONCLUSION run. */
export type WriteTarget = { target: 'build'; build: string } | { target: 'conclusion' }

/** One planned write, with everything apply needs to send it and to adopt a run a lost reply made. */
export type PlannedWrite = RunWrite & WriteTarget & {
  externalId: string
  output: CheckRunOutput
  /**
   * The create may duplicate a run an earlier lost reply made (rules.ts mayAlreadyExist of the
   * recorded record): apply lists the commit's runs and adopts first.
   */
  mayAlreadyExist?: boolean
  /**
   * The run to adopt (service-data.ts findAdoptable for a build). Default: the newest run whose
   * external_id equals `externalId`.
   */
  adopt?(runs: ListedCheckRun[]): ListedCheckRun | undefined
  /** An adopted run keeps the link it has (reconcile's CONCLUSION: its own run's page is no better). */
  adoptedKeepsLink?: boolean
}

/** A build's write: its external id and adoption from the suite key, `previous` its recorded record. */
export function buildWrite(op: WriteOperation, key: SuiteKey, previous: CheckRunRecord | undefined, output: CheckRunOutput): PlannedWrite {
  return {
    ...op,
    target: 'build',
    externalId: externalId(key, op.build, op.record.generation),
    output,
    mayAlreadyExist: mayAlreadyExist(previous),
    adopt: (runs) => findAdoptable(runs, key, op.build, op.record.generation),
  }
}

/** The CONCLUSION run's write; `recorded` is its record before. */
export function conclusionWrite(op: RunWrite, key: SuiteKey, recorded: ConclusionRunRecord | undefined, output: CheckRunOutput): PlannedWrite {
  return {
    ...op,
    target: 'conclusion',
    externalId: conclusionExternalId(key, op.record.generation),
    output,
    // A create may duplicate one a lost reply made in the same generation.
    mayAlreadyExist: recorded !== undefined && recorded.check_run_id === undefined && recorded.generation === op.record.generation,
  }
}

/** What a write sends: GitHub's fields with the run's name and external id. */
export type Fields = CheckRunFields & { name: string; external_id: string }

/** The target part of a write (what its result names). */
export function targetOf(w: PlannedWrite): WriteTarget {
  return w.target === 'build' ? { target: 'build', build: w.build } : { target: 'conclusion' }
}

/** The run to adopt for a write: its own choice, else the newest run of its external id. */
export function adoptFor(w: PlannedWrite, f: Fields, runs: ListedCheckRun[]): ListedCheckRun | undefined {
  if (w.adopt) return w.adopt(runs)
  return runs.filter((r) => r.external_id === f.external_id).sort((a, b) => b.id - a.id)[0]
}

/** The same write as a create: the record no longer names the run it was to update. */
export function asCreate(w: PlannedWrite): PlannedWrite {
  const { check_run_id: _id, node_id: _node, ...record } = w.record
  if (w.op === 'create') return { ...w, record }
  const { check_run_id: _c, node_id: _n, ...rest } = w
  return { ...rest, op: 'create', record }
}

/** The fields without the link: GitHub keeps the one the run has. */
function withoutLink(f: Fields): Fields {
  const { details_url: _d, ...rest } = f
  return rest
}

/** What the first request does for one write: `item` absent means no request (adopted as shown). */
export interface FirstStep {
  item?: CheckRunItem
  adopted?: ListedCheckRun
  adoptedAs?: 'updated' | 'as-shown'
}

/**
 * What the first request does for one write, given the listing: create, update the run its id
 * names, or adopt a run (an update, or with adoptAsShown no request: `item` absent).
 */
export function firstStep(w: PlannedWrite, f: Fields, mayExist: boolean, runs: ListedCheckRun[], adoptAsShown: boolean): FirstStep {
  if (w.op === 'create') {
    const adopted = mayExist ? adoptFor(w, f, runs) : undefined
    if (adopted && adoptAsShown && showsEnd(adopted, f) && (adopted.external_id === f.external_id || adopted.status === 'completed')) {
      // GitHub already shows it: the reply was lost, not the write.
      return { adopted, adoptedAs: 'as-shown' }
    }
    const item = adopted && onto(adopted, w.adoptedKeepsLink ? withoutLink(f) : f)
    if (item) return { item, adopted, adoptedAs: 'updated' }
    return { item: { kind: 'create', ...f } }
  }
  const target = updateTarget(w.check_run_id, f.external_id, runs)
  if (target) return { item: { kind: 'update', node_id: target.node_id, ...f } }
  // The stored id names no run of this build on this commit: adopt this build's run, or create one.
  const adopted = adoptFor(w, f, runs)
  if (adopted) return { item: { kind: 'update', node_id: adopted.node_id, ...f }, adopted }
  return { item: { kind: 'create', ...f } }
}

/**
 * A completed run is final on GitHub: one that already shows the planned end gets only its
 * content; one that shows another end is left alone (undefined: a new run of the same name is
 * created, which GitHub shows as the newest).
 */
export function onto(run: ListedCheckRun, f: Fields): CheckRunItem | undefined {
  if (run.status !== 'completed') return { kind: 'update', node_id: run.node_id, ...f }
  if (!showsEnd(run, f)) return undefined
  return { kind: 'update', node_id: run.node_id, ...contentOnly(f) }
}

/** Whether GitHub's run shows the status (and, completed, the conclusion) planned. */
export function showsEnd(run: { status: string; conclusion: string | null }, f: Fields): boolean {
  return run.status === f.status && (f.status !== 'completed' || run.conclusion === f.conclusion)
}

/** An update's reply shows another status or end than asked: GitHub did not take it. */
export function tookNot(reply: { status?: string; conclusion?: string | null }, f: Fields): boolean {
  if (reply.status === undefined) return false // an older reply shape: nothing to compare
  return !showsEnd({ status: reply.status, conclusion: reply.conclusion ?? null }, f)
}

/** What may still change on a completed run: everything but its status, conclusion and times. */
function contentOnly(f: Fields): Fields {
  const { status: _s, conclusion: _c, started_at: _st, completed_at: _ct, ...rest } = f
  return rest
}

/**
 * The run an update by a stored check_run_id may write: the one of that id among the app's runs
 * on this commit (the listing is of this head sha and app) whose external id names the same suite
 * and build (any generation). A stored id (and node id) comes from the state, which any writer of
 * the store could have filled with another suite's run; its node id is taken from GitHub's listing,
 * never from the state. Undefined when no such run exists.
 */
export function updateTarget(checkRunId: number, externalId: string, runs: readonly ListedCheckRun[]): ListedCheckRun | undefined {
  const run = runs.find((r) => r.id === checkRunId)
  const withoutGeneration = (id: string) => id.replace(/:\d+$/, '')
  if (!run || typeof run.external_id !== 'string') return undefined
  return withoutGeneration(run.external_id) === withoutGeneration(externalId) ? run : undefined
}

/** record.state → GitHub's status; times come from the transition, not from when it is sent. */
export function fieldsFor(op: PlannedWrite, now: () => Date = () => new Date()): Fields {
  const r = op.record
  const at = r.updated_at || now().toISOString()
  const base = {
    name: r.name,
    external_id: op.externalId,
    details_url: r.details_url,
    output: op.output,
  }
  switch (r.state) {
    case 'queued':
      return { ...base, status: 'queued' }
    case 'building':
      return { ...base, status: 'in_progress', started_at: at }
    case 'built':
      return {
        ...base,
        status: 'completed',
        // rules.ts always records a conclusion for 'built'; GitHub refuses completed without one.
        conclusion: r.conclusion ?? 'neutral',
        completed_at: at,
        // A run created already completed started then too, not when the request got through.
        ...(op.op === 'create' ? { started_at: at } : {}),
      }
  }
}
