// Reconcile of one suite: read and merge its fragments, send what never reached GitHub, time
// out stuck builds, complete its CONCLUSION run, then write one compacted fragment and delete
// the ones merged. Requests: none for a settled suite; for one needing repair, one listing of
// the commit's check runs (only when a create may already exist), one GraphQL request, and the
// store's write and deletes.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import { applyPlan } from '../checks/apply.ts'
import { conclusionStep, suiteConclusion } from '../checks/conclusion.ts'
import { githubStatus, mayAlreadyExist, recordAfter, type WriteOperation } from '../checks/rules.ts'
import {
  CorruptStateError,
  externalId,
  findAdoptable,
  mergeAll,
  mergeServiceData,
  parseServiceData,
  recordOf,
  sameSuite,
  serializeServiceData,
  setOwn,
  suiteKeyOf,
} from '../checks/service-data.ts'
import { escapeMarkdown, outputFor, readableTime, safeUrl, titleFor } from '../checks/titles.ts'
import type { CheckRunOutput, CheckRunRecord, ServiceData, SuiteKey } from '../checks/types.ts'
import { listCheckRuns, repositoryNodeId, type ListedCheckRun } from '../github/check-runs.ts'
import { githubMessage } from '../github/client.ts'
import type { FragmentRef } from '../store/index.ts'
import { mapLimit } from '../store/parallel.ts'
import { conclusionMayExist, conclusionRecordAfter, planConclusionRun } from '../commands/conclusion-run.ts'
import { checkRecords } from '../checks/record-policy.ts'
import { CONCLUSION_BUILD, conclusionExternalId, recordPolicy, type Session } from '../commands/session.ts'
import { deleteInRounds } from './delete-rounds.ts'
import { formatDuration, isSettled, lastActivity, planSuite, settledAt, settledStep, shouldForget, skipsReading, type SuitePlanOptions } from './decide.ts'

export interface ReconcileOptions extends SuitePlanOptions {
  forgetAfterMs: number
  /**
   * Epoch ms (max-duration): past it, deletes stop (GitHub takes one write a second). Fragments
   * left are harmless, merged again and deleted by a later pass.
   */
  deadline?: number
  /** conclusion-name as given, with {suite} still in it. */
  conclusionTemplate: string
}

/** What became of one suite (the `reconciled` output lists those where anything happened). */
export interface SuiteReport {
  repository?: string
  head_sha?: string
  suite?: string
  /** Records sent again (their earlier report may not have reached GitHub). */
  resent: number
  /** Creates answered by an existing check run with the build's external_id (no duplicate made). */
  adopted: number
  timed_out: number
  /** Fragments merged into the compacted one and deleted. */
  compacted: number
  /** Fragments whose delete max-duration left for a later pass. */
  deletes_left?: number
  /** The suite was older than forget-after: its fragments were deleted. */
  forgotten?: boolean
  /** completed | updated | created: what reconcile did to the CONCLUSION run. */
  conclusion?: string
  /** Records that may still not be on GitHub after this pass. */
  unsynced: number
  /** Fragments left in the store unread or unusable. */
  set_aside: number
  /** Settled: nothing to do, not even read. */
  settled?: boolean
  /** The suite belongs to another repository than this workflow's (file store): left alone. */
  other_repository?: boolean
  errors: string[]
}

/** Shared across suites of one pass: check-run listings per commit, the repository's node id. */
export class PassCache {
  readonly #listings = new Map<string, Promise<ListedCheckRun[]>>()
  #nodeId?: Promise<string>
  readonly session: Session
  constructor(session: Session) {
    this.session = session
  }

