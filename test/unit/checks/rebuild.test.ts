// Records rebuilt from the app's listed check runs (src/checks/rebuild.ts).
import { describe, expect, it } from 'vitest'
import { recordsFromRuns, type ListedRun } from '../../../src/checks/rebuild.ts'
import { buildKey, conclusionExternalId, externalId } from '../../../src/checks/service-data.ts'
import type { SuiteKey } from '../../../src/checks/types.ts'

const key: SuiteKey = { repository: 'octo-org/repo-a', head_sha: 'b'.repeat(40), suite: 'ci' }
const run = (id: number, external_id: string | null, status: string, conclusion: ListedRun['conclusion'] = null): ListedRun =>
  ({ id, node_id: `CR_${id}`, name: `run ${id}`, external_id, status, conclusion })

describe('recordsFromRuns', () => {
  it("takes each build's newest run of this suite, names it by a known id, and the CONCLUSION run apart", () => {
    const other: SuiteKey = { ...key, suite: 'other' }
    const runs = [
      run(1, externalId(key, 'Linux Build', 1), 'completed', 'failure'),
      run(4, externalId(key, 'Linux Build', 2), 'in_progress'),
      run(2, externalId(key, 'docs', 1), 'completed', null),
      run(3, externalId(other, 'docs', 1), 'queued'), // another suite
      run(5, 'not ours', 'queued'),
      run(6, conclusionExternalId(key, 1), 'completed', 'success'),
    ]
    const { data, builds } = recordsFromRuns(key, runs, ['Linux Build'])
    expect(builds.sort()).toEqual(['Linux Build', buildKey('docs')].sort())
    expect(data.check_runs['Linux Build']).toEqual({
      name: 'run 4', state: 'building', generation: 2, check_run_id: 4, node_id: 'CR_4', state_synced: true, updated_at: new Date(0).toISOString(),
    })
    expect(data.check_runs[buildKey('docs')]).toMatchObject({ state: 'built', conclusion: 'neutral', check_run_id: 2 })
    expect(data.conclusion_run).toMatchObject({ state: 'built', conclusion: 'success', check_run_id: 6, generation: 1 })
  })

  it('a queued CONCLUSION run counts as building; one not successful as failure', () => {
    expect(recordsFromRuns(key, [run(9, conclusionExternalId(key, 0), 'queued')], []).data.conclusion_run).toMatchObject({ state: 'building', generation: 1 })
    expect(recordsFromRuns(key, [run(9, conclusionExternalId(key, 1), 'completed', 'neutral')], []).data.conclusion_run).toMatchObject({ conclusion: 'failure' })
    expect(recordsFromRuns(key, [], ['a'])).toEqual({ data: expect.objectContaining({ check_runs: {} }), builds: [] })
  })
})
