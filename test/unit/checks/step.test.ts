// The transition step's pure core (src/checks/step.ts): its plan from what was read, and the
// fragment it writes once GitHub answered.
import { describe, expect, it } from 'vitest'
import { checkRunsOutput, jobsStepFragment, planJobsStep, planStep, stepFragment, worthWriting, writesOf, type JobsStepInput, type StepInput, type StepSettings } from '../../../src/checks/step.ts'
import { emptyServiceData, setOwn } from '../../../src/checks/service-data.ts'
import type { BuildState, CheckRunRecord, ServiceData, SuiteKey, Transition } from '../../../src/checks/types.ts'

const key: SuiteKey = { repository: 'octo-org/repo-a', head_sha: 'a'.repeat(40), suite: 'ci' }
const settings: StepSettings = { suite: 'ci', nameTemplate: '{suite} / {build}', aggregateAbove: 100, conclusionCheck: true }
const now = '2026-05-01T10:00:00.000Z'

function input(state: BuildState, builds: string[]): StepInput {
  return {
    key, state, builds, now,
    transition: { state, generation: 1, at: now, details_url: 'https://github.com/octo-org/repo-a/actions/runs/1', ...(state === 'built' ? { conclusion: 'success' as const } : {}) },
  }
}

function record(name: string, state: BuildState, extra: Partial<CheckRunRecord> = {}): CheckRunRecord {
  return { name, state, generation: 1, state_synced: true, updated_at: '2026-05-01T09:00:00.000Z', ...extra }
}

function suite(records: Record<string, CheckRunRecord>, extra: Partial<ServiceData> = {}): ServiceData {
  const data = { ...emptyServiceData(key), ...extra }
  for (const [b, r] of Object.entries(records)) setOwn(data.check_runs, b, r)
  return data
}

describe('planStep', () => {
  it('plans a create per new build and registers the suite on queued', () => {
    const plan = planStep(settings, suite({}), input('queued', ['linux', 'macos']), { buildCount: 2 })
    expect(plan.builds.map((b) => [b.build, b.write?.op])).toEqual([['linux', 'create'], ['macos', 'create']])
    expect(writesOf(plan).map((w) => w.record.name)).toEqual(['ci / linux', 'ci / macos'])
    expect(plan.aggregate).toBe(false)
    expect(plan.after.registered).toEqual({ since: now })
    expect(plan.after.check_runs.linux).toMatchObject({ name: 'ci / linux', state: 'queued' })
  })

  it('updates a build whose run is known and skips a stale transition with its reason', () => {
    const data = suite({ linux: record('ci / linux', 'built', { check_run_id: 7, node_id: 'CR_7', conclusion: 'success' }) })
    const plan = planStep(settings, data, input('building', ['linux']), { buildCount: 1 })
    expect(plan.builds).toHaveLength(1)
    expect(plan.builds[0]!.write).toBeUndefined()
    expect(plan.builds[0]!.skipped).toMatch(/./)
    expect(writesOf(plan)).toEqual([])
    expect(plan.after.check_runs.linux).toEqual(data.check_runs.linux) // nothing changes
    const update = planStep(settings, suite({ linux: record('ci / linux', 'queued', { check_run_id: 7, node_id: 'CR_7' }) }), input('building', ['linux']), { buildCount: 1 })
    expect(update.builds[0]!.write).toMatchObject({ op: 'update', check_run_id: 7 })
  })

  it('past aggregate-above switches the suite and keeps builds without a run of their own in the state only', () => {
    const data = suite({ old: record('ci / old', 'queued', { check_run_id: 3, node_id: 'CR_3' }), new: record('ci / new', 'queued') })
    const plan = planStep({ ...settings, aggregateAbove: 1 }, data, input('building', ['old', 'new']), { buildCount: 2 })
    expect(plan.aggregate).toBe(true)
    expect(plan.switched).toEqual({ since: now, reason: '2 builds, more than aggregate-above (1)' })
    // The build created before the switch is carried to completion; the new one is counted only.
    expect(plan.builds.map((b) => [b.build, b.write ? 'write' : b.kept ? 'kept' : 'skipped'])).toEqual([['old', 'write'], ['new', 'kept']])
    expect(plan.builds[1]!.kept).toMatchObject({ state: 'building', state_synced: true })
    expect(plan.after.aggregate).toEqual(plan.switched)
  })

  it('with conclusion-check false, aggregate mode is refused (and says why)', () => {
    const plan = planStep({ ...settings, aggregateAbove: 0, conclusionCheck: false }, suite({}), input('queued', ['a']), { buildCount: 1 })
    expect(plan.aggregate).toBe(false)
    expect(plan.switched).toBeUndefined()
    expect(plan.refused).toBe('1 build, more than aggregate-above (0)')
    expect(writesOf(plan)).toHaveLength(1)
  })
})

