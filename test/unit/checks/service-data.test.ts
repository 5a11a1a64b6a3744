// The state document: strict parse, stable serialize, the join merge, and the stable ids.
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  CorruptStateError,
  buildIdProblem,
  buildKey,
  compareRecords,
  emptyServiceData,
  externalId,
  findAdoptable,
  mergeAll,
  mergeRecords,
  mergeServiceData,
  parseExternalId,
  parseServiceData,
  serializeRecord,
  serializeServiceData,
  stateRank,
  suiteHash,
} from '../../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../../../src/checks/types.ts'
import { fragmentSuiteHash } from '../../../src/store/naming.ts'

const KEY: SuiteKey = { repository: 'octo/repo', head_sha: 'a'.repeat(40), suite: 'ci' }
const T0 = Date.UTC(2025, 0, 1)

// Small domains on purpose: ties in (generation, state, time) must be common.
const buildId = fc.oneof(
  fc.constantFrom('linux', 'windows', 'mac', '__proto__', 'constructor', 'linux (gcc, 13)', 'ü/ß'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => buildIdProblem(s) === undefined),
)
const time = fc.integer({ min: 0, max: 4 }).map((s) => new Date(T0 + s * 1000).toISOString())
const reporter = fc.record(
  {
    run_id: fc.integer({ min: 1, max: 3 }),
    run_attempt: fc.integer({ min: 1, max: 3 }),
    job: fc.constantFrom('build', 'test'),
    job_url: fc.constant('https://github.com/octo/repo/actions/runs/1/job/2'),
  },
  { requiredKeys: ['run_id', 'run_attempt', 'job'] },
)
const record: fc.Arbitrary<CheckRunRecord> = fc
  .record(
    {
      name: fc.constantFrom('ci / a', 'ci / b'),
      state: fc.constantFrom('queued', 'building', 'built' as const),
      generation: fc.integer({ min: 0, max: 2 }),
      check_run_id: fc.integer({ min: 1, max: 3 }),
      node_id: fc.constantFrom('CR_1', 'CR_2'),
      state_synced: fc.boolean(),
      conclusion: fc.constantFrom('success', 'failure', 'stale' as const),
      details_url: fc.constant('https://example.com/x'),
      updated_at: time,
      reporter,
    },
    { requiredKeys: ['name', 'state', 'generation', 'state_synced', 'updated_at', 'conclusion'] },
  )
  .map(({ conclusion, ...rest }) => (rest.state === 'built' ? { ...rest, conclusion } : rest))

function dataOf(entries: [string, CheckRunRecord][]): ServiceData {
  const data = emptyServiceData(KEY)
  for (const [build, rec] of entries) Object.defineProperty(data.check_runs, build, { value: rec, enumerable: true, writable: true, configurable: true })
  return data
}
const serviceData = fc
  .uniqueArray(fc.tuple(buildId, record), { selector: ([b]) => b, maxLength: 6 })
  .map(dataOf)
// Three documents over the same few builds, so merges meet.
const sameBuilds = fc.tuple(
  ...[0, 1, 2].map(() =>
    fc.uniqueArray(fc.tuple(fc.constantFrom('a', 'b', '__proto__'), record), { selector: ([b]) => b }).map(dataOf),
  ),
)

const text = (d: ServiceData) => serializeServiceData(d)

function expectOnlyCorrupt(input: string): void {
  try {
    parseServiceData(input)
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptStateError)
    expect((error as Error).message).not.toContain('\n')
  }
}

