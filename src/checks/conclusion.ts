// The suite's CONCLUSION check run: its verdict and its output, from the merged service data
// (docs/design.md "The CONCLUSION check run"). Pure. Branch protection requires this one check, so it never turns
// green without evidence: a build that did not pass, or never finished, makes it a failure.
import type { BuildState, CheckRunOutput, CheckRunRecord, Conclusion, ConclusionRunRecord, ServiceData } from './types.ts'
import { escapeMarkdown, safeUrl, titleFor } from './titles.ts'
import { BUILD_STATES } from './states.ts'
import { truncateUtf8, utf8Bytes } from './inputs.ts'

/** GitHub's limit on a check run's summary, in bytes of UTF-8. */
export const SUMMARY_LIMIT_BYTES = 65535

export type WarningAs = 'success' | 'failure'
export type Verdict = 'pass' | 'fail'

export interface ConclusionOptions {
  /** What a neutral build counts as (brep's warning_success). */
  warningAs: WarningAs
  /**
   * `command: conclude` (every job is over): a build still queued or building never reported
   * its end and counts as failed, so the conclusion completes either way.
   */
  final?: boolean
}

export interface SuiteConclusion {
  /**
   * `final`, or a queued step registered the suite (ServiceData.registered) and every build
   * known is built. Unregistered, more builds may still come: only conclude completes it.
   */
  complete: boolean
  /** Set when complete. */
  conclusion?: 'success' | 'failure'
  /** The highest build generation: a re-run build re-opens the conclusion in a newer one. */
  generation: number
  total: number
  byState: Record<BuildState, number>
  /** Built builds by conclusion; `unknown`: built without one (counts as failed). */
  byConclusion: Record<Conclusion | 'unknown', number>
  /** Build ids whose conclusion fails the suite, sorted. */
  failed: string[]
  /** Build ids not built yet, sorted (failed ones too when `final`). */
  unfinished: string[]
}

/**
 * What a built build's conclusion means for the suite. Like GitHub's required checks:
 * success and skipped pass; neutral is `warningAs`; everything else (failure, cancelled,
 * timed_out, action_required, stale, a missing or newer unknown value) fails.
 */
export function verdictOf(conclusion: Conclusion | undefined, warningAs: WarningAs): Verdict {
  if (conclusion === 'success' || conclusion === 'skipped') return 'pass'
  if (conclusion === 'neutral') return warningAs === 'success' ? 'pass' : 'fail'
  return 'fail'
}

/**
 * The conclusion from the merged data. The merge already keeps each build's newest record
 * (highest generation), so a re-run build counts by its re-run, not by its older failure.
 */
export function suiteConclusion(
  data: Pick<ServiceData, 'check_runs'> & Partial<Pick<ServiceData, 'registered'>>,
  opts: ConclusionOptions,
): SuiteConclusion {
  const byState: Record<BuildState, number> = { queued: 0, building: 0, built: 0 }
  const byConclusion: Record<Conclusion | 'unknown', number> = {
    success: 0, failure: 0, neutral: 0, cancelled: 0, skipped: 0,
    timed_out: 0, action_required: 0, stale: 0, unknown: 0,
  }
  const failed: string[] = []
  const unfinished: string[] = []
  let generation = 0
  const ids = Object.keys(data.check_runs).sort()
  for (const id of ids) {
    const record = data.check_runs[id]!
    generation = Math.max(generation, record.generation)
    byState[record.state] = (byState[record.state] ?? 0) + 1
    if (record.state !== 'built') {
      unfinished.push(id)
      continue
    }
    const key = record.conclusion && Object.hasOwn(byConclusion, record.conclusion) ? record.conclusion : 'unknown'
    byConclusion[key]++
    if (verdictOf(record.conclusion, opts.warningAs) === 'fail') failed.push(id)
  }
  const total = ids.length
  const complete = opts.final === true || (data.registered !== undefined && total > 0 && unfinished.length === 0)
  const result: SuiteConclusion = { complete, generation, total, byState, byConclusion, failed, unfinished }
  if (complete) {
    // An empty final suite fails: with no builds recorded (a lost state, a queued step that
    // never ran) a required check must not pass.
    const bad = failed.length > 0 || unfinished.length > 0 || total === 0
    result.conclusion = bad ? 'failure' : 'success'
  }
  return result
}

