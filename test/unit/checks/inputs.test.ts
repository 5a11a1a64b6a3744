// Parsers of the check-run inputs: values, one-line UserErrors, and fuzzing.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseBoolean } from '../../../src/boolean.ts'
import { UserError } from '../../../src/errors.ts'
import {
  defaultHeadSha,
  parseAnnotations,
  parseBuilds,
  parseConclusion,
  parseDuration,
  parseHeadSha,
  renderName,
  truncateUtf8,
  utf8Bytes,
} from '../../../src/checks/inputs.ts'

function userError(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    const message = (error as Error).message
    expect(message).not.toMatch(/\n/)
    return message
  }
  throw new Error('expected a UserError')
}

describe('parseBuilds', () => {
  it('reads one id, comma and newline lists, and JSON arrays', () => {
    expect(parseBuilds('linux', 'ci')).toEqual(['linux'])
    expect(parseBuilds(' linux , windows,mac ', 'ci')).toEqual(['linux', 'windows', 'mac'])
    expect(parseBuilds('linux\r\nwindows\n\nmac\n', 'ci')).toEqual(['linux', 'windows', 'mac'])
    expect(parseBuilds('["linux (gcc, 13)", "win"]', 'ci')).toEqual(['linux (gcc, 13)', 'win'])
  })

  it('rejects empty lists, bad JSON, non-strings, control characters and duplicates', () => {
    expect(userError(() => parseBuilds('  ', 'ci'))).toMatch(/builds is empty/)
    expect(userError(() => parseBuilds(',\n,', 'ci'))).toMatch(/no build id/)
    expect(userError(() => parseBuilds('[1', 'ci'))).toMatch(/not a valid JSON array/)
    expect(userError(() => parseBuilds('[]', 'ci'))).toMatch(/non-empty JSON array/)
    expect(userError(() => parseBuilds('["a", 2]', 'ci'))).toMatch(/builds\[1\] must be a string, got 2/)
    expect(userError(() => parseBuilds('["a", ""]', 'ci'))).toMatch(/is empty/)
    expect(userError(() => parseBuilds('["a\\u0007b"]', 'ci'))).toMatch(/control character/)
    expect(userError(() => parseBuilds('a,b,a', 'ci'))).toMatch(/"a" is listed twice/)
  })

  it('limits ids to 100 characters and names to 255', () => {
    expect(parseBuilds('é'.repeat(100), 'ci')).toHaveLength(1)
    expect(userError(() => parseBuilds('x'.repeat(101), 'ci'))).toMatch(/101 characters; use at most 100/)
    const suite = 's'.repeat(200)
    expect(parseBuilds('x'.repeat(52), suite)).toHaveLength(1)
    expect(userError(() => parseBuilds('x'.repeat(53), suite))).toMatch(/256 characters; shorten the suite/)
    expect(userError(() => parseBuilds('abc', 'ci', '{build} {build} '.repeat(60)))).toMatch(/name-template/)
  })

  it('renders names from the template', () => {
    expect(renderName('{suite} / {build}', 'ci', 'linux')).toBe('ci / linux')
    expect(renderName('{build}@{suite}:{build}', 'c$&i', '{suite}')).toBe('{suite}@c$&i:{suite}')
  })
})

describe('parseConclusion', () => {
  it('accepts GitHub’s conclusions and job.status values, any case', () => {
    for (const c of ['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required']) {
      expect(parseConclusion(c, true)).toBe(c)
    }
    expect(parseConclusion(' Success ', true)).toBe('success')
    expect(parseConclusion('FAILURE')).toBe('failure')
    expect(parseConclusion('cancelled')).toBe('cancelled')
  })

  it('is optional unless required, and lists the valid values', () => {
    expect(parseConclusion('', false)).toBeUndefined()
    expect(userError(() => parseConclusion('', true))).toMatch(/conclusion is required for built/)
    const message = userError(() => parseConclusion('passed', true))
    expect(message).toMatch(/"passed" is not valid: use one of success, failure, neutral, cancelled, skipped, timed_out, action_required/)
    expect(userError(() => parseConclusion('stale'))).toMatch(/only be set by GitHub/)
  })
})

