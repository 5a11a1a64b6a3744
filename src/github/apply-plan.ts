// Runs planned writes (a build's, from rules.ts, or the CONCLUSION run's) against GitHub and
// records, per write, what is known to have happened: the one write path of every command. What
// each write's requests are is decided in checks/planned-write.ts; this file sends them, in at
// most two GraphQL rounds: the planned writes, then the ones a lost reply or a completed run
// (final on GitHub) sends again.
import { adoptFor, asCreate, fieldsFor, firstStep, onto, showsEnd, targetOf, tookNot, type Fields, type PlannedWrite, type WriteTarget } from '../checks/planned-write.ts'
import { recordAfter } from '../checks/rules.ts'
import type { CheckRunItem, CheckRunRecord, ListedCheckRun, RunWrite } from '../checks/types.ts'
import { createAndUpdateCheckRuns, listCheckRuns, repositoryNodeId, ANNOTATIONS_PER_REQUEST, type CheckRunResult, type Octokit } from './check-runs.ts'
import { describeRequestError } from './request-error.ts'

export { buildWrite, conclusionWrite, updateTarget, type PlannedWrite, type WriteTarget } from '../checks/planned-write.ts'

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

/** One request item of a round, for write `i`, and the run it adopted if any. */
interface Sent {
  i: number
  item: CheckRunItem
  adopted?: ListedCheckRun
}

/**
 * One result per write, in order. Never throws for a GitHub failure: such a write is recorded
 * `state_synced: false`.
 */
export async function applyPlan(github: Octokit, planned: PlannedWrite[], ctx: ApplyContext): Promise<AppliedWrite[]> {
  if (planned.length === 0) return []
  const results = new Results(planned, ctx)
  const repository = await repositoryIdOf(github, ctx)
  if (repository instanceof Error) {
    results.writes.forEach((_, i) => results.failed(i, `could not read the repository's id: ${message(repository)}`, undefined, true))
    return results.finish()
  }
  const list = () => listCheckRuns(github, { owner: ctx.owner, repo: ctx.repo, headSha: ctx.headSha, appId: ctx.appId })
  const before = await listingBefore(github, results.writes, list, ctx)
  const first = firstRound(results, before, !!ctx.adoptAsShown)
  const repositoryId = first.length > 0 ? await sendableRepositoryId(repository, ctx) : repository
  if (repositoryId instanceof Error) {
    for (const { i } of first) results.failed(i, `could not read the repository's id: ${message(repositoryId)}`, undefined, true)
    return results.finish()
  }
  const send = (items: CheckRunItem[]) =>
    createAndUpdateCheckRuns(github, {
      repositoryNodeId: repositoryId!,
      headSha: ctx.headSha,
      items,
      maxPerRequest: ctx.maxPerRequest,
      minMsBetweenRequests: ctx.minMsBetweenRequests,
    })
  const { maybeCreated, kept } = settleFirst(results, first, first.length > 0 ? await send(first.map((f) => f.item)) : [])
  if (maybeCreated.length === 0 && kept.length === 0) return results.finish()

  const second = [...recreateKept(results, kept), ...(await recoverLost(results, maybeCreated, list))]
  if (second.length > 0) settleSecond(results, second, await send(second.map((s) => s.item)))
  return results.finish()
}

/** The writes, what each sends, and the result each has come to (the first settled one wins). */
class Results {
  readonly writes: PlannedWrite[]
  readonly fields: Fields[]
  readonly #results: (AppliedWrite | undefined)[]
  /** Creates that adopted a run (reconcile counts them). */
  readonly adoptedAs = new Map<number, 'updated' | 'as-shown'>()

  constructor(planned: PlannedWrite[], ctx: ApplyContext) {
    this.writes = [...planned]
    this.fields = this.writes.map((w) => fieldsFor(w, ctx.now))
    this.#results = this.writes.map(() => undefined)
  }

  failed(i: number, warning: string, adopted?: ListedCheckRun, notSent?: true): void {
    this.#settle(i, {
      ...targetOf(this.writes[i]!),
      record: recordAfter(this.writes[i]!, { check_run_id: adopted?.id, node_id: adopted?.node_id, synced: false }),
      warning,
      ...(notSent ? { notSent } : {}),
    })
  }

  done(i: number, run: { check_run_id: number; node_id: string; url?: string | null; warning?: string }): void {
    this.#settle(i, {
      ...targetOf(this.writes[i]!),
      record: recordAfter(this.writes[i]!, { check_run_id: run.check_run_id, node_id: run.node_id, synced: true }),
      ...(run.url ? { url: run.url } : {}),
      ...(run.warning ? { warning: run.warning } : {}),
    })
  }

  finish(): AppliedWrite[] {
    for (const [i, how] of this.adoptedAs) if (this.#results[i]) this.#results[i]!.adopted = how
    return this.#results as AppliedWrite[]
  }

  #settle(i: number, result: AppliedWrite): void {
    this.#results[i] ??= result
  }
}

/** The repository's node id when given, fetched now when absent, or left to fetch (a function). */
async function repositoryIdOf(github: Octokit, ctx: ApplyContext): Promise<string | undefined | Error> {
  if (typeof ctx.repositoryNodeId === 'string') return ctx.repositoryNodeId
  if (ctx.repositoryNodeId !== undefined) return undefined
  return repositoryNodeId(github, ctx.owner, ctx.repo).catch((error: unknown) => asError(error))
}

/** A deferred repository id is fetched only once there is something to send. */
async function sendableRepositoryId(known: string | undefined, ctx: ApplyContext): Promise<string | Error> {
  if (known !== undefined || typeof ctx.repositoryNodeId !== 'function') return known!
  return ctx.repositoryNodeId().catch((error: unknown) => asError(error))
}

