/**
 * Pure parsers for the check-run inputs (builds, conclusion, head sha, annotations, durations)
 * and GitHub's byte limits (booleans: src/boolean.ts). Each takes strings and returns a value or throws a
 * UserError whose one-line message names the input and says what to fix. No I/O: reading
 * inputs, files and the event payload is the caller's job.
 */
import { UserError } from '../errors.ts'
import { buildIdProblem, CONCLUSIONS } from './service-data.ts'
import type { Annotation, Conclusion } from './types.ts'

/** A build id's length limit, in characters (the part of the name after "<suite> / "). */
export const BUILD_ID_MAX_CHARS = 100
/**
 * The longest check-run name we create, in characters. GitHub documents no limit for names;
 * 255 keeps well inside what its UI and API handle (annotation titles are capped at 255 too).
 */
export const CHECK_RUN_NAME_MAX_CHARS = 255
/** GitHub counts output summary and text in UTF-8 bytes. */
export const OUTPUT_TEXT_MAX_BYTES = 65535
/** Annotation message and raw_details: "64 KB" in GitHub's docs; we stay at 65535 bytes. */
export const ANNOTATION_TEXT_MAX_BYTES = 65535
export const ANNOTATION_TITLE_MAX_CHARS = 255
export const DEFAULT_NAME_TEMPLATE = '{suite} / {build}'

/** One line, at most 60 characters, for echoing a user's value in a message. */
function show(value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = typeof value
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function chars(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}

/** The check run's name for a build: `{suite}` and `{build}` in the template are replaced. */
export function renderName(template: string, suite: string, build: string): string {
  return template.replace(/\{(suite|build)\}/g, (_, key: string) => (key === 'suite' ? suite : build))
}

/**
 * The build ids: one id, a comma- or newline-separated list (ids trimmed, empty entries
 * ignored), or a JSON array of strings. Each id must be non-empty, without control
 * characters, unique, at most 100 characters, and make a check-run name (`nameTemplate`
 * with the suite) of at most 255 characters.
 */
export function parseBuilds(
  text: string,
  suite: string,
  nameTemplate: string = DEFAULT_NAME_TEMPLATE,
): string[] {
  const source = String(text).trim()
  if (source === '') {
    throw new UserError(
      'builds is empty: give one build id, a comma- or newline-separated list, or a JSON array of strings.',
    )
  }
  let ids: string[]
  if (source.startsWith('[')) {
    let value: unknown
    try {
      value = JSON.parse(source)
    } catch {
      throw new UserError(
        'builds starts with "[" but is not a valid JSON array: give a JSON array of strings, e.g. ["linux", "windows"].',
      )
    }
    if (!Array.isArray(value) || value.length === 0) {
      throw new UserError('builds must be a non-empty JSON array of strings, e.g. ["linux", "windows"].')
    }
    ids = value.map((item, i) => {
      if (typeof item !== 'string') {
        throw new UserError(`builds[${i}] must be a string, got ${show(item)}.`)
      }
      return item.trim()
    })
  } else {
    ids = source
      .split(/[,\r\n]/)
      .map((id) => id.trim())
      .filter((id) => id !== '')
  }
  if (ids.length === 0) throw new UserError('builds lists no build id: give at least one.')
  const seen = new Set<string>()
  for (const id of ids) {
    const problem = buildIdProblem(id)
    if (problem) throw new UserError(`build id ${show(id)} ${problem}: use a plain one-line name.`)
    if (seen.has(id)) throw new UserError(`build id ${show(id)} is listed twice in builds: list each build once.`)
    seen.add(id)
    const length = chars(id)
    if (length > BUILD_ID_MAX_CHARS) {
      throw new UserError(
        `build id ${show(id)} has ${length} characters; use at most ${BUILD_ID_MAX_CHARS}.`,
      )
    }
    const name = renderName(nameTemplate, suite, id)
    const nameLength = chars(name)
    if (nameLength > CHECK_RUN_NAME_MAX_CHARS) {
      throw new UserError(
        `check run name ${show(name)} has ${nameLength} characters; shorten the suite, name-template or build id to make it at most ${CHECK_RUN_NAME_MAX_CHARS}.`,
      )
    }
  }
  return ids
}

/** Conclusions a step may give (GitHub's, except `stale`, which only GitHub sets). */
export const INPUT_CONCLUSIONS: readonly Conclusion[] = CONCLUSIONS.filter((c) => c !== 'stale')

/**
 * A conclusion: one of GitHub's values or a `job.status` (success, failure, cancelled, which
 * map to the same conclusions), any case. Empty gives undefined unless `required`.
 */
export function parseConclusion(text: string, required: true): Conclusion
export function parseConclusion(text: string, required?: boolean): Conclusion | undefined
export function parseConclusion(text: string, required = false): Conclusion | undefined {
  const value = String(text).trim().toLowerCase()
  const valid = `${INPUT_CONCLUSIONS.join(', ')} (or \${{ job.status }})`
  if (value === '') {
    if (required) throw new UserError(`conclusion is required for built: give one of ${valid}.`)
    return undefined
  }
  if ((INPUT_CONCLUSIONS as readonly string[]).includes(value)) return value as Conclusion
  if (value === 'stale') throw new UserError(`conclusion "stale" can only be set by GitHub: use one of ${valid}.`)
  throw new UserError(`conclusion ${show(String(text).trim())} is not valid: use one of ${valid}.`)
}

/** A full commit sha: 40 hex characters (returned in lower case). */
export function parseHeadSha(text: string, input = 'head-sha'): string {
  const value = String(text).trim()
  if (!/^[0-9a-fA-F]{40}$/.test(value)) {
    throw new UserError(`${input} ${show(value)} is not a commit sha: give the full 40-character hex sha.`)
  }
  return value.toLowerCase()
}

const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
])

