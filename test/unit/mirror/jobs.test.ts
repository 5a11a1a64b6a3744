// command: mirror, the pure part that maps jobs (src/mirror/jobs.ts): job -> transition, job-name
// globs, build ids from untrusted job names (test/unit/mirror/event.test.ts: the workflow_run event).
import { createRequire } from 'node:module'
import { describe, expect, test } from 'vitest'
import { parseBuilds } from '../../../src/checks/inputs.ts'
import {
  buildIdOf, cleanText, duration, globToRegExp, jobConclusion, jobIsAhead, jobState, jobSummary, jobTransition,
  parsePatterns, selectJobs, type WorkflowJob,
} from '../../../src/mirror/jobs.ts'

const run = { run_id: 77, html_url: 'https://github.com/o/r/actions/runs/77' }
const now = '2026-01-01T00:00:00.000Z'
const job = (over: Partial<WorkflowJob> = {}): WorkflowJob => ({
  id: 1, run_id: 77, run_attempt: 1, name: 'build (linux)', status: 'queued', conclusion: null,
  created_at: '2026-01-01T10:00:00Z', started_at: '2026-01-01T10:00:05Z', completed_at: null,
  html_url: 'https://github.com/o/r/actions/runs/77/job/1', steps: [], ...over,
})

describe('job -> transition', () => {
  test('every job status of the OpenAPI description maps to a state', () => {
    // The statuses GitHub lists for a job (components/schemas/job in @octokit/openapi).
    const require = createRequire(import.meta.url)
    const spec = require('@octokit/openapi/generated/api.github.com.json') as { components: { schemas: { job: { properties: { status: { enum: string[] } } } } } }
    const statuses = spec.components.schemas.job.properties.status.enum
    expect(statuses).toEqual(expect.arrayContaining(['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending']))
    const mapped = Object.fromEntries(statuses.map((s) => [s, jobState(s)]))
    expect(mapped).toMatchObject({ queued: 'queued', waiting: 'queued', pending: 'queued', requested: 'queued', in_progress: 'building', completed: 'built' })
  })

  test('generation, details link, times and conclusion come from the job', () => {
    expect(jobTransition(job(), run, now)).toEqual({
      state: 'queued', generation: 1, at: '2026-01-01T10:00:00.000Z', details_url: 'https://github.com/o/r/actions/runs/77/job/1',
      reporter: { run_id: 77, run_attempt: 1, job: 'build (linux)', job_url: 'https://github.com/o/r/actions/runs/77/job/1' },
    })
    expect(jobTransition(job({ status: 'in_progress' }), run, now)).toMatchObject({ state: 'building', at: '2026-01-01T10:00:05.000Z' })
    const done = jobTransition(job({ status: 'completed', conclusion: 'failure', completed_at: '2026-01-01T10:02:00Z', run_attempt: 3 }), run, now)
    expect(done).toMatchObject({ state: 'built', conclusion: 'failure', generation: 3, at: '2026-01-01T10:02:00.000Z' })
    // No usable link or time: the run's page, and now.
    expect(jobTransition(job({ html_url: 'javascript:alert(1)', created_at: 'yesterday', started_at: null }), run, now))
      .toMatchObject({ details_url: run.html_url, at: now })
    expect(jobConclusion('something new')).toBe('neutral')
    expect(jobConclusion(null)).toBe('neutral')
    expect(jobConclusion('skipped')).toBe('skipped')
  })

  test('a job is ahead of its record only in a newer attempt or a later state', () => {
    const rec = { name: 'n', state: 'building' as const, generation: 2, state_synced: true, updated_at: now }
    const t = (state: 'queued' | 'building' | 'built', generation: number) => ({ state, generation, at: now, conclusion: 'success' as const })
    expect(jobIsAhead(t('queued', 1), undefined)).toBe(true)
    expect(jobIsAhead(t('built', 2), rec)).toBe(true)
    expect(jobIsAhead(t('queued', 3), rec)).toBe(true)
    expect(jobIsAhead(t('building', 2), rec)).toBe(false) // where it is: no second write
    expect(jobIsAhead(t('queued', 2), rec)).toBe(false) // behind: a late reader
    expect(jobIsAhead(t('built', 1), rec)).toBe(false) // an older attempt
    expect(jobIsAhead(t('built', 2), { ...rec, state: 'built' })).toBe(false) // a completed run is final
    expect(jobIsAhead(t('building', 2), { ...rec, state_synced: false })).toBe(true) // rules re-send it
  })

  test('the summary lists the steps with their results and durations, escaped', () => {
    const t = jobTransition(job({ status: 'completed', conclusion: 'failure', completed_at: '2026-01-01T10:03:10Z' }), run, now)
    const text = jobSummary(job({
      status: 'completed', conclusion: 'failure', completed_at: '2026-01-01T10:03:10Z',
      steps: [
        { number: 2, name: 'Run make | tee *log*', status: 'completed', conclusion: 'failure', started_at: '2026-01-01T10:00:10Z', completed_at: '2026-01-01T10:01:25Z' },
        { number: 1, name: 'Set up job', status: 'completed', conclusion: 'success', started_at: '2026-01-01T10:00:05Z', completed_at: '2026-01-01T10:00:10Z' },
        { number: 3, name: 'Post', status: 'queued', conclusion: null },
      ],
    }), t)
    expect(text).toContain('The job finished: `failure` after 3m 5s.')
    const rows = text.split('\n').filter((l) => /^\| \d/.test(l))
    expect(rows).toEqual([
      '| 1 | Set up job | success | 5s |',
      '| 2 | Run make \\| tee \\*log\\* | failure | 1m 15s |',
      '| 3 | Post | queued | — |',
    ])
    expect(text).toContain('[Open the job](https://github.com/o/r/actions/runs/77/job/1)')
    expect(duration(3700)).toBe('1h 1m 40s')
  })
})

