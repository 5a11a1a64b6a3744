// Reconcile's pure decisions about one repaired suite (src/reconcile/decide.ts): the suite once its
// writes land, whether its CONCLUSION run is due, what the report says, and compaction.
import { describe, expect, it } from 'vitest'
import type { ConclusionSettings } from '../../../src/checks/conclusion-run.ts'
import { emptyServiceData, setOwn } from '../../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../../../src/checks/types.ts'
import { afterRepair, compactedStep, conclusionDone, countUnsynced, planCompaction, planSuite, repairConclusion } from '../../../src/reconcile/decide.ts'

const key: SuiteKey = { repository: 'octo-org/repo-a', head_sha: 'b'.repeat(40), suite: 'ci' }
const now = Date.parse('2026-05-01T12:00:00.000Z')
const HOUR = 3_600_000
const settings: ConclusionSettings = {
  warningAs: 'success', conclusionCheck: true, conclusionName: 'ci / CONCLUSION', aggregateIntervalSeconds: 60,
  runUrl: 'https://github.com/octo-org/repo-a/actions/runs/9', serverUrl: 'https://github.com',
}

function rec(state: CheckRunRecord['state'], over: Partial<CheckRunRecord> = {}): CheckRunRecord {
  return { name: 'ci / x', state, generation: 1, state_synced: true, updated_at: new Date(now - 60_000).toISOString(), ...(state === 'built' ? { conclusion: 'success' as const } : {}), ...over }
}

function suite(records: Record<string, CheckRunRecord>, extra: Partial<ServiceData> = {}): ServiceData {
  const data = { ...emptyServiceData(key), ...extra }
  for (const [b, r] of Object.entries(records)) setOwn(data.check_runs, b, r)
  return data
}

const open = { state: 'building' as const, generation: 1, state_synced: true, updated_at: new Date(now - 60_000).toISOString(), check_run_id: 40, node_id: 'CR_40', details_url: 'https://github.com/octo-org/repo-a/actions/runs/1' }

describe('repair plan', () => {
  it('the suite after the writes holds the timed-out builds as built, and the due CONCLUSION run is completed keeping its link', () => {
    const data = suite({ a: rec('built', { check_run_id: 1 }), b: rec('building', { check_run_id: 2, updated_at: new Date(now - 10 * HOUR).toISOString() }) }, { conclusion_run: open, registered: { since: '2026-05-01T00:00:00.000Z' } })
    const plan = planSuite(data, { now, staleAfterMs: HOUR, staleConclusion: 'timed_out' })
    const after = afterRepair(data, plan)
    expect(after.check_runs.b).toMatchObject({ state: 'built', conclusion: 'timed_out' })
    const c = repairConclusion(settings, data, after, new Date(now).toISOString())
    expect(c?.op).toMatchObject({ op: 'update', check_run_id: 40, record: { state: 'built', conclusion: 'failure' } })
    expect(c?.op?.record.details_url).toBeUndefined()
    // Before the timeout lands the suite is not complete: nothing is due.
    expect(repairConclusion(settings, data, data, new Date(now).toISOString())).toBeUndefined()
    expect(repairConclusion(settings, { ...data, conclusion_run: undefined }, after, new Date(now).toISOString())).toBeUndefined()
  })

  it("the report's word for the CONCLUSION run, and the records still unsynced", () => {
    expect(conclusionDone('built', 'update', undefined)).toBe('completed')
    expect(conclusionDone('building', 'create', undefined)).toBe('created')
    expect(conclusionDone('building', 'create', 'updated')).toBe('updated')
    expect(conclusionDone('building', 'update', undefined)).toBe('updated')
    expect(countUnsynced(suite({ a: rec('built', { state_synced: false }), b: rec('built') }, { conclusion_run: { ...open, state_synced: false } }))).toBe(2)
  })
})

describe('planCompaction', () => {
  const settled = suite({ a: rec('built') })
  const opts = { now, staleAfterMs: HOUR, intervalMs: HOUR }
  it('an open suite of many fragments is compacted; a settled one is not (no later pass reads it); the step names say which', () => {
    const plan = planCompaction(settled, emptyServiceData(key), { aside: 0, merged: 3, last: now, selfClearing: false }, opts)
    expect(plan).toEqual({ settled: true, changed: false, compact: false })
    const open = suite({ a: rec('building') })
    expect(planCompaction(open, emptyServiceData(key), { aside: 0, merged: 3, last: now, selfClearing: false }, opts)).toEqual({ settled: false, changed: false, compact: true })
    expect(compactedStep(true, now, 'abcdef0123456789')).toBe(`settled.${now / 1000}.abcdef01`)
    expect(compactedStep(false, now, 'abcdef0123456789')).toBe('reconcile-abcdef01')
  })

  it('a fragment set aside keeps the suite unsettled; what the pass sent is a change', () => {
    const changes = suite({ a: rec('built') })
    expect(planCompaction(settled, changes, { aside: 1, merged: 1, last: now, selfClearing: true }, opts)).toEqual({ settled: false, changed: true, compact: false })
  })
})