/**
 * The commit check runs belong to by default: the pull request's head on pull_request*
 * events (GITHUB_SHA is the merge commit there), else GITHUB_SHA.
 */
export function defaultHeadSha(eventName: string, payload: unknown, githubSha: string | undefined): string {
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const pr = (payload as { pull_request?: { head?: { sha?: unknown } } } | null)?.pull_request
    const sha = pr?.head?.sha
    if (typeof sha === 'string' && sha !== '') return parseHeadSha(sha, 'the pull request head sha')
  }
  if (!githubSha) {
    throw new UserError('head-sha is not given and GITHUB_SHA is not set: give head-sha.')
  }
  return parseHeadSha(githubSha, 'GITHUB_SHA')
}

/** UTF-8 byte length without encoding (a lone surrogate is 3 bytes, as in U+FFFD). */
export function utf8Bytes(text: string): number {
  let bytes = 0
  for (const ch of text) bytes += codePointBytes(ch.codePointAt(0)!)
  return bytes
}

function codePointBytes(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
}

/**
 * `text` if it fits in `maxBytes` of UTF-8, else its longest prefix that fits together with
 * `notice` (appended), cut between characters. A notice longer than the limit is cut too.
 */
export function truncateUtf8(text: string, maxBytes: number, notice = ''): string {
  if (utf8Bytes(text) <= maxBytes) return text
  const noticeBytes = utf8Bytes(notice)
  if (noticeBytes > maxBytes) return truncateUtf8(notice, maxBytes, '')
  const budget = maxBytes - noticeBytes
  let used = 0
  let end = 0
  for (const ch of text) {
    const size = codePointBytes(ch.codePointAt(0)!)
    if (used + size > budget) break
    used += size
    end += ch.length
  }
  return text.slice(0, end) + notice
}

const ANNOTATION_KEYS = new Set([
  'path',
  'start_line',
  'end_line',
  'start_column',
  'end_column',
  'annotation_level',
  'message',
  'title',
  'raw_details',
])
const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'] as const

/**
 * GitHub check-run annotation objects from JSON text (an array, or one object), validated as
 * GitHub would: path, start_line, end_line, annotation_level and message required; columns
 * only on a single line; title at most 255 characters, message and raw_details 65535 bytes.
 */
