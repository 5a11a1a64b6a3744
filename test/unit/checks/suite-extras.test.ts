import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mergeAggregate, mergeConclusionRun, mergeSuiteExtras, readSuiteExtras, type SuiteExtras } from '../../../src/checks/suite-extras.ts'
import type { ConclusionRunRecord } from '../../../src/checks/types.ts'

const run = (over: Partial<ConclusionRunRecord>): ConclusionRunRecord => ({
  state: 'building',
  generation: 1,
  state_synced: true,
  updated_at: '2026-05-01T12:00:00Z',
  ...over,
})

describe('mergeAggregate', () => {
  it('is sticky and keeps the earliest switch', () => {
    const early = { since: '2026-05-01T12:00:00Z', reason: 'a' }
    const late = { since: '2026-05-01T12:05:00Z', reason: 'b' }
    expect(mergeAggregate(undefined, undefined)).toBeUndefined()
    expect(mergeAggregate(late, undefined)).toBe(late)
    expect(mergeAggregate(undefined, late)).toBe(late)
    expect(mergeAggregate(late, early)).toBe(early)
    expect(mergeAggregate(early, late)).toBe(early)
  })

  it('compares instants, not text, and prefers a readable time', () => {
    const utc = { since: '2026-05-01T12:00:00Z', reason: 'utc' }
    const offset = { since: '2026-05-01T11:30:00-01:00', reason: 'offset' } // 12:30 UTC
    expect(mergeAggregate(offset, utc)).toBe(utc)
    const bad = { since: '0000-garbage', reason: 'bad' }
    expect(mergeAggregate(bad, utc)).toBe(utc)
    expect(mergeAggregate(utc, bad)).toBe(utc)
  })
})

describe('mergeConclusionRun', () => {
  it('takes the higher (generation, state)', () => {
    const completed = run({ state: 'built', conclusion: 'failure', check_run_id: 1 })
    const reopened = run({ generation: 2, state: 'building' })
    expect(mergeConclusionRun(completed, reopened)).toBe(reopened)
    expect(mergeConclusionRun(run({ check_run_id: 1 }), completed)).toBe(completed)
  })

  it('on a tie prefers the later update (as builds do), then a known id, then synced', () => {
    const synced = run({ check_run_id: 5 })
    const later = run({ updated_at: '2026-05-01T12:00:01Z', state_synced: false })
    expect(mergeConclusionRun(synced, later)).toBe(later)
    const withId = run({ check_run_id: 5, state_synced: false })
    const withoutId = run({})
    expect(mergeConclusionRun(withoutId, withId)).toBe(withId)
    expect(mergeConclusionRun(withId, synced)).toBe(synced)
  })

  it('keeps the latest summary refresh of either side', () => {
    const a = run({ state: 'built', conclusion: 'success', summary_updated_at: '2026-05-01T12:00:00Z' })
    const b = run({ summary_updated_at: '2026-05-01T12:10:00Z' })
    expect(mergeConclusionRun(a, b)).toEqual({ ...a, summary_updated_at: '2026-05-01T12:10:00Z' })
  })
})

const timeArb = fc.oneof(
  fc.integer({ min: 0, max: 5 }).map((m) => `2026-05-01T12:0${m}:00Z`),
  fc.constantFrom('2026-05-01T12:00:00.000Z', '2026-05-01T13:00:00+01:00', 'garbage', ''),
)
const runArb: fc.Arbitrary<ConclusionRunRecord> = fc.record(
  {
    check_run_id: fc.constantFrom(1, 2),
    node_id: fc.constantFrom('CR_1', 'CR_2'),
    state: fc.constantFrom('queued', 'building', 'built'),
    generation: fc.integer({ min: 1, max: 3 }),
    conclusion: fc.constantFrom('success', 'failure'),
    state_synced: fc.boolean(),
    updated_at: timeArb,
    summary_updated_at: timeArb,
  },
  { requiredKeys: ['state', 'generation', 'state_synced', 'updated_at'] },
) as fc.Arbitrary<ConclusionRunRecord>
const extrasArb: fc.Arbitrary<SuiteExtras> = fc.record(
  {
    aggregate: fc.record({ since: timeArb, reason: fc.constantFrom('x', 'y') }),
    conclusion_run: runArb,
  },
  { requiredKeys: [] },
)

