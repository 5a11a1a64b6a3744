// Reading a suite's state: the fragments the store lists (all, or those a filtered read needs),
// checked against the app's key and the step's record policy, joined with what the job's earlier
// steps held, and rebuilt from the app's check runs when something was lost. The collaborators
// come in as a narrow StateReader (src/commands/session.ts wires the step's), so a test gives
// real adapters in-process. The store's part of the step's first read may start early (startRead,
// while the installation token is minted); readSuite takes it when it is the same read.
import { CorruptStateError, mergeAll, mergeServiceData, parseServiceData, recordOf, sameSuite } from '../checks/service-data.ts'
import { checkRecords, recordProblem, type RecordPolicy } from '../checks/record-policy.ts'
import { recordsFromRuns } from '../checks/rebuild.ts'
import type { ServiceData, SuiteKey } from '../checks/types.ts'
import { errorText, UserError } from '../errors.ts'
import type { ListedCheckRun } from '../github/check-runs.ts'
import { githubMessage } from '../github/client.ts'
import type { FragmentAuth } from '../store/fragment-auth.ts'
import type { JobMemory } from './job-memory.ts'
import { describeFragment } from '../store/naming.ts'
import type { Fragment, FragmentFilter, FragmentRef, StateStore } from '../store/index.ts'

/** Where reading and writing the state report what the step's log shows. */
export interface StateLog {
  warning(message: string): void
  info(message: string): void
}

/** What reading a suite's state uses. */
export interface StateReader {
  store: Pick<StateStore, 'description' | 'readFragments'>
  /** Opens sealed fragments with the app's key (src/store/fragment-auth.ts). */
  fragmentAuth: Pick<FragmentAuth, 'open'>
  /** The fragments the job's earlier steps held (src/state/job-memory.ts). */
  memory: Pick<JobMemory, 'covers' | 'data' | 'ids' | 'remember'>
  /** What records read must match: this step's inputs. */
  policy: RecordPolicy
  /** fail-on-corrupt-state: an unusable fragment stops the step instead of being rebuilt. */
  failOnCorruptState: boolean
  /** The app's check runs on a commit (one listing); throws when GitHub cannot list them. */
  listCheckRuns(headSha: string): Promise<ListedCheckRun[]>
  log: StateLog
  /** The store's part of the first read, started before the step asked for it (startRead). */
  earlyRead?: EarlyRead
}

export interface SuiteRead {
  /** The join of every readable fragment (plus what was rebuilt from GitHub, if anything). */
  data: ServiceData
  /**
   * Fragments set aside (corrupt, newer version, another suite, or `unauthenticated`: no valid tag
   * of the app's key): left in the store, not merged.
   */
  setAside: { id: string; reason: string; unauthenticated?: boolean }[]
  /** The store could not be read at all. */
  readError?: string
  /** Build records taken from GitHub's check runs because the state was lost or unreadable. */
  rebuilt: string[]
  /**
   * Set by a read filtered to `builds` that succeeded: every fragment of the suite the store
   * listed, downloaded or not. `data` then holds only the untagged fragments and those builds'.
   */
  listed?: FragmentRef[]
  /** Ids of the fragments `data` holds: downloaded (merged or set aside), or held by the job's earlier steps. */
  readIds: string[]
  /** Whether GitHub's check runs were already listed to rebuild records. */
  checkedGitHub: boolean
}

export interface ReadSuiteOptions {
  /** Builds that should have a record (e.g. building/built reports): a missing one means the state was lost. */
  expect?: string[]
  /**
   * Download only the fragments these builds' steps wrote, and the untagged ones (several builds,
   * or suite-wide records); the names of the others come back in `listed`. readRestOfSuite
   * completes such a read.
   */
  builds?: string[]
  /**
   * List the app's check runs on the commit even when the state reads well (conclude): a build
   * whose fragment was never saved is still counted from its check run.
   */
  checkGitHub?: boolean
}

/**
 * Reads every fragment of the suite (or those `builds` need) and joins them. A corrupt or
 * newer-version fragment is set aside with a warning (or fails the step with
 * fail-on-corrupt-state); a store that cannot be read is a warning. In either case, or when an
 * expected build has no record, the records are rebuilt from the app's check runs on the commit
 * (one listing, by external_id).
 */
