// The fragments a suite's run leaves in its store, as documents: for the merge's tests and bench.
import { emptyServiceData } from '../src/checks/service-data.ts'
import type { ServiceData, SuiteKey } from '../src/checks/types.ts'

export const KEY: SuiteKey = { repository: 'octo/repo', head_sha: 'a'.repeat(40), suite: 'ci' }
export const T0 = Date.UTC(2025, 0, 1)

/** A suite's fragments as a run writes them: one queued document of all builds, then a building and a built fragment per build. */
export function suiteFragments(builds: number, key: SuiteKey = KEY): ServiceData[] {
  const at = (s: number) => new Date(T0 + s * 1000).toISOString()
  const queued = emptyServiceData(key)
  const documents: ServiceData[] = [queued]
  for (let i = 0; i < builds; i++) {
    const build = `build-${i}`
    const base = { name: `ci / ${build}`, generation: 1, check_run_id: i + 1, state_synced: true }
    queued.check_runs[build] = { ...base, state: 'queued', updated_at: at(0) }
    for (const [state, s] of [['building', 1], ['built', 2]] as const) {
      const fragment = emptyServiceData(key)
      fragment.check_runs[build] = { ...base, state, updated_at: at(s), ...(state === 'built' ? { conclusion: 'success' as const } : {}) }
      documents.push(fragment)
    }
  }
  return documents
}