export type ConclusionStep =
  /** No run for this generation yet: create one (completed at once when `complete`). */
  | { op: 'create'; state: 'building' | 'built'; generation: number; conclusion?: 'success' | 'failure' }
  /** Complete the open run, or re-send a state that may not have reached GitHub. */
  | { op: 'update'; state: 'building' | 'built'; generation: number; conclusion?: 'success' | 'failure' }
  /** Still open and nothing new to decide: only the summary may be refreshed (see aggregate.ts). */
  | { op: 'refresh'; generation: number }
  | { op: 'none'; generation: number }

/**
 * The conclusion the CONCLUSION run must show, given the run as recorded. Once it is completed in
 * the suite's newest generation the suite was declared over, so what is still unfinished counts
 * as failed (final): a later report can then only replace it with a truer end, never leave a
 * green run standing beside a failed or pending build. `incomplete`: the caller knows of an
 * unfinished build the data does not show (a filtered read saw it in the fragments' names).
 */
export function conclusionFor(
  data: Pick<ServiceData, 'check_runs'> & Partial<Pick<ServiceData, 'registered'>>,
  recorded: ConclusionRunRecord | undefined,
  opts: ConclusionOptions & { incomplete?: boolean },
): SuiteConclusion {
  const result = suiteConclusion(data, opts)
  if (!opts.final && recorded?.state === 'built' && recorded.generation >= result.generation) {
    return suiteConclusion(data, { ...opts, final: true })
  }
  if (opts.incomplete && !opts.final && result.complete) {
    const { conclusion: _unknown, ...rest } = result
    return { ...rest, complete: false }
  }
  return result
}

/**
 * What to do with the CONCLUSION check run, given its record and the suite's conclusion
 * (conclusionFor). A completed run is final on GitHub (test/emulator/github/checks-store.ts cites
 * why), so a newer generation (a re-run build) after completion gets a new run of the same name,
 * and so does a later report that contradicts the completed run's conclusion (GitHub shows the
 * newest run of a name); an open one just moves on.
 */
export function conclusionStep(recorded: ConclusionRunRecord | undefined, result: SuiteConclusion): ConclusionStep {
  const generation = Math.max(1, result.generation, recorded?.generation ?? 1)
  const target = result.complete
    ? { state: 'built' as const, generation, conclusion: result.conclusion }
    : { state: 'building' as const, generation }
  if (!recorded) return { op: 'create', ...target }
  if (recorded.state === 'built') {
    if (recorded.generation < generation) return { op: 'create', ...target }
    if (target.state === 'built' && recorded.conclusion !== undefined && target.conclusion !== recorded.conclusion) return { op: 'create', ...target }
    if (!recorded.state_synced) return { op: recorded.check_run_id === undefined ? 'create' : 'update', ...target, ...sameEnd(recorded) }
    return { op: 'none', generation }
  }
  // An open run whose creation never answered: create (apply adopts it by external_id if it exists).
  if (recorded.check_run_id === undefined) return { op: 'create', ...target }
  if (result.complete || !recorded.state_synced || recorded.generation < generation) return { op: 'update', ...target }
  return { op: 'refresh', generation }
}

/** Re-sending a completed run repeats its recorded answer rather than a recomputed one. */
function sameEnd(recorded: ConclusionRunRecord): { state: 'built'; conclusion?: 'success' | 'failure' } {
  return recorded.conclusion ? { state: 'built', conclusion: recorded.conclusion } : { state: 'built' }
}

export interface ConclusionOutputOptions extends ConclusionOptions {
  /** Defaults to whether the data records the aggregate switch. */
  aggregate?: boolean
  /** GITHUB_SERVER_URL, for links to check runs (default https://github.com). */
  serverUrl?: string
  /** For tests of the cut; GitHub's limit by default. */
  limitBytes?: number
}

