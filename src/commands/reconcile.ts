// command: reconcile — for `on: schedule` (and workflow_dispatch). Reads every suite's fragments
// across runs, sends what the transitions could not deliver (adopting runs a lost reply made,
// never duplicating them), times out builds stuck queued or building, completes CONCLUSION runs
// left open, and drops suites older than forget-after. Work is proportional to what is new and
// what needs repair: the store's listing stops at what the last pass saw (its index,
// src/reconcile/pass-index.ts), settled suites are not read, and GitHub requests go only to
// suites with something to send. A suite needing no repair costs no write (no DELETE: artifact
// retention and cache eviction clear fragments). Stops cleanly at max-duration; the next run
// picks up the rest.
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { withDefaultPermissions } from '../auth/permissions.ts'
import { parseConclusion, parseDuration } from '../checks/inputs.ts'
import { escapeMarkdown } from '../checks/titles.ts'
import type { SuiteKey } from '../checks/types.ts'
import { readRunContext } from '../context.ts'
import { errorText, UserError } from '../errors.ts'
import { groupedOutput } from '../log-context.ts'
import type { FragmentRef, StateStore } from '../store/index.ts'
import { formatDuration } from '../reconcile/decide.ts'
import { emptyReport, PassCache, reconcileSuite, type ReconcileOptions, type SuiteOutcome, type SuiteReport } from '../reconcile/suite.ts'
import { emptyIndex, listingSince, mergeListing, newestOf, parseIndex, recordSuite, refOf, serializeIndex, type PassIndex } from '../reconcile/pass-index.ts'
import { readCommonInputs } from './common-inputs.ts'
import { openSession, type Session } from './session.ts'

type GetInput = (name: string) => string

export interface ReconcileInputs {
  staleAfterMs: number
  staleConclusion: ReconcileOptions['staleConclusion']
  forgetAfterMs: number
  maxDurationMs: number
  conclusionTemplate: string
}

export function readReconcileInputs(getInput: GetInput = (n) => core.getInput(n)): ReconcileInputs {
  const staleConclusion = parseConclusion(getInput('stale-conclusion') || 'timed_out', true)
  return {
    staleAfterMs: parseDuration(getInput('stale-after') || '6h', 'stale-after'),
    staleConclusion,
    forgetAfterMs: parseDuration(getInput('forget-after') || '30d', 'forget-after'),
    maxDurationMs: parseDuration(getInput('max-duration') || '10m', 'max-duration'),
    conclusionTemplate: getInput('conclusion-name') || '{suite} / CONCLUSION',
  }
}

export interface ReconcileResult {
  /** Every suite was looked at (false: max-duration was reached first). */
  complete: boolean
  suites: number
  /** Suites not reached this time, left for the next run. */
  remaining: number
  /** Settled suites: nothing to do, not even read. */
  settled: number
  totals: { resent: number; adopted: number; timed_out: number; compacted: number; deletes_left: number; forgotten: number; conclusions: number; unsynced: number; errors: number }
  /** Suites where anything happened or is left to do. */
  reconciled: SuiteReport[]
}

export async function run(): Promise<void> {
  const started = Date.now()
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const inputs = readReconcileInputs()
  const given = readAppInputs()
  // Unless permission-* inputs say otherwise (auth/permissions.ts defaultPermissions). Not
  // revoked, like every check command (session.ts).
  const app = withDefaultPermissions(given, 'reconcile', common.store)
  const session = await openSession({ ctx, inputs: common, app })
  const result = await reconcile(session, inputs, started + inputs.maxDurationMs)
  core.setOutput('reconciled', JSON.stringify(result))
  core.setOutput('unsynced', String(result.totals.unsynced))
  await writeSummary(result, inputs)
  const t = result.totals
  core.info(
    `Reconciled ${result.suites - result.remaining} of ${result.suites} suite(s) (${result.settled} settled): ` +
      `${t.resent} resent, ${t.adopted} adopted, ${t.timed_out} timed out, ${t.conclusions} CONCLUSION run(s), ` +
      `${t.compacted} fragment(s) compacted, ${t.forgotten} suite(s) forgotten; ${session.requestCount()} request(s) to GitHub.`,
  )
  if (!result.complete) {
    core.notice(`max-duration (${formatDuration(inputs.maxDurationMs)}) reached: ${result.remaining} suite(s) are left for the next run.`)
  }
  if (t.deletes_left > 0) {
    core.notice(`max-duration (${formatDuration(inputs.maxDurationMs)}) reached while deleting: ${t.deletes_left} merged fragment(s) are left for the next run to delete.`)
  }
  if (common.failOnUnsynced && (t.unsynced > 0 || t.errors > 0)) {
    throw new UserError(
      `${t.unsynced} record(s) may still not be on GitHub and ${t.errors} suite(s) had errors (see the warnings). ` +
        'fail-on-unsynced is true, so the step fails.',
    )
  }
}