describe('mergeSuiteExtras is a join', () => {
  // JSON equality: the merge may return either of two records that differ only in undefined keys.
  const same = (x: SuiteExtras, y: SuiteExtras): void => {
    expect(JSON.parse(JSON.stringify(x))).toEqual(JSON.parse(JSON.stringify(y)))
  }

  it('commutative', () => fc.assert(fc.property(extrasArb, extrasArb, (a, b) => same(mergeSuiteExtras(a, b), mergeSuiteExtras(b, a))), { numRuns: 2000 }))

  it('associative', () =>
    fc.assert(
      fc.property(extrasArb, extrasArb, extrasArb, (a, b, c) =>
        same(mergeSuiteExtras(mergeSuiteExtras(a, b), c), mergeSuiteExtras(a, mergeSuiteExtras(b, c))),
      ),
      { numRuns: 2000 },
    ))

  it('idempotent', () => fc.assert(fc.property(extrasArb, (a) => same(mergeSuiteExtras(a, a), a))))

  it('adds no undefined keys', () => {
    expect(mergeSuiteExtras({}, {})).toEqual({})
    expect(Object.keys(mergeSuiteExtras({}, { aggregate: { since: 'x', reason: 'y' } }))).toEqual(['aggregate'])
  })
})

describe('readSuiteExtras', () => {
  it('reads valid fields, keeps only the known ones, and leaves absent ones absent', () => {
    expect(readSuiteExtras({})).toEqual({ extras: {} })
    const conclusion_run = { state: 'built', generation: 2, state_synced: true, updated_at: 't', check_run_id: 9, node_id: 'CR_9', conclusion: 'failure', summary_updated_at: 's' }
    expect(readSuiteExtras({ aggregate: { since: 't', reason: 'r', extra: 1 }, conclusion_run: { ...conclusion_run, future: true } })).toEqual({
      extras: { aggregate: { since: 't', reason: 'r' }, conclusion_run },
    })
  })

  it.each([
    [{ aggregate: [] }, 'aggregate'],
    [{ aggregate: { since: '', reason: 'r' } }, 'aggregate.since'],
    [{ aggregate: { since: 't', reason: 1 } }, 'aggregate.reason'],
    [{ conclusion_run: 'x' }, 'conclusion_run'],
    [{ conclusion_run: { state: 'done', generation: 1, state_synced: true, updated_at: 't' } }, 'conclusion_run.state'],
    [{ conclusion_run: { state: 'built', generation: 0, state_synced: true, updated_at: 't' } }, 'conclusion_run.generation'],
    [{ conclusion_run: { state: 'built', generation: 1, state_synced: 'yes', updated_at: 't' } }, 'conclusion_run.state_synced'],
    [{ conclusion_run: { state: 'built', generation: 1, state_synced: true } }, 'conclusion_run.updated_at'],
    [{ conclusion_run: { state: 'built', generation: 1, state_synced: true, updated_at: 't', check_run_id: 1.5 } }, 'conclusion_run.check_run_id'],
    [{ conclusion_run: { state: 'built', generation: 1, state_synced: true, updated_at: 't', node_id: 3 } }, 'conclusion_run.node_id'],
    [{ conclusion_run: { state: 'built', generation: 1, state_synced: true, updated_at: 't', conclusion: 'neutral' } }, 'conclusion_run.conclusion'],
    [{ conclusion_run: { state: 'built', generation: 1, state_synced: true, updated_at: 't', summary_updated_at: null } }, 'conclusion_run.summary_updated_at'],
  ])('names the wrong field: %j', (doc, path) => {
    const result = readSuiteExtras(doc as Record<string, unknown>)
    expect('problem' in result && result.problem.path).toBe(path)
  })

  it('reads back what mergeSuiteExtras produces', () => {
    fc.assert(
      fc.property(extrasArb, extrasArb, (a, b) => {
        const merged = mergeSuiteExtras(a, b)
        const back = readSuiteExtras(JSON.parse(JSON.stringify(merged)))
        // Generated times may be '' (an unreadable time); the reader refuses those, rightly.
        if ('problem' in back) expect(JSON.stringify(merged)).toContain('""')
        else expect(back.extras).toEqual(JSON.parse(JSON.stringify(merged)))
      }),
    )
  })
})