  listing(headSha: string): Promise<ListedCheckRun[]> {
    let p = this.#listings.get(headSha)
    if (!p) {
      const { session } = this
      p = listCheckRuns(session.github, { owner: session.ctx.owner, repo: session.ctx.repo, headSha, appId: session.auth.appId })
      this.#listings.set(headSha, p)
      p.catch(() => this.#listings.delete(headSha))
    }
    return p
  }

  /** After writes on a commit, its listing is out of date. */
  forget(headSha: string): void {
    this.#listings.delete(headSha)
  }

  repositoryNodeId(data: ServiceData): Promise<string> {
    const known = this.session.repositoryNodeId ?? data.repository_node_id
    if (known) return Promise.resolve(known)
    this.#nodeId ??= repositoryNodeId(this.session.github, this.session.ctx.owner, this.session.ctx.repo)
    this.#nodeId.catch(() => (this.#nodeId = undefined))
    return this.#nodeId
  }
}

export function emptyReport(): SuiteReport {
  return { resent: 0, adopted: 0, timed_out: 0, compacted: 0, unsynced: 0, set_aside: 0, errors: [] }
}

const nameOf = (ref: FragmentRef) => ref.name ?? ref.id

function created(ref: FragmentRef): number | undefined {
  const t = ref.created_at ? Date.parse(ref.created_at) : NaN
  return Number.isFinite(t) ? t : undefined
}

/**
 * Deletes `refs` a round at a time until the deadline (at least one round, so every pass makes
 * progress). Returns how many were deleted; those left are counted in the report.
 */
async function remove(session: Session, refs: FragmentRef[], report: SuiteReport, opts: ReconcileOptions): Promise<number> {
  const progress = { deleted: 0 }
  try {
    await deleteInRounds(refs, (round) => session.store.deleteFragments(round), () => opts.deadline !== undefined && Date.now() >= opts.deadline, progress)
  } catch (error) {
    report.errors.push(`could not delete ${refs.length - progress.deleted} fragment(s): ${error instanceof Error ? error.message : String(error)}`)
    return progress.deleted
  }
  if (progress.deleted < refs.length) report.deletes_left = (report.deletes_left ?? 0) + refs.length - progress.deleted
  return progress.deleted
}

/** Deletes every one of `refs` (a forgotten suite) unless the deadline comes first. */
async function forget(session: Session, refs: FragmentRef[], report: SuiteReport, opts: ReconcileOptions): Promise<boolean> {
  return (await remove(session, refs, report, opts)) === refs.length
}

/** Reconciles the suite whose fragments are `refs` (all of one suite hash). */
export async function reconcileSuite(session: Session, refs: FragmentRef[], opts: ReconcileOptions, cache: PassCache): Promise<SuiteReport> {
  const report = emptyReport()
  const names = refs.map(nameOf)

  // A settled suite's one compacted fragment: only its age matters.
  if (skipsReading(names)) {
    if (shouldForget(settledAt(names[0]!), opts.now, opts.forgetAfterMs)) {
      report.forgotten = await forget(session, refs, report, opts)
    } else report.settled = true
    return report
  }

  // Read and parse every fragment; an unreadable or unusable one is left where it is.
  const documents: { ref: FragmentRef; data: ServiceData }[] = []
  const aside: FragmentRef[] = []
  const read = await mapLimit(refs, (ref) =>
    session.store.readFragment(ref).then(
      (f) => ({ ref, text: f.text }),
      (error: unknown) => ({ ref, error: error instanceof Error ? error.message : String(error) }),
    ),
  )
  for (const r of read) {
    if ('error' in r) {
      report.errors.push(`fragment ${nameOf(r.ref)} could not be read: ${r.error}`)
      aside.push(r.ref)
      continue
    }
    try {
      const data = parseServiceData(r.text)
      checkRecords(data, recordPolicy(session))
      documents.push({ ref: r.ref, data })
    } catch (error) {
      if (!(error instanceof CorruptStateError)) throw error
      core.warning(`State fragment ${nameOf(r.ref)} is unusable and was left in the store: ${error.message}.`)
      aside.push(r.ref)
    }
  }
  if (documents.length === 0) {
    // Nothing usable: drop it once it is older than forget-after, like any suite.
    const newest = Math.max(...refs.map((r) => created(r) ?? opts.now))
    if (shouldForget(newest, opts.now, opts.forgetAfterMs)) report.forgotten = await forget(session, refs, report, opts)
    report.set_aside = report.forgotten ? 0 : aside.length
    return report
  }
  const key: SuiteKey = suiteKeyOf(documents[0]!.data)
  const mine = documents.filter((d) => sameSuite(d.data, key))
  for (const d of documents) if (!mine.includes(d)) aside.push(d.ref)
  report.set_aside = aside.length
  Object.assign(report, { repository: key.repository, head_sha: key.head_sha, suite: key.suite })
  const merged = mine.map((d) => d.ref)
  const data = mergeAll(key, mine.map((d) => d.data))

  if (key.repository.toLowerCase() !== session.ctx.repository.toLowerCase()) {
    report.other_repository = true
    return report
  }
  const last = lastActivity(data) ?? Math.max(...merged.map((r) => created(r) ?? opts.now))
  if (shouldForget(last, opts.now, opts.forgetAfterMs)) {
    report.forgotten = await forget(session, [...merged, ...aside], report, opts)
    if (report.forgotten) report.set_aside = 0
    return report
  }

  const changes = await repair(session, key, data, opts, cache, report)
  const compacted = mergeServiceData(data, changes)
  report.unsynced = countUnsynced(compacted)

  // One compacted fragment per suite; a settled one says so in its name, so later passes skip it.
  const settled = isSettled(compacted) && aside.length === 0
  const changed = Object.keys(changes.check_runs).length > 0 || changes.conclusion_run !== undefined
  if (!changed && merged.length === 1 && (!settled || skipsReading(names))) return report
  const random = randomUUID().replace(/-/g, '')
  const step = settled ? settledStep(lastActivity(compacted) ?? last, random) : `reconcile-${random.slice(0, 8)}`
  const { ctx } = session
  try {
    await session.store.writeFragment(key, serializeServiceData(compacted), {
      run_id: ctx.runId || 1,
      run_attempt: ctx.runAttempt,
      job: ctx.job || 'reconcile',
      step,
    })
  } catch (error) {
    // The merged fragments stay: the next pass merges them again (GitHub already has what was sent).
    report.errors.push(`could not write the compacted state: ${error instanceof Error ? error.message : String(error)}`)
    return report
  }
  report.compacted = await remove(session, merged, report, opts)
  return report
}

function countUnsynced(data: ServiceData): number {
  let n = Object.values(data.check_runs).filter((r) => !r.state_synced).length
  if (data.conclusion_run && !data.conclusion_run.state_synced) n++
  return n
}

interface Write {
  op: WriteOperation
  kind: 'resend' | 'timeout' | 'conclusion'
  output: CheckRunOutput
}

/** Sends what the suite needs; returns the records to merge into its state. */
async function repair(
  session: Session,
  key: SuiteKey,
  data: ServiceData,
  opts: ReconcileOptions,
  cache: PassCache,
  report: SuiteReport,
): Promise<ServiceData> {
  const changes: ServiceData = { ...mergeAll(key, []) }
  const plan = planSuite(data, opts)
  const writes: Write[] = []
  for (const op of plan.resend) writes.push({ op, kind: 'resend', output: resendOutput(op.record) })
  for (const t of plan.timeouts) {
    if (t.op) writes.push({ op: t.op, kind: 'timeout', output: timeoutOutput(t.was, t.record, opts) })
    else {
      setOwn(changes.check_runs, t.build, t.record)
      report.timed_out++
    }
  }

  // The CONCLUSION run, when the suite has one and it is due (complete, re-sent or adopted).
  const planned = mergeAll(key, [])
  for (const w of writes) setOwn(planned.check_runs, w.op.build, w.op.record)
  for (const [build, record] of Object.entries(changes.check_runs)) setOwn(planned.check_runs, build, record)
  const after = mergeServiceData(data, planned)
  if (data.conclusion_run) {
    const template = opts.conclusionTemplate
    const suiteSession: Session = {
      ...session,
      key,
      inputs: { ...session.inputs, suite: key.suite, conclusionName: template.replace(/\{suite\}/g, key.suite) },
    }
    const step = conclusionStep(data.conclusion_run, suiteConclusion(after, { warningAs: session.inputs.warningAs }))
    if (step.op === 'create' || step.op === 'update') {
      const aggregate = data.aggregate !== undefined
      const c = planConclusionRun(suiteSession, after, { final: false, mayOpen: true, aggregate, now: new Date(opts.now).toISOString() })
      if (c.op && c.output) {
        if (c.op.op === 'update') delete c.op.record.details_url // keep the link it has
        writes.push({ op: c.op, kind: 'conclusion', output: c.output })
      }
    }
  }
  if (writes.length === 0) return changes

  // Creates that a lost reply may already have made: adopt the run instead (one listing per commit).
  const mayExist = (w: Write) =>
    w.op.op === 'create' &&
    (w.kind === 'conclusion' ? conclusionMayExist(data.conclusion_run, w.op) : mayAlreadyExist(recordOf(data, w.op.build)))
  const toSend: Write[] = []
  const settledNow: { w: Write; record: CheckRunRecord }[] = []
  if (writes.some(mayExist)) {
    let runs: ListedCheckRun[] | undefined
    try {
      runs = await cache.listing(key.head_sha)
    } catch (error) {
      report.errors.push(`listing the check runs of ${key.head_sha} failed (${githubMessage(error)}): creates left for the next pass`)
    }
    for (const w of writes) {
      if (!mayExist(w)) {
        toSend.push(w)
        continue
      }
      if (!runs) continue // not sent: creating blind could duplicate a run
      const expected = expectedExternalId(key, w)
      const run =
        w.kind === 'conclusion'
          ? runs.filter((r) => r.external_id === expected).sort((a, b) => b.id - a.id)[0]
          : findAdoptable(runs, key, w.op.build)
      if (!run) {
        toSend.push(w)
        continue
      }
      report.adopted++
      const r = w.op.record
      const status = githubStatus(r.state)
      if (run.external_id === expected && run.status === status && (status !== 'completed' || run.conclusion === r.conclusion)) {
        // GitHub already shows it: the reply was lost, not the write.
        settledNow.push({ w, record: recordAfter(w.op, { check_run_id: run.id, node_id: run.node_id, synced: true }) })
      } else {
        const record: CheckRunRecord = { ...r, check_run_id: run.id, node_id: run.node_id }
        if (w.kind === 'conclusion') delete record.details_url // keep the link it has
        toSend.push({ ...w, op: { op: 'update', build: w.op.build, check_run_id: run.id, node_id: run.node_id, record } })
      }
    }
  } else toSend.push(...writes)

  const applied = new Map<Write, CheckRunRecord>()
  for (const { w, record } of settledNow) applied.set(w, record)
  if (toSend.length > 0) {
    let nodeId: string | undefined
    try {
      nodeId = await cache.repositoryNodeId(data)
    } catch (error) {
      report.errors.push(`could not read the repository's node id: ${githubMessage(error)}`)
    }
    if (nodeId) {
      const byBuild = new Map(toSend.map((w) => [w.op.build, w]))
      const results = await applyPlan(session.github, toSend.map((w) => w.op), {
        owner: session.ctx.owner,
        repo: session.ctx.repo,
        headSha: key.head_sha,
        repositoryNodeId: nodeId,
        appId: session.auth.appId,
        externalId: (build, record) =>
          build === CONCLUSION_BUILD ? conclusionExternalId(key, record.generation) : externalId(key, build, record.generation),
        outputFor: (op) => byBuild.get(op.build)!.output,
        mayAlreadyExist: () => false, // checked above
      })
      cache.forget(key.head_sha)
      for (const a of results) {
        const w = byBuild.get(a.build)!
        applied.set(w, a.record)
        if (a.warning) core.warning(`${key.suite} @ ${key.head_sha.slice(0, 7)}, ${w.kind === 'conclusion' ? 'CONCLUSION' : `build "${a.build}"`}: ${a.warning}`)
      }
    }
  }

  const now = new Date(opts.now).toISOString()
  for (const [w, record] of applied) {
    if (w.kind === 'conclusion') {
      changes.conclusion_run = conclusionRecordAfter({ build: CONCLUSION_BUILD, record }, now)
      if (record.state_synced) report.conclusion = record.state === 'built' ? 'completed' : w.op.op === 'create' ? 'created' : 'updated'
      continue
    }
    setOwn(changes.check_runs, w.op.build, record)
    if (!record.state_synced) continue
    if (w.kind === 'timeout') report.timed_out++
    else if (!settledNow.some((s) => s.w === w)) report.resent++
  }
  return changes
}

function expectedExternalId(key: SuiteKey, w: Write): string {
  return w.kind === 'conclusion' ? conclusionExternalId(key, w.op.record.generation) : externalId(key, w.op.build, w.op.record.generation)
}

function resendOutput(record: CheckRunRecord): CheckRunOutput {
  const output = outputFor(record)
  output.summary += '\n\nSent again by the scheduled reconcile: the first report may not have reached GitHub.'
  return output
}

function timeoutOutput(was: CheckRunRecord, record: CheckRunRecord, opts: ReconcileOptions): CheckRunOutput {
  const job = safeUrl(was.reporter?.job_url ?? was.details_url)
  const lines = [
    `**${titleFor(record)}** · ${escapeMarkdown(record.name)}`,
    '',
    `No end was reported for this build: it was ${was.state} since ${readableTime(was.updated_at)}, ` +
      `longer than stale-after (${formatDuration(opts.staleAfterMs)}). The scheduled reconcile completed it as \`${record.conclusion}\`.`,
  ]
  if (job) lines.push('', `[Open the job](${job}) to see its log or re-run it.`)
  return { title: titleFor(record), summary: lines.join('\n') }
}