describe('merge is a join', () => {
  it('is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(sameBuilds, ([a, b, c]) => {
        expect(text(mergeServiceData(a, b))).toBe(text(mergeServiceData(b, a)))
        expect(text(mergeServiceData(mergeServiceData(a, b), c))).toBe(
          text(mergeServiceData(a, mergeServiceData(b, c))),
        )
        expect(text(mergeServiceData(a, a))).toBe(text(a))
        expect(mergeServiceData(a, a)).toEqual(a)
      }),
      { numRuns: 500 },
    )
  })

  it('never lowers a build’s (generation, state) and keeps every build', () => {
    fc.assert(
      fc.property(sameBuilds, ([a, b]) => {
        const merged = mergeServiceData(a, b)
        for (const side of [a, b]) {
          for (const [build, rec] of Object.entries(side.check_runs)) {
            const m = merged.check_runs[build]!
            expect(Object.hasOwn(merged.check_runs, build)).toBe(true)
            expect(m.generation).toBeGreaterThanOrEqual(rec.generation)
            if (m.generation === rec.generation) expect(stateRank(m.state)).toBeGreaterThanOrEqual(stateRank(rec.state))
          }
        }
        expect(Object.keys(merged.check_runs).sort()).toEqual(
          [...new Set([...Object.keys(a.check_runs), ...Object.keys(b.check_runs)])].sort(),
        )
      }),
    )
  })

  it('orders records totally: antisymmetric, and equal only when identical', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        expect(Math.sign(compareRecords(a, b))).toBe(-Math.sign(compareRecords(b, a)))
        expect(compareRecords(a, b) === 0).toBe(serializeRecord(a) === serializeRecord(b))
        const m = mergeRecords(a, b)
        expect(m === a || m === b).toBe(true)
      }),
    )
  })

  const base: CheckRunRecord = {
    name: 'ci / a',
    state: 'queued',
    generation: 1,
    state_synced: true,
    updated_at: '2025-01-01T00:00:00.000Z',
  }

  it('on a tie keeps a known check_run_id, then synced, then the later time', () => {
    const lost = { ...base, state_synced: false }
    const adopted = { ...base, check_run_id: 7 }
    expect(mergeRecords(lost, adopted)).toBe(adopted)
    expect(mergeRecords(adopted, lost)).toBe(adopted)
    const unsynced = { ...base, check_run_id: 7, state_synced: false }
    expect(mergeRecords(unsynced, adopted)).toBe(adopted)
    expect(mergeRecords(adopted, unsynced)).toBe(adopted)
    const later = { ...adopted, updated_at: '2025-01-01T00:00:05.000Z' }
    expect(mergeRecords(adopted, later)).toBe(later)
  })

  it('a later transition of the same state wins even before it is synced (a rebuild)', () => {
    // built(failure) reached GitHub; a later built(success) did not: the later one must win,
    // or no one would ever re-send it (see compareRecords).
    const first: CheckRunRecord = { ...base, state: 'built', conclusion: 'failure', check_run_id: 7 }
    const rebuild: CheckRunRecord = {
      ...base,
      state: 'built',
      conclusion: 'success',
      state_synced: false,
      updated_at: '2025-01-01T00:01:00.000Z',
    }
    expect(mergeRecords(first, rebuild)).toBe(rebuild)
    expect(mergeRecords(rebuild, first)).toBe(rebuild)
  })

  it('a higher generation wins over a later state of an older one', () => {
    const old: CheckRunRecord = { ...base, state: 'built', conclusion: 'success', check_run_id: 7, updated_at: '2025-01-02T00:00:00Z' }
    const rerun: CheckRunRecord = { ...base, generation: 2, state_synced: false }
    expect(mergeRecords(old, rerun)).toBe(rerun)
  })

  it('refuses to merge documents of different suites', () => {
    const other = emptyServiceData({ ...KEY, suite: 'nightly' })
    expect(() => mergeServiceData(emptyServiceData(KEY), other)).toThrow(CorruptStateError)
    try {
      mergeServiceData(emptyServiceData(KEY), emptyServiceData({ ...KEY, head_sha: 'b'.repeat(40) }))
    } catch (error) {
      expect((error as CorruptStateError).reason).toBe('suite-mismatch')
    }
    expect(() => mergeAll(KEY, [other])).toThrow(/different suites/)
  })
})