export function parseAnnotations(jsonText: string, input = 'annotations-file'): Annotation[] {
  let value: unknown
  try {
    value = JSON.parse(String(jsonText))
  } catch {
    throw new UserError(`${input} is not valid JSON: give a JSON array of GitHub annotation objects.`)
  }
  const list = Array.isArray(value) ? value : [value]
  return list.map((item, i) => parseAnnotation(item, `${input}[${i}]`))
}

function parseAnnotation(item: unknown, at: string): Annotation {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new UserError(`${at} must be an annotation object, got ${show(item)}.`)
  }
  const a = item as Record<string, unknown>
  for (const key of Object.keys(a)) {
    if (!ANNOTATION_KEYS.has(key)) {
      throw new UserError(`${at} has unknown field ${show(key)}: use ${[...ANNOTATION_KEYS].join(', ')}.`)
    }
  }
  const text = (key: string, required: boolean): string | undefined => {
    const v = a[key]
    if (v === undefined && !required) return undefined
    if (typeof v !== 'string' || v === '') throw new UserError(`${at}.${key} must be a non-empty string.`)
    return v
  }
  const line = (key: string, required: boolean): number | undefined => {
    const v = a[key]
    if (v === undefined && !required) return undefined
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new UserError(`${at}.${key} must be a positive integer, got ${show(v)}.`)
    }
    return v
  }
  const path = text('path', true)!
  const start_line = line('start_line', true)!
  const end_line = line('end_line', true)!
  if (end_line < start_line) {
    throw new UserError(`${at}.end_line (${end_line}) is before start_line (${start_line}).`)
  }
  const level = a.annotation_level
  if (typeof level !== 'string' || !(ANNOTATION_LEVELS as readonly string[]).includes(level)) {
    throw new UserError(`${at}.annotation_level must be one of ${ANNOTATION_LEVELS.join(', ')}, got ${show(level)}.`)
  }
  const message = text('message', true)!
  const annotation: Annotation = {
    path,
    start_line,
    end_line,
    annotation_level: level as Annotation['annotation_level'],
    message,
  }
  const start_column = line('start_column', false)
  const end_column = line('end_column', false)
  if ((start_column !== undefined || end_column !== undefined) && start_line !== end_line) {
    throw new UserError(`${at}: start_column and end_column are allowed only when start_line equals end_line.`)
  }
  if (start_column !== undefined && end_column !== undefined && end_column < start_column) {
    throw new UserError(`${at}.end_column (${end_column}) is before start_column (${start_column}).`)
  }
  if (start_column !== undefined) annotation.start_column = start_column
  if (end_column !== undefined) annotation.end_column = end_column
  const title = text('title', false)
  if (title !== undefined) {
    if (chars(title) > ANNOTATION_TITLE_MAX_CHARS) {
      throw new UserError(`${at}.title has ${chars(title)} characters; GitHub allows ${ANNOTATION_TITLE_MAX_CHARS}.`)
    }
    annotation.title = title
  }
  const raw_details = text('raw_details', false)
  for (const [key, v] of [['message', message], ['raw_details', raw_details]] as const) {
    if (v !== undefined && utf8Bytes(v) > ANNOTATION_TEXT_MAX_BYTES) {
      throw new UserError(`${at}.${key} has ${utf8Bytes(v)} bytes; GitHub allows ${ANNOTATION_TEXT_MAX_BYTES}.`)
    }
  }
  if (raw_details !== undefined) annotation.raw_details = raw_details
  return annotation
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/**
 * A duration such as 30s, 90m, 6h, 2d, 1w or 1h30m, in milliseconds (more than zero).
 */
export function parseDuration(text: string, input = 'duration'): number {
  const value = String(text).trim().toLowerCase()
  const help = 'use a number and a unit (s, m, h, d or w), e.g. 90m, 6h, 2d or 1h30m'
  if (!/^(?:\d+[smhdw])+$/.test(value)) {
    throw new UserError(`${input} ${show(String(text).trim())} is not a duration: ${help}.`)
  }
  let ms = 0
  for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw])/g)) ms += Number(amount) * UNIT_MS[unit!]!
  if (!Number.isSafeInteger(ms)) throw new UserError(`${input} ${show(value)} is too long: ${help}.`)
  if (ms === 0) throw new UserError(`${input} must be more than zero: ${help}.`)
  return ms
}

