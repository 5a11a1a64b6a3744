// mergeAll is one linear pass; its definition is the fold of mergeServiceData over the documents
// (the join of each onto the accumulated one), which is what it computed before. The fold stays
// here as the reference: equal output (values, key order, and the very record objects chosen).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CorruptStateError,
  buildIdProblem,
  emptyServiceData,
  mergeAll,
  mergeServiceData,
  parseServiceData,
  serializeServiceData,
} from '../../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../../../src/checks/types.ts'
import { KEY, suiteFragments, T0 } from '../../suite-fragments.ts'

const SEED = 20261201

/** The reference: mergeAll as it was, a fold of the pairwise join. */
function foldMerge(key: SuiteKey, documents: readonly ServiceData[]): ServiceData {
  let merged = emptyServiceData(key)
  for (const document of documents) merged = mergeServiceData(merged, document)
  return merged
}

function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

// Small domains on purpose, so that ties in every rank are common. Integer-like ids ('7', '10')
// are enumerated before the others by JavaScript objects, so key order is exercised too.
const buildId = fc.oneof(
  fc.constantFrom('linux', 'mac', '__proto__', 'constructor', '10', '7', 'ü/ß'),
  fc.string({ minLength: 1, maxLength: 4 }).filter((s) => buildIdProblem(s) === undefined),
)
const time = fc.integer({ min: 0, max: 3 }).map((s) => new Date(T0 + s * 1000).toISOString())
const record: fc.Arbitrary<CheckRunRecord> = fc
  .record(
    {
      name: fc.constantFrom('ci / a', 'ci / b'),
      state: fc.constantFrom('queued', 'building', 'built' as const),
      generation: fc.integer({ min: 0, max: 1 }),
      check_run_id: fc.integer({ min: 1, max: 2 }),
      state_synced: fc.boolean(),
      conclusion: fc.constantFrom('success', 'failure' as const),
      updated_at: time,
      extra: fc.constantFrom(1, 2),
    },
    { requiredKeys: ['name', 'state', 'generation', 'state_synced', 'updated_at', 'conclusion'] },
  )
  .map(({ conclusion, ...rest }) => (rest.state === 'built' ? { ...rest, conclusion } : rest))
const aggregate = fc.record({ since: time, reason: fc.constantFrom('many builds', 'input') })
const conclusionRun = fc.record(
  {
    state: fc.constantFrom('queued', 'building', 'built' as const),
    generation: fc.integer({ min: 1, max: 2 }),
    state_synced: fc.boolean(),
    updated_at: time,
    check_run_id: fc.integer({ min: 1, max: 2 }),
    summary_updated_at: time,
  },
  { requiredKeys: ['state', 'generation', 'state_synced', 'updated_at'] },
)
// Unknown top-level fields (a newer writer's), including one that compares by its content.
const unknownField = fc.tuple(
  fc.constantFrom('repository_node_id', 'zeta', 'alpha', '__proto__'),
  fc.oneof(fc.constantFrom('R_1', 'R_2', 0, 3), fc.record({ b: fc.integer({ min: 0, max: 1 }), a: fc.boolean() })),
)
const document: fc.Arbitrary<ServiceData> = fc
  .record(
    {
      runs: fc.uniqueArray(fc.tuple(buildId, record), { selector: ([b]) => b, maxLength: 6 }),
      aggregate,
      conclusion_run: conclusionRun,
      unknown: fc.uniqueArray(unknownField, { selector: ([k]) => k, maxLength: 3 }),
    },
    { requiredKeys: ['runs', 'unknown'] },
  )
  .map(({ runs, unknown, ...suite }) => {
    const data: ServiceData = { ...emptyServiceData(KEY), ...suite }
    for (const [build, rec] of runs) setOwn(data.check_runs, build, rec)
    for (const [k, v] of unknown) setOwn(data, k, v)
    return data
  })

function expectSame(actual: ServiceData, expected: ServiceData): void {
  expect(Object.keys(actual)).toEqual(Object.keys(expected))
  expect(Object.keys(actual.check_runs)).toEqual(Object.keys(expected.check_runs))
  expect(actual).toStrictEqual(expected)
  for (const build of Object.keys(expected.check_runs)) {
    // merge returns records of its inputs: the same one, not an equal copy
    expect(Object.getOwnPropertyDescriptor(actual.check_runs, build)!.value).toBe(
      Object.getOwnPropertyDescriptor(expected.check_runs, build)!.value,
    )
  }
  expect(serializeServiceData(actual)).toBe(serializeServiceData(expected))
}

describe('mergeAll', () => {
  it('equals the fold of mergeServiceData over the same documents', () => {
    fc.assert(
      fc.property(fc.array(document, { maxLength: 8 }), (documents) => {
        expectSame(mergeAll(KEY, documents), foldMerge(KEY, documents))
      }),
      { seed: SEED, numRuns: 2000 },
    )
  })

  it('equals the fold when the same documents come again, as equal copies (re-read fragments)', () => {
    fc.assert(
      fc.property(fc.array(document, { minLength: 1, maxLength: 4 }), fc.nat(), (documents, at) => {
        // Equal records in distinct objects: ties, where the fold keeps the one it already holds.
        const copies = documents.slice(at % documents.length).map((d) => parseServiceData(serializeServiceData(d)))
        const again = [...documents, ...copies]
        expectSame(mergeAll(KEY, again), foldMerge(KEY, again))
        expectSame(mergeAll(KEY, again), mergeAll(KEY, documents))
      }),
      { seed: SEED, numRuns: 500 },
    )
  })

  it('reads its input once (a generator is enough)', () => {
    fc.assert(
      fc.property(fc.array(document, { maxLength: 5 }), (documents) => {
        function* once(): Generator<ServiceData> {
          yield* documents
        }
        expectSame(mergeAll(KEY, once()), foldMerge(KEY, documents))
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('throws the same suite-mismatch error as the fold, at the first document of another suite', () => {
    fc.assert(
      fc.property(fc.array(document, { maxLength: 4 }), fc.nat(), (documents, at) => {
        const other: ServiceData = { ...emptyServiceData({ ...KEY, suite: 'other' }), check_runs: {} }
        const list = [...documents]
        list.splice(at % (list.length + 1), 0, other)
        let expected: unknown
        try {
          foldMerge(KEY, list)
        } catch (error) {
          expected = error
        }
        expect(expected).toBeInstanceOf(CorruptStateError)
        expect(() => mergeAll(KEY, list)).toThrow(expect.objectContaining({
          message: (expected as Error).message,
          reason: 'suite-mismatch',
        }) as Error)
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('merges a suite of 10,000 builds (20,001 fragments), not quadratically', () => {
    // Not a timing goal (bench/merge.ts holds that: tens of milliseconds), a guard against the
    // quadratic fold coming back, which took over a minute for this: 30 s holds on a loaded machine.
    const documents = suiteFragments(10_000)
    const t0 = performance.now()
    const merged = mergeAll(KEY, documents)
    const elapsed = performance.now() - t0
    expect(Object.keys(merged.check_runs)).toHaveLength(10_000)
    expect(Object.values(merged.check_runs).every((r) => r.state === 'built')).toBe(true)
    expect(elapsed).toBeLessThan(30_000)
  })
})