describe('stepFragment', () => {
  it("holds the builds the step wrote, with GitHub's answer, and the CONCLUSION run it sent", () => {
    const plan = planStep(settings, suite({}), input('queued', ['linux', 'macos']), { buildCount: 2 })
    const sent = {
      builds: [{ build: 'linux', record: { ...writesOf(plan)[0]!.record, check_run_id: 11, state_synced: true }, url: 'https://github.com/x/runs/11' }],
      conclusion: { record: { state: 'building' as const, generation: 1, state_synced: true, updated_at: now, check_run_id: 12 } },
      lookedUpRepositoryNodeId: 'R_1',
    }
    const { fragment, outcomes, lateSwitch } = stepFragment(settings, plan, input('queued', ['linux', 'macos']), [], sent, 5000)
    expect(Object.keys(fragment.check_runs)).toEqual(['linux']) // macos was not answered: nothing of it to keep
    expect(fragment.check_runs.linux).toMatchObject({ check_run_id: 11, state_synced: true })
    expect(fragment.conclusion_run).toMatchObject({ check_run_id: 12 })
    expect(fragment.repository_node_id).toBe('R_1')
    expect(fragment.registered).toEqual({ since: now })
    expect(lateSwitch).toBeUndefined()
    expect(outcomes).toEqual([
      { build: 'linux', record: sent.builds[0]!.record, url: 'https://github.com/x/runs/11', skipped: undefined },
      { build: 'macos', record: undefined, url: undefined, skipped: undefined },
    ])
    expect(worthWriting(fragment)).toBe(true)
  })

  it('keeps a record rebuilt from GitHub for a skipped build, and nothing for one only read', () => {
    const done = record('ci / a', 'built', { check_run_id: 5, node_id: 'CR_5', conclusion: 'success' })
    const data = suite({ a: done, b: { ...done, name: 'ci / b', check_run_id: 6 } })
    const plan = planStep(settings, data, input('building', ['a', 'b']), { buildCount: 2 })
    const { fragment, outcomes } = stepFragment(settings, plan, input('building', ['a', 'b']), ['a'], { builds: [] }, undefined)
    expect(Object.keys(fragment.check_runs)).toEqual(['a'])
    expect(outcomes.map((o) => [o.build, o.record?.check_run_id, typeof o.skipped])).toEqual([['a', 5, 'string'], ['b', 6, 'string']])
    expect(worthWriting(fragment)).toBe(true)
    expect(worthWriting(stepFragment(settings, plan, input('building', ['a', 'b']), [], { builds: [] }, undefined).fragment)).toBe(false)
  })

  it('switches the later steps to aggregate mode when the budget GitHub reported after the writes ran low', () => {
    const plan = planStep(settings, suite({}), input('queued', Array.from({ length: 50 }, (_, i) => `b${i}`)), { buildCount: 50, rateLimitRemaining: 5000 })
    expect(plan.aggregate).toBe(false)
    const low = stepFragment(settings, plan, input('queued', ['b0']), [], { builds: [] }, 200)
    expect(low.lateSwitch).toBe('50 builds need about 152 requests; the installation has 200 left this hour')
    expect(low.fragment.aggregate).toEqual({ since: now, reason: low.lateSwitch })
    expect(stepFragment({ ...settings, conclusionCheck: false }, plan, input('queued', ['b0']), [], { builds: [] }, 200).lateSwitch).toBeUndefined()
  })
})