describe('parse and serialize', () => {
  it('round-trips: parse(serialize(x)) = x, and the text is stable', () => {
    fc.assert(
      fc.property(serviceData, (data) => {
        const once = serializeServiceData(data)
        const parsed = parseServiceData(once)
        expect(parsed).toEqual(data)
        expect(serializeServiceData(parsed)).toBe(once)
      }),
      { numRuns: 300 },
    )
  })

  it('writes equal data as equal text whatever the key order', () => {
    const a = dataOf([
      ['b', { name: 'ci / b', state: 'queued', generation: 1, state_synced: true, updated_at: '2025-01-01T00:00:00Z' }],
      ['a', { updated_at: '2025-01-01T00:00:00Z', state_synced: false, generation: 1, state: 'queued', name: 'ci / a' }],
    ])
    const b = dataOf([
      ['a', { name: 'ci / a', state: 'queued', generation: 1, state_synced: false, updated_at: '2025-01-01T00:00:00Z' }],
      ['b', { updated_at: '2025-01-01T00:00:00Z', generation: 1, state_synced: true, state: 'queued', name: 'ci / b' }],
    ])
    expect(serializeServiceData(a)).toBe(serializeServiceData(b))
    expect(serializeServiceData(a).indexOf('"a"')).toBeLessThan(serializeServiceData(a).indexOf('"b"'))
  })

  it('keeps unknown fields (forward compatibility) and merges them', () => {
    const doc = JSON.parse(serializeServiceData(emptyServiceData(KEY)))
    doc.future = { z: 1, a: [true, null] }
    doc.check_runs.x = {
      name: 'ci / x', state: 'built', generation: 1, state_synced: true, conclusion: 'success',
      updated_at: '2025-01-01T00:00:00Z', shiny: 'new', reporter: { run_id: 1, run_attempt: 1, job: 'j', extra: 2 },
    }
    const parsed = parseServiceData(JSON.stringify(doc))
    expect((parsed as unknown as { future: unknown }).future).toEqual({ z: 1, a: [true, null] })
    expect((parsed.check_runs.x as unknown as { shiny: string }).shiny).toBe('new')
    const again = serializeServiceData(parsed)
    expect(again).toContain('"future":{"a":[true,null],"z":1}')
    expect(again).toContain('"extra":2')
    expect(parseServiceData(again)).toEqual(parsed)
    const merged = mergeServiceData(emptyServiceData(KEY), parsed)
    expect((merged as unknown as { future: unknown }).future).toEqual({ z: 1, a: [true, null] })
  })

  it('tolerates a byte-order mark', () => {
    expect(parseServiceData('\uFEFF' + serializeServiceData(emptyServiceData(KEY)))).toEqual(emptyServiceData(KEY))
  })

  const valid = () => JSON.parse(serializeServiceData(dataOf([[
    'linux',
    { name: 'ci / linux', state: 'queued', generation: 1, state_synced: true, updated_at: '2025-01-01T00:00:00Z' },
  ]])))
  const cases: [string, (doc: any) => unknown, RegExp, string][] = [
    ['a newer version', (d) => { d.version = 2; d.check_runs = 'whatever' }, /version 2 was written by a newer github-app-ci.*upgrade the action/, 'newer-version'],
    ['an older version', (d) => { d.version = 0 }, /version must be 1/, 'shape'],
    ['no version', (d) => { delete d.version }, /version must be an integer/, 'shape'],
    ['a negative generation', (d) => { d.check_runs.linux.generation = -1 }, /check_runs\["linux"\]\.generation must be a non-negative integer, got -1/, 'shape'],
    ['a fractional generation', (d) => { d.check_runs.linux.generation = 1.5 }, /generation/, 'shape'],
    ['an unknown state', (d) => { d.check_runs.linux.state = 'running' }, /state must be one of queued, building, built, got "running"/, 'shape'],
    ['built without conclusion', (d) => { d.check_runs.linux.state = 'built' }, /conclusion of a built record/, 'shape'],
    ['a conclusion while queued', (d) => { d.check_runs.linux.conclusion = 'success' }, /conclusion must be absent/, 'shape'],
    ['an unknown conclusion', (d) => { d.check_runs.linux.state = 'built'; d.check_runs.linux.conclusion = 'great' }, /must be one of success/, 'shape'],
    ['a bad time', (d) => { d.check_runs.linux.updated_at = 'yesterday' }, /updated_at must be an ISO 8601 time/, 'shape'],
    ['a zero check_run_id', (d) => { d.check_runs.linux.check_run_id = 0 }, /check_run_id must be a positive integer/, 'shape'],
    ['a null check_run_id', (d) => { d.check_runs.linux.check_run_id = null }, /check_run_id/, 'shape'],
    ['a string synced flag', (d) => { d.check_runs.linux.state_synced = 'yes' }, /state_synced must be true or false/, 'shape'],
    ['an empty build id', (d) => { d.check_runs[''] = d.check_runs.linux }, /build id .* is empty/, 'shape'],
    ['a control character in a build id', (d) => { d.check_runs['a\nb'] = d.check_runs.linux }, /control character/, 'shape'],
    ['a bad repository', (d) => { d.repository = 'no-slash' }, /repository must be "owner\/name"/, 'shape'],
    ['a short sha', (d) => { d.head_sha = 'abc' }, /head_sha/, 'shape'],
    ['check_runs as an array', (d) => { d.check_runs = [] }, /check_runs must be an object/, 'shape'],
    ['a bad reporter', (d) => { d.check_runs.linux.reporter = { run_id: 1 } }, /reporter\.run_attempt/, 'shape'],
    ['an extra nested too deep', (d) => { d.extra = JSON.parse('['.repeat(40) + ']'.repeat(40)) }, /nested at most 32 deep/, 'shape'],
    ['a document nested too deep', (d) => { d.extra = JSON.parse('['.repeat(70) + ']'.repeat(70)) }, /nested more than 64 levels/, 'shape'],
    ['an infinite extra', (d) => { d.extra = 1e400 }, /finite/, 'shape'],
  ]
  for (const [what, mutate, message, reason] of cases) {
    it(`rejects ${what} with a clear CorruptStateError`, () => {
      const doc = valid()
      mutate(doc)
      const json = JSON.stringify(doc).replace('"extra":null', '"extra":1e400')
      let caught: unknown
      try {
        parseServiceData(json)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(CorruptStateError)
      expect((caught as CorruptStateError).reason).toBe(reason)
      expect((caught as Error).message).toMatch(message)
    })
  }

  it('rejects invalid JSON and non-objects', () => {
    for (const input of ['', '{', 'null', '[]', '"x"', '42', 'true']) {
      expect(() => parseServiceData(input)).toThrow(CorruptStateError)
    }
    try {
      parseServiceData('{"version":')
    } catch (error) {
      expect((error as CorruptStateError).reason).toBe('not-json')
      expect((error as Error).message).toMatch(/^state document is not valid JSON/)
    }
  })

  it('throws only CorruptStateError on arbitrary strings and JSON (fuzz)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), expectOnlyCorrupt), { numRuns: 500 })
    fc.assert(fc.property(fc.jsonValue(), (v) => expectOnlyCorrupt(JSON.stringify(v))), { numRuns: 500 })
    fc.assert(fc.property(fc.anything(), (v) => {
      let json: string | undefined
      try { json = JSON.stringify(v) } catch { return }
      if (json !== undefined) expectOnlyCorrupt(json)
    }), { numRuns: 300 })
  })

  it('throws only CorruptStateError when any field of a valid document is replaced (fuzz)', () => {
    const paths = [
      ['version'], ['repository'], ['head_sha'], ['suite'], ['check_runs'], ['check_runs', 'linux'],
      ...['name', 'state', 'generation', 'check_run_id', 'node_id', 'state_synced', 'conclusion', 'details_url', 'updated_at', 'reporter', 'other']
        .map((k) => ['check_runs', 'linux', k]),
      ['check_runs', 'linux', 'reporter', 'run_id'], ['check_runs', 'linux', 'reporter', 'job_url'],
    ]
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        const doc = valid()
        doc.check_runs.linux.reporter = { run_id: 1, run_attempt: 1, job: 'j' }
        let at = doc
        for (const k of path.slice(0, -1)) at = at[k]
        at[path.at(-1)!] = value
        expectOnlyCorrupt(JSON.stringify(doc))
      }),
      { numRuns: 1000 },
    )
  })

  it('does not hang or overflow on 10 MiB of junk or deep nesting', () => {
    const mib = 1024 * 1024
    const inputs = [
      randomBytes(10 * mib).toString('latin1'),
      randomBytes(10 * mib).toString('utf16le'),
      '{"version":1,' + '"x":"\\"'.repeat(mib),
      '['.repeat(10 * mib),
      '{"a":'.repeat(2 * mib),
      '[1,'.repeat(3 * mib),
      '{"version":1,"s":"' + '['.repeat(10 * mib),
      `{"version":1,"repository":"o/r","head_sha":"${'a'.repeat(40)}","suite":"ci","check_runs":{},"x":${'['.repeat(mib)}${']'.repeat(mib)}}`,
      JSON.stringify({ ...emptyServiceData(KEY), check_runs: { a: 'x'.repeat(10 * mib) } }),
    ]
    const started = Date.now()
    for (const input of inputs) expect(() => parseServiceData(input)).toThrow(CorruptStateError)
    // Not a timing goal, a hang guard: these are linear and take well under a second each.
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  it('refuses text larger than the size limit before parsing it', () => {
    const big = ' '.repeat(64 * 1024 * 1024 + 1)
    try {
      parseServiceData(big)
      expect.unreachable()
    } catch (error) {
      expect((error as CorruptStateError).reason).toBe('too-large')
    }
  })
})