export async function readSuite(reader: StateReader, key: SuiteKey, options: ReadSuiteOptions = {}): Promise<SuiteRead> {
  const result: SuiteRead = { data: mergeAll(key, []), setAside: [], rebuilt: [], readIds: [], checkedGitHub: false }
  // What the job's earlier steps held counts as read: listed, not downloaded again.
  const held = heldByJob(reader, key)
  if (held.problem) reader.log.warning(`The job's memory of this suite is unusable and was not used: ${held.problem}.`)
  result.readIds.push(...held.ids)
  const early = reader.earlyRead?.take(key, options.builds, result.readIds)
  const documents = await readDocuments(reader, key, result, options.builds, early)
  result.data = mergeAll(key, [...(held.data ? [held.data] : []), ...documents])
  const missing = (options.expect ?? []).filter((b) => !recordOf(result.data, b))
  const lost = result.readError !== undefined || result.setAside.length > 0 || missing.length > 0
  if (lost || options.checkGitHub) {
    await rebuildFromGitHub(reader, key, result, options.expect ?? [], lost)
  }
  return result
}

/**
 * Continues a filtered read: lists the suite's fragments again (one listing) and joins those the
 * first read did not download — all of them, or with `builds` only the untagged ones and those
 * builds' (then `listed` is the new listing). A new problem (unreadable store, unusable fragment)
 * is handled as readSuite handles it; GitHub's check runs are listed at most once per step.
 */
export async function readRestOfSuite(reader: StateReader, key: SuiteKey, first: SuiteRead, options: ReadSuiteOptions = {}): Promise<SuiteRead> {
  const result: SuiteRead = { ...first, setAside: [...first.setAside], rebuilt: [...first.rebuilt], readIds: [...first.readIds] }
  delete result.listed
  delete result.readError
  const documents = await readDocuments(reader, key, result, options.builds)
  result.data = mergeAll(key, [first.data, ...documents])
  const problems = result.readError !== undefined || result.setAside.length > first.setAside.length
  if (problems && !first.checkedGitHub) await rebuildFromGitHub(reader, key, result, options.expect ?? [])
  return result
}

/** What a store's readFragments returned, with the listing its filter received. */
export interface FetchedFragments {
  fragments: Fragment[]
  listed?: FragmentRef[]
}

/** A store read started before the step's first readSuite asked for it. */
export interface EarlyRead {
  /**
   * The read, when it is the one readSuite would make now (same suite, builds and held ids);
   * undefined otherwise. Only the first call may have it: the read is never reused.
   */
  take(key: SuiteKey, builds: string[] | undefined, held: readonly string[]): Promise<FetchedFragments> | undefined
}

/**
 * Starts the store's part of a readSuite of `key` filtered to `builds` (listing and downloads,
 * with what the job's memory holds left out as readSuite leaves it out), for that readSuite to
 * take: a failure is reported by readSuite, as when it reads itself.
 */
export function startRead(reader: Pick<StateReader, 'store' | 'memory' | 'policy'>, key: SuiteKey, builds: string[] | undefined): EarlyRead {
  const held = heldByJob(reader, key).ids
  let fetched: Promise<FetchedFragments> | undefined = fetchFragments(reader.store, key, builds, held)
  fetched.catch(() => {}) // awaited (and reported) by readSuite, or never needed
  const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) => JSON.stringify(a) === JSON.stringify(b)
  return {
    take(k, b, h) {
      const taken = fetched
      fetched = undefined
      return sameSuite(k, key) && same(b, builds) && same(h, held) ? taken : undefined
    },
  }
}

/**
 * What the job's earlier steps held of `key`'s suite: the data and its fragments' ids, or nothing
 * with the reason when the held records do not match the step's record policy.
 */
function heldByJob(reader: Pick<StateReader, 'memory' | 'policy'>, key: SuiteKey): { data?: ServiceData; ids: string[]; problem?: string } {
  const memory = memoryOf(reader, key)
  if (!memory?.data) return { ids: [] }
  const problem = recordProblem(memory.data, reader.policy)
  return problem ? { ids: [], problem } : { data: memory.data, ids: [...memory.ids] }
}