describe('job names', () => {
  test('globs: * and ? span any characters, [..] classes, the rest literal, whole name', () => {
    const m = (p: string, s: string) => globToRegExp(p).test(s)
    expect(m('build*', 'build (linux, 20)')).toBe(true)
    expect(m('build*', 'rebuild')).toBe(false)
    expect(m('*', 'caller / callee')).toBe(true)
    expect(m('test (?)', 'test (a)')).toBe(true)
    expect(m('test (?)', 'test (ab)')).toBe(false)
    expect(m('[lw]*', 'linux')).toBe(true)
    expect(m('[!lw]*', 'linux')).toBe(false)
    expect(m('a.b', 'axb')).toBe(false)
    expect(m('a+b$', 'a+b$')).toBe(true)
    expect(m('[', '[')).toBe(true)
    expect(parsePatterns('build*\n\n# comment\n  lint  ').map(String)).toEqual([String(globToRegExp('build*')), String(globToRegExp('lint'))])
  })

  test('untrusted names: control and bidi characters become spaces, lengths are capped, ids parse back', () => {
    expect(cleanText('a\u0000b\nc\u202e\td  ', 100)).toBe('a b c d')
    const long = 'x'.repeat(500)
    const id = buildIdOf(long, '{job}', 'ci', '{suite} / {build}')
    expect([...id].length).toBeLessThanOrEqual(100)
    expect(id.endsWith('…')).toBe(true)
    // Whatever a fork names its jobs, the id is one a user could have given as builds:.
    for (const name of ['\u0000', ' ', '\u2028\u2029', '🙂'.repeat(300), 'a\r\nb', `${'y'.repeat(99)}🙂`]) {
      const b = buildIdOf(name, '{job}', 's'.repeat(150), '{suite} / {build}')
      expect(() => parseBuilds(JSON.stringify([b]), 's'.repeat(150))).not.toThrow()
    }
    expect(buildIdOf('lint', 'gh-{job}', 'ci', '{suite} / {build}')).toBe('gh-lint')
  })

  test('selects by include and exclude patterns; equal ids get #2, #3 in job id order', () => {
    const jobs = [job({ id: 5, name: 'lint' }), job({ id: 3, name: 'build (a)' }), job({ id: 4, name: 'build (b)' }), job({ id: 9, name: 'deploy' }), job({ id: 8, name: 'lint' })]
    const sel = (include: string, exclude = '') => selectJobs(jobs, { include: parsePatterns(include), exclude: parsePatterns(exclude), buildName: '{job}', suite: 'ci', nameTemplate: '{suite} / {build}' })
    expect(sel('').map((j) => j.build)).toEqual(['build (a)', 'build (b)', 'lint', 'lint #2', 'deploy'])
    expect(sel('build*\nlint', 'build (b)').map((j) => [j.build, j.job.id])).toEqual([['build (a)', 3], ['lint', 5], ['lint #2', 8]])
    // A job may not take the CONCLUSION run's name.
    const fake = selectJobs([job({ id: 1, name: 'CONCLUSION' }), job({ id: 2, name: 'conclusion' })], { include: [], exclude: [], buildName: '{job}', suite: 'ci', nameTemplate: '{suite} / {build}', reserved: ['ci / CONCLUSION'] })
    expect(fake.map((j) => j.build)).toEqual(['CONCLUSION #2', 'conclusion #2'])
    // Long equal names still get distinct ids, and the loop ends.
    const same = Array.from({ length: 4 }, (_, i) => job({ id: i + 1, name: 'z'.repeat(300) }))
    const ids = selectJobs(same, { include: [], exclude: [], buildName: '{job}', suite: 'ci', nameTemplate: '{suite} / {build}' }).map((j) => j.build)
    expect(new Set(ids).size).toBe(4)
  })
})
