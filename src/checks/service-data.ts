/**
 * The service data document (docs/design.md "State model"): strict parsing, stable serialization,
 * the join merge, and the stable ids that tie a build to its check run on GitHub
 * (`suiteHash`, `externalId`). Pure: no I/O. Values are treated as immutable; merge returns
 * records of its inputs rather than copies.
 */
import { createHash } from 'node:crypto'
import {
  SERVICE_DATA_VERSION,
  type BuildState,
  type CheckRunRecord,
  type Conclusion,
  type Reporter,
  type ServiceData,
  type SuiteKey,
} from './types.ts'
import { SUITE_EXTRA_KEYS, mergeSuiteExtras, readSuiteExtras } from './suite-extras.ts'
import { BUILD_STATES, stateRank } from './states.ts'

export type CorruptReason =
  | 'not-text'
  | 'too-large'
  | 'not-json'
  | 'shape'
  | 'newer-version'
  | 'suite-mismatch'

/** A state document (or fragment) that cannot be used: set aside and rebuilt from GitHub. */
export class CorruptStateError extends Error {
  readonly reason: CorruptReason
  constructor(message: string, reason: CorruptReason) {
    super(message)
    this.name = 'CorruptStateError'
    this.reason = reason
  }
}

export { BUILD_STATES, stateRank } from './states.ts'
export const CONCLUSIONS: readonly Conclusion[] = [
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'stale',
]

/** Larger text is refused before JSON.parse: a real document is a few KB per build. */
export const MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
/** Unknown (forward-compatible) values nest at most this deep, so nothing recurses unbounded. */
const MAX_EXTRA_DEPTH = 32
/** JSON nesting allowed at all (checked before JSON.parse, which is slow on deep junk). */
const MAX_JSON_DEPTH = 64

export function emptyServiceData(key: SuiteKey): ServiceData {
  return {
    version: SERVICE_DATA_VERSION,
    repository: key.repository,
    head_sha: key.head_sha,
    suite: key.suite,
    check_runs: {},
  }
}

export function suiteKeyOf(data: ServiceData): SuiteKey {
  return { repository: data.repository, head_sha: data.head_sha, suite: data.suite }
}

export function sameSuite(a: SuiteKey, b: SuiteKey): boolean {
  return a.repository === b.repository && a.head_sha === b.head_sha && a.suite === b.suite
}

/** The record of a build, if any (own properties only: a build may be called "constructor"). */
export function recordOf(data: ServiceData, build: string): CheckRunRecord | undefined {
  return Object.hasOwn(data.check_runs, build) ? data.check_runs[build] : undefined
}

/** Sets an own enumerable property, also for keys such as "__proto__". */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

// ---------------------------------------------------------------------------------------------
// Parsing

// Suite-level extras (aggregate switch, conclusion run) are validated and joined by suite-extras.ts.
const DOC_KEYS = ['version', 'repository', 'head_sha', 'suite', 'check_runs', ...SUITE_EXTRA_KEYS] as const
const RECORD_KEYS = [
  'name',
  'state',
  'generation',
  'check_run_id',
  'node_id',
  'state_synced',
  'conclusion',
  'details_url',
  'updated_at',
  'reporter',
] as const
const REPORTER_KEYS = ['run_id', 'run_attempt', 'job', 'job_url'] as const

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/
const HEAD_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/
// C0, DEL, C1 and the Unicode line/paragraph separators: they break logs and names.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** An ISO 8601 date-time with a zone, as `updated_at` must be (and Transition.at therefore). */
export function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value))
}

/** Why a build id cannot be stored, or undefined if it can. Shared with inputs.ts. */
export function buildIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty'
  if (CONTROL.test(id)) return 'contains a control character'
  if (id.trim() !== id) return 'has leading or trailing whitespace'
  return undefined
}

