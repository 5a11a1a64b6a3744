// One interface for the three places service data lives (DESIGN.md "Stores").
// Stores move opaque fragment text; parsing and the join-merge live in src/checks.
import type { SuiteKey } from '../checks/types.ts'

/** Who writes a fragment: unique per step, so fragment names never collide. */
export interface WriterId {
  run_id: number
  run_attempt: number
  job: string
  /** A per-step discriminator (e.g. GITHUB_ACTION + a random suffix). */
  step: string
}

export interface FragmentRef {
  /** Store-specific id (artifact id, cache key, file name). */
  id: string
  /** The fragment's name (artifact name, cache key) when `id` is something else. */
  name?: string
  /** Stable hash of the suite key, encoded in the fragment's name. */
  suite_hash: string
  created_at?: string
}

export interface Fragment extends FragmentRef {
  text: string
}

export interface StateStore {
  /** e.g. "artifact", "cache", "file:/path": for messages. */
  readonly description: string
  /** Every fragment of one suite visible to this run (the caller parses and merges). */
  readFragments(key: SuiteKey): Promise<Fragment[]>
  /** Writes one new fragment; never overwrites another writer's fragment. */
  writeFragment(key: SuiteKey, text: string, writer: WriterId): Promise<FragmentRef>
  /** Every fragment of every suite (reconcile); across runs where the store allows. */
  listAllFragments(): Promise<FragmentRef[]>
  readFragment(ref: FragmentRef): Promise<Fragment>
  deleteFragments(refs: FragmentRef[]): Promise<void>
  /** Starts loading the store's client library, so it loads while the token is being minted. */
  warmUp?(): void
}
