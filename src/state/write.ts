// Writing a step's fragment of a suite's state: sealed with the app's key, named after its build
// when it holds exactly one, remembered for the job's next steps. The collaborators come in as a
// narrow StateWriter (src/commands/session.ts wires the step's).
import { serializeServiceData } from '../checks/service-data.ts'
import type { ServiceData, SuiteKey } from '../checks/types.ts'
import type { FragmentAuth } from '../store/fragment-auth.ts'
import type { JobMemory } from './job-memory.ts'
import type { FragmentTag, StateStore, WriterId } from '../store/index.ts'
import { memoryOf, type StateLog } from './read.ts'
import { errorText } from '../errors.ts'

/** What writing a fragment uses. */
export interface StateWriter {
  store: Pick<StateStore, 'writeFragment'>
  /** Seals the fragment with the app's key (src/store/fragment-auth.ts). */
  fragmentAuth: Pick<FragmentAuth, 'seal'>
  /** Who writes (unique per step). */
  writer: WriterId
  memory: Pick<JobMemory, 'covers' | 'remember' | 'save'>
  log: StateLog
}

/**
 * A fragment of exactly one build, and nothing every step must see (the CONCLUSION run, the
 * aggregate switch), is named after that build: other builds' steps skip it. The repository's
 * node id may ride along: a step that misses it looks it up again.
 */
export function tagOf(fragment: ServiceData): FragmentTag | undefined {
  const builds = Object.keys(fragment.check_runs)
  if (builds.length !== 1 || fragment.conclusion_run !== undefined || fragment.aggregate !== undefined || fragment.registered !== undefined) return undefined
  const record = fragment.check_runs[builds[0]!]!
  return { build: builds[0]!, state: record.state, generation: record.generation }
}

export interface WriteResult {
  saved: boolean
  /** Why it was not saved (already warned). */
  warning?: string
}

/**
 * Writes this step's fragment (only what it touched; the join does the rest). One retry under a
 * new name, since a failed upload may have left its name taken. A failure warns; the caller
 * fails the step only with fail-on-unsynced. A second fragment of the same step gives a `stepSuffix`.
 */
export async function writeSuite(w: StateWriter, key: SuiteKey, fragment: ServiceData, stepSuffix = ''): Promise<WriteResult> {
  const text = w.fragmentAuth.seal(key, serializeServiceData(fragment))
  const tag = tagOf(fragment)
  const step = w.writer.step + stepSuffix
  let lastError = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    const writer = { ...w.writer, step: attempt === 0 ? step : `${step}-r${attempt}` }
    try {
      const ref = await w.store.writeFragment(key, text, writer, tag)
      const memory = memoryOf(w, key)
      memory?.remember(ref.id, fragment)
      memory?.save() // the job's next step need not download what this one read and wrote
      return { saved: true }
    } catch (error) {
      lastError = errorText(error)
    }
  }
  const warning =
    `The state could not be saved (${lastError}). The check runs on GitHub are up to date; later steps ` +
    'rebuild what they need from them, and anything unsynced is left for reconcile to find.'
  w.log.warning(warning)
  return { saved: false, warning }
}
