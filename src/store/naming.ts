// Fragment names: `github-app-ci-<suite hash>-[<tag>-]<run>-<attempt>-<job>-<step>`. The suite hash
// is a fixed-length prefix readers filter on; run, attempt, job and step make each writer's name
// unique. A fragment that holds exactly one build is tagged `t<build tag><state><generation>`, so
// a step can skip downloading other builds' fragments and still see from the names alone which
// builds have ended (see readFragments' filter). Untagged names start with the run id, a number,
// so a tagged name (starting with `t`) never reads as an untagged one.
import { createHash } from 'node:crypto'
import { suiteHash } from '../checks/service-data.ts'
import type { BuildState, SuiteKey } from '../checks/types.ts'
import type { FragmentFilter, FragmentTag, WriterId } from './store.ts'

export const FRAGMENT_PREFIX = 'github-app-ci-'
const HASH_LENGTH = 16
const TAG_LENGTH = 12

/**
 * The suite hash in fragment names: service-data.ts suiteHash (the one in external ids) of the
 * key with repository and sha in lower case, so that names, which stores compare without case,
 * are the same however a step spells them. External ids hash the key as given. The two differ
 * for a mixed-case repository name, and both are kept as written so far: changing either would
 * orphan the fragments or the check runs already written.
 */
export function fragmentSuiteHash(key: SuiteKey): string {
  return suiteHash({ ...key, repository: key.repository.toLowerCase(), head_sha: key.head_sha.toLowerCase() })
}

/** Every fragment name of this suite starts with this. */
export function suitePrefix(key: SuiteKey): string {
  return `${FRAGMENT_PREFIX}${fragmentSuiteHash(key)}-`
}

/**
 * A build's tag in fragment names: 12 hex characters of a hash of its id (build ids may hold any
 * character and be long; names allow few). Lower case only: names compare case-insensitively.
 */
export function buildTag(build: string): string {
  return createHash('sha256').update(`build:${build}`, 'utf8').digest('hex').slice(0, TAG_LENGTH)
}

// One lower-case letter per state, so names stay valid whatever the service's case rules.
const STATE_LETTER: Record<BuildState, string> = { queued: 'q', building: 'b', built: 'd' }
const LETTER_STATE: Record<string, BuildState> = { q: 'queued', b: 'building', d: 'built' }

// Artifact names forbid " : < > | * ? \ / and cache keys forbid commas: keep a safe alphabet.
// A tagged name gives the job fewer characters, so it stays as long as an untagged one (file names
// have 255 bytes, with the file store's temporary prefix and suffix).
const safe = (s: string, max: number) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, max)

export function fragmentName(key: SuiteKey, w: WriterId, tag?: FragmentTag): string {
  const tagged = tag && Number.isSafeInteger(tag.generation) && tag.generation >= 0
    ? `t${buildTag(tag.build)}${STATE_LETTER[tag.state]}${tag.generation}-`
    : ''
  return `${suitePrefix(key)}${tagged}${w.run_id}-${w.run_attempt}-${safe(w.job, tagged ? 70 : 100)}-${safe(w.step, 100)}`
}

const NAME = new RegExp(`^${FRAGMENT_PREFIX}([0-9a-f]{${HASH_LENGTH}})-(?:t([0-9a-f]{${TAG_LENGTH}})([qbd])(\\d{1,16})-)?`)

export interface ParsedFragmentName {
  suite_hash: string
  /** Set when the fragment holds exactly one build: buildTag(build), its state and generation. */
  tag?: string
  state?: BuildState
  generation?: number
}

/** What a fragment's name says, or undefined if the name is not a fragment's. */
export function parseFragmentName(name: string): ParsedFragmentName | undefined {
  const m = NAME.exec(name)
  if (!m) return undefined
  if (m[2] === undefined) return { suite_hash: m[1]! }
  return { suite_hash: m[1]!, tag: m[2], state: LETTER_STATE[m[3]!]!, generation: Number(m[4]) }
}

// The whole grammar fragmentName writes: prefix, suite hash, optional tag, run, attempt, then job
// and step from the safe alphabet (at most 100 characters each, joined by '-').
const WHOLE_NAME = new RegExp(
  `^${FRAGMENT_PREFIX}[0-9a-f]{${HASH_LENGTH}}-(?:t[0-9a-f]{${TAG_LENGTH}}[qbd]\\d{1,16}-)?(\\d{1,20})-\\d{1,10}-[A-Za-z0-9_.-]{1,201}$`,
)

/**
 * Whether `name` is a name fragmentName could have written, all of it: a cache key or file name
 * holding anything else (a '/', '..', a space) is not a fragment, whatever its prefix.
 */
export function isFragmentName(name: string): boolean {
  return WHOLE_NAME.test(name)
}

/** The workflow run id a fragment's name gives (the run that wrote it), or undefined. */
export function runIdOf(name: string): number | undefined {
  const m = WHOLE_NAME.exec(name)
  return m ? Number(m[1]) : undefined
}

/** The suite hash encoded in a fragment name, or undefined if the name is not a fragment's. */
export function suiteHashOf(name: string): string | undefined {
  return parseFragmentName(name)?.suite_hash
}

/** A ref's fields that its name gives: the suite hash, and the build tag, state and generation. */
export function nameFields(name: string): Pick<ParsedFragmentName, 'suite_hash' | 'tag' | 'state' | 'generation'> {
  return parseFragmentName(name) ?? { suite_hash: '' }
}

/**
 * Which listed fragments a read with this filter downloads: none the caller holds; of the rest,
 * with `builds` the untagged ones and those tagged with one of them, else all.
 */
export function downloadSelector(filter: FragmentFilter | undefined): (ref: { id: string; tag?: string }) => boolean {
  const tags = filter?.builds === undefined ? undefined : new Set(filter.builds.map(buildTag))
  const held = filter?.held
  return (ref) => !held?.has(ref.id) && (tags === undefined || ref.tag === undefined || tags.has(ref.tag))
}

const WRITER = new RegExp(`^${FRAGMENT_PREFIX}[0-9a-f]{${HASH_LENGTH}}-(?:t[0-9a-f]{${TAG_LENGTH}}[qbd]\\d{1,16}-)?(\\d{1,16})-(\\d{1,16})-`)

/** The workflow run (and attempt) a fragment's name says wrote it, for messages. */
export function writerRunOf(name: string): { run_id: number; run_attempt: number } | undefined {
  const m = WRITER.exec(name)
  return m ? { run_id: Number(m[1]), run_attempt: Number(m[2]) } : undefined
}

/** "artifact <name> (id 7) of run 1000 (attempt 1)": which fragment a message is about, and its run. */
export function describeFragment(store: string, ref: { id: string; name?: string }): string {
  const name = ref.name ?? ref.id
  const kind = store === 'artifact' ? 'artifact' : store === 'cache' ? 'cache entry' : 'file'
  const id = store === 'artifact' && ref.name !== undefined ? ` (id ${ref.id})` : ''
  const run = writerRunOf(name)
  return `${kind} ${name}${id}${run ? ` of run ${run.run_id} (attempt ${run.run_attempt})` : ''}`
}
