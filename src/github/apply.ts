// Runs planned writes (a build's, from rules.ts, or the CONCLUSION run's) against GitHub and
// records, per write, what is known to have happened: the one write path of every command.
import { describeRequestError } from './request-error.ts'
import {
  createAndUpdateCheckRuns,
  listCheckRuns,
  repositoryNodeId,
  ANNOTATIONS_PER_REQUEST,
  type CheckRunFields,
  type CheckRunItem,
  type ListedCheckRun,
  type Octokit,
} from './check-runs.ts'
import { mayAlreadyExist, recordAfter, type WriteOperation } from '../checks/rules.ts'
import { conclusionExternalId, externalId, findAdoptable } from '../checks/service-data.ts'
import type { CheckRunOutput, CheckRunRecord, ConclusionRunRecord, RunWrite, SuiteKey } from '../checks/types.ts'

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

export interface ApplyContext {
  owner: string
  repo: string
  headSha: string
  /**
   * From the event payload when it has one (repositoryNodeIdFromEvent); else fetched once. A
   * function is called only once something is to be sent (reconcile: its per-pass cache).
   */
  repositoryNodeId?: string | (() => Promise<string>)
  /** Narrows listings to this app's runs. */
  appId?: number
  /** The listing made before writing (reconcile: one per commit and pass). Default: a fresh one. */
  listing?: () => Promise<ListedCheckRun[]>
  /**
   * A run adopted for a create that already shows the planned state (with this write's external
   * id, or completed) is taken as it is, with no request (reconcile: its output only says "sent
   * again").
   */
  adoptAsShown?: boolean
  /** Used when a record carries no transition time. */
  now?: () => Date
  /** Passed to createAndUpdateCheckRuns (tests lower the gap). */
  maxPerRequest?: number
  minMsBetweenRequests?: number
}

/** What became of one write: the record to store. */
export type AppliedWrite = WriteTarget & {
  record: CheckRunRecord
  url?: string
  /** Why the record is not synced, or what else went wrong (e.g. annotations not added). */
  warning?: string
  /** Nothing was sent: the listing it needed, or the repository's node id, could not be read. */
  notSent?: true
  /** A create that adopted a run instead: updated, or taken as it was (adoptAsShown). */
  adopted?: 'updated' | 'as-shown'
}

/** A build's applied write. */
export interface AppliedBuild {
  build: string
  record: CheckRunRecord
  url?: string
  warning?: string
}

type Fields = CheckRunFields & { name: string; external_id: string }

/**
 * One result per write, in order. Never throws for a GitHub failure: such a write is recorded
 * `state_synced: false`.
 */