/** One pass over every unsettled suite in the store, newest first, until `deadline` (epoch ms). */
export async function reconcile(session: Session, inputs: ReconcileInputs, deadline: number): Promise<ReconcileResult> {
  const now = Date.now()
  const stored = await readIndex(session)
  const index = stored ?? emptyIndex()
  const listing = await listNewFragments(session.store, stored)
  let learned = mergeListing(index, listing.refs, listing.complete) > 0 || !stored

  // Newest first: the suites people are looking at now get repaired first. Settled ones are not read.
  const entries = Object.entries(index.suites).sort((a, b) => newestOf(b[1]) - newestOf(a[1]))
  const pending = entries.filter(([, s]) => !s.settled)
  const opts: ReconcileOptions = {
    now,
    staleAfterMs: inputs.staleAfterMs,
    staleConclusion: inputs.staleConclusion,
    forgetAfterMs: inputs.forgetAfterMs,
    conclusionTemplate: inputs.conclusionTemplate,
    deadline,
    ...(stored?.at && now > stored.at ? { intervalMs: now - stored.at } : {}),
  }
  const cache = new PassCache(session)
  const result: ReconcileResult = {
    complete: true,
    suites: entries.length,
    remaining: 0,
    settled: entries.length - pending.length,
    totals: { resent: 0, adopted: 0, timed_out: 0, compacted: 0, deletes_left: 0, forgotten: 0, conclusions: 0, unsynced: 0, errors: 0 },
    reconciled: [],
  }
  // Counted like the final line: every suite the index knows, the settled ones looked at already.
  const progress = progressReporter(entries.length, entries.length - pending.length)
  for (let i = 0; i < pending.length; i++) {
    // At least one suite per run, so that every run makes progress.
    if (i > 0 && Date.now() >= deadline) {
      result.complete = false
      result.remaining = pending.length - i
      break
    }
    const [hash, entry] = pending[i]!
    const refs = entry.refs.map(refOf)
    const { report, outcome } = await reconcileOne(session, refs, opts, cache)
    progress.looked(report)
    recordSuite(index, hash, outcome.refs, outcome.settled)
    learned ||= outcome.settled || outcome.refs.length !== refs.length || outcome.refs.some((r, j) => r.id !== refs[j]?.id)
    addReport(result, report)
  }
  progress.stop()
  learned = forgetSettled(index, entries, now, inputs.forgetAfterMs) || learned
  if (learned) await saveIndex(session, index, now)
  return result
}

/** The index is sealed like a fragment: anyone with a runtime token can upload one of its name. */
function indexKey(session: Session): SuiteKey {
  return { repository: session.ctx.repository, head_sha: '', suite: '' }
}

/** The last pass's index, when it reads and carries the app's seal; else every fragment is listed. */
async function readIndex(session: Session): Promise<PassIndex | undefined> {
  const { store } = session
  try {
    const text = await store.readIndex()
    const opened = text === undefined ? undefined : session.fragmentAuth.open(indexKey(session), text, 'reconcile-index')
    if (opened && 'problem' in opened) core.warning(`reconcile's index in the ${store.description} store was set aside (${opened.problem}): it lists every fragment this time.`)
    return opened && 'body' in opened ? parseIndex(opened.body) : undefined
  } catch (error) {
    core.warning(`reconcile could not read its index in the ${store.description} store (${errorText(error)}): it lists every fragment this time.`)
    return undefined
  }
}