/**
 * One listing, when needed, before anything is written: runs to adopt instead of creating
 * again, and for every update the run its stored id names (checked to be this build's, and its
 * node id: GraphQL addresses runs by node id).
 */
async function listingBefore(github: Octokit, writes: PlannedWrite[], list: () => Promise<ListedCheckRun[]>, ctx: ApplyContext): Promise<ListedCheckRun[] | Error> {
  if (!writes.some((w) => w.op === 'update' || (w.op === 'create' && w.mayAlreadyExist))) return unlistedRuns(github, writes, [], ctx)
  const listed = await (ctx.listing ?? list)().catch((error: unknown) => new Error(`listing check runs failed: ${message(error)}`))
  if (listed instanceof Error) return listed
  return [...listed, ...(await unlistedRuns(github, writes, listed, ctx))]
}

/** The first round's items; writes settled without a request (adopted as shown, or not sendable) settle here. */
function firstRound(results: Results, before: ListedCheckRun[] | Error, adoptAsShown: boolean): Sent[] {
  const first: Sent[] = []
  const runs = before instanceof Error ? [] : before
  results.writes.forEach((w, i) => {
    const mayExist = w.op === 'create' && !!w.mayAlreadyExist
    // Without the listing, only a create that cannot duplicate a run goes out.
    if (before instanceof Error && (mayExist || w.op === 'update')) return results.failed(i, `not sent, ${before.message}`, undefined, true)
    const step = firstStep(w, results.fields[i]!, mayExist, runs, adoptAsShown)
    if (step.adoptedAs) results.adoptedAs.set(i, step.adoptedAs)
    if (step.item) first.push({ i, item: step.item, adopted: step.adopted })
    else results.done(i, { check_run_id: step.adopted!.id, node_id: step.adopted!.node_id })
  })
  return first
}

/**
 * Settles the first round's replies. Left over: creates whose reply was lost or a 5xx (the run may
 * exist), and updates GitHub answered with a completed run showing another end (it kept the run
 * as it was, so the planned state goes on a new run of the same name).
 */
function settleFirst(results: Results, first: Sent[], replies: CheckRunResult[]): { maybeCreated: number[]; kept: number[] } {
  const maybeCreated: number[] = []
  const kept: number[] = []
  first.forEach(({ i, item, adopted }, k) => {
    const reply = replies[k]!
    const f = results.fields[i]!
    const op = results.writes[i]!.op
    if (reply.ok && item.kind === 'update' && tookNot(reply, f)) {
      if (reply.status === 'completed') kept.push(i)
      else results.failed(i, `GitHub answered status ${reply.status ?? 'unknown'} for a run asked to be ${f.status}`)
    } else if (reply.ok) results.done(i, reply)
    else if (adopted) results.failed(i, `updating adopted check run ${adopted.id} failed: ${reply.error}`, adopted)
    else if (op === 'create' && reply.inFlight) {
      // Abandoned, not answered: GitHub may still write it after any listing we make now, so
      // creating again could duplicate it. Recorded unsynced: reconcile adopts it later.
      results.failed(i, `the create got no reply in time and may still reach GitHub (reconcile adopts it by external_id): ${reply.error}`)
    } else if (op === 'create' && reply.maybeWritten) maybeCreated.push(i)
    else results.failed(i, `${op} failed: ${reply.error}`)
  })
  return { maybeCreated, kept }
}

/**
 * Writes GitHub kept completed with another end become creates: should one fail, the record must
 * not name the completed run, so that the next write adopts the new run (by its generation's
 * external id) or creates it.
 */
function recreateKept(results: Results, kept: number[]): Sent[] {
  return kept.map((i) => {
    results.writes[i] = asCreate(results.writes[i]!)
    return { i, item: { kind: 'create', ...results.fields[i]! } }
  })
}

/** A create whose reply was lost may exist: adopt it from one listing, else create once more. */
async function recoverLost(results: Results, maybeCreated: number[], list: () => Promise<ListedCheckRun[]>): Promise<Sent[]> {
  if (maybeCreated.length === 0) return []
  let after: ListedCheckRun[]
  try {
    after = await list()
  } catch (error) {
    for (const i of maybeCreated) results.failed(i, `the create may have reached GitHub; listing check runs failed: ${message(error)}`)
    return []
  }
  const second: Sent[] = []
  for (const i of maybeCreated) {
    const f = results.fields[i]!
    const run = adoptFor(results.writes[i]!, f, after)
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
      results.done(i, { check_run_id: run.id, node_id: run.node_id, url: run.html_url })
    }
  }
  return second
}

/** The second round is the last: what fails here is recorded unsynced, for reconcile. */
function settleSecond(results: Results, second: Sent[], replies: CheckRunResult[]): void {
  second.forEach(({ i, item, adopted }, k) => {
    const reply = replies[k]!
    if (reply.ok && item.kind === 'update' && tookNot(reply, results.fields[i]!)) {
      return results.failed(i, `GitHub kept check run ${reply.check_run_id} as ${reply.status}/${reply.conclusion ?? 'none'}`, adopted)
    }
    if (reply.ok) return results.done(i, reply)
    if (adopted) return results.failed(i, `adopted check run ${adopted.id}, but updating it failed: ${reply.error}`, adopted)
    const maybe = reply.maybeWritten ? ' (it may exist: reconcile adopts it by external_id)' : ''
    results.failed(i, `create failed twice: ${reply.error}${maybe}`)
  })
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

const message = describeRequestError