describe('head sha', () => {
  const sha = 'ABCDEF0123456789abcdef0123456789ABCDEF01'
  it('parseHeadSha takes 40 hex characters, lower-cased', () => {
    expect(parseHeadSha(` ${sha} `)).toBe(sha.toLowerCase())
    expect(userError(() => parseHeadSha('abc123'))).toMatch(/head-sha "abc123" is not a commit sha/)
    expect(userError(() => parseHeadSha('g'.repeat(40)))).toMatch(/40-character/)
  })

  it('defaultHeadSha uses the pull request head on pull_request* events, else GITHUB_SHA', () => {
    const head = '1'.repeat(40)
    const merge = '2'.repeat(40)
    const payload = { pull_request: { head: { sha: head } } }
    for (const event of ['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']) {
      expect(defaultHeadSha(event, payload, merge)).toBe(head)
    }
    expect(defaultHeadSha('push', payload, merge)).toBe(merge)
    expect(defaultHeadSha('pull_request', {}, merge)).toBe(merge)
    expect(defaultHeadSha('pull_request', null, merge)).toBe(merge)
    expect(userError(() => defaultHeadSha('push', {}, undefined))).toMatch(/GITHUB_SHA is not set/)
    expect(userError(() => defaultHeadSha('push', {}, 'nope'))).toMatch(/GITHUB_SHA/)
  })
})

describe('parseAnnotations', () => {
  const ok = { path: 'src/a.ts', start_line: 3, end_line: 3, annotation_level: 'warning', message: 'hm' }

  it('accepts GitHub annotation objects (an array or one object)', () => {
    const full = { ...ok, start_column: 2, end_column: 5, title: 'T', raw_details: 'D' }
    expect(parseAnnotations(JSON.stringify([ok, full]))).toEqual([ok, full])
    expect(parseAnnotations(JSON.stringify(ok))).toEqual([ok])
    expect(parseAnnotations('[]')).toEqual([])
  })

  it('rejects each invalid field with a message naming it', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, path: '' }, /\[0\]\.path must be a non-empty string/],
      [{ ...ok, start_line: 0 }, /start_line must be a positive integer, got 0/],
      [{ ...ok, end_line: 2 }, /end_line \(2\) is before start_line \(3\)/],
      [{ ...ok, annotation_level: 'error' }, /annotation_level must be one of notice, warning, failure, got "error"/],
      [{ ...ok, message: undefined }, /message must be a non-empty string/],
      [{ ...ok, end_line: 4, start_column: 1 }, /only when start_line equals end_line/],
      [{ ...ok, start_column: 5, end_column: 2 }, /end_column \(5\)|end_column \(2\) is before start_column \(5\)/],
      [{ ...ok, title: 't'.repeat(256) }, /title has 256 characters; GitHub allows 255/],
      [{ ...ok, message: '€'.repeat(21846) }, /message has 65538 bytes; GitHub allows 65535/],
      [{ ...ok, raw_details: 'x'.repeat(65536) }, /raw_details has 65536 bytes/],
      [{ ...ok, severity: 'x' }, /unknown field "severity"/],
    ]
    for (const [annotation, message] of bad) {
      expect(userError(() => parseAnnotations(JSON.stringify([annotation])))).toMatch(message)
    }
    expect(parseAnnotations(JSON.stringify([{ ...ok, title: 't'.repeat(255), message: '€'.repeat(21845) }]))).toHaveLength(1)
    expect(userError(() => parseAnnotations('{'))).toMatch(/annotations-file is not valid JSON/)
    expect(userError(() => parseAnnotations('[1]'))).toMatch(/annotations-file\[0\] must be an annotation object/)
  })
})

describe('parseDuration, parseBoolean', () => {
  it('reads durations in milliseconds', () => {
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('90m')).toBe(90 * 60_000)
    expect(parseDuration('6h')).toBe(6 * 3_600_000)
    expect(parseDuration(' 2D ')).toBe(2 * 86_400_000)
    expect(parseDuration('1w')).toBe(7 * 86_400_000)
    expect(parseDuration('1h30m')).toBe(90 * 60_000)
    expect(userError(() => parseDuration('6', 'stale-after'))).toMatch(/stale-after "6" is not a duration: use a number and a unit/)
    expect(userError(() => parseDuration('1.5h'))).toMatch(/not a duration/)
    expect(userError(() => parseDuration('0m'))).toMatch(/more than zero/)
    expect(userError(() => parseDuration('99999999999999999999d'))).toMatch(/too long/)
  })

  it('reads booleans as core.getBooleanInput does, with an optional fallback', () => {
    expect(parseBoolean('true')).toBe(true)
    expect(parseBoolean('False')).toBe(false)
    expect(parseBoolean('', 'x', true)).toBe(true)
    expect(userError(() => parseBoolean('', 'fail-on-unsynced'))).toMatch(/fail-on-unsynced must be true or false, got ""/)
    expect(userError(() => parseBoolean('yes', 'skip-token-revoke'))).toMatch(/got "yes"/)
  })
})