describe('stable ids', () => {
  it('suiteHash is 16 hex characters, stable, and differs between suites', () => {
    expect(suiteHash(KEY)).toMatch(/^[0-9a-f]{16}$/)
    expect(suiteHash({ ...KEY })).toBe(suiteHash(KEY))
    const others = [
      { ...KEY, suite: 'ci2' },
      { ...KEY, repository: 'octo/other' },
      { ...KEY, head_sha: 'b'.repeat(40) },
      // A separator inside a field cannot make two keys collide: the hash input is JSON.
      { repository: 'octo/repo', head_sha: 'a'.repeat(40), suite: 'ci","x' },
    ]
    for (const other of others) expect(suiteHash(other)).not.toBe(suiteHash(KEY))
  })

  it('externalId fits in 100 characters, round-trips, and starts with its (suite, build) part', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (build, generation) => {
        const id = externalId(KEY, build, generation)
        expect(id.length).toBeLessThanOrEqual(100)
        expect(id.startsWith(externalId(KEY, build) + ':')).toBe(true)
        expect(parseExternalId(id)).toEqual({ suite_hash: suiteHash(KEY), build_key: buildKey(build), generation })
      }),
    )
  })

  it('externalId keeps short plain build ids readable and tells builds apart', () => {
    expect(externalId(KEY, 'linux-x64', 2)).toBe(`gac1:${suiteHash(KEY)}:linux-x64:2`)
    expect(buildKey('linux (gcc)')).toMatch(/^~[0-9a-f]{32}$/)
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        fc.pre(a !== b)
        expect(externalId(KEY, a)).not.toBe(externalId(KEY, b))
      }),
    )
    expect(parseExternalId('something else')).toBeUndefined()
    expect(parseExternalId(null)).toBeUndefined()
    expect(() => externalId(KEY, 'a', -1)).toThrow(RangeError)
  })

  it('findAdoptable takes the newest run of this (suite, build), any generation', () => {
    const other = { ...KEY, suite: 'nightly' }
    const runs = [
      { id: 5, external_id: externalId(KEY, 'linux', 1) },
      { id: 9, external_id: externalId(KEY, 'linux', 2) },
      { id: 7, external_id: externalId(KEY, 'linux', 3) },
      { id: 20, external_id: externalId(other, 'linux', 1) },
      { id: 21, external_id: externalId(KEY, 'linux-2', 1) },
      { id: 22, external_id: null },
      { id: 23 },
    ]
    expect(findAdoptable(runs, KEY, 'linux')?.id).toBe(9)
    expect(findAdoptable(runs, KEY, 'windows')).toBeUndefined()
    expect(findAdoptable(runs, other, 'linux')?.id).toBe(20)
  })
})

