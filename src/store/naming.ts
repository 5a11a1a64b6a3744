// Fragment names: `github-app-ci-<suite hash>-<run>-<attempt>-<job>-<step>`. The suite hash is a
// fixed-length prefix readers filter on; run, attempt, job and step make each writer's name unique.
import { createHash } from 'node:crypto'
import type { SuiteKey } from '../checks/types.ts'
import type { WriterId } from './store.ts'

export const FRAGMENT_PREFIX = 'github-app-ci-'
const HASH_LENGTH = 16

/** A stable hash of (repository, head sha, suite); repository and sha compare case-insensitively. */
export function suiteHash(key: SuiteKey): string {
  const text = JSON.stringify([key.repository.toLowerCase(), key.head_sha.toLowerCase(), key.suite])
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH)
}

/** Every fragment name of this suite starts with this. */
export function suitePrefix(key: SuiteKey): string {
  return `${FRAGMENT_PREFIX}${suiteHash(key)}-`
}

// Artifact names forbid " : < > | * ? \ / and cache keys forbid commas: keep a safe alphabet.
const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100)

export function fragmentName(key: SuiteKey, w: WriterId): string {
  return `${suitePrefix(key)}${w.run_id}-${w.run_attempt}-${safe(w.job)}-${safe(w.step)}`
}

/** The suite hash encoded in a fragment name, or undefined if the name is not a fragment's. */
export function suiteHashOf(name: string): string | undefined {
  const m = new RegExp(`^${FRAGMENT_PREFIX}([0-9a-f]{${HASH_LENGTH}})-`).exec(name)
  return m?.[1]
}