describe('truncateUtf8', () => {
  it('leaves text that fits alone', () => {
    expect(truncateUtf8('héllo', 6, '…')).toBe('héllo')
  })

  it('cuts between characters and appends the notice within the byte limit', () => {
    expect(truncateUtf8('aaaa😀bbb', 9, '…')).toBe('aaaa…') // 😀 (4 bytes) would end at 8 + 3
    expect(truncateUtf8('aaaaa😀bbbb', 12, '…')).toBe('aaaaa😀…')
    expect(truncateUtf8('abcdef', 2, 'notice')).toBe('no')
  })

  it('never exceeds the limit, keeps a prefix, and never splits a character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 0, max: 120 }), fc.string({ maxLength: 8 }), (text, max, notice) => {
        const out = truncateUtf8(text, max, notice)
        expect(utf8Bytes(out)).toBeLessThanOrEqual(max)
        if (utf8Bytes(text) <= max) expect(out).toBe(text)
        else if (utf8Bytes(notice) <= max) {
          expect(out.endsWith(notice)).toBe(true)
          const kept = out.slice(0, out.length - notice.length)
          expect(text.startsWith(kept)).toBe(true)
          expect(Buffer.from(kept, 'utf8').toString('utf8')).toBe(kept)
          // Maximal: one more character would not fit.
          const next = [...text.slice(kept.length)][0]!
          expect(utf8Bytes(kept + next + notice)).toBeGreaterThan(max)
        }
      }),
      { numRuns: 500 },
    )
  })

  it('agrees with Buffer.byteLength on UTF-8 sizes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (s) => {
      expect(utf8Bytes(s)).toBe(Buffer.byteLength(s, 'utf8'))
    }))
  })
})

describe('fuzz: the parsers throw nothing but UserError', () => {
  const only = (fn: () => unknown) => {
    try {
      fn()
    } catch (error) {
      expect(error).toBeInstanceOf(UserError)
      expect((error as Error).message).not.toMatch(/\n/)
    }
  }
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant('x\ny')), { maxLength: 5 }).map((v) => JSON.stringify(v)),
  )

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        only(() => parseBuilds(a, b))
        only(() => parseConclusion(a, true))
        only(() => parseConclusion(a, false))
        only(() => parseHeadSha(a))
        only(() => parseAnnotations(a))
        only(() => parseDuration(a))
        only(() => parseBoolean(a, 'x'))
      }),
      { numRuns: 1000 },
    )
  })

  it('on arbitrary annotation objects and payloads', () => {
    const annotation = fc.record(
      {
        path: fc.oneof(fc.string(), fc.integer()),
        start_line: fc.oneof(fc.integer(), fc.double(), fc.string()),
        end_line: fc.oneof(fc.integer(), fc.constant(null)),
        start_column: fc.integer(),
        end_column: fc.integer(),
        annotation_level: fc.oneof(fc.constantFrom('notice', 'warning', 'failure'), fc.string()),
        message: fc.oneof(fc.string(), fc.constant(undefined)),
        title: fc.string({ maxLength: 300 }),
        raw_details: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    fc.assert(fc.property(fc.array(annotation, { maxLength: 3 }), (list) => only(() => parseAnnotations(JSON.stringify(list)))), { numRuns: 500 })
    fc.assert(fc.property(fc.string(), fc.anything(), fc.option(fc.string()), (event, payload, sha) => {
      only(() => defaultHeadSha(event, payload, sha ?? undefined))
      only(() => defaultHeadSha('pull_request', { pull_request: { head: { sha: payload } } }, sha ?? undefined))
    }), { numRuns: 500 })
  })
})