export async function applyPlan(github: Octokit, planned: PlannedWrite[], ctx: ApplyContext): Promise<AppliedWrite[]> {
  const writes = [...planned]
  if (writes.length === 0) return []
  const fields = writes.map((w) => fieldsFor(w, ctx))
  const results: (AppliedWrite | undefined)[] = writes.map(() => undefined)
  // Creates that adopted a run (reconcile counts them).
  const adoptedAs = new Map<number, 'updated' | 'as-shown'>()
  const finish = (): AppliedWrite[] => {
    for (const [i, how] of adoptedAs) if (results[i]) results[i]!.adopted = how
    return results as AppliedWrite[]
  }
  const targetOf = (i: number): WriteTarget => {
    const w = writes[i]!
    return w.target === 'build' ? { target: 'build', build: w.build } : { target: 'conclusion' }
  }
  const settle = (i: number, result: AppliedWrite) => (results[i] ??= result)
  const failed = (i: number, warning: string, adopted?: ListedCheckRun, notSent?: true) =>
    settle(i, {
      ...targetOf(i),
      record: recordAfter(writes[i]!, { check_run_id: adopted?.id, node_id: adopted?.node_id, synced: false }),
      warning,
      ...(notSent ? { notSent } : {}),
    })
  const done = (i: number, run: { check_run_id: number; node_id: string; url?: string | null; warning?: string }) =>
    settle(i, {
      ...targetOf(i),
      record: recordAfter(writes[i]!, { check_run_id: run.check_run_id, node_id: run.node_id, synced: true }),
      ...(run.url ? { url: run.url } : {}),
      ...(run.warning ? { warning: run.warning } : {}),
    })
  const adopt = (runs: ListedCheckRun[], i: number) =>
    writes[i]!.adopt
      ? writes[i]!.adopt!(runs)
      : runs.filter((r) => r.external_id === fields[i]!.external_id).sort((a, b) => b.id - a.id)[0]

  let repositoryId = typeof ctx.repositoryNodeId === 'string' ? ctx.repositoryNodeId : undefined
  if (ctx.repositoryNodeId === undefined) {
    try {
      repositoryId = await repositoryNodeId(github, ctx.owner, ctx.repo)
    } catch (error) {
      writes.forEach((_, i) => failed(i, `could not read the repository's id: ${message(error)}`, undefined, true))
      return finish()
    }
  }
  const list = () => listCheckRuns(github, { owner: ctx.owner, repo: ctx.repo, headSha: ctx.headSha, appId: ctx.appId })
  const send = (items: CheckRunItem[]) =>
    createAndUpdateCheckRuns(github, {
      repositoryNodeId: repositoryId!,
      headSha: ctx.headSha,
      items,
      maxPerRequest: ctx.maxPerRequest,
      minMsBetweenRequests: ctx.minMsBetweenRequests,
    })

  // One listing, when needed, before anything is written: runs to adopt instead of creating
  // again, and for every update the run its stored id names (checked to be this build's, and its
  // node id: GraphQL addresses runs by node id).
  const mayExist = writes.map((w) => w.op === 'create' && !!w.mayAlreadyExist)
  let before: ListedCheckRun[] | Error = []
  if (mayExist.some(Boolean) || writes.some((op) => op.op === 'update')) {
    before = await (ctx.listing ?? list)().catch((error: unknown) => new Error(`listing check runs failed: ${message(error)}`))
  }
  if (!(before instanceof Error)) before = [...before, ...(await unlistedRuns(github, writes, before, ctx))]

  let first: { i: number; item: CheckRunItem; adopted?: ListedCheckRun }[] = []
  writes.forEach((op, i) => {
    if (before instanceof Error && (mayExist[i] || op.op === 'update')) {
      return failed(i, `not sent, ${before.message}`, undefined, true)
    }
    const step = firstStep(op, fields[i]!, mayExist[i]!, (runs) => adopt(runs, i), before as ListedCheckRun[], !!ctx.adoptAsShown)
    if (step.adoptedAs) adoptedAs.set(i, step.adoptedAs)
    if (step.item) first.push({ i, item: step.item, adopted: step.adopted })
    else done(i, { check_run_id: step.adopted!.id, node_id: step.adopted!.node_id })
  })
  if (first.length > 0 && typeof ctx.repositoryNodeId === 'function') {
    try {
      repositoryId = await ctx.repositoryNodeId()
    } catch (error) {
      for (const { i } of first) failed(i, `could not read the repository's id: ${message(error)}`, undefined, true)
      first = []
    }
  }
  const replies = first.length > 0 ? await send(first.map((f) => f.item)) : []

  const maybeCreated: number[] = []
  // Updates GitHub answered with a completed run that shows another end: it kept the run as it
  // was, so the planned state goes on a new run of the same name.
  const kept: number[] = []
  first.forEach(({ i, item, adopted }, k) => {
    const reply = replies[k]!
    if (reply.ok && item.kind === 'update' && tookNot(reply, fields[i]!)) {
      if (reply.status === 'completed') kept.push(i)
      else failed(i, `GitHub answered status ${reply.status ?? 'unknown'} for a run asked to be ${fields[i]!.status}`)
    } else if (reply.ok) done(i, reply)
    else if (adopted) failed(i, `updating adopted check run ${adopted.id} failed: ${reply.error}`, adopted)
    else if (writes[i]!.op === 'create' && !reply.ok && reply.inFlight) {
      // Abandoned, not answered: GitHub may still write it after any listing we make now, so
      // creating again could duplicate it. Recorded unsynced: reconcile adopts it later.
      failed(i, `the create got no reply in time and may still reach GitHub (reconcile adopts it by external_id): ${reply.error}`)
    } else if (writes[i]!.op === 'create' && reply.maybeWritten) maybeCreated.push(i)
    else failed(i, `${writes[i]!.op} failed: ${reply.error}`)
  })
  if (maybeCreated.length === 0 && kept.length === 0) return finish()

  const second: { i: number; item: CheckRunItem; adopted?: ListedCheckRun }[] = []
  for (const i of kept) {
    // From here on a create: should it fail, the record must not name the completed run, so that
    // the next write adopts the new run (by its generation's external id) or creates it.
    writes[i] = asCreate(writes[i]!)
    second.push({ i, item: { kind: 'create', ...fields[i]! } })
  }
  // A lost reply or a 5xx: the run may exist. Adopt it from one listing, else create once more.
  let after: ListedCheckRun[] = []
  if (maybeCreated.length > 0) {
    try {
      after = await list()
    } catch (error) {
      for (const i of maybeCreated) failed(i, `the create may have reached GitHub; listing check runs failed: ${message(error)}`)
      maybeCreated.length = 0
    }
  }
  for (const i of maybeCreated) {
    const f = fields[i]!
    const run = adopt(after, i)
    if (!run) {
      second.push({ i, item: { kind: 'create', ...f } })
    } else if (run.external_id !== f.external_id || !showsEnd(run, f)) {
      // Not our create (an older lost one of this build): bring it to the state planned now,
      // or leave it and create when it is completed with another end.
      second.push({ i, item: onto(run, f) ?? { kind: 'create', ...f }, ...(run.status === 'completed' && !showsEnd(run, f) ? {} : { adopted: run }) })
    } else if ((f.output?.annotations?.length ?? 0) > ANNOTATIONS_PER_REQUEST) {
      // Our create, written with its first 50 annotations: append the rest.
      second.push({ i, item: { kind: 'update', node_id: run.node_id, ...f, annotations_sent: ANNOTATIONS_PER_REQUEST }, adopted: run })
    } else {
      done(i, { check_run_id: run.id, node_id: run.node_id, url: run.html_url })
    }
  }
  if (second.length === 0) return finish()
  const retried = await send(second.map((s) => s.item))
  second.forEach(({ i, item, adopted }, k) => {
    const reply = retried[k]!
    if (reply.ok && item.kind === 'update' && tookNot(reply, fields[i]!)) {
      return failed(i, `GitHub kept check run ${reply.check_run_id} as ${reply.status}/${reply.conclusion ?? 'none'}`, adopted)
    }
    if (reply.ok) return done(i, reply)
    if (adopted) return failed(i, `adopted check run ${adopted.id}, but updating it failed: ${reply.error}`, adopted)
    const maybe = reply.maybeWritten ? ' (it may exist: reconcile adopts it by external_id)' : ''
    failed(i, `create failed twice: ${reply.error}${maybe}`)
  })
  return finish()
}