/** A short, one-line rendering of an untrusted value for messages. */
function show(value: unknown): string {
  let text: string
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(typeof value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function shape(at: string, expectation: string, value: unknown): CorruptStateError {
  const path = at.length > 120 ? `${at.slice(0, 117)}...` : at
  return new CorruptStateError(
    `state document: ${path} must be ${expectation}, got ${show(value)}`,
    'shape',
  )
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isCount(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min
}

/** -0 and 0 are the same generation; JSON writes both as 0. */
function normalizeZero(n: number): number {
  return n === 0 ? 0 : n
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

/** Non-empty and without control characters: these strings reach GitHub and the log. */
function oneLine(value: unknown): value is string {
  return nonEmptyString(value) && !CONTROL.test(value)
}

/** Checks that an unknown field holds JSON that serializes back to itself. */
function checkExtra(path: string, value: unknown, depth: number): void {
  if (depth > MAX_EXTRA_DEPTH) throw shape(path, `nested at most ${MAX_EXTRA_DEPTH} deep`, '…')
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw shape(path, 'a finite number', value)
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkExtra(`${path}[${i}]`, item, depth + 1))
    return
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) checkExtra(`${path}.${k}`, v, depth + 1)
    return
  }
  throw shape(path, 'JSON', value)
}

/** Copies the unknown fields of `source` onto `target` (kept for forward compatibility). */
function copyExtras(
  path: string,
  source: Record<string, unknown>,
  known: readonly string[],
  target: object,
): void {
  for (const [k, v] of Object.entries(source)) {
    if (known.includes(k)) continue
    checkExtra(`${path}.${k}`, v, 1)
    setOwn(target as Record<string, unknown>, k, normalizeExtra(v))
  }
}

function normalizeExtra(value: unknown): unknown {
  if (typeof value === 'number') return normalizeZero(value)
  if (Array.isArray(value)) return value.map(normalizeExtra)
  if (isObject(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) setOwn(out, k, normalizeExtra(v))
    return out
  }
  return value
}

function parseReporter(path: string, value: unknown): Reporter {
  if (!isObject(value)) throw shape(path, 'an object', value)
  if (!isCount(value.run_id, 1)) throw shape(`${path}.run_id`, 'a positive integer', value.run_id)
  if (!isCount(value.run_attempt, 1)) {
    throw shape(`${path}.run_attempt`, 'a positive integer', value.run_attempt)
  }
  if (!oneLine(value.job)) throw shape(`${path}.job`, 'a non-empty string without control characters', value.job)
  const reporter: Reporter = { run_id: value.run_id, run_attempt: value.run_attempt, job: value.job }
  if (value.job_url !== undefined) {
    if (!oneLine(value.job_url)) {
      throw shape(`${path}.job_url`, 'a non-empty string without control characters', value.job_url)
    }
    reporter.job_url = value.job_url
  }
  copyExtras(path, value, REPORTER_KEYS, reporter)
  return reporter
}

function parseRecord(path: string, value: unknown): CheckRunRecord {
  if (!isObject(value)) throw shape(path, 'an object', value)
  const { name, state, generation, check_run_id, node_id, state_synced } = value
  const { conclusion, details_url, updated_at, reporter } = value
  if (!oneLine(name)) throw shape(`${path}.name`, 'a non-empty string without control characters', name)
  if (typeof state !== 'string' || !BUILD_STATES.includes(state as BuildState)) {
    throw new CorruptStateError(
      `state document: ${path}.state must be one of ${BUILD_STATES.join(', ')}, got ${show(state)}`,
      'shape',
    )
  }
  if (!isCount(generation, 0)) {
    throw shape(`${path}.generation`, 'a non-negative integer', generation)
  }
  if (typeof state_synced !== 'boolean') {
    throw shape(`${path}.state_synced`, 'true or false', state_synced)
  }
  if (!isIsoTime(updated_at)) {
    throw shape(`${path}.updated_at`, 'an ISO 8601 time', updated_at)
  }
  const record: CheckRunRecord = {
    name,
    state: state as BuildState,
    generation: normalizeZero(generation),
    state_synced,
    updated_at,
  }
  if (check_run_id !== undefined) {
    if (!isCount(check_run_id, 1)) {
      throw shape(`${path}.check_run_id`, 'a positive integer', check_run_id)
    }
    record.check_run_id = check_run_id
  }
  if (node_id !== undefined) {
    if (!oneLine(node_id)) throw shape(`${path}.node_id`, 'a non-empty string without control characters', node_id)
    record.node_id = node_id
  }
  if (state === 'built') {
    if (typeof conclusion !== 'string' || !CONCLUSIONS.includes(conclusion as Conclusion)) {
      throw new CorruptStateError(
        `state document: ${path}.conclusion of a built record must be one of ${CONCLUSIONS.join(', ')}, got ${show(conclusion)}`,
        'shape',
      )
    }
    record.conclusion = conclusion as Conclusion
  } else if (conclusion !== undefined) {
    throw shape(`${path}.conclusion`, `absent while the state is ${state}`, conclusion)
  }
  if (details_url !== undefined) {
    if (!oneLine(details_url)) {
      throw shape(`${path}.details_url`, 'a non-empty string without control characters', details_url)
    }
    record.details_url = details_url
  }
  if (reporter !== undefined) record.reporter = parseReporter(`${path}.reporter`, reporter)
  copyExtras(path, value, RECORD_KEYS, record)
  return record
}

function parseDocument(value: unknown): ServiceData {
  if (!isObject(value)) throw shape('the document', 'a JSON object', value)
  const { version, repository, head_sha, suite, check_runs } = value
  // The version first: a newer version may have any shape.
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw shape('version', 'an integer', version)
  }
  if (version > SERVICE_DATA_VERSION) {
    throw new CorruptStateError(
      `state document version ${version} was written by a newer github-app-ci (this one reads version ${SERVICE_DATA_VERSION}); upgrade the action`,
      'newer-version',
    )
  }
  if (version < SERVICE_DATA_VERSION) throw shape('version', `${SERVICE_DATA_VERSION}`, version)
  if (typeof repository !== 'string' || !REPOSITORY.test(repository)) {
    throw shape('repository', '"owner/name"', repository)
  }
  if (typeof head_sha !== 'string' || !HEAD_SHA.test(head_sha)) {
    throw shape('head_sha', 'a lower-case hex commit sha', head_sha)
  }
  if (!nonEmptyString(suite) || CONTROL.test(suite)) {
    throw shape('suite', 'a non-empty name without control characters', suite)
  }
  if (!isObject(check_runs)) throw shape('check_runs', 'an object', check_runs)
  const records: Record<string, CheckRunRecord> = {}
  for (const [build, record] of Object.entries(check_runs)) {
    const path = `check_runs[${show(build)}]`
    const problem = buildIdProblem(build)
    if (problem) throw new CorruptStateError(`state document: build id ${path} ${problem}`, 'shape')
    setOwn(records, build, parseRecord(path, record))
  }
  const data: ServiceData = {
    version: SERVICE_DATA_VERSION,
    repository,
    head_sha,
    suite,
    check_runs: records,
  }
  const extras = readSuiteExtras(value)
  if ('problem' in extras) throw shape(extras.problem.path, extras.problem.expected, undefined)
  Object.assign(data, extras.extras)
  copyExtras('the document', value, DOC_KEYS, data)
  return data
}

