import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { defaultSummary, escapeMarkdown, outputFor, readableTime, safeUrl, titleFor } from '../../../src/checks/titles.ts'
import type { CheckRunRecord, Conclusion } from '../../../src/checks/types.ts'

const record = (over: Partial<CheckRunRecord> = {}): CheckRunRecord => ({
  name: 'ci / linux',
  state: 'built',
  generation: 1,
  state_synced: true,
  conclusion: 'success',
  updated_at: '2026-05-01T12:34:56.789Z',
  reporter: { run_id: 4242, run_attempt: 2, job: 'build (linux)', job_url: 'https://github.com/o/r/actions/runs/4242/job/99' },
  ...over,
})

describe('titleFor', () => {
  it.each([
    ['queued', undefined, '⚪ QUEUED'],
    ['building', undefined, '🟡 BUILDING'],
    ['built', 'success', '🟢 SUCCESS'],
    ['built', 'neutral', '🟠 NEUTRAL'],
    ['built', 'failure', '🔴 FAILURE'],
    ['built', 'cancelled', '⚫ CANCELLED'],
    ['built', 'skipped', '⚪ SKIPPED'],
    ['built', 'timed_out', '🔴 TIMED OUT'],
    ['built', 'action_required', '🔴 ACTION REQUIRED'],
    ['built', 'stale', '⚫ STALE'],
  ] as const)('%s %s -> %s', (state, conclusion, title) => {
    expect(titleFor({ state, conclusion })).toBe(title)
  })

  it('shows a built record without a conclusion, and an unknown newer value, in red', () => {
    expect(titleFor({ state: 'built' })).toBe('🔴 NO CONCLUSION')
    expect(titleFor({ state: 'built', conclusion: 'startup_failure' as Conclusion })).toBe('🔴 STARTUP FAILURE')
  })

  it('ignores a stale conclusion while the build is not built', () => {
    expect(titleFor({ state: 'building', conclusion: 'failure' })).toBe('🟡 BUILDING')
  })
})

describe('defaultSummary', () => {
  it('says the state, who reported it, when, and links to the job', () => {
    const summary = defaultSummary(record({ conclusion: 'failure' }))
    expect(summary).toContain('**🔴 FAILURE** · ci / linux')
    expect(summary).toContain('The job finished: `failure`.')
    expect(summary).toContain('Reported by job `build (linux)` (run 4242, attempt 2) at 2026-05-01 12:34:56 UTC.')
    expect(summary).toContain('[Open the job](https://github.com/o/r/actions/runs/4242/job/99)')
  })

  it('uses the context given over the record', () => {
    const summary = defaultSummary(record({ state: 'building', conclusion: undefined }), {
      reporter: { run_id: 7, run_attempt: 1, job: 'other' },
      at: '2026-01-02T03:04:05Z',
      jobUrl: 'https://ghes.example/o/r/actions/runs/7/job/1',
    })
    expect(summary).toContain('The job is running.')
    expect(summary).toContain('Reported by job `other` (run 7, attempt 1) at 2026-01-02 03:04:05 UTC.')
    expect(summary).toContain('(https://ghes.example/o/r/actions/runs/7/job/1)')
  })

  it('works without a reporter or a link', () => {
    const summary = defaultSummary(record({ state: 'queued', conclusion: undefined, reporter: undefined }))
    expect(summary).toContain('Waiting for a runner.')
    expect(summary).toContain('Reported at 2026-05-01 12:34:56 UTC.')
    expect(summary).not.toContain('Open the job')
  })

  it('never lets a name or job break the Markdown', () => {
    const summary = defaultSummary(
      record({ name: 'a|b *c* [x](javascript:alert(1))\n# head', reporter: { run_id: 1, run_attempt: 1, job: 'j`x`\nk' } }),
    )
    expect(summary).toContain('a\\|b \\*c\\* \\[x\\](javascript:alert(1)) \\# head')
    expect(summary).toContain('`j x k`')
    expect(summary.split('\n')[0]).toMatch(/^\*\*🟢 SUCCESS\*\* · /)
  })

  it('does not link to a non-http URL', () => {
    const summary = defaultSummary(record({ reporter: undefined, details_url: 'javascript:alert(1)' }))
    expect(summary).not.toContain('javascript')
  })
})

describe('outputFor', () => {
  it('defaults title and summary from the record', () => {
    const r = record({ conclusion: 'neutral' })
    expect(outputFor(r)).toEqual({ title: '🟠 NEUTRAL', summary: defaultSummary(r) })
  })

  it("lets the user's title, summary and text replace the defaults", () => {
    expect(outputFor(record(), { title: 'Tests: 41 passed', summary: '## Report', text: 'details' })).toEqual({
      title: 'Tests: 41 passed',
      summary: '## Report',
      text: 'details',
    })
    const mixed = outputFor(record(), { summary: 'mine' })
    expect(mixed.title).toBe('🟢 SUCCESS')
    expect(mixed.summary).toBe('mine')
    expect(mixed).not.toHaveProperty('text')
  })

  it('treats blank inputs (unset action inputs) as not given', () => {
    const r = record()
    expect(outputFor(r, { title: '', summary: '  \n', text: '' })).toEqual({ title: '🟢 SUCCESS', summary: defaultSummary(r) })
  })
})

describe('helpers', () => {
  it('readableTime formats ISO times and passes anything else through, escaped', () => {
    expect(readableTime('2026-05-01T12:00:00Z')).toBe('2026-05-01 12:00:00 UTC')
    expect(readableTime('soon*')).toBe('soon\\*')
  })

  it('safeUrl keeps http(s) links, encodes what would end the link, refuses the rest', () => {
    expect(safeUrl('https://x.example/a b(c)')).toBe('https://x.example/a%20b%28c%29')
    expect(safeUrl('ftp://x')).toBeUndefined()
    expect(safeUrl(`https://x.example/${'a'.repeat(2000)}`)).toBeUndefined()
  })

  it('escapeMarkdown output has no unescaped special character and stays on one line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (text) => {
        const out = escapeMarkdown(text)
        expect(out).not.toMatch(/[\n\r]/)
        // Every special character is preceded by an odd number of backslashes.
        for (const match of out.matchAll(/(\\*)([`*_[\]<>|~#&])/g)) expect(match[1]!.length % 2).toBe(1)
      }),
    )
  })
})
