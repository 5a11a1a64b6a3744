// Check-run titles and summaries a person reads at a glance. Pure.
// The colour says what to do: green passed, orange look at it, red broken, black stopped,
// white did not run (yet).
import type { BuildState, CheckRunOutput, CheckRunRecord, Conclusion, Reporter } from './types.ts'

const BUILT_TITLES: Record<Conclusion, string> = {
  success: '🟢 SUCCESS',
  neutral: '🟠 NEUTRAL',
  failure: '🔴 FAILURE',
  timed_out: '🔴 TIMED OUT',
  // It blocks the suite like a failure (src/checks/conclusion.ts), so it is red.
  action_required: '🔴 ACTION REQUIRED',
  cancelled: '⚫ CANCELLED',
  // GitHub marks a run left incomplete for 14 days stale: it stopped without an answer.
  stale: '⚫ STALE',
  skipped: '⚪ SKIPPED',
}

const STATE_TITLES: Record<Exclude<BuildState, 'built'>, string> = {
  queued: '⚪ QUEUED',
  building: '🟡 BUILDING',
}

/** The state as a title: "⚪ QUEUED", "🟡 BUILDING", "🟢 SUCCESS", "🔴 FAILURE", … */
export function titleFor(record: Pick<CheckRunRecord, 'state' | 'conclusion'>): string {
  if (record.state !== 'built') return STATE_TITLES[record.state]
  // A built record always has a conclusion; an unknown one (a newer GitHub value) is shown, not hidden.
  if (!record.conclusion) return '🔴 NO CONCLUSION'
  return BUILT_TITLES[record.conclusion] ?? `🔴 ${String(record.conclusion).toUpperCase().replace(/_/g, ' ')}`
}

export interface SummaryContext {
  reporter?: Reporter
  /** ISO 8601 time of the report. */
  at?: string
  /** The job's page, where "Re-run job" lives. */
  jobUrl?: string
}

const STATE_SENTENCES: Record<BuildState, string> = {
  queued: 'Waiting for a runner.',
  building: 'The job is running.',
  built: 'The job finished',
}

/** Who reported the state, when, and a link to the job. Markdown. */
export function defaultSummary(record: CheckRunRecord, ctx: SummaryContext = contextOf(record)): string {
  const what =
    record.state === 'built'
      ? `${STATE_SENTENCES.built}: \`${record.conclusion ?? 'no conclusion'}\`.`
      : STATE_SENTENCES[record.state]
  const lines = [`**${titleFor(record)}** · ${escapeMarkdown(record.name)}`, '', what]
  const by = ctx.reporter
    ? `Reported by job ${inlineCode(ctx.reporter.job)} (run ${ctx.reporter.run_id}, attempt ${ctx.reporter.run_attempt})`
    : 'Reported'
  lines.push('', `${by}${ctx.at ? ` at ${readableTime(ctx.at)}` : ''}.`)
  const url = safeUrl(ctx.jobUrl ?? ctx.reporter?.job_url)
  if (url) lines.push('', `[Open the job](${url}) to see its log or re-run it.`)
  return lines.join('\n')
}

export interface UserOutputInputs {
  title?: string
  summary?: string
  text?: string
}

/** The check run's output: the user's own title/summary/text replace the defaults. */
export function outputFor(
  record: CheckRunRecord,
  user: UserOutputInputs = {},
  ctx: SummaryContext = contextOf(record),
): CheckRunOutput {
  const output: CheckRunOutput = {
    title: given(user.title) ?? titleFor(record),
    summary: given(user.summary) ?? defaultSummary(record, ctx),
  }
  const text = given(user.text)
  if (text !== undefined) output.text = text
  return output
}

function contextOf(record: CheckRunRecord): SummaryContext {
  return { reporter: record.reporter, at: record.updated_at, jobUrl: record.reporter?.job_url ?? record.details_url }
}

/** Action inputs arrive as '' when unset: blank means "use the default". */
function given(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

/** "2026-05-01T12:00:00.000Z" -> "2026-05-01 12:00:00 UTC"; anything else as it came. */
export function readableTime(iso: string): string {
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms)) return escapeMarkdown(iso)
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')
}

/** Text shown literally in Markdown, on one line, also inside a table cell or a link text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/[\\`*_[\]<>|~#&]/g, '\\$&')
}

/** Inline code that survives backticks and pipes in the text. */
function inlineCode(text: string): string {
  return `\`${text.replace(/[\u0000-\u001f\u007f`|]+/g, ' ')}\``
}

/** An http(s) URL usable as a Markdown link target, or undefined (other schemes, too long). */
export function safeUrl(url: string | undefined, maxLength = 1000): string | undefined {
  if (!url || url.length > maxLength || !/^https?:\/\//i.test(url)) return undefined
  return url.replace(/[\s()<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}
