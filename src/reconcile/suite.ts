// Reconcile of one suite: read and merge its fragments, send what never reached GitHub, time
// out stuck builds, complete its CONCLUSION run, then write one fragment with what it sent.
// Requests: none for a settled suite; for one needing repair, one listing of the commit's check
// runs (only when a create may already exist), one GraphQL request, and the store's write.
// A suite that needs no repair costs no write: its fragments are left to the store's retention,
// and merged fragments are deleted only when pass-index.ts worthCompacting says the reads it
// saves outweigh the deletes (each DELETE counts against the installation's content-creation limit).
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import { applyPlan, buildWrite, conclusionWrite, type AppliedWrite, type PlannedWrite } from '../github/apply-plan.ts'
import type { WriteOperation } from '../checks/rules.ts'
import {
  CorruptStateError,
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
import { splitSealed } from '../store/fragment-auth.ts'
import type { FragmentRef } from '../store/index.ts'
import { describeFragment } from '../store/naming.ts'
import { mapLimit } from '../store/parallel.ts'
import { conclusionRecordAfter, type ConclusionSettings } from '../checks/conclusion-run.ts'
import { checkRecords, type RecordPolicy } from '../checks/record-policy.ts'
import type { RunContext } from '../context.ts'
import type { GitHubClient } from '../github/client.ts'
import type { FragmentAuth } from '../store/fragment-auth.ts'
import type { StateStore } from '../store/index.ts'
import { deleteInRounds } from './delete-rounds.ts'
import {
  afterRepair, compactedStep, conclusionDone, countUnsynced, formatDuration, lastActivity, planCompaction, planSuite, repairConclusion,
  settledAt, shouldForget, skipsReading, type EndedJob, type SuitePlan, type SuitePlanOptions,
} from './decide.ts'
import { runLink } from './rerequest.ts'
import { jobConclusion, type WorkflowJob } from '../mirror/jobs.ts'
import { StoreError } from '../store/errors.ts'
import { errorText } from '../errors.ts'

/** What reconciling a suite uses of the step (src/commands/session.ts wires it). */
export interface ReconcileSession {
  ctx: Pick<RunContext, 'owner' | 'repo' | 'repository' | 'serverUrl' | 'runId' | 'runAttempt' | 'job'>
  github: GitHubClient
  auth: { appId?: number }
  store: StateStore
  fragmentAuth: Pick<FragmentAuth, 'seal' | 'verify'>
  /** What records read must match (src/checks/record-policy.ts). */
  policy: RecordPolicy
  /** The step's CONCLUSION settings; each suite gets its own name from conclusionTemplate. */
  conclusion: ConclusionSettings
  /** From the event payload, when it had it. */
  repositoryNodeId?: string
}

export interface ReconcileOptions extends SuitePlanOptions {
  forgetAfterMs: number
  /**
   * Epoch ms (max-duration): past it, deletes stop (GitHub takes one write a second). Fragments
   * left are harmless, merged again and deleted by a later pass.
   */
  deadline?: number
  /** conclusion-name as given, with {suite} still in it. */
  conclusionTemplate: string
  /** Time between reconcile passes (from the index), to count the later reads compaction would save. */
  intervalMs?: number
}

/** What a pass leaves of a suite, for the index: its fragments now, and whether it settled. */
export interface SuiteOutcome {
  refs: FragmentRef[]
  settled: boolean
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
  readonly session: ReconcileSession
  constructor(session: ReconcileSession) {
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

  readonly #jobs = new Map<number, Promise<WorkflowJob | undefined>>()
  /** Set once GitHub refused a job lookup (a token without actions: read): not asked again this pass. */
  jobsRefused = false

  /** The Actions job, or undefined when it cannot be read. */
  job(id: number): Promise<WorkflowJob | undefined> {
    let p = this.#jobs.get(id)
    if (!p) {
      const { session } = this
      p = session.github
        .request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}', { owner: session.ctx.owner, repo: session.ctx.repo, job_id: id })
        .then((r) => r.data as WorkflowJob, (error: unknown) => {
          const status = (error as { status?: number }).status
          if (status === 401 || status === 403) this.jobsRefused = true
          core.debug(`Could not read job ${id}: ${githubMessage(error)}`)
          return undefined
        })
      this.#jobs.set(id, p)
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
async function remove(session: ReconcileSession, refs: FragmentRef[], report: SuiteReport, opts: ReconcileOptions): Promise<number> {
  const progress = { deleted: 0 }
  try {
    await deleteInRounds(refs, (round) => session.store.deleteFragments(round), () => opts.deadline !== undefined && Date.now() >= opts.deadline, progress)
  } catch (error) {
    report.errors.push(`could not delete ${refs.length - progress.deleted} fragment(s): ${errorText(error)}`)
    return progress.deleted
  }
  if (progress.deleted < refs.length) report.deletes_left = (report.deletes_left ?? 0) + refs.length - progress.deleted
  return progress.deleted
}

/**
 * Forgets a suite: a store that clears itself (artifact retention, cache eviction) is left to do
 * so, at no write; a file store's fragments are deleted unless the deadline comes first.
 */
async function forget(session: ReconcileSession, refs: FragmentRef[], report: SuiteReport, opts: ReconcileOptions): Promise<boolean> {
  if (session.store.selfClearing) return true
  return (await remove(session, refs, report, opts)) === refs.length
}

/** Reconciles the suite whose fragments are `refs` (all of one suite hash). */
export async function reconcileSuite(
  session: ReconcileSession,
  refs: FragmentRef[],
  opts: ReconcileOptions,
  cache: PassCache,
  outcome: SuiteOutcome = { refs: [], settled: false },
): Promise<SuiteReport> {
  const report = emptyReport()
  const names = refs.map(nameOf)
  outcome.refs = refs
  outcome.settled = false

  // A settled suite's one compacted fragment: only its age matters.
  if (skipsReading(names)) {
    await ageSettled(session, refs, settledAt(names[0]!), opts, report, outcome)
    return report
  }
  const read = await readFragments(session, refs, report, outcome)
  if (read.documents.length === 0) {
    await forgetUnusable(session, refs, read.aside, opts, report, outcome)
    return report
  }
  const suite = joinSuite(read, report)
  if (suite.key.repository.toLowerCase() !== session.ctx.repository.toLowerCase()) {
    report.other_repository = true
    return report
  }
  const last = lastActivity(suite.data) ?? newestCreated(suite.merged, opts.now)
  if (shouldForget(last, opts.now, opts.forgetAfterMs)) {
    await forgetSuite(session, [...suite.merged, ...suite.aside], opts, report, outcome)
    return report
  }

  const changes = await repair(session, suite.key, suite.data, opts, cache, report)
  const compacted = mergeServiceData(suite.data, changes)
  report.unsynced = countUnsynced(compacted)
  // What the pass sent is written as one fragment (a settled one says so in its name). The
  // fragments merged are deleted only when that is worth its writes (pass-index.ts).
  const plan = planCompaction(compacted, changes, {
    aside: suite.aside.length, merged: suite.merged.length, last, selfClearing: session.store.selfClearing === true,
  }, opts)
  outcome.settled = plan.settled
  if (!plan.changed && !plan.compact) return report
  const written = await writeCompacted(session, suite.key, compacted, compactedStep(plan.settled, lastActivity(compacted) ?? last, randomUUID().replace(/-/g, '')), report)
  if (!written) {
    outcome.settled = false
    return report
  }
  if (!plan.compact) {
    outcome.refs = [...outcome.refs, written]
    return report
  }
  report.compacted = await remove(session, suite.merged, report, opts)
  const deleted = new Set(suite.merged.slice(0, report.compacted).map((r) => r.id))
  outcome.refs = [...outcome.refs.filter((r) => !deleted.has(r.id)), written]
  return report
}

/** A settled suite, not read: forgotten once older than forget-after, else left as it is. */
async function ageSettled(session: ReconcileSession, refs: FragmentRef[], settled: number | undefined, opts: ReconcileOptions, report: SuiteReport, outcome: SuiteOutcome): Promise<void> {
  if (shouldForget(settled, opts.now, opts.forgetAfterMs)) {
    report.forgotten = await forget(session, refs, report, opts)
    if (report.forgotten) outcome.refs = []
  } else report.settled = outcome.settled = true
}

/** The fragments read: those usable, and those left where they are (unreadable or unusable). */
interface FragmentsRead {
  documents: { ref: FragmentRef; data: ServiceData }[]
  aside: FragmentRef[]
}

/** Reads and checks every fragment; one expired or deleted since it was listed is no longer the suite's. */
async function readFragments(session: ReconcileSession, refs: FragmentRef[], report: SuiteReport, outcome: SuiteOutcome): Promise<FragmentsRead> {
  const result: FragmentsRead = { documents: [], aside: [] }
  const read = await mapLimit(refs, (ref) =>
    session.store.readFragment(ref).then(
      (f) => ({ ref, text: f.text }),
      (error: unknown) => ({ ref, error: errorText(error), gone: error instanceof StoreError && error.code === 'gone' }),
    ),
  )
  // Expired or deleted since it was listed (or since the index recorded it): no longer the suite's.
  outcome.refs = read.filter((r) => !('gone' in r && r.gone)).map((r) => r.ref)
  for (const r of read) {
    if ('gone' in r && r.gone) continue
    if ('error' in r) {
      report.errors.push(`fragment ${nameOf(r.ref)} could not be read: ${r.error}`)
      result.aside.push(r.ref)
      continue
    }
    const data = openFragment(session, r.ref, r.text)
    if (data) result.documents.push({ ref: r.ref, data })
    else result.aside.push(r.ref)
  }
  return result
}

/**
 * A fragment's service data, or undefined (with a warning) when it is unusable or not the app's.
 * Only what the app's key holder wrote is merged, compacted or acted on. The tag binds the suite
 * the document names, so that suite is what it is checked against.
 */
function openFragment(session: ReconcileSession, ref: FragmentRef, text: string): ServiceData | undefined {
  const sealed = splitSealed(text)
  if (!sealed) {
    setAsideUnauthenticated(session, ref, 'it carries no authentication tag')
    return undefined
  }
  let data: ServiceData
  try {
    data = parseServiceData(sealed.body)
    checkRecords(data, session.policy)
  } catch (error) {
    if (!(error instanceof CorruptStateError)) throw error
    core.warning(`State fragment ${nameOf(ref)} is unusable and was left in the store: ${error.message}.`)
    return undefined
  }
  if (!session.fragmentAuth.verify('fragment', suiteKeyOf(data), sealed.body, sealed.tag)) {
    setAsideUnauthenticated(session, ref, "its authentication tag is wrong (not written with this app's private key for this suite)")
    return undefined
  }
  return data
}

/** Nothing usable: dropped once it is older than forget-after, like any suite. */
async function forgetUnusable(session: ReconcileSession, refs: FragmentRef[], aside: FragmentRef[], opts: ReconcileOptions, report: SuiteReport, outcome: SuiteOutcome): Promise<void> {
  if (shouldForget(newestCreated(refs, opts.now), opts.now, opts.forgetAfterMs)) report.forgotten = await forget(session, refs, report, opts)
  report.set_aside = report.forgotten ? 0 : aside.length
  if (report.forgotten) outcome.refs = []
}

/** A suite too old to keep: its fragments, merged and set aside, are forgotten. */
async function forgetSuite(session: ReconcileSession, refs: FragmentRef[], opts: ReconcileOptions, report: SuiteReport, outcome: SuiteOutcome): Promise<void> {
  report.forgotten = await forget(session, refs, report, opts)
  if (report.forgotten) {
    report.set_aside = 0
    outcome.refs = []
  }
}

/** The suite the fragments hold: the first one's, and the fragments merged into it. */
interface JoinedSuite {
  key: SuiteKey
  data: ServiceData
  merged: FragmentRef[]
  /** Unusable, or another suite's. */
  aside: FragmentRef[]
}

/** Joins the fragments of the first document's suite; the others are set aside. */
function joinSuite(read: FragmentsRead, report: SuiteReport): JoinedSuite {
  const key: SuiteKey = suiteKeyOf(read.documents[0]!.data)
  const mine = read.documents.filter((d) => sameSuite(d.data, key))
  const aside = [...read.aside, ...read.documents.filter((d) => !mine.includes(d)).map((d) => d.ref)]
  report.set_aside = aside.length
  Object.assign(report, { repository: key.repository, head_sha: key.head_sha, suite: key.suite })
  return { key, data: mergeAll(key, mine.map((d) => d.data)), merged: mine.map((d) => d.ref), aside }
}

/** The newest creation time of the fragments (epoch ms), `now` for one that has none. */
function newestCreated(refs: FragmentRef[], now: number): number {
  return Math.max(...refs.map((r) => created(r) ?? now))
}

/** Writes the compacted fragment; undefined (with the error reported) when the store refuses it. */
async function writeCompacted(session: ReconcileSession, key: SuiteKey, compacted: ServiceData, step: string, report: SuiteReport): Promise<FragmentRef | undefined> {
  const { ctx } = session
  try {
    return await session.store.writeFragment(key, session.fragmentAuth.seal(key, serializeServiceData(compacted)), {
      run_id: ctx.runId || 1,
      run_attempt: ctx.runAttempt,
      job: ctx.job || 'reconcile',
      step,
    })
  } catch (error) {
    // The merged fragments stay: the next pass merges them again (GitHub already has what was sent).
    report.errors.push(`could not write the compacted state: ${errorText(error)}`)
    return undefined
  }
}

/** One warning per fragment that only someone without the app's key can have written; it is never merged or deleted for its content. */
function setAsideUnauthenticated(session: ReconcileSession, ref: FragmentRef, reason: string): void {
  core.warning(`State fragment ${describeFragment(session.store.description, ref)} was set aside, not merged: ${reason}.`)
}

interface Write {
  planned: PlannedWrite
  kind: 'resend' | 'timeout' | 'conclusion'
}

/** Sends what the suite needs (plan → send → record); returns the records to merge into its state. */
async function repair(
  session: ReconcileSession,
  key: SuiteKey,
  data: ServiceData,
  opts: ReconcileOptions,
  cache: PassCache,
  report: SuiteReport,
): Promise<ServiceData> {
  const plan = planSuite(data, opts, await endedJobs(data, opts, cache))
  const changes: ServiceData = { ...mergeAll(key, []) }
  // Aggregate mode: a timed-out build with no check run of its own is recorded only.
  for (const t of plan.timeouts) {
    if (t.op) continue
    setOwn(changes.check_runs, t.build, t.record)
    report.timed_out++
  }
  const writes = buildWrites(key, data, plan, opts)
  // The CONCLUSION run, when the suite has one and it is due (complete, re-sent or adopted).
  // This suite's settings: its name from the template (a pass reconciles many suites).
  const settings: ConclusionSettings = { ...session.conclusion, conclusionName: opts.conclusionTemplate.replace(/\{suite\}/g, key.suite) }
  const conclusion = repairConclusion(settings, data, afterRepair(data, plan), new Date(opts.now).toISOString())
  if (conclusion?.op && conclusion.output) {
    writes.push({ planned: { ...conclusionWrite(conclusion.op, key, data.conclusion_run, conclusion.output), adoptedKeepsLink: true }, kind: 'conclusion' })
  }
  if (writes.length === 0) return changes
  const results = await sendRepair(session, key, data, writes, cache, report)
  recordRepair(key, writes, results, new Date(opts.now).toISOString(), changes, report)
  return changes
}

/** The builds' writes: re-sends, then timeouts that a check run shows. */
function buildWrites(key: SuiteKey, data: ServiceData, plan: SuitePlan, opts: ReconcileOptions): Write[] {
  const buildWriteOf = (op: WriteOperation, output: CheckRunOutput) => buildWrite(op, key, recordOf(data, op.build), output)
  const writes: Write[] = plan.resend.map((op) => ({ planned: buildWriteOf(op, resendOutput(op.record)), kind: 'resend' }))
  for (const t of plan.timeouts) {
    if (t.op) writes.push({ planned: buildWriteOf(t.op, t.ended ? endedOutput(t.was, t.record) : timeoutOutput(t.was, t.record, opts)), kind: 'timeout' })
  }
  return writes
}

/**
 * send: one write path (github/apply-plan.ts): creates that a lost reply may already have made
 * adopt the run instead, from one listing per commit (the pass's); what cannot be listed is left unsent.
 */
async function sendRepair(session: ReconcileSession, key: SuiteKey, data: ServiceData, writes: Write[], cache: PassCache, report: SuiteReport): Promise<AppliedWrite[]> {
  let listError: unknown
  let nodeError: unknown
  const results = await applyPlan(session.github, writes.map((w) => w.planned), {
    owner: session.ctx.owner,
    repo: session.ctx.repo,
    headSha: key.head_sha,
    repositoryNodeId: () => cache.repositoryNodeId(data).catch((error: unknown) => { nodeError = error; throw error }),
    appId: session.auth.appId,
    listing: () => cache.listing(key.head_sha).catch((error: unknown) => { listError = error; throw error }),
    adoptAsShown: true,
  })
  if (listError !== undefined) report.errors.push(`listing the check runs of ${key.head_sha} failed (${githubMessage(listError)}): writes left for the next pass`)
  if (nodeError !== undefined) report.errors.push(`could not read the repository's node id: ${githubMessage(nodeError)}`)
  if (results.some((a) => !a.notSent && a.adopted !== 'as-shown')) cache.forget(key.head_sha)
  return results
}

/** record: what GitHub answered, into the changes and the report's counts. */
function recordRepair(key: SuiteKey, writes: Write[], results: AppliedWrite[], now: string, changes: ServiceData, report: SuiteReport): void {
  results.forEach((a, i) => {
    const w = writes[i]!
    if (a.notSent) return // not sent: creating blind could duplicate a run
    if (a.adopted) report.adopted++
    const label = a.target === 'conclusion' ? 'CONCLUSION' : `build "${a.build}"`
    if (a.warning) core.warning(`${key.suite} @ ${key.head_sha.slice(0, 7)}, ${label}: ${a.warning}`)
    if (a.target === 'conclusion') {
      changes.conclusion_run = conclusionRecordAfter(a, now)
      if (a.record.state_synced) report.conclusion = conclusionDone(a.record.state, w.planned.op, a.adopted)
      return
    }
    setOwn(changes.check_runs, a.build, a.record)
    if (!a.record.state_synced) return
    if (w.kind === 'timeout') report.timed_out++
    else if (a.adopted !== 'as-shown') report.resent++
  })
}

function resendOutput(record: CheckRunRecord): CheckRunOutput {
  const output = outputFor(record)
  output.summary += '\n\nSent again by the scheduled reconcile: the first report may not have reached GitHub.'
  return output
}

/**
 * Building builds whose link names their job (details-url or the reporter's job page, as
 * mirror and examples/matrix.yml give) and whose job the Actions API shows completed before this
 * pass began (so a built step's fragment would already have been read): the job's conclusion is
 * the build's end. One request per such job; none once GitHub refused one (no actions: read).
 */
async function endedJobs(data: ServiceData, opts: ReconcileOptions, cache: PassCache): Promise<Map<string, EndedJob>> {
  const ended = new Map<string, EndedJob>()
  for (const build of Object.keys(data.check_runs).sort()) {
    const record = recordOf(data, build)!
    // Only building: that state was reported by the build's own job, which would also have
    // reported its end (a queued state may come from another job, e.g. a queue job that is done).
    if (record.state !== 'building' || cache.jobsRefused) continue
    // Only a link to a job of this repository on this server (the state is checked, not trusted).
    const { serverUrl, repository } = cache.session.ctx
    const id = runLink(record.reporter?.job_url, serverUrl, repository)?.job_id ?? runLink(record.details_url, serverUrl, repository)?.job_id
    if (id === undefined) continue
    const job = await cache.job(id)
    if (!job || job.status !== 'completed') continue
    if (job.run_attempt !== undefined && job.run_attempt !== record.generation) continue
    const done = Date.parse(job.completed_at ?? '')
    if (!Number.isFinite(done) || done >= opts.now) continue
    ended.set(build, { conclusion: jobConclusion(job.conclusion) })
  }
  return ended
}

function endedOutput(was: CheckRunRecord, record: CheckRunRecord): CheckRunOutput {
  const job = safeUrl(was.reporter?.job_url ?? was.details_url)
  const lines = [
    `**${titleFor(record)}** · ${escapeMarkdown(record.name)}`,
    '',
    `Its job ended (\`${record.conclusion}\`) without reporting this build's end: it was ${was.state} since ${readableTime(was.updated_at)}. ` +
      'The scheduled reconcile completed it with the job\'s conclusion.',
  ]
  if (job) lines.push('', `[Open the job](${job}) to see its log or re-run it.`)
  return { title: titleFor(record), summary: lines.join('\n') }
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
