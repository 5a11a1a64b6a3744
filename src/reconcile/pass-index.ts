// Reconcile's index, pure: what earlier passes saw, so that a pass lists only what is new and
// reads only the suites still unsettled. Kept in the store as one small document (the stores'
// readIndex/writeIndex); written only when a pass learned something, never deleted (artifact
// retention and cache eviction clear old copies).
//
// Why an index and not only the listing's created_at with a window: suites are reconciled until
// they settle, and a settled suite can still get a fragment later (a re-run); the index keeps
// each suite's fragment references, so a late fragment is merged with its suite's older ones
// without listing the repository's whole history, and settled suites are never downloaded
// again. The listing itself stops by created_at: at fragments older than the newest the last
// pass saw, minus LISTING_SLACK_MS (an artifact is listed once finalized, a few seconds after
// its id and created_at were given, so ids alone could skip one finalized late).
import type { FragmentRef } from '../store/store.ts'
import { nameFields } from '../store/naming.ts'

export interface IndexedSuite {
  /** The suite's fragments: [id, name, created_at]. */
  refs: [string, string, string][]
  /** Settled at the last pass that read it: not read again until a new fragment comes. */
  settled?: boolean
}

export interface PassIndex {
  version: 1
  /** The newest created_at the listing showed (the store's clock). */
  newest?: string
  /** When the last pass ran (epoch ms, the runner's clock): the interval between passes. */
  at?: number
  suites: Record<string, IndexedSuite>
}

/** How far before `newest` the next listing reads, for fragments finalized after their created_at. */
export const LISTING_SLACK_MS = 15 * 60_000

/**
 * A DELETE spends one of 500 content-creating requests an hour of the installation; a read one
 * of 5,000 requests an hour: a write is worth ten reads.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export const READS_PER_WRITE = 10

export function emptyIndex(): PassIndex {
  return { version: 1, suites: {} }
}

/** The stored index, or undefined when there is none or it is not one (the pass then lists everything). */
export function parseIndex(text: string | undefined): PassIndex | undefined {
  if (!text) return undefined
  try {
    const v = JSON.parse(text) as PassIndex
    if (v?.version !== 1 || typeof v.suites !== 'object' || v.suites === null) return undefined
    for (const s of Object.values(v.suites)) if (!Array.isArray(s?.refs)) return undefined
    return v
  } catch {
    return undefined
  }
}

export function serializeIndex(index: PassIndex): string {
  return JSON.stringify(index)
}

/** The listing may stop at fragments created before this (undefined: read it all). */
export function listingSince(index: PassIndex | undefined): string | undefined {
  const t = index?.newest ? Date.parse(index.newest) : NaN
  return Number.isFinite(t) ? new Date(t - LISTING_SLACK_MS).toISOString() : undefined
}

export function refOf([id, name, created]: [string, string, string]): FragmentRef {
  return { id, name, ...nameFields(name), ...(created ? { created_at: created } : {}) }
}

const entryOf = (r: FragmentRef): [string, string, string] => [r.id, r.name ?? r.id, r.created_at ?? '']

/**
 * Adds the refs the listing found to the index: a suite with a fragment it did not know is
 * unsettled again. Returns how many refs were new. With `complete` (the listing shows the whole
 * store), refs it no longer shows are dropped.
 */
export function mergeListing(index: PassIndex, listed: FragmentRef[], complete: boolean): number {
  let added = 0
  const present = new Set(listed.map((r) => r.id))
  if (complete) {
    for (const [hash, s] of Object.entries(index.suites)) {
      s.refs = s.refs.filter(([id]) => present.has(id))
      if (s.refs.length === 0) delete index.suites[hash]
    }
  }
  for (const r of listed) {
    if (!r.suite_hash) continue
    const s = (index.suites[r.suite_hash] ??= { refs: [] })
    if (s.refs.some(([id]) => id === r.id)) continue
    s.refs.push(entryOf(r))
    delete s.settled
    added++
  }
  for (const r of listed) {
    const t = r.created_at ? Date.parse(r.created_at) : NaN
    if (Number.isFinite(t) && (!index.newest || t > Date.parse(index.newest))) index.newest = new Date(t).toISOString()
  }
  return added
}

/** The newest created_at of a suite's fragments (epoch ms), 0 when none says. */
export function newestOf(s: IndexedSuite): number {
  return Math.max(0, ...s.refs.map(([, , c]) => Date.parse(c) || 0))
}

/** Records what a pass made of a suite: its fragments now, and whether it settled. */
export function recordSuite(index: PassIndex, hash: string, refs: FragmentRef[], settled: boolean): void {
  if (refs.length === 0) {
    delete index.suites[hash]
    return
  }
  index.suites[hash] = { refs: refs.map(entryOf), ...(settled ? { settled: true } : {}) }
}

/**
 * Passes that will still read an unsettled suite: until its last activity is stale-after old
 * (reconcile then times it out and it settles), one every `intervalMs`. At least 1. A settled
 * suite is read by none (the index skips it).
 */
export function laterReads(settled: boolean, lastActivityMs: number | undefined, o: { now: number; staleAfterMs: number; intervalMs?: number }): number {
  if (settled) return 0
  if (!o.intervalMs || o.intervalMs <= 0 || lastActivityMs === undefined) return 1
  return Math.max(1, Math.ceil((lastActivityMs + o.staleAfterMs - o.now) / o.intervalMs))
}

/**
 * Compacting a suite's `fragments` into one costs their deletes (and one write when the pass had
 * nothing else to write); it saves `fragments - 1` reads in each later pass that reads the suite.
 * Worth it only when the reads saved exceed the writes spent, a write weighing `readsPerWrite`
 * reads (READS_PER_WRITE for stores whose deletes are GitHub requests, 0 for a file store).
 */
export function worthCompacting(fragments: number, later: number, readsPerWrite: number, alsoWrites: boolean): boolean {
  if (fragments < 2) return false
  const writes = fragments + (alsoWrites ? 1 : 0)
  return (fragments - 1) * later > readsPerWrite * writes
}
