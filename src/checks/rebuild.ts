// Records made from the app's check runs on a commit, for when the state was lost or unreadable
// (src/state/read.ts lists the runs; this only reads what the listing says). Pure: no I/O.
import { buildKey, isConclusionId, mergeAll, parseExternalId, setOwn, suiteHash } from './service-data.ts'
import { stateOfStatus } from './states.ts'
import type { CheckRunRecord, Conclusion, ConclusionRunRecord, ServiceData, SuiteKey } from './types.ts'

/** What rebuilding reads of a listed check run (src/github/check-runs.ts ListedCheckRun). */
export interface ListedRun {
  id: number
  node_id: string
  name: string
  external_id: string | null
  status: string
  conclusion: Conclusion | null
}

export interface Rebuilt {
  /** The records the runs show (the CONCLUSION run's too); merge them into what was read. */
  data: ServiceData
  /** Build ids given a record (the CONCLUSION run is not one). */
  builds: string[]
}

/**
 * The suite's records as its newest check run per build key shows them. `known` are build ids
 * already in use (read or reported): a run whose build key matches one is recorded under that id;
 * other runs of the suite under their build key (the build id itself for plain ids), so the
 * conclusion still counts them. The records carry the epoch as updated_at, so any record a
 * fragment holds for the same (generation, state) wins the merge.
 */
export function recordsFromRuns(key: SuiteKey, runs: readonly ListedRun[], known: readonly string[]): Rebuilt {
  const hash = suiteHash(key)
  const idsByKey = new Map<string, string>()
  for (const id of known) idsByKey.set(buildKey(id), id)
  const newest = new Map<string, { run: ListedRun; generation: number }>()
  for (const run of runs) {
    const parsed = parseExternalId(run.external_id)
    if (!parsed || parsed.suite_hash !== hash) continue
    const had = newest.get(parsed.build_key)
    if (!had || run.id > had.run.id) newest.set(parsed.build_key, { run, generation: parsed.generation })
  }
  const epoch = new Date(0).toISOString()
  const data: ServiceData = mergeAll(key, [])
  const builds: string[] = []
  for (const [bk, { run, generation }] of newest) {
    const state = stateOfStatus(run.status)
    if (isConclusionId({ build_key: bk })) {
      const record: ConclusionRunRecord = {
        check_run_id: run.id,
        node_id: run.node_id,
        state: state === 'queued' ? 'building' : state,
        generation: Math.max(1, generation),
        state_synced: true,
        updated_at: epoch,
      }
      if (state === 'built') record.conclusion = run.conclusion === 'success' ? 'success' : 'failure'
      data.conclusion_run = record
      continue
    }
    const id = idsByKey.get(bk) ?? bk
    const record: CheckRunRecord = {
      name: run.name,
      state,
      generation,
      check_run_id: run.id,
      node_id: run.node_id,
      state_synced: true,
      updated_at: epoch,
    }
    if (record.state === 'built') record.conclusion = run.conclusion ?? 'neutral'
    setOwn(data.check_runs, id, record)
    builds.push(id)
  }
  return { data, builds }
}