/** The store's fragments since what the last pass saw (all without an index). */
async function listNewFragments(store: StateStore, stored: PassIndex | undefined) {
  const since = listingSince(stored)
  let listing
  try {
    listing = await store.listRecentFragments(since)
  } catch (error) {
    throw new UserError(`reconcile could not list the state in the ${store.description} store: ${errorText(error)}`)
  }
  if (listing.unread > 0) {
    core.warning(
      `reconcile read the newest ${listing.refs.length} fragment(s) of the ${store.description} store and left up to ${listing.unread} older item(s) unread ` +
        `(the listing stops at its page cap${since ? `, before reaching what the last pass saw (${since})` : ''}): suites only those hold are not reconciled.`,
    )
  }
  return listing
}

/** One suite; what it prints (its warnings, what was done) is one collapsible group, titled by the suite. */
async function reconcileOne(session: Session, refs: FragmentRef[], opts: ReconcileOptions, cache: PassCache): Promise<{ report: SuiteReport; outcome: SuiteOutcome }> {
  const outcome: SuiteOutcome = { refs, settled: false }
  const report = await groupedOutput(async () => {
    let r: SuiteReport
    try {
      r = await reconcileSuite(session, refs, opts, cache, outcome)
    } catch (error) {
      r = emptyReport()
      r.errors.push(errorText(error))
      outcome.refs = refs
      outcome.settled = false
    }
    for (const e of r.errors) core.warning(`${describe(r, refs)}: ${e}`)
    return r
  }, (r) => describe(r, refs), (r) => (eventful(r) ? done(r) : undefined))
  return { report, outcome }
}

function addReport(result: ReconcileResult, report: SuiteReport): void {
  const t = result.totals
  t.resent += report.resent
  t.adopted += report.adopted
  t.timed_out += report.timed_out
  t.compacted += report.compacted
  t.deletes_left += report.deletes_left ?? 0
  t.unsynced += report.unsynced
  if (report.forgotten) t.forgotten++
  if (report.conclusion) t.conclusions++
  if (report.errors.length > 0) t.errors++
  if (report.settled) result.settled++
  if (eventful(report)) result.reconciled.push(report)
}

/** Settled suites older than forget-after leave the index (their fragments are left to expire). */
function forgetSettled(index: PassIndex, entries: [string, PassIndex['suites'][string]][], now: number, forgetAfterMs: number): boolean {
  let forgot = false
  for (const [hash, s] of entries) {
    if (s.settled && index.suites[hash] === s && now - newestOf(s) > forgetAfterMs && newestOf(s) > 0) {
      delete index.suites[hash]
      forgot = true
    }
  }
  return forgot
}

async function saveIndex(session: Session, index: PassIndex, now: number): Promise<void> {
  const { ctx, store } = session
  index.at = now
  try {
    const text = session.fragmentAuth.seal(indexKey(session), serializeIndex(index), 'reconcile-index')
    await store.writeIndex(text, { run_id: ctx.runId || 1, run_attempt: ctx.runAttempt, job: ctx.job || 'reconcile', step: `index-${now.toString(36)}` })
  } catch (error) {
    core.warning(`reconcile could not save its index in the ${store.description} store (${errorText(error)}): the next pass lists and reads these suites again.`)
  }
}

function eventful(report: SuiteReport): boolean {
  return !!(report.resent || report.adopted || report.timed_out || report.compacted || report.deletes_left || report.forgotten ||
    report.conclusion || report.unsynced || report.set_aside || report.errors.length > 0)
}

/** The suite's line in the log: what was done. */
function done(r: SuiteReport): string {
  const parts = [
    r.resent ? `${r.resent} resent` : '',
    r.adopted ? `${r.adopted} adopted` : '',
    r.timed_out ? `${r.timed_out} timed out` : '',
    r.conclusion ? `CONCLUSION ${r.conclusion}` : '',
    r.compacted ? `${r.compacted} fragment(s) compacted` : '',
    r.deletes_left ? `${r.deletes_left} merged fragment(s) left to delete` : '',
    r.forgotten ? 'forgotten' : '',
    r.set_aside ? `${r.set_aside} fragment(s) set aside` : '',
    r.unsynced ? `${r.unsynced} still unsynced` : '',
    r.errors.length ? `${r.errors.length} error(s)` : '',
  ].filter(Boolean)
  return `${parts.join(', ') || 'nothing to do'}.`
}

