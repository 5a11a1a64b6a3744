// command: mirror, the pure part: a workflow run's jobs (as GitHub's Actions API lists them)
// become builds and their transitions. No I/O. Job names and step names come from the mirrored
// workflow, which on a fork pull request is anyone's text: they are cleaned (control characters,
// length) before they become build ids, check-run names or Markdown.
import { BUILD_ID_MAX_CHARS, CHECK_RUN_NAME_MAX_CHARS, renderName } from '../checks/inputs.ts'
import { CONCLUSIONS, stateRank } from '../checks/service-data.ts'
import { escapeMarkdown, readableTime, safeUrl } from '../checks/titles.ts'
import type { BuildState, CheckRunRecord, Conclusion, Transition } from '../checks/types.ts'

/** The fields of GitHub's "job" object (GET …/actions/runs/{run_id}/jobs) that mirror reads. */
export interface WorkflowJob {
  id: number
  run_id: number
  run_attempt?: number
  name: string
  status: string
  conclusion: string | null
  created_at?: string
  started_at?: string | null
  completed_at?: string | null
  html_url?: string | null
  steps?: WorkflowJobStep[]
}

export interface WorkflowJobStep {
  name: string
  status: string
  conclusion: string | null
  number: number
  started_at?: string | null
  completed_at?: string | null
}

/**
 * A job's status as a build state. GitHub's job statuses (the OpenAPI description of the job
 * object): queued, in_progress, completed, waiting (an environment's protection rule),
 * requested, pending. Anything not running or done waits, so it is queued.
 */
export function jobState(status: string): BuildState {
  if (status === 'completed') return 'built'
  if (status === 'in_progress') return 'building'
  return 'queued'
}

/**
 * A job's conclusion as a check-run conclusion. A job's conclusions are a subset of a check
 * run's; an unknown or missing one on a completed job is shown as neutral rather than hidden.
 */
export function jobConclusion(conclusion: string | null | undefined): Conclusion {
  return (CONCLUSIONS as readonly string[]).includes(conclusion ?? '') ? (conclusion as Conclusion) : 'neutral'
}

// C0, DEL, C1, line/paragraph separators, and the bidirectional overrides that can make a name
// read differently from what it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g

/** Cuts to `max` characters (code points, never half a surrogate pair), marking the cut with "…". */
function cutChars(text: string, max: number): string {
  const chars = [...text]
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('').trimEnd()}…`
}

/** An untrusted one-line text: unsafe characters become spaces, runs of spaces one, trimmed, cut. */
export function cleanText(text: string, max: number): string {
  return cutChars(String(text).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim(), max)
}

export const DEFAULT_BUILD_NAME = '{job}'

/**
 * The build id of a job: `template` with {job} replaced by the job's cleaned name (GitHub shows
 * a matrix job as "build (linux, 20)"), cut so the id and the check-run name fit the limits
 * parseBuilds enforces for ids given as inputs.
 */
export function buildIdOf(jobName: string, template: string, suite: string, nameTemplate: string, suffix = ''): string {
  const name = cleanText(jobName, BUILD_ID_MAX_CHARS) || 'job'
  // The check-run name is the template around the id: the id gets what the rest leaves over.
  const around = [...renderName(nameTemplate, suite, '')].length
  const room = Math.max(Math.min(BUILD_ID_MAX_CHARS, CHECK_RUN_NAME_MAX_CHARS - around) - [...suffix].length, 1)
  const id = cleanText(template.replace(/\{job\}/g, () => name), room) || 'job'
  return `${id}${suffix}`
}

/**
 * Glob patterns of job names: `*` any run of characters (a job name's " / " and parentheses
 * included), `?` one character, `[abc]` / `[!abc]` one of / none of; everything else literal.
 * Case-sensitive, like GitHub's job names. A pattern matches the whole name.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = ''
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!
    if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else if (c === '[') {
      const end = chars.indexOf(']', i + 2)
      if (end < 0) { source += '\\['; continue }
      let body = chars.slice(i + 1, end)
      const negate = body[0] === '!'
      if (negate) body = body.slice(1)
      source += `[${negate ? '^' : ''}${body.map((b) => (b === '-' ? '-' : b.replace(/[\\\]^]/g, '\\$&'))).join('')}]`
      i = end
    } else source += c.replace(/[.+^${}()|\\/\]]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'su')
}

/** Newline-separated patterns (blank lines and `#` comments ignored). */
export function parsePatterns(text: string): RegExp[] {
  return String(text)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map(globToRegExp)
}

export interface JobSelection {
  /** Patterns a job name must match (none: every job). */
  include: RegExp[]
  exclude: RegExp[]
  buildName: string
  suite: string
  nameTemplate: string
  /**
   * Check-run names no job may take: the suite's CONCLUSION run (a fork's workflow could name a
   * job "CONCLUSION" to stand in for the required check). Compared without case.
   */
  reserved?: string[]
}

export interface MirroredJob {
  build: string
  job: WorkflowJob
}

/**
 * The jobs to mirror and their build ids, in the listing's order. Patterns match the job's
 * cleaned name. Two jobs whose ids come out the same (GitHub allows jobs of one name) get " #2",
 * " #3", … in the listing's order, which is by job id; so does one whose check-run name is reserved.
 */