/**
 * Parses and strictly validates a state document. Unknown fields are kept (and written back)
 * so a newer writer of the same version loses nothing. Throws only CorruptStateError.
 */
export function parseServiceData(text: string): ServiceData {
  if (typeof text !== 'string') {
    throw new CorruptStateError('state document: expected text', 'not-text')
  }
  if (text.length > MAX_DOCUMENT_CHARS) {
    throw new CorruptStateError(
      `state document: ${text.length} characters is more than the ${MAX_DOCUMENT_CHARS} a state document may have`,
      'too-large',
    )
  }
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new CorruptStateError(
      `state document: nested more than ${MAX_JSON_DEPTH} levels deep, which no state document is`,
      'shape',
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text)
  } catch (error) {
    // V8 quotes the text around the error, CR and other control characters included: keep one line
    const detail = error instanceof Error ? error.message.replace(/[\s\u0000-\u001f\u007f-\u009f]+/g, ' ').slice(0, 120) : ''
    throw new CorruptStateError(`state document is not valid JSON: ${detail}`, 'not-json')
  }
  try {
    return parseDocument(value)
  } catch (error) {
    if (error instanceof CorruptStateError) throw error
    // Defensive: nothing else is expected, but a reader must never crash on bad state.
    throw new CorruptStateError(`state document could not be read: ${String(error).slice(0, 120)}`, 'shape')
  }
}

