// One interface for the three places service data lives (docs/design.md "Stores").
// Stores move opaque fragment text; parsing and the join-merge live in src/checks.
import type { BuildState, SuiteKey } from '../checks/types.ts'

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
  /** Set when the fragment holds exactly one build: that build's tag (naming.ts buildTag)… */
  tag?: string
  /** …the state and generation its record has in this fragment. */
  state?: BuildState
  generation?: number
}

/** What a fragment holding exactly one build records about it, for its name. */
export interface FragmentTag {
  build: string
  state: BuildState
  generation: number
}

export interface FragmentFilter {
  /**
   * Download only untagged fragments (several builds, or suite-wide records) and those tagged
   * with one of these builds; the suite is still listed once.
   */
  builds?: string[]
  /** Ids of fragments the caller already holds (read earlier in the step or the job): listed, not downloaded. */
  held?: ReadonlySet<string>
  /** Receives every fragment the listing found, read or skipped (with their tags), before downloads. */
  listed?: (refs: FragmentRef[]) => void
}

export interface Fragment extends FragmentRef {
  text: string
}

/** A listing that may stop early (reconcile lists only what is new since its last pass). */
export interface RecentListing {
  refs: FragmentRef[]
  /** The listing shows every fragment the store holds (none older was skipped). */
  complete: boolean
  /** Items the listing left unread at its page cap (0 when it stopped at `since` or at the end). */
  unread: number
}

export interface StateStore {
  /** e.g. "artifact", "cache", "file:/path": for messages. */
  readonly description: string
  /** Every fragment of one suite visible to this run, or those the filter asks for (the caller parses and merges). */
  readFragments(key: SuiteKey, filter?: FragmentFilter): Promise<Fragment[]>
  /**
   * Writes one new fragment; never overwrites another writer's fragment. With `tag` (the
   * fragment holds exactly that one build) the name says so, for filtered reads.
   */
  writeFragment(key: SuiteKey, text: string, writer: WriterId, tag?: FragmentTag): Promise<FragmentRef>
  /** Every fragment of every suite (reconcile); across runs where the store allows. */
  listAllFragments(): Promise<FragmentRef[]>
  /**
   * Fragments newest first, stopping at those created before `since` (ISO; undefined: all, up to
   * the listing's page cap). Reconcile's listing: it grows with what is new, not with history.
   */
  listRecentFragments(since?: string): Promise<RecentListing>
  /** Reconcile's index (src/reconcile/pass-index.ts), the newest one written; undefined if none. */
  readIndex(): Promise<string | undefined>
  writeIndex(text: string, writer: WriterId): Promise<void>
  /**
   * Fragments leave the store by themselves (artifact retention, cache eviction) and deleting one
   * is a GitHub request that counts against the installation's content-creation limit: reconcile
   * then leaves them. false for a file store (nothing clears it, deleting costs no request).
   */
  readonly selfClearing: boolean
  readFragment(ref: FragmentRef): Promise<Fragment>
  deleteFragments(refs: FragmentRef[]): Promise<void>
  /** Starts loading the store's client library, so it loads while the token is being minted. */
  warmUp?(): void
  /**
   * readFragments makes no request with the installation token (only with the runtime token, or
   * none): a step may start it while that token is still being minted.
   */
  readonly readsWithoutToken?: boolean
}