/** Title and summary of the CONCLUSION check run; the summary stays within GitHub's byte limit. */
export function conclusionOutput(
  data: Pick<ServiceData, 'check_runs' | 'repository'> & Partial<Pick<ServiceData, 'aggregate'>>,
  opts: ConclusionOutputOptions,
): CheckRunOutput {
  const result = suiteConclusion(data, opts)
  const aggregate = opts.aggregate ?? data.aggregate !== undefined
  const links = linker(data.repository, opts.serverUrl ?? 'https://github.com', aggregate)
  const limit = opts.limitBytes ?? SUMMARY_LIMIT_BYTES
  const head = [headline(result, opts.warningAs)]
  if (aggregate) {
    const why = data.aggregate ? ` (${escapeMarkdown(data.aggregate.reason)})` : ''
    head.push(
      '',
      `Aggregate mode${why}: only this check run reports the suite; each job's step summary shows its own build.`,
      '',
      ...countsTable(result),
    )
  }
  const summary = new Summary(limit, head.join('\n'))
  if (aggregate) {
    const list = (ids: string[]): string[] =>
      orderedIds(data.check_runs, ids).map((id) => `- ${nameLink(id, data.check_runs[id]!, links)} · ${titleFor(data.check_runs[id]!)}`)
    if (result.failed.length > 0) summary.section(['', '### Failed builds', ''], list(result.failed))
    if (opts.final && result.unfinished.length > 0) {
      summary.section(['', '### Builds that never finished', ''], list(result.unfinished))
    }
  } else {
    const ids = orderedIds(data.check_runs, Object.keys(data.check_runs), opts.warningAs)
    summary.section(
      ['', '| Build | State | Conclusion | Link |', '| --- | --- | --- | --- |'],
      ids.map((id) => buildRow(id, data.check_runs[id]!, links)),
    )
  }
  return { title: conclusionTitle(result), summary: summary.text() }
}

/** "🟢 SUCCESS · 10 builds", "🔴 FAILURE · 10 builds: 2 failed", "🟡 BUILDING · 7 of 10 built", … */
export function conclusionTitle(result: SuiteConclusion): string {
  const { total } = result
  const builds = `${total} build${total === 1 ? '' : 's'}`
  if (result.complete) {
    if (result.conclusion === 'success') {
      const neutral = result.byConclusion.neutral
      return `🟢 SUCCESS · ${builds}${neutral > 0 ? `, ${neutral} neutral` : ''}`
    }
    if (total === 0) return '🔴 FAILURE · no builds were reported'
    const parts: string[] = []
    if (result.failed.length > 0) parts.push(`${result.failed.length} failed`)
    if (result.unfinished.length > 0) parts.push(`${result.unfinished.length} never finished`)
    return `🔴 FAILURE · ${builds}: ${parts.join(', ')}`
  }
  if (total === 0) return '⚪ QUEUED · waiting for the builds'
  const failed = result.failed.length > 0 ? `, ${result.failed.length} failed` : ''
  if (result.byState.queued === total) return `⚪ QUEUED · waiting for ${builds}`
  return `🟡 BUILDING · ${result.byState.built} of ${builds} built${failed}`
}

function headline(result: SuiteConclusion, warningAs: WarningAs): string {
  const generation = result.generation > 1 ? ` (attempt ${result.generation})` : ''
  const neutral = result.byConclusion.neutral > 0 ? ` Neutral counts as ${warningAs}.` : ''
  if (!result.complete) {
    return `Waiting for the builds${generation}: ${result.byState.built} of ${result.total} built, ${result.failed.length} failed.${neutral}`
  }
  const never = result.unfinished.length > 0 ? `, ${result.unfinished.length} never finished` : ''
  return `**${result.conclusion}**${generation}: ${result.total} builds, ${result.failed.length} failed${never}.${neutral}`
}

function countsTable(result: SuiteConclusion): string[] {
  const rows = ['| State | Builds |', '| --- | ---: |']
  for (const state of BUILD_STATES) rows.push(`| ${state} | ${result.byState[state]} |`)
  rows.push('', '| Conclusion | Builds |', '| --- | ---: |')
  for (const [conclusion, count] of Object.entries(result.byConclusion)) {
    if (count === 0) continue
    const label = conclusion === 'unknown' ? '🔴 NO CONCLUSION' : titleFor({ state: 'built', conclusion: conclusion as Conclusion })
    rows.push(`| ${label} | ${count} |`)
  }
  return rows
}