/** One linear pass: does any bracket outside a string nest deeper than `limit`? */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return false
}

// ---------------------------------------------------------------------------------------------
// Serialization

/** JSON with object keys sorted at every level: equal values give equal text. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (isObject(value)) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).sort()) setOwn(out, k, canonical(value[k]))
    return out
  }
  return value
}

/** Known keys in a fixed order, then unknown keys sorted. */
function ordered(value: object, known: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const k of known) if (Object.hasOwn(source, k) && source[k] !== undefined) setOwn(out, k, source[k])
  const extras = Object.keys(source)
    .filter((k) => !known.includes(k) && source[k] !== undefined)
    .sort()
  for (const k of extras) setOwn(out, k, canonical(source[k]))
  return out
}

function orderedRecord(record: CheckRunRecord): Record<string, unknown> {
  const out = ordered(record, RECORD_KEYS)
  if (record.reporter) out.reporter = ordered(record.reporter, REPORTER_KEYS)
  return out
}

/** The stable text of one record (also the last tie-break of the merge). */
export function serializeRecord(record: CheckRunRecord): string {
  return JSON.stringify(orderedRecord(record))
}

/** Stable text: equal data gives equal text (keys ordered, builds sorted). */
export function serializeServiceData(data: ServiceData): string {
  const out = ordered(data, DOC_KEYS)
  const runs: Record<string, unknown> = {}
  for (const build of Object.keys(data.check_runs).sort()) {
    setOwn(runs, build, orderedRecord(data.check_runs[build]!))
  }
  out.check_runs = runs
  return JSON.stringify(out)
}

// ---------------------------------------------------------------------------------------------
// Merge (a join: commutative, associative, idempotent)

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * A total order on records of one build; the merge keeps the greater. In order:
 * generation, state rank (queued < building < built), then the later `updated_at`, then a
 * known check_run_id over none, then synced over not synced, then the serialized text.
 *
 * Why `updated_at` comes before id/synced: within one generation and
 * state, two records with different times are two different transitions (e.g. `built` twice,
 * a rebuild with a new conclusion), and the later one must win even while it is not synced
 * yet, or reconcile would never re-send it. Records of the same transition carry the same
 * `updated_at` (re-sends keep it; see recordAfter), so for them the id and synced rules
 * decide. test/unit/checks/rules.test.ts has the counterexample.
 */
