import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  conclusionFor,
  conclusionOutput,
  conclusionStep,
  cutToBytes,
  SUMMARY_LIMIT_BYTES,
  suiteConclusion,
  verdictOf,
} from '../../../src/checks/conclusion.ts'
import type { BuildState, CheckRunRecord, Conclusion, ConclusionRunRecord, ServiceData } from '../../../src/checks/types.ts'

const CONCLUSIONS: Conclusion[] = ['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required', 'stale']
const FAILING = new Set<Conclusion | undefined>(['failure', 'cancelled', 'timed_out', 'action_required', 'stale', undefined])

function build(name: string, state: BuildState, conclusion?: Conclusion, over: Partial<CheckRunRecord> = {}): CheckRunRecord {
  return {
    name,
    state,
    generation: 1,
    state_synced: true,
    ...(state === 'built' ? { conclusion } : {}),
    updated_at: '2026-05-01T12:00:00Z',
    ...over,
  }
}

/** A suite a queued step registered (the usual pipeline); pass `registered: undefined` for one without. */
function suite(runs: Record<string, CheckRunRecord>, extra: Partial<ServiceData> = {}): ServiceData {
  return { version: 1, repository: 'o/r', head_sha: 'a'.repeat(40), suite: 'ci', check_runs: runs, registered: { since: '2026-05-01T11:00:00Z' }, ...extra }
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')

describe('verdictOf', () => {
  it('passes success and skipped, fails the rest, neutral as told', () => {
    for (const c of CONCLUSIONS) {
      const expected = c === 'success' || c === 'skipped' ? 'pass' : c === 'neutral' ? 'pass' : 'fail'
      expect(verdictOf(c, 'success'), c).toBe(expected)
    }
    expect(verdictOf('neutral', 'failure')).toBe('fail')
    expect(verdictOf(undefined, 'success')).toBe('fail')
  })
})

describe('suiteConclusion', () => {
  it('is incomplete while a build is not built, and counts states and conclusions', () => {
    const r = suiteConclusion(
      suite({ a: build('a', 'built', 'failure'), b: build('b', 'building'), c: build('c', 'queued'), d: build('d', 'built', 'success') }),
      { warningAs: 'success' },
    )
    expect(r.complete).toBe(false)
    expect(r.conclusion).toBeUndefined()
    expect(r.total).toBe(4)
    expect(r.byState).toEqual({ queued: 1, building: 1, built: 2 })
    expect(r.byConclusion.failure).toBe(1)
    expect(r.byConclusion.success).toBe(1)
    expect(r.failed).toEqual(['a'])
    expect(r.unfinished).toEqual(['b', 'c'])
  })

  it('succeeds when every build passed (skipped counts as success, like GitHub)', () => {
    const r = suiteConclusion(suite({ a: build('a', 'built', 'success'), b: build('b', 'built', 'skipped') }), { warningAs: 'success' })
    expect(r).toMatchObject({ complete: true, conclusion: 'success', failed: [], unfinished: [] })
  })

  it.each(['failure', 'cancelled', 'timed_out', 'action_required', 'stale'] as const)('fails when one build is %s', (c) => {
    const r = suiteConclusion(suite({ a: build('a', 'built', 'success'), b: build('b', 'built', c) }), { warningAs: 'success' })
    expect(r).toMatchObject({ complete: true, conclusion: 'failure', failed: ['b'] })
  })

  it('fails on a built record without a conclusion, counted as unknown', () => {
    const r = suiteConclusion(suite({ a: build('a', 'built') }), { warningAs: 'success' })
    expect(r.conclusion).toBe('failure')
    expect(r.byConclusion.unknown).toBe(1)
  })

  it('counts neutral per warningAs', () => {
    const data = suite({ a: build('a', 'built', 'neutral'), b: build('b', 'built', 'success') })
    expect(suiteConclusion(data, { warningAs: 'success' }).conclusion).toBe('success')
    expect(suiteConclusion(data, { warningAs: 'failure' })).toMatchObject({ conclusion: 'failure', failed: ['a'] })
  })

  it('does not complete an empty suite, except at the end, where it fails', () => {
    expect(suiteConclusion(suite({}), { warningAs: 'success' })).toMatchObject({ complete: false, total: 0 })
    expect(suiteConclusion(suite({}), { warningAs: 'success', final: true })).toMatchObject({ complete: true, conclusion: 'failure' })
  })

  it('completes at the end (conclude) with unfinished builds as failures', () => {
    const data = suite({ a: build('a', 'built', 'success'), b: build('b', 'queued') })
    expect(suiteConclusion(data, { warningAs: 'success', final: true })).toMatchObject({
      complete: true,
      conclusion: 'failure',
      failed: [],
      unfinished: ['b'],
    })
    const done = suite({ a: build('a', 'built', 'success') })
    expect(suiteConclusion(done, { warningAs: 'success', final: true }).conclusion).toBe('success')
  })

  it('re-opens with a re-run: a build of a newer generation counts by that record', () => {
    const first = suite({ a: build('a', 'built', 'failure'), b: build('b', 'built', 'success') })
    expect(suiteConclusion(first, { warningAs: 'success' })).toMatchObject({ complete: true, conclusion: 'failure', generation: 1 })
    const rerun = suite({ a: build('a', 'building', undefined, { generation: 2 }), b: build('b', 'built', 'success') })
    expect(suiteConclusion(rerun, { warningAs: 'success' })).toMatchObject({ complete: false, generation: 2, failed: [] })
    const fixed = suite({ a: build('a', 'built', 'success', { generation: 2 }), b: build('b', 'built', 'success') })
    expect(suiteConclusion(fixed, { warningAs: 'success' })).toMatchObject({ complete: true, conclusion: 'success', generation: 2 })
  })

  const buildArb = fc
    .record({ state: fc.constantFrom<BuildState>('queued', 'building', 'built'), conclusion: fc.option(fc.constantFrom(...CONCLUSIONS), { nil: undefined }) })
    .map(({ state, conclusion }) => build('x', state, conclusion))

  it('is a failure iff some build failed, whatever the order of the builds', () => {
    fc.assert(
      fc.property(
        fc.array(buildArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<'success' | 'failure'>('success', 'failure'),
        fc.boolean(),
        fc.func(fc.integer()),
        (records, warningAs, final, shuffleKey) => {
          const entries = records.map((r, i) => [`b${i}`, r] as const)
          const shuffled = [...entries].sort(([x], [y]) => shuffleKey(x) - shuffleKey(y))
          const one = suiteConclusion(suite(Object.fromEntries(entries)), { warningAs, final })
          const two = suiteConclusion(suite(Object.fromEntries(shuffled)), { warningAs, final })
          expect(two).toEqual(one)
          const allBuilt = records.every((r) => r.state === 'built')
          expect(one.complete).toBe(final || allBuilt)
          if (!one.complete) return
          const failing = records.some(
            (r) => r.state !== 'built' || FAILING.has(r.conclusion) || (r.conclusion === 'neutral' && warningAs === 'failure'),
          )
          expect(one.conclusion).toBe(failing ? 'failure' : 'success')
        },
      ),
    )
  })
})

describe('conclusionOutput', () => {
  const reporter = (job: string) => ({ run_id: 9, run_attempt: 1, job, job_url: `https://github.com/o/r/actions/runs/9/job/${job}` })

  it('shows the builds, failures first, with links to their check runs', () => {
    const data = suite({
      lint: build('ci / lint', 'built', 'success', { check_run_id: 11, reporter: reporter('1') }),
      test: build('ci / test', 'built', 'failure', { check_run_id: 12, reporter: reporter('2') }),
      docs: build('ci / docs', 'building', undefined, { check_run_id: 13 }),
      pkg: build('ci / pkg', 'queued', undefined, { reporter: reporter('4') }),
    })
    const out = conclusionOutput(data, { warningAs: 'success' })
    expect(out.title).toBe('🟡 BUILDING · 2 of 4 builds built, 1 failed')
    const rows = out.summary.split('\n').filter((l) => l.startsWith('| ci'))
    expect(rows).toEqual([
      '| ci / test | built | 🔴 FAILURE | [check run](https://github.com/o/r/runs/12) |',
      '| ci / docs | 🟡 building | — | [check run](https://github.com/o/r/runs/13) |',
      '| ci / pkg | ⚪ queued | — | [job](https://github.com/o/r/actions/runs/9/job/4) |',
      '| ci / lint | built | 🟢 SUCCESS | [check run](https://github.com/o/r/runs/11) |',
    ])
    expect(out.summary).toContain('Waiting for the builds: 2 of 4 built, 1 failed.')
  })

  it('titles every phase', () => {
    const t = (runs: Record<string, CheckRunRecord>, final = false, warningAs: 'success' | 'failure' = 'success') =>
      conclusionOutput(suite(runs), { warningAs, final }).title
    expect(t({})).toBe('⚪ QUEUED · waiting for the builds')
    expect(t({}, true)).toBe('🔴 FAILURE · no builds were reported')
    expect(t({ a: build('a', 'queued'), b: build('b', 'queued') })).toBe('⚪ QUEUED · waiting for 2 builds')
    expect(t({ a: build('a', 'built', 'success') })).toBe('🟢 SUCCESS · 1 build')
    expect(t({ a: build('a', 'built', 'success'), b: build('b', 'built', 'neutral') })).toBe('🟢 SUCCESS · 2 builds, 1 neutral')
    expect(t({ a: build('a', 'built', 'success'), b: build('b', 'built', 'neutral') }, false, 'failure')).toBe(
      '🔴 FAILURE · 2 builds: 1 failed',
    )
    expect(t({ a: build('a', 'built', 'success'), b: build('b', 'queued') }, true)).toBe('🔴 FAILURE · 2 builds: 1 never finished')
    expect(t({ a: build('a', 'built', 'failure'), b: build('b', 'building') }, true)).toBe(
      '🔴 FAILURE · 2 builds: 1 failed, 1 never finished',
    )
  })

  it('uses the server URL for check-run links (GHES) and the job link when there is no check run', () => {
    const data = suite({ a: build('a', 'built', 'success', { check_run_id: 5 }), b: build('b', 'built', 'success', { details_url: 'https://ghes.example/job/2' }) })
    const out = conclusionOutput(data, { warningAs: 'success', serverUrl: 'https://ghes.example/' })
    expect(out.summary).toContain('[check run](https://ghes.example/o/r/runs/5)')
    expect(out.summary).toContain('[job](https://ghes.example/job/2)')
  })

  it('in aggregate mode shows counts and the failed builds linked to their jobs, not every build', () => {
    const runs: Record<string, CheckRunRecord> = {}
    for (let i = 0; i < 300; i++) runs[`b${i}`] = build(`ci / b${i}`, 'built', i % 100 === 7 ? 'failure' : 'success', { reporter: reporter(`${i}`), check_run_id: i })
    runs.late = build('ci / late', 'building')
    const data = suite(runs, { aggregate: { since: '2026-05-01T12:00:00Z', reason: '301 builds, more than aggregate-above (100)' } })
    const out = conclusionOutput(data, { warningAs: 'success' })
    expect(out.title).toBe('🟡 BUILDING · 300 of 301 builds built, 3 failed')
    expect(out.summary).toContain('Aggregate mode (301 builds, more than aggregate-above (100)): only this check run')
    expect(out.summary).toContain('| queued | 0 |\n| building | 1 |\n| built | 300 |')
    expect(out.summary).toContain('| 🟢 SUCCESS | 297 |\n| 🔴 FAILURE | 3 |')
    expect(out.summary).toContain(
      '### Failed builds\n\n- [ci / b7](https://github.com/o/r/actions/runs/9/job/7) · 🔴 FAILURE\n- [ci / b107](https://github.com/o/r/actions/runs/9/job/107) · 🔴 FAILURE\n- [ci / b207]',
    )
    expect(out.summary).not.toContain('/runs/7)')
    expect(out.summary).not.toContain('ci / b8')
    expect(out.summary).not.toContain('never finished')

    const final = conclusionOutput(data, { warningAs: 'success', final: true })
    expect(final.title).toBe('🔴 FAILURE · 301 builds: 3 failed, 1 never finished')
    expect(final.summary).toContain('### Builds that never finished\n\n- ci / late · 🟡 BUILDING')
  })

  it('the aggregate option overrides what the data records', () => {
    const data = suite({ a: build('a', 'built', 'failure', { check_run_id: 3 }) })
    expect(conclusionOutput(data, { warningAs: 'success', aggregate: true }).summary).toContain('### Failed builds')
    expect(conclusionOutput(data, { warningAs: 'success' }).summary).not.toContain('### Failed builds')
  })

  it('escapes names, so a name cannot break the table or inject a link', () => {
    const data = suite({ x: build('a | b [c](https://evil.example) <b>', 'built', 'success') })
    const row = conclusionOutput(data, { warningAs: 'success' }).summary.split('\n').at(-1)!
    expect(row).toBe('| a \\| b \\[c\\](https://evil.example) \\<b\\> | built | 🟢 SUCCESS | — |')
  })

  it('cuts the table with "… and N more" to fit the limit', () => {
    const runs: Record<string, CheckRunRecord> = {}
    for (let i = 0; i < 50; i++) runs[`b${i}`] = build(`build ${i}`, 'built', 'success')
    const out = conclusionOutput(suite(runs), { warningAs: 'success', limitBytes: 1000 })
    expect(bytes(out.summary)).toBeLessThanOrEqual(1000)
    const shown = out.summary.split('\n').filter((l) => l.startsWith('| build ')).length
    expect(shown).toBeGreaterThan(5)
    expect(out.summary.endsWith(`… and ${50 - shown} more`)).toBe(true)
  })

  it('stays within 65535 bytes for any suite up to 5,000 builds, long multi-byte names included', () => {
    const nameArb = fc.string({ unit: fc.constantFrom('a', 'é', '€', '𝄞', '👩‍👩‍👧‍👦', '|', '*', '\n'), minLength: 0, maxLength: 400 })
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        nameArb,
        fc.array(fc.tuple(fc.constantFrom<BuildState>('queued', 'building', 'built'), fc.constantFrom(...CONCLUSIONS)), { minLength: 1, maxLength: 9 }),
        fc.boolean(),
        fc.boolean(),
        (count, base, pattern, aggregate, final) => {
          const runs: Record<string, CheckRunRecord> = {}
          for (let i = 0; i < count; i++) {
            const [state, conclusion] = pattern[i % pattern.length]!
            runs[`${base}${i}`] = build(`${base} ${i}`, state, conclusion, {
              check_run_id: i,
              details_url: `https://github.com/o/r/actions/runs/1/job/${'9'.repeat(900)}`,
            })
          }
          const out = conclusionOutput(suite(runs), { warningAs: 'success', aggregate, final })
          expect(bytes(out.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
          const lines = out.summary.split('\n')
          const more = lines.map((l) => Number(/^… and (\d+) more$/.exec(l)?.[1] ?? 0)).reduce((a, b) => a + b, 0)
          if (aggregate) {
            const r = suiteConclusion(suite(runs), { warningAs: 'success', final })
            const listed = lines.filter((l) => l.startsWith('- ')).length
            // A section is left out only when not even its header fits; a cut one says by how many.
            let expected = 0
            if (r.failed.length > 0) {
              expect(lines).toContain('### Failed builds')
              expected += r.failed.length
            }
            if (final && r.unfinished.length > 0) {
              if (lines.includes('### Builds that never finished')) expected += r.unfinished.length
              else expect(bytes(out.summary)).toBeGreaterThan(SUMMARY_LIMIT_BYTES - 100)
            }
            expect(listed + more).toBe(expected)
          } else {
            const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| Build |') && !l.startsWith('| --- ')).length
            expect(rows + more).toBe(count)
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('cutToBytes', () => {
  it('cuts at a character boundary with a notice, and leaves short text alone', () => {
    expect(cutToBytes('héllo', 100)).toBe('héllo')
    const cut = cutToBytes('𝄞'.repeat(100), 60)
    expect(bytes(cut)).toBeLessThanOrEqual(60)
    expect(cut).toMatch(/^(𝄞)+\n\n… \(cut to fit GitHub's limit\)$/)
    expect(cutToBytes('𝄞𝄞', 5)).toBe('𝄞')
  })
})

describe('conclusionStep', () => {
  const open = (over: Partial<ConclusionRunRecord> = {}): ConclusionRunRecord => ({
    state: 'building', generation: 1, state_synced: true, updated_at: 't', check_run_id: 77, ...over,
  })
  const result = (runs: Record<string, CheckRunRecord>, final = false) => suiteConclusion(suite(runs), { warningAs: 'success', final })
  const running = result({ a: build('a', 'building') })
  const failed = result({ a: build('a', 'built', 'failure') })
  const rerun = result({ a: build('a', 'building', undefined, { generation: 2 }) })
  const fixed = result({ a: build('a', 'built', 'success', { generation: 2 }) })

  it('creates the run with the queued step, and completed at once if the suite already is', () => {
    expect(conclusionStep(undefined, result({}))).toEqual({ op: 'create', state: 'building', generation: 1 })
    expect(conclusionStep(undefined, running)).toEqual({ op: 'create', state: 'building', generation: 1 })
    expect(conclusionStep(undefined, failed)).toEqual({ op: 'create', state: 'built', generation: 1, conclusion: 'failure' })
  })

  it('completes an open run when every build is built, else only refreshes its summary', () => {
    expect(conclusionStep(open(), running)).toEqual({ op: 'refresh', generation: 1 })
    expect(conclusionStep(open(), failed)).toEqual({ op: 'update', state: 'built', generation: 1, conclusion: 'failure' })
  })

  it('leaves a completed run alone in its generation, and re-opens with a new run for a re-run', () => {
    const done = open({ state: 'built', conclusion: 'failure' })
    expect(conclusionStep(done, failed)).toEqual({ op: 'none', generation: 1 })
    expect(conclusionStep(done, rerun)).toEqual({ op: 'create', state: 'building', generation: 2 })
    const reopened = open({ generation: 2, check_run_id: 78 })
    expect(conclusionStep(reopened, fixed)).toEqual({ op: 'update', state: 'built', generation: 2, conclusion: 'success' })
    // Still open from generation 1 when the re-run arrives: the same run moves on.
    expect(conclusionStep(open(), rerun)).toEqual({ op: 'update', state: 'building', generation: 2 })
  })

  it('re-sends what may not have reached GitHub', () => {
    expect(conclusionStep(open({ state_synced: false }), running)).toEqual({ op: 'update', state: 'building', generation: 1 })
    expect(conclusionStep(open({ check_run_id: undefined, state_synced: false }), running)).toEqual({ op: 'create', state: 'building', generation: 1 })
    // A completion not confirmed is re-sent with the answer it recorded, while the suite agrees.
    expect(conclusionStep(open({ state: 'built', conclusion: 'failure', state_synced: false }), result({ a: build('a', 'built', 'failure') }))).toEqual({
      op: 'update', state: 'built', generation: 1, conclusion: 'failure',
    })
  })

  it('creates a new run when a later report contradicts the completed one (GitHub keeps a completed run)', () => {
    for (const synced of [true, false]) {
      const green = open({ state: 'built', conclusion: 'success', state_synced: synced })
      const data = suite({ a: build('a', 'built', 'success'), b: build('b', 'built', 'failure') })
      expect(conclusionStep(green, conclusionFor(data, green, { warningAs: 'success' }))).toEqual({ op: 'create', state: 'built', generation: 1, conclusion: 'failure' })
    }
    // Once completed in its generation the suite was declared over: a build still pending counts as failed.
    const green = open({ state: 'built', conclusion: 'success' })
    const pending = suite({ a: build('a', 'built', 'success'), b: build('b', 'building') })
    expect(conclusionFor(pending, green, { warningAs: 'success' })).toMatchObject({ complete: true, conclusion: 'failure', unfinished: ['b'] })
    expect(conclusionStep(green, conclusionFor(pending, green, { warningAs: 'success' }))).toMatchObject({ op: 'create', conclusion: 'failure' })
    // And one that agrees leaves it alone.
    const agreed = suite({ a: build('a', 'built', 'success') })
    expect(conclusionStep(green, conclusionFor(agreed, green, { warningAs: 'success' }))).toEqual({ op: 'none', generation: 1 })
  })

  it('never completes a suite no queued step registered, except at the end', () => {
    const data = suite({ a: build('a', 'built', 'success') }, { registered: undefined })
    expect(suiteConclusion(data, { warningAs: 'success' })).toMatchObject({ complete: false })
    expect(suiteConclusion(data, { warningAs: 'success', final: true })).toMatchObject({ complete: true, conclusion: 'success' })
    expect(conclusionStep(undefined, suiteConclusion(data, { warningAs: 'success' }))).toMatchObject({ op: 'create', state: 'building' })
  })

  it('conclude completes an open run even with builds that never finished', () => {
    expect(conclusionStep(open(), result({ a: build('a', 'queued') }, true))).toEqual({ op: 'update', state: 'built', generation: 1, conclusion: 'failure' })
  })
})