describe('suite extras inside the document', () => {
  const key = { repository: 'o/r', head_sha: 'a'.repeat(40), suite: 'ci' }
  const conclusionRun = (state: 'building' | 'built', at: string) => ({
    state,
    generation: 1,
    state_synced: true,
    check_run_id: 7,
    updated_at: at,
    ...(state === 'built' ? { conclusion: 'success' as const } : {}),
  })

  it('round-trips the aggregate switch and the conclusion run, and joins them in the merge', () => {
    const a = { ...emptyServiceData(key), aggregate: { since: '2026-01-01T00:00:02Z', reason: 'late' }, conclusion_run: conclusionRun('building', '2026-01-01T00:00:00Z') }
    const b = { ...emptyServiceData(key), aggregate: { since: '2026-01-01T00:00:01Z', reason: 'early' }, conclusion_run: conclusionRun('built', '2026-01-01T00:00:05Z') }
    expect(parseServiceData(serializeServiceData(a))).toEqual(a)
    const merged = mergeServiceData(a, b)
    expect(merged.aggregate?.reason).toBe('early')
    expect(merged.conclusion_run?.state).toBe('built')
    expect(mergeServiceData(b, a)).toEqual(merged)
  })

  it('rejects a malformed conclusion run as corrupt', () => {
    const text = JSON.stringify({ ...emptyServiceData(key), conclusion_run: { state: 'done' } })
    expect(() => parseServiceData(text)).toThrow(CorruptStateError)
    expect(() => parseServiceData(text)).toThrow(/conclusion_run\.state/)
  })
})

describe('suite hashes', () => {
  // Both are written to GitHub or a store already: pinned, so that neither changes by accident.
  const key = { repository: 'Octo-Org/Repo-A', head_sha: 'ABCDEF0000000000000000000000000000000001', suite: 'CI' }
  it('external ids hash the key as given; fragment names hash it with repository and sha in lower case', () => {
    expect(suiteHash(key)).toBe('d253b8d2253ee2d6')
    expect(fragmentSuiteHash(key)).toBe('232293dc5a887f53')
    expect(externalId(key, 'linux', 1)).toBe('gac1:d253b8d2253ee2d6:linux:1')
  })
  it('agree for a lower-case repository and sha', () => {
    const lower = { ...key, repository: key.repository.toLowerCase(), head_sha: key.head_sha.toLowerCase() }
    expect(fragmentSuiteHash(lower)).toBe(suiteHash(lower))
    expect(fragmentSuiteHash(lower)).toBe(fragmentSuiteHash(key))
  })
})