// Mirror's pass (src/commands/mirror.ts): every job its own transition.
function jobs(planned: [string, BuildState][], builds = planned.map(([b]) => b)): JobsStepInput {
  const t = (state: BuildState): Transition => ({ state, generation: 1, at: now, details_url: 'https://github.com/octo-org/repo-a/actions/runs/1/job/2', ...(state === 'built' ? { conclusion: 'failure' as const } : {}) })
  return { key, now, builds, jobs: planned.map(([build, state]) => ({ build, transition: t(state) })) }
}

describe('planJobsStep', () => {
  it('plans each job from its own transition and registers the suite whatever the states', () => {
    const data = suite({ lint: record('ci / lint', 'queued', { check_run_id: 4, node_id: 'CR_4' }) })
    const plan = planJobsStep(settings, data, jobs([['lint', 'built'], ['test', 'queued']]), { buildCount: 2 })
    expect(plan.builds.map((b) => [b.build, b.write?.op, b.write?.record.state])).toEqual([['lint', 'update', 'built'], ['test', 'create', 'queued']])
    expect(plan.after.check_runs.lint).toMatchObject({ state: 'built', conclusion: 'failure' })
    expect(plan.after.registered).toEqual({ since: now })
    expect(planJobsStep(settings, suite({}, { registered: { since: '2026-01-01T00:00:00.000Z' } }), jobs([]), { buildCount: 0 }).after.registered).toEqual({ since: '2026-01-01T00:00:00.000Z' })
  })

  it('creates a job first seen running as running (planned from a queued record), where a step would skip it', () => {
    const plan = planJobsStep(settings, suite({}), jobs([['test', 'building']]), { buildCount: 1 })
    expect(writesOf(plan).map((w) => [w.op, w.record.state, w.record.name])).toEqual([['create', 'building', 'ci / test']])
    expect(planStep(settings, suite({}), input('building', ['test']), { buildCount: 1 }).builds[0]!.skipped).toMatch(/./)
  })
})

describe('jobsStepFragment', () => {
  it('keeps every record rebuilt from GitHub, no registration, and outcomes for every mirrored job', () => {
    const done = record('ci / gone', 'built', { check_run_id: 5, node_id: 'CR_5', conclusion: 'success' })
    const data = suite({ gone: done, lint: { ...done, name: 'ci / lint', check_run_id: 6 } })
    const step = jobs([['test', 'queued']], ['lint', 'test'])
    const plan = planJobsStep(settings, data, step, { buildCount: 3 })
    const sent = { builds: [{ build: 'test', record: { ...writesOf(plan)[0]!.record, check_run_id: 7, state_synced: true } }] }
    const { fragment, outcomes, lateSwitch } = jobsStepFragment(plan, step, ['gone'], sent)
    expect(Object.keys(fragment.check_runs).sort()).toEqual(['gone', 'test'])
    expect(fragment.registered).toBeUndefined()
    expect(lateSwitch).toBeUndefined()
    expect(outcomes.map((o) => [o.build, o.record?.check_run_id])).toEqual([['lint', 6], ['test', 7]])
  })
})

describe('checkRunsOutput', () => {
  it("names each build's run, its link (GitHub's, else the run's page), its state and whether it is synced", () => {
    const runUrl = (id: number | undefined) => (id === undefined ? null : `https://github.com/octo-org/repo-a/runs/${id}`)
    const out = checkRunsOutput([
      { build: 'a', record: record('ci / a', 'built', { check_run_id: 3, conclusion: 'success' }), url: 'https://github.com/octo-org/repo-a/runs/3?check_suite_focus=true' },
      { build: 'b', record: record('ci / b', 'queued', { check_run_id: 4, state_synced: false }) },
      { build: 'c' },
    ], runUrl)
    expect(out).toEqual({
      a: { id: 3, url: 'https://github.com/octo-org/repo-a/runs/3?check_suite_focus=true', state: 'built', synced: true },
      b: { id: 4, url: 'https://github.com/octo-org/repo-a/runs/4', state: 'queued', synced: false },
      c: { id: null, url: null, state: null, synced: true },
    })
  })
})