/** The same write as a create: the record no longer names the run it was to update. */
function asCreate(w: PlannedWrite): PlannedWrite {
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

/**
 * What the first request does for one write, given the listing: create, update the run its id
 * names, or adopt a run (an update, or with adoptAsShown no request: `item` absent).
 */
function firstStep(
  w: PlannedWrite,
  f: Fields,
  mayExist: boolean,
  adopt: (runs: ListedCheckRun[]) => ListedCheckRun | undefined,
  runs: ListedCheckRun[],
  adoptAsShown: boolean,
): { item?: CheckRunItem; adopted?: ListedCheckRun; adoptedAs?: 'updated' | 'as-shown' } {
  if (w.op === 'create') {
    const adopted = mayExist ? adopt(runs) : undefined
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
  const adopted = adopt(runs)
  if (adopted) return { item: { kind: 'update', node_id: adopted.node_id, ...f }, adopted }
  return { item: { kind: 'create', ...f } }
}

/**
 * A completed run is final on GitHub (test/emulator/github/checks-store.ts cites why): one that
 * already shows the planned end gets only its content; one that shows another end is left alone
 * (undefined: a new run of the same name is created, which GitHub shows as the newest).
 */
function onto(run: ListedCheckRun, f: Fields): CheckRunItem | undefined {
  if (run.status !== 'completed') return { kind: 'update', node_id: run.node_id, ...f }
  if (!showsEnd(run, f)) return undefined
  return { kind: 'update', node_id: run.node_id, ...contentOnly(f) }
}

/** Whether GitHub's run shows the status (and, completed, the conclusion) planned. */
function showsEnd(run: { status: string; conclusion: string | null }, f: Fields): boolean {
  return run.status === f.status && (f.status !== 'completed' || run.conclusion === f.conclusion)
}

/** An update's reply shows another status or end than asked: GitHub did not take it. */
function tookNot(reply: { status?: string; conclusion?: string | null }, f: Fields): boolean {
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

/**
 * The runs that updates name by a stored id the listing did not show (a listing may lag behind a
 * create), read one by one: kept only when GitHub says they are on this commit and this app's.
 * updateTarget then checks their external ids. A run that cannot be read is left out.
 */
async function unlistedRuns(github: Octokit, writes: readonly RunWrite[], listed: ListedCheckRun[], ctx: ApplyContext): Promise<ListedCheckRun[]> {
  const ids = [...new Set(writes.flatMap((op) => (op.op === 'update' && !listed.some((r) => r.id === op.check_run_id) ? [op.check_run_id] : [])))]
  const found = await Promise.all(ids.map(async (id) => {
    try {
      const { data } = await github.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: ctx.owner, repo: ctx.repo, check_run_id: id })
      const ours = data.head_sha.toLowerCase() === ctx.headSha.toLowerCase() && (ctx.appId === undefined || data.app?.id === ctx.appId)
      return ours ? [{ id: data.id, node_id: data.node_id, name: data.name, external_id: data.external_id, status: data.status, conclusion: data.conclusion, html_url: data.html_url } as ListedCheckRun] : []
    } catch {
      return [] // gone, another repository's, or unreadable: not updated by this id
    }
  }))
  return found.flat()
}

/** record.state → GitHub's status; times come from the transition, not from when it is sent. */
export function fieldsFor(op: PlannedWrite, ctx: Pick<ApplyContext, 'now'>): Fields {
  const r = op.record
  const at = r.updated_at || (ctx.now?.() ?? new Date()).toISOString()
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

const message = describeRequestError