/**
 * A progress line at least every `intervalMs` (30 s; GITHUB_APP_CI_PROGRESS_MS in tests) while
 * suites are being looked at, so a long pass never looks hung.
 */
function progressReporter(total: number, alreadyLooked = 0) {
  const started = Date.now()
  const text = Number(process.env.GITHUB_APP_CI_PROGRESS_MS)
  const intervalMs = Number.isFinite(text) && text > 0 ? text : 30_000
  let looked = alreadyLooked
  let repaired = 0
  const timer = setInterval(() => {
    core.info(
      `reconcile: ${looked} of ${total} suite(s) looked at, ${repaired} with something done, ` +
        `${formatDuration(Math.max(1000, Date.now() - started))} so far.`,
    )
  }, intervalMs)
  timer.unref()
  return {
    looked(report: SuiteReport) {
      looked++
      if (eventful(report)) repaired++
    },
    stop: () => clearInterval(timer),
  }
}

function describe(report: SuiteReport, refs: FragmentRef[]): string {
  return report.suite ? `suite "${report.suite}" @ ${report.head_sha?.slice(0, 7)}` : `fragments ${refs.map((r) => r.name ?? r.id).join(', ')}`
}

async function writeSummary(result: ReconcileResult, inputs: ReconcileInputs): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const t = result.totals
  const lines = [
    '### Reconcile',
    '',
    `${result.suites - result.remaining} of ${result.suites} suite(s) looked at (${result.settled} settled, nothing to do)` +
      (result.complete ? '.' : `; max-duration (${formatDuration(inputs.maxDurationMs)}) reached, ${result.remaining} left for the next run.`),
    '',
    `Resent ${t.resent}, adopted ${t.adopted}, timed out ${t.timed_out} (stale after ${formatDuration(inputs.staleAfterMs)}), ` +
      `${t.conclusions} CONCLUSION run(s) completed or re-sent, ${t.compacted} fragment(s) compacted` +
      `${t.deletes_left ? ` (${t.deletes_left} more left for the next run to delete)` : ''}, ${t.forgotten} suite(s) forgotten ` +
      `(after ${formatDuration(inputs.forgetAfterMs)}), ${t.unsynced} still unsynced.`,
  ]
  const rows = result.reconciled.slice(0, 200)
  if (rows.length > 0) {
    lines.push('', '| Suite | Commit | Resent | Adopted | Timed out | CONCLUSION | Compacted | Unsynced | Notes |', '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |')
    for (const r of rows) {
      const notes = [
        r.forgotten ? 'forgotten' : '',
        r.set_aside ? `${r.set_aside} fragment(s) set aside` : '',
        r.deletes_left ? `${r.deletes_left} merged fragment(s) left to delete` : '',
        r.other_repository ? `other repository ${escapeMarkdown(r.repository ?? '')}` : '',
        ...r.errors.map((e) => escapeMarkdown(e.slice(0, 200))),
      ].filter(Boolean).join('; ')
      lines.push(
        `| ${escapeMarkdown(r.suite ?? '?')} | ${r.head_sha ? `\`${r.head_sha.slice(0, 7)}\`` : '—'} | ${r.resent} | ${r.adopted} | ${r.timed_out} | ${r.conclusion ?? '—'} | ${r.compacted} | ${r.unsynced} | ${notes || '—'} |`,
      )
    }
    if (result.reconciled.length > rows.length) lines.push('', `… and ${result.reconciled.length - rows.length} more suite(s) (see the \`reconciled\` output).`)
  }
  try {
    await core.summary.addRaw(lines.join('\n') + '\n').write()
  } catch (error) {
    core.warning(`Could not write the step summary: ${errorText(error)}`)
  }
}