/** The store's part of a read: list the suite, download what the filter selects. */
function fetchFragments(store: StateReader['store'], key: SuiteKey, builds: string[] | undefined, held: readonly string[]): Promise<FetchedFragments> {
  let listed: FragmentRef[] | undefined
  const filter: FragmentFilter = { ...(builds && { builds }), held: new Set(held), listed: (refs) => { listed = refs } }
  return store.readFragments(key, filter).then((fragments) => ({ fragments, ...(listed && { listed }) }))
}

/** The job memory, when it is about `key`'s suite. */
export function memoryOf<M extends Pick<JobMemory, 'covers'>>(holder: { memory: M }, key: SuiteKey): M | undefined {
  return holder.memory.covers(key) ? holder.memory : undefined
}

/**
 * Downloads and parses the fragments not yet in `result.readIds` (with `builds`, only the untagged
 * ones and those builds', then setting `result.listed`), setting unusable ones aside. `early`:
 * that store read, already started.
 */
async function readDocuments(reader: StateReader, key: SuiteKey, result: SuiteRead, builds: string[] | undefined, early?: Promise<FetchedFragments>): Promise<ServiceData[]> {
  const documents: ServiceData[] = []
  const asideBefore = result.setAside.length
  const memory = memoryOf(reader, key)
  let listed: FragmentRef[] | undefined
  try {
    const fetched = await (early ?? fetchFragments(reader.store, key, builds, result.readIds))
    listed = fetched.listed
    for (const fragment of fetched.fragments) {
      result.readIds.push(fragment.id)
      const id = describeFragment(reader.store.description, fragment)
      // Only the app's key holder can write what is merged: anything else is not read at all.
      const opened = reader.fragmentAuth.open(key, fragment.text)
      if ('problem' in opened) {
        result.setAside.push({ id, reason: opened.problem, unauthenticated: true })
        continue
      }
      try {
        const data = parseServiceData(opened.body)
        if (!sameSuite(data, key)) throw new CorruptStateError('it belongs to another suite', 'suite-mismatch')
        checkRecords(data, reader.policy)
        documents.push(data)
        memory?.remember(fragment.id, data)
      } catch (error) {
        if (!(error instanceof CorruptStateError)) throw error
        result.setAside.push({ id, reason: error.message })
      }
    }
  } catch (error) {
    result.readError = errorText(error)
    reader.log.warning(
      `The state could not be read (${result.readError}). Going on with what GitHub shows: ` +
        'the builds this step reports are looked up by their check runs.',
    )
  }
  if (builds && result.readError === undefined) result.listed = listed
  for (const { id, reason, unauthenticated } of result.setAside.slice(asideBefore)) {
    if (unauthenticated) {
      // Not a failure even with fail-on-corrupt-state: anyone with a runtime token could then stop the step.
      reader.log.warning(`State fragment ${id} was set aside, not merged: ${reason}. Its builds are looked up by their check runs.`)
      continue
    }
    const message = `State fragment ${id} is unusable and was set aside (left in the store, not merged): ${reason}.`
    if (reader.failOnCorruptState) {
      throw new UserError(`${message} fail-on-corrupt-state is true, so the step stops here; delete the fragment or set it to false to rebuild from GitHub.`)
    }
    reader.log.warning(`${message} Its builds are rebuilt from GitHub's check runs.`)
  }
  return documents
}

/**
 * Adds records made from the app's check runs of this suite to `result.data`
 * (src/checks/rebuild.ts recordsFromRuns): one listing; one that fails is a warning.
 */
async function rebuildFromGitHub(reader: StateReader, key: SuiteKey, result: SuiteRead, reported: string[], repair = true): Promise<void> {
  result.checkedGitHub = true
  let runs: ListedCheckRun[]
  try {
    runs = await reader.listCheckRuns(key.head_sha)
  } catch (error) {
    reader.log.warning(`Could not list the check runs on ${key.head_sha} to rebuild the state: ${githubMessage(error)}.`)
    return
  }
  const rebuilt = recordsFromRuns(key, runs, [...Object.keys(result.data.check_runs), ...reported])
  result.rebuilt.push(...rebuilt.builds)
  result.data = mergeServiceData(result.data, rebuilt.data)
  if (result.rebuilt.length > 0 && repair) {
    reader.log.info(`Rebuilt ${result.rebuilt.length} build record(s) of suite "${key.suite}" from GitHub's check runs.`)
  }
}