export function compareRecords(a: CheckRunRecord, b: CheckRunRecord): number {
  return (
    compareNumbers(a.generation, b.generation) ||
    compareNumbers(stateRank(a.state), stateRank(b.state)) ||
    compareNumbers(Date.parse(a.updated_at), Date.parse(b.updated_at)) ||
    compareNumbers(a.check_run_id === undefined ? 0 : 1, b.check_run_id === undefined ? 0 : 1) ||
    compareNumbers(a.state_synced ? 1 : 0, b.state_synced ? 1 : 0) ||
    compareStrings(serializeRecord(a), serializeRecord(b))
  )
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The join of two records of the same build. */
export function mergeRecords(a: CheckRunRecord, b: CheckRunRecord): CheckRunRecord {
  return compareRecords(a, b) >= 0 ? a : b
}

/**
 * The join of two documents of one suite: every build of either, each with the greater
 * record. Unknown top-level fields are joined too (the greater serialized value per key).
 * Documents of different suites throw CorruptStateError('suite-mismatch'): a fragment filed
 * under the wrong suite is set aside like any unreadable one.
 */
export function mergeServiceData(a: ServiceData, b: ServiceData): ServiceData {
  if (!sameSuite(a, b)) throw suiteMismatch(a, b)
  const check_runs: Record<string, CheckRunRecord> = {}
  for (const [build, record] of Object.entries(a.check_runs)) setOwn(check_runs, build, record)
  for (const [build, record] of Object.entries(b.check_runs)) {
    const other = Object.hasOwn(check_runs, build) ? check_runs[build] : undefined
    setOwn(check_runs, build, other ? mergeRecords(other, record) : record)
  }
  const merged: ServiceData = { ...emptyServiceData(a), check_runs, ...mergeSuiteExtras(a, b) }
  const sa = a as unknown as Record<string, unknown>
  const sb = b as unknown as Record<string, unknown>
  const extraKeys = new Set(
    [...Object.keys(sa), ...Object.keys(sb)].filter((k) => !(DOC_KEYS as readonly string[]).includes(k)),
  )
  for (const k of extraKeys) {
    const va = Object.hasOwn(sa, k) ? sa[k] : undefined
    const vb = Object.hasOwn(sb, k) ? sb[k] : undefined
    let value = va
    if (va === undefined) value = vb
    else if (vb !== undefined) {
      value = JSON.stringify(canonical(va)) >= JSON.stringify(canonical(vb)) ? va : vb
    }
    if (value !== undefined) setOwn(merged as unknown as Record<string, unknown>, k, value)
  }
  return merged
}

function suiteMismatch(a: SuiteKey, b: SuiteKey): CorruptStateError {
  return new CorruptStateError(
    `cannot merge state of different suites: ${show(`${a.repository}@${a.head_sha.slice(0, 7)} ${a.suite}`)} and ${show(`${b.repository}@${b.head_sha.slice(0, 7)} ${b.suite}`)}`,
    'suite-mismatch',
  )
}

/**
 * Joins any number of documents of one suite onto an empty one: the same result as folding
 * mergeServiceData over them (test/unit/checks/service-data.test.ts checks it), in one pass with one map
 * per field instead of copying the accumulated builds for every document, which made a suite
 * of 10,000 builds (20,000 fragments) take over a minute.
 */
export function mergeAll(key: SuiteKey, documents: Iterable<ServiceData>): ServiceData {
  const empty = emptyServiceData(key)
  const runs = new Map<string, CheckRunRecord>()
  let suiteExtras: ReturnType<typeof mergeSuiteExtras> = {}
  // Unknown top-level fields: the greater serialized value per key, its text kept for the next compare.
  const extras = new Map<string, { value: unknown; text?: string }>()
  for (const document of documents) {
    if (!sameSuite(empty, document)) throw suiteMismatch(empty, document)
    const docRuns = document.check_runs
    for (const build of Object.keys(docRuns)) {
      const record = docRuns[build]!
      const other = runs.get(build)
      runs.set(build, other ? mergeRecords(other, record) : record)
    }
    suiteExtras = mergeSuiteExtras(suiteExtras, document)
    const source = document as unknown as Record<string, unknown>
    for (const k of Object.keys(source)) {
      if ((DOC_KEYS as readonly string[]).includes(k)) continue
      const value = source[k]
      if (value === undefined) continue
      const held = extras.get(k)
      if (!held) {
        extras.set(k, { value })
        continue
      }
      held.text ??= JSON.stringify(canonical(held.value))
      const text = JSON.stringify(canonical(value))
      if (held.text < text) extras.set(k, { value, text })
    }
  }
  const check_runs: Record<string, CheckRunRecord> = {}
  for (const [build, record] of runs) setOwn(check_runs, build, record)
  const merged: ServiceData = { ...empty, check_runs, ...suiteExtras }
  for (const [k, { value }] of extras) setOwn(merged as unknown as Record<string, unknown>, k, value)
  return merged
}

// ---------------------------------------------------------------------------------------------
// Stable ids

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** 16 hex characters identifying a suite; used in fragment names and external ids. */
export function suiteHash(key: SuiteKey): string {
  return sha256Hex(JSON.stringify([key.repository, key.head_sha, key.suite])).slice(0, 16)
}

/** GitHub accepts longer external ids, but we stay within 100 characters. */
export const EXTERNAL_ID_MAX = 100
const EXTERNAL_ID_PREFIX = 'gac1'
const RAW_BUILD_KEY = /^[A-Za-z0-9_.-]{1,60}$/
const EXTERNAL_ID = /^gac1:([0-9a-f]{16}):([A-Za-z0-9_.-]{1,60}|~[0-9a-f]{32}):(\d{1,16})$/

/** The build id as written in an external id: itself when short and plain, else a hash. */
export function buildKey(build: string): string {
  return RAW_BUILD_KEY.test(build) ? build : `~${sha256Hex(build).slice(0, 32)}`
}

/**
 * The `external_id` of a build's check run: `gac1:<suite hash>:<build key>:<generation>`
 * (at most 99 characters). Without `generation`, the (suite, build) part, which every full
 * id of that build starts with (followed by ':').
 *
 * The generation is included because a completed run is final on GitHub: a re-run (a newer
 * generation) of a built build gets a new run, so a build may have one run per generation (and
 * more: a rebuild within one). Adoption after a lost reply looks for the run of the record's own
 * generation (findAdoptable); when the state is lost and is rebuilt from GitHub's runs, the
 * newest run of each build gives its record, and the generation in its id keeps a late
 * transition of an older attempt from overwriting a newer one. A queued or building run that a
 * re-run moves on (it is not completed) has its id rewritten to the new generation.
 */
export function externalId(suite: SuiteKey, build: string, generation?: number): string {
  const base = `${EXTERNAL_ID_PREFIX}:${suiteHash(suite)}:${buildKey(build)}`
  if (generation === undefined) return base
  if (!Number.isSafeInteger(generation) || generation < 0) {
    throw new RangeError(`generation must be a non-negative integer, got ${generation}`)
  }
  return `${base}:${generation}`
}

/**
 * The build id under which the CONCLUSION check run's external id is made: a control character
 * can never be in a real build id (buildIdProblem), so it never collides with a build's. Only
 * ids are made from it: a write names its target (planned-write.ts PlannedWrite), never this id.
 */
export const CONCLUSION_BUILD = '\u0000conclusion'

/** The external_id of the suite's CONCLUSION check run in a generation. */
export function conclusionExternalId(key: SuiteKey, generation?: number): string {
  return externalId(key, CONCLUSION_BUILD, generation)
}

/** Whether a parsed external id is the suite's CONCLUSION run's (any generation). */
export function isConclusionId(parsed: Pick<ParsedExternalId, 'build_key'>): boolean {
  return parsed.build_key === buildKey(CONCLUSION_BUILD)
}

export interface ParsedExternalId {
  suite_hash: string
  build_key: string
  generation: number
}

/** Reads an external id written by externalId(); undefined for anyone else's. */
export function parseExternalId(id: string | null | undefined): ParsedExternalId | undefined {
  if (typeof id !== 'string') return undefined
  const match = EXTERNAL_ID.exec(id)
  if (!match) return undefined
  const generation = Number(match[3])
  if (!Number.isSafeInteger(generation)) return undefined
  return { suite_hash: match[1]!, build_key: match[2]!, generation }
}

/** What a listing of check runs on the commit gives (REST or GraphQL), at least. */
interface RunWithExternalId {
  id: number
  external_id?: string | null
}

/**
 * The run to adopt for a build whose creation reply may have been lost: among the app's runs
 * on the commit whose external id names this (suite, build) and `generation`, the newest (highest
 * id). Never a run of another generation: GitHub shows the newest run of a name, so moving an
 * older one on would leave it hidden behind a newer one. Without `generation`, the newest of any.
 */
export function findAdoptable<T extends RunWithExternalId>(
  runs: readonly T[],
  suite: SuiteKey,
  build: string,
  generation?: number,
): T | undefined {
  const hash = suiteHash(suite)
  const key = buildKey(build)
  let best: T | undefined
  for (const run of runs) {
    const parsed = parseExternalId(run.external_id)
    if (!parsed || parsed.suite_hash !== hash || parsed.build_key !== key) continue
    if (generation !== undefined && parsed.generation !== generation) continue
    if (!best || run.id > best.id) best = run
  }
  return best
}
