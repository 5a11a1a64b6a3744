import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  buildGetsCheckRun,
  decideAggregate,
  mutationsNeeded,
  SECONDARY_HOURLY_LIMIT,
  shouldRefreshAggregate,
} from '../../../src/checks/aggregate.ts'

describe('decideAggregate', () => {
  const base = { aggregateAbove: 100, alreadyAggregate: false }

  it('reports one check run per build for a small suite', () => {
    expect(decideAggregate({ ...base, buildCount: 0 })).toEqual({ aggregate: false })
    expect(decideAggregate({ ...base, buildCount: 100, rateLimitRemaining: 5000 })).toEqual({ aggregate: false })
  })

  it('switches above aggregate-above', () => {
    expect(decideAggregate({ ...base, buildCount: 101 })).toEqual({
      aggregate: true,
      reason: '101 builds, more than aggregate-above (100)',
    })
    expect(decideAggregate({ ...base, aggregateAbove: 0, buildCount: 1 })).toEqual({
      aggregate: true,
      reason: '1 build, more than aggregate-above (0)',
    })
  })

  it("switches when the suite cannot fit GitHub's 500 content-creating requests an hour, whatever aggregate-above says", () => {
    expect(mutationsNeeded(166)).toBe(500)
    expect(decideAggregate({ ...base, aggregateAbove: 10_000, buildCount: 166 })).toEqual({ aggregate: false })
    expect(decideAggregate({ ...base, aggregateAbove: 10_000, buildCount: 167 })).toEqual({
      aggregate: true,
      reason: "167 builds need about 503 check-run mutations, more than GitHub's 500 content-creating requests an hour",
    })
  })

  it('switches when the remaining rate limit is too low, keeping half of it for everything else', () => {
    // 50 builds: 152 mutations; switch below 304 remaining.
    expect(decideAggregate({ ...base, buildCount: 50, rateLimitRemaining: 304 })).toEqual({ aggregate: false })
    expect(decideAggregate({ ...base, buildCount: 50, rateLimitRemaining: 303 })).toEqual({
      aggregate: true,
      reason: '50 builds need about 152 requests; the installation has 303 left this hour',
    })
    expect(decideAggregate({ ...base, buildCount: 1, rateLimitRemaining: 0 }).aggregate).toBe(true)
  })

  it('is sticky once recorded', () => {
    expect(decideAggregate({ ...base, buildCount: 1, rateLimitRemaining: 5000, alreadyAggregate: true })).toEqual({
      aggregate: true,
      reason: 'already in aggregate mode',
    })
  })

  it('is monotone: more builds or less budget never turns aggregate mode off', () => {
    fc.assert(
      fc.property(
        fc.nat(2000),
        fc.nat(2000),
        fc.nat(500),
        fc.option(fc.nat(5000), { nil: undefined }),
        fc.nat(5000),
        (builds, extra, above, remaining, spent) => {
          const before = decideAggregate({ buildCount: builds, aggregateAbove: above, rateLimitRemaining: remaining, alreadyAggregate: false })
          const after = decideAggregate({
            buildCount: builds + extra,
            aggregateAbove: above,
            rateLimitRemaining: remaining === undefined ? undefined : Math.max(0, remaining - spent),
            alreadyAggregate: false,
          })
          if (before.aggregate) expect(after.aggregate).toBe(true)
          expect(before.aggregate).toBe(before.reason !== undefined)
          // Whenever one check run per build is chosen, it fits the hourly secondary limit.
          if (!before.aggregate) expect(mutationsNeeded(builds)).toBeLessThanOrEqual(SECONDARY_HOURLY_LIMIT)
        },
      ),
    )
  })
})

describe('buildGetsCheckRun', () => {
  it('gives every build its check run, and in aggregate mode only those created before the switch', () => {
    expect(buildGetsCheckRun(false, undefined)).toBe(true)
    expect(buildGetsCheckRun(true, undefined)).toBe(false)
    expect(buildGetsCheckRun(true, {})).toBe(false)
    expect(buildGetsCheckRun(true, { check_run_id: 7 })).toBe(true)
  })
})

describe('shouldRefreshAggregate', () => {
  const t0 = '2026-05-01T12:00:00.000Z'

  it('refreshes at most every interval, always at the end and the first time', () => {
    expect(shouldRefreshAggregate(undefined, t0, 30, false)).toBe(true)
    expect(shouldRefreshAggregate(t0, '2026-05-01T12:00:29.999Z', 30, false)).toBe(false)
    expect(shouldRefreshAggregate(t0, '2026-05-01T12:00:30.000Z', 30, false)).toBe(true)
    expect(shouldRefreshAggregate(t0, t0, 30, true)).toBe(true)
    expect(shouldRefreshAggregate(t0, t0, 0, false)).toBe(true)
  })

  it('accepts Dates, and is not blocked by an unreadable or far-future last update', () => {
    expect(shouldRefreshAggregate(new Date(t0), new Date(Date.parse(t0) + 10_000), 30, false)).toBe(false)
    expect(shouldRefreshAggregate('garbage', t0, 30, false)).toBe(true)
    // Another runner's clock 10 s ahead: wait; an hour ahead: do not wait an hour.
    expect(shouldRefreshAggregate('2026-05-01T12:00:10Z', t0, 30, false)).toBe(false)
    expect(shouldRefreshAggregate('2026-05-01T13:00:00Z', t0, 30, false)).toBe(true)
  })
})
