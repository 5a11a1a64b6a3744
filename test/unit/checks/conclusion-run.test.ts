// The CONCLUSION run's plan (src/checks/conclusion-run.ts) from its own settings: no Session, no I/O.
import { describe, expect, it } from 'vitest'
import { planConclusionRun, type ConclusionSettings } from '../../../src/checks/conclusion-run.ts'
import { emptyServiceData, setOwn } from '../../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData } from '../../../src/checks/types.ts'

const key = { repository: 'octo-org/repo-a', head_sha: 'd'.repeat(40), suite: 'ci' }
const settings: ConclusionSettings = {
  warningAs: 'success', conclusionCheck: true, conclusionName: 'ci / CONCLUSION', aggregateIntervalSeconds: 30,
  runUrl: 'https://github.com/octo-org/repo-a/actions/runs/9/attempts/1', serverUrl: 'https://github.com',
}
const now = '2026-05-01T12:00:00.000Z'
const options = { final: false, mayOpen: true, aggregate: false, now }

function suite(states: Record<string, Partial<CheckRunRecord>>): ServiceData {
  const data = emptyServiceData(key)
  data.registered = { since: '2026-05-01T09:00:00.000Z' }
  for (const [b, r] of Object.entries(states)) {
    setOwn(data.check_runs, b, { name: `ci / ${b}`, state: 'built', conclusion: 'success', generation: 1, state_synced: true, updated_at: '2026-05-01T11:00:00.000Z', ...r })
  }
  return data
}

describe('planConclusionRun', () => {
  it('creates the completed run of a complete suite under the settings\' name and link, ended with its last build', () => {
    const plan = planConclusionRun(settings, suite({ a: {}, b: { conclusion: 'failure', updated_at: '2026-05-01T11:30:00.000Z' } }), options)
    expect(plan.result.complete).toBe(true)
    expect(plan.op).toMatchObject({
      op: 'create',
      record: { name: 'ci / CONCLUSION', state: 'built', conclusion: 'failure', generation: 1, details_url: settings.runUrl, updated_at: '2026-05-01T11:30:00.000Z' },
    })
    expect(plan.output?.summary).toMatch(/./)
  })

  it('sends nothing with conclusion-check false, and a building step does not open a run it may not', () => {
    const open = suite({ a: {}, b: { state: 'building', conclusion: undefined } })
    expect(planConclusionRun({ ...settings, conclusionCheck: false }, open, options).op).toBeUndefined()
    expect(planConclusionRun(settings, open, { ...options, mayOpen: false }).op).toBeUndefined()
    expect(planConclusionRun(settings, open, options).op).toMatchObject({ op: 'create', record: { state: 'building' } })
  })

  it('warning-as failure turns a warning build into a failed suite', () => {
    const data = suite({ a: { conclusion: 'neutral' } })
    expect(planConclusionRun(settings, data, options).op?.record.conclusion).toBe('success')
    expect(planConclusionRun({ ...settings, warningAs: 'failure' }, data, options).op?.record.conclusion).toBe('failure')
  })
})