export function selectJobs(jobs: WorkflowJob[], s: JobSelection): MirroredJob[] {
  const out: MirroredJob[] = []
  const taken = new Set<string>()
  const reserved = new Set((s.reserved ?? []).map((n) => n.toLowerCase()))
  const free = (build: string) => !taken.has(build) && !reserved.has(renderName(s.nameTemplate, s.suite, build).toLowerCase())
  for (const job of [...jobs].sort((a, b) => a.id - b.id)) {
    const name = cleanText(job.name, 1000)
    if (s.include.length > 0 && !s.include.some((p) => p.test(name))) continue
    if (s.exclude.some((p) => p.test(name))) continue
    let build = buildIdOf(job.name, s.buildName, s.suite, s.nameTemplate)
    for (let n = 2; !free(build); n++) build = buildIdOf(job.name, s.buildName, s.suite, s.nameTemplate, ` #${n}`)
    taken.add(build)
    out.push({ build, job })
  }
  return out
}

function iso(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string' || !Number.isFinite(Date.parse(value))) return undefined
  return new Date(Date.parse(value)).toISOString()
}

export interface RunInfo {
  run_id: number
  /** The run's page: the details link when a job has none. */
  html_url: string
}

/**
 * The transition a job's present state reports: generation = the job's run attempt (a re-run
 * job is a new generation, as a re-run job reporting itself is), details link = the job's page,
 * time = when the job was created, started or completed.
 */
export function jobTransition(job: WorkflowJob, run: RunInfo, now: string): Transition {
  const state = jobState(job.status)
  const at =
    (state === 'built' ? iso(job.completed_at) : state === 'building' ? iso(job.started_at) : iso(job.created_at)) ??
    iso(job.started_at) ??
    iso(job.created_at) ??
    now
  const url = safeUrl(job.html_url ?? undefined) ? job.html_url! : run.html_url
  const generation = Number.isSafeInteger(job.run_attempt) && job.run_attempt! >= 1 ? job.run_attempt! : 1
  const t: Transition = {
    state,
    generation,
    at,
    details_url: url,
    reporter: { run_id: run.run_id, run_attempt: generation, job: cleanText(job.name, 100) || 'job', job_url: url },
  }
  if (state === 'built') t.conclusion = jobConclusion(job.conclusion)
  return t
}

/**
 * Whether the job is ahead of what is recorded for its build: no record, a newer run attempt,
 * or a later state in the same attempt. A job that is where its build already is needs no
 * write (a completed job's check run is final: sending built again would make a second run),
 * and one behind (a late reader) must not move its build back. An unsynced record is always
 * planned, so the rules re-send it.
 */
export function jobIsAhead(t: Transition, recorded: CheckRunRecord | undefined): boolean {
  if (!recorded || !recorded.state_synced) return true
  if (t.generation !== recorded.generation) return t.generation > recorded.generation
  return stateRank(t.state) > stateRank(recorded.state)
}

function seconds(from: string | null | undefined, to: string | null | undefined): number | undefined {
  const a = Date.parse(from ?? '')
  const b = Date.parse(to ?? '')
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? Math.round((b - a) / 1000) : undefined
}

/** 75 -> "1m 15s"; 3700 -> "1h 1m 40s". */
export function duration(s: number | undefined): string {
  if (s === undefined) return '—'
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const parts = [h ? `${h}h` : '', h || m ? `${m}m` : '', `${s % 60}s`].filter(Boolean)
  return parts.join(' ')
}

/** Most steps listed in a summary; the rest are counted (a job has at most 1,000 steps). */
export const SUMMARY_MAX_STEPS = 200

/** The check run's summary: the job, its state and times, and a table of its steps. Markdown. */
export function jobSummary(job: WorkflowJob, t: Transition): string {
  const name = escapeMarkdown(cleanText(job.name, 200) || 'job')
  const what =
    t.state === 'built'
      ? `The job finished: \`${t.conclusion}\`${seconds(job.started_at, job.completed_at) !== undefined ? ` after ${duration(seconds(job.started_at, job.completed_at))}` : ''}.`
      : t.state === 'building'
        ? `The job is running${iso(job.started_at) ? ` since ${readableTime(iso(job.started_at)!)}` : ''}.`
        : 'The job is waiting for a runner.'
  const lines = [`Job **${name}** of run ${t.reporter?.run_id ?? ''}, attempt ${t.generation}.`, '', what]
  const steps = [...(job.steps ?? [])].sort((a, b) => a.number - b.number)
  if (steps.length > 0) {
    lines.push('', '| # | Step | Result | Duration |', '| --- | --- | --- | --- |')
    for (const s of steps.slice(0, SUMMARY_MAX_STEPS)) {
      const result = s.status === 'completed' ? (s.conclusion ?? 'neutral') : s.status
      lines.push(`| ${s.number} | ${escapeMarkdown(cleanText(s.name, 200))} | ${escapeMarkdown(cleanText(result, 40))} | ${duration(seconds(s.started_at, s.completed_at))} |`)
    }
    if (steps.length > SUMMARY_MAX_STEPS) lines.push('', `… and ${steps.length - SUMMARY_MAX_STEPS} more steps.`)
  }
  const url = safeUrl(t.details_url)
  if (url) lines.push('', `[Open the job](${url}) to see its log or re-run it.`)
  return lines.join('\n')
}