/** The builds a person looks for first come first: failed, running, waiting, neutral, passed. */
function orderedIds(runs: Record<string, CheckRunRecord>, ids: string[], warningAs: WarningAs = 'success'): string[] {
  const rank = (r: CheckRunRecord): number => {
    if (r.state === 'queued') return 2
    if (r.state === 'building') return 1
    if (verdictOf(r.conclusion, warningAs) === 'fail') return 0
    return r.conclusion === 'neutral' ? 3 : 4
  }
  const collator = new Intl.Collator('en', { numeric: true })
  const keyed = ids.map((id) => ({ id, rank: rank(runs[id]!), name: displayName(id, runs[id]!) }))
  keyed.sort((a, b) => a.rank - b.rank || collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return keyed.map((k) => k.id)
}

type Linker = (record: CheckRunRecord) => { url: string; label: string } | undefined

/** A build's check run when it has one (not in aggregate mode), else the job that reported it. */
function linker(repository: string, serverUrl: string, aggregate: boolean): Linker {
  const base = serverUrl.replace(/\/+$/, '')
  return (record) => {
    if (!aggregate && record.check_run_id !== undefined) {
      const url = safeUrl(`${base}/${repository}/runs/${record.check_run_id}`)
      if (url) return { url, label: 'check run' }
    }
    const job = safeUrl(record.reporter?.job_url ?? record.details_url)
    return job ? { url: job, label: 'job' } : undefined
  }
}

function buildRow(id: string, record: CheckRunRecord, links: Linker): string {
  const title = titleFor(record)
  const state = record.state === 'built' ? 'built' : title.toLowerCase()
  const conclusion = record.state === 'built' ? title : '—'
  const link = links(record)
  return `| ${cell(displayName(id, record))} | ${state} | ${conclusion} | ${link ? `[${link.label}](${link.url})` : '—'} |`
}

function nameLink(id: string, record: CheckRunRecord, links: Linker): string {
  const link = links(record)
  const name = cell(displayName(id, record))
  return link ? `[${name}](${link.url})` : name
}

function displayName(id: string, record: CheckRunRecord): string {
  return record.name || id
}

const MAX_CELL_GRAPHEMES = 120
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** A name as one escaped table cell, cut at a grapheme boundary so no row can be huge. */
function cell(text: string): string {
  if (text.length <= MAX_CELL_GRAPHEMES) return escapeMarkdown(text)
  const parts: string[] = []
  for (const { segment } of graphemes.segment(text)) {
    if (parts.length === MAX_CELL_GRAPHEMES) return `${escapeMarkdown(parts.join(''))}…`
    parts.push(segment)
  }
  return escapeMarkdown(parts.join(''))
}

const bytes = utf8Bytes

/** Markdown built line by line within a byte budget; a cut section ends "… and N more". */
class Summary {
  readonly #limit: number
  readonly #lines: string[]
  #used: number

  constructor(limit: number, head: string) {
    this.#limit = limit
    this.#lines = [head]
    this.#used = bytes(head)
  }

  /** Adds the header lines, then as many rows as fit with room left for the "more" line. */
  section(header: string[], rows: string[]): void {
    const cost = (line: string): number => 1 + bytes(line) // the newline before it
    const headerBytes = header.reduce((sum, line) => sum + cost(line), 0)
    const moreLine = (n: number): string => `\n… and ${n} more`
    if (this.#used + headerBytes + cost(moreLine(rows.length)) > this.#limit) return
    this.#lines.push(...header)
    this.#used += headerBytes
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!
      const rest = rows.length - i - 1
      const reserve = rest > 0 ? cost(moreLine(rest)) : 0
      if (this.#used + cost(row) + reserve > this.#limit) {
        this.#lines.push(moreLine(rows.length - i))
        this.#used += cost(moreLine(rows.length - i))
        return
      }
      this.#lines.push(row)
      this.#used += cost(row)
    }
  }

  /** The head alone may pass a tiny test limit: cut it at a character boundary as a last resort. */
  text(): string {
    return cutToBytes(this.#lines.join('\n'), this.#limit)
  }
}

/**
 * The longest prefix of `text` within `limit` bytes of UTF-8, never splitting a character, with a
 * notice that it was cut when the notice fits (inputs.ts truncateUtf8 does the cutting).
 */
export function cutToBytes(text: string, limit: number): string {
  const notice = '\n\n… (cut to fit GitHub\'s limit)'
  return truncateUtf8(text, limit, bytes(notice) <= limit ? notice : '')
}
