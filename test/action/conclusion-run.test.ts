// The suite's CONCLUSION check run and `command: conclude`, run from the real dist/
// against the GitHub emulator with a file: store.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { mergeAll } from '../../src/checks/service-data.ts'
import { parseStored } from '../sealed.ts'
import type { ServiceData } from '../../src/checks/types.ts'
import type { EmulatedCheckRun } from '../emulator/github/index.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const REPO = 'octo-org/repo-a'
const { gh, tempDir } = await startHarness()
// The aggregate test lowers GitHub's limits on purpose; they end with it.
afterEach(() => gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 }))

interface Suite {
  sha: string
  dir: string
  repo: string
}

function newSuite(repo = REPO): Suite {
  const dir = tempDir('conclusion-')
  return { sha: randomBytes(20).toString('hex'), dir, repo }
}

async function step(s: Suite, command: string, inputs: Record<string, string>, attempt = 1, timeoutMs = 60_000): Promise<RunActionResult> {
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: `file:${s.dir}`, ...inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000', GITHUB_SHA: s.sha, GITHUB_RUN_ATTEMPT: String(attempt), GITHUB_REPOSITORY: s.repo },
    timeoutMs,
  })
  expect(result.exitCode, `${command} ${JSON.stringify(inputs)}\n${result.stdout}\n${result.stderr}`).toBe(0)
  expect(result.errors).toEqual([])
  return result
}

const runsOf = (s: Suite): EmulatedCheckRun[] => gh.checkRuns(s.repo).filter((r) => r.head_sha === s.sha)
const conclusions = (s: Suite, name = 'ci / CONCLUSION') => runsOf(s).filter((r) => r.name === name).sort((a, b) => a.id - b.id)
const latest = (s: Suite, name?: string) => conclusions(s, name).at(-1)!

function state(s: Suite): ServiceData {
  const docs = fs.readdirSync(s.dir).map((f) => parseStored(fs.readFileSync(path.join(s.dir, f), 'utf8')))
  return mergeAll({ repository: s.repo, head_sha: s.sha, suite: 'ci' }, docs)
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]!)
  }))
}

// Each step is a process; on a loaded machine they take seconds, hence the generous timeouts.
describe.concurrent('the CONCLUSION check run', { timeout: 240_000 }, () => {
  test('opened by queued with a table of the builds; completed success right after the last built', async () => {
    const s = newSuite()
    const builds = ['linux', 'macos', 'windows', 'docs']
    await step(s, 'queued', { builds: builds.join(',') })
    expect(conclusions(s)).toHaveLength(1)
    const opened = latest(s)
    expect(opened).toMatchObject({ status: 'in_progress', app_id: gh.app.id })
    expect(opened.output.title).toBe('⚪ QUEUED · waiting for 4 builds')
    for (const b of builds) expect(opened.output.summary).toContain(`| ci / ${b} | ⚪ queued |`)

    for (const [i, b] of builds.entries()) {
      await step(s, 'building', { builds: b })
      await step(s, 'built', { builds: b, conclusion: 'success' })
      expect(latest(s).status).toBe(i < builds.length - 1 ? 'in_progress' : 'completed')
    }
    const done = latest(s)
    expect(conclusions(s)).toHaveLength(1)
    expect(done).toMatchObject({ id: opened.id, status: 'completed', conclusion: 'success' })
    expect(done.output.title).toBe('🟢 SUCCESS · 4 builds')
    expect(state(s).conclusion_run).toMatchObject({ state: 'built', conclusion: 'success', check_run_id: opened.id, state_synced: true })

    // conclude afterwards: nothing left to do, the answer is the same.
    const concluded = await step(s, 'conclude', {})
    expect(concluded.outputs.conclusion).toBe('success')
    expect(conclusions(s)).toHaveLength(1)
  })

  test('one failed build: failure; a neutral one counts as warning-as says', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a,b,c' })
    await step(s, 'built', { builds: 'a', conclusion: 'success' })
    await step(s, 'built', { builds: 'b', conclusion: 'failure' })
    // Not refreshed on every step (each build's own run shows its state): one mutation saved per step.
    expect(latest(s).status).toBe('in_progress')
    expect(latest(s).output.title).toBe('⚪ QUEUED · waiting for 3 builds')
    await step(s, 'built', { builds: 'c', conclusion: 'success' })
    expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(latest(s).output.title).toBe('🔴 FAILURE · 3 builds: 1 failed')

    const strict = newSuite()
    await step(strict, 'queued', { builds: 'a', 'warning-as': 'failure', 'conclusion-name': '{suite} gate' })
    await step(strict, 'built', { builds: 'a', conclusion: 'neutral', 'warning-as': 'failure', 'conclusion-name': '{suite} gate' })
    expect(latest(strict, 'ci gate')).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(conclusions(strict)).toEqual([])
  })

  test('the last two built jobs at once, then conclude: completed once, with both builds', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a,b,c' })
    await step(s, 'built', { builds: 'a', conclusion: 'success' })
    await Promise.all([step(s, 'built', { builds: 'b', conclusion: 'success' }), step(s, 'built', { builds: 'c', conclusion: 'success' })])
    const concluded = await step(s, 'conclude', {})
    expect(concluded.outputs.conclusion).toBe('success')
    expect(conclusions(s)).toHaveLength(1)
    expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(latest(s).output.title).toBe('🟢 SUCCESS · 3 builds')
  })

  test('conclude counts a build that never finished as failed', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a,b' })
    await step(s, 'built', { builds: 'a', conclusion: 'success' })
    const concluded = await step(s, 'conclude', {})
    expect(concluded.outputs.conclusion).toBe('failure')
    expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(latest(s).output.title).toBe('🔴 FAILURE · 2 builds: 1 never finished')
  })

  test('re-running a failed build re-opens the conclusion in a new generation and completes it again', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a,b' })
    await step(s, 'built', { builds: 'a', conclusion: 'success' })
    await step(s, 'built', { builds: 'b', conclusion: 'failure' })
    const first = latest(s)
    expect(first).toMatchObject({ status: 'completed', conclusion: 'failure' })

    await step(s, 'building', { builds: 'b' }, 2)
    const reopened = latest(s)
    expect(reopened.id).not.toBe(first.id)
    expect(reopened).toMatchObject({ status: 'in_progress' })
    expect(reopened.external_id).toMatch(/:2$/)
    await step(s, 'built', { builds: 'b', conclusion: 'success' }, 2)
    expect(latest(s)).toMatchObject({ id: reopened.id, status: 'completed', conclusion: 'success' })
    expect(conclusions(s)).toHaveLength(2)
    expect(state(s).conclusion_run).toMatchObject({ generation: 2, state: 'built', conclusion: 'success' })
    // The build's own check run: the failed attempt's run is final, so the re-run is a new run, green.
    const builds = runsOf(s).filter((r) => r.name === 'ci / b').sort((x, y) => x.id - y.id)
    expect(builds.map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure'], ['completed', 'success']])
    expect(builds[1]!.external_id).toMatch(/:2$/)
  })

  test('without queued, a first green built never completes the CONCLUSION; a later failure and conclude make it failure', async () => {
    for (const building of [false, true]) {
      const s = newSuite()
      if (building) await step(s, 'building', { builds: 'a' })
      await step(s, 'built', { builds: 'a', conclusion: 'success' })
      expect(conclusions(s)).toEqual([])
      if (building) await step(s, 'building', { builds: 'b' })
      await step(s, 'built', { builds: 'b', conclusion: 'failure' })
      expect(conclusions(s).filter((r) => r.conclusion === 'success')).toEqual([])
      const done = await step(s, 'conclude', {})
      expect(done.outputs.conclusion).toBe('failure')
      expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'failure' })
      expect(conclusions(s)).toHaveLength(1)
    }
  })

  test('a report after the CONCLUSION completed that contradicts it creates a new run with the right result', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a' })
    await step(s, 'built', { builds: 'a', conclusion: 'success' })
    const green = latest(s)
    expect(green).toMatchObject({ status: 'completed', conclusion: 'success' })
    // A build no queued step registered reports afterwards, and fails.
    await step(s, 'built', { builds: 'late', conclusion: 'failure' })
    expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(latest(s).id).not.toBe(green.id)
    expect(runsOf(s).find((r) => r.id === green.id)).toMatchObject({ conclusion: 'success' }) // untouched, as GitHub would keep it
    const done = await step(s, 'conclude', {})
    expect(done.outputs.conclusion).toBe('failure')
    expect(latest(s)).toMatchObject({ conclusion: 'failure' })
  })

  test('aggregate-above and aggregate-interval: past the threshold only the CONCLUSION run, refreshed when the interval allows', async () => {
    const s = newSuite()
    const agg = { 'aggregate-above': '2', 'aggregate-interval': '0' }
    await step(s, 'queued', { builds: 'a,b,c', ...agg })
    expect(runsOf(s).map((r) => r.name)).toEqual(['ci / CONCLUSION'])
    await step(s, 'building', { builds: 'a', ...agg })
    expect(latest(s).output.summary).toContain('| building | 1 |')
    await step(s, 'built', { builds: 'a', conclusion: 'success', 'aggregate-interval': '3600' })
    expect(latest(s).output.summary).toContain('| building | 1 |') // not refreshed: the interval has not passed
    for (const b of ['b', 'c']) await step(s, 'built', { builds: b, conclusion: 'success', 'aggregate-interval': '3600' })
    expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'success' }) // always at the end
    expect(latest(s).output.summary).toContain('| built | 3 |')
    expect(runsOf(s)).toHaveLength(1)
  })

  test('conclusion-check: false creates no CONCLUSION run; conclude still outputs the conclusion', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a', 'conclusion-check': 'false' })
    await step(s, 'built', { builds: 'a', conclusion: 'success', 'conclusion-check': 'false' })
    const concluded = await step(s, 'conclude', { 'conclusion-check': 'false' })
    expect(concluded.outputs.conclusion).toBe('success')
    expect(runsOf(s).map((r) => r.name)).toEqual(['ci / a'])
  })
})

describe('aggregate mode', () => {
  test('150 builds: only the CONCLUSION run, counting them; the secondary limit is never hit', async () => {
    // An installation of its own, so that no other test's requests count against its limits.
    gh.addRepository('aggregate-org/big', { ownerType: 'Organization' })
    gh.install(gh.app, 'aggregate-org')
    const s = newSuite('aggregate-org/big')
    gh.setSecondaryLimits({ perMinute: 4, perHour: 10 })
    const agg = { 'aggregate-interval': '3600' }
    const start = gh.requests.length
    const builds = Array.from({ length: 150 }, (_, i) => `b${String(i).padStart(3, '0')}`)
    const queued = await step(s, 'queued', { builds: builds.join('\n'), ...agg })
    expect(queued.warnings).toEqual([])
    expect(runsOf(s).map((r) => r.name)).toEqual(['ci / CONCLUSION'])
    expect(latest(s).output.summary).toMatch(/Aggregate mode \(150 builds, more than aggregate-above \(100\)\)/)
    expect(latest(s).output.summary).toContain('| queued | 150 |')
    expect(state(s).aggregate?.reason).toMatch(/150 builds/)
    expect(JSON.parse(queued.outputs['check-runs']!).b000).toEqual({ id: null, url: null, state: 'queued', synced: true })

    // 10 jobs of 15 builds each report building then built, 5 at a time.
    const jobs = Array.from({ length: 10 }, (_, j) => builds.slice(j * 15, j * 15 + 15))
    await pool(jobs, 5, async (mine) => {
      const b = await step(s, 'building', { builds: mine.join(','), ...agg })
      expect(b.summary).toContain(`| ${mine[0]} | 🟡 BUILDING | [CONCLUSION]`)
      const done = await step(s, 'built', { builds: mine.join(','), conclusion: mine.includes('b007') ? 'failure' : 'success', ...agg })
      expect(done.summary).toContain(`| ${mine[0]} | ${mine.includes('b007') ? '🔴 FAILURE' : '🟢 SUCCESS'} |`)
    })
    const concluded = await step(s, 'conclude', agg)
    expect(concluded.outputs.conclusion).toBe('failure')

    expect(runsOf(s)).toHaveLength(1)
    const run = latest(s)
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect(run.output.title).toBe('🔴 FAILURE · 150 builds: 15 failed') // the job holding b007 failed its 15 builds
    expect(run.output.summary).toContain('| built | 150 |')
    const failedList = run.output.summary!.split('### Failed builds')[1]!
    expect(failedList).toContain('- [ci / b007](')
    expect(failedList).not.toContain('[ci / b015](')
    const mine = gh.requests.slice(start)
    expect(mine.filter((r) => r.status === 403 || r.status === 429)).toEqual([])
    // created, then completed: two mutations for 150 builds (refreshes wait aggregate-interval);
    // the last jobs, ending at once (5 at a time), may each send the completion (the same update)
    const mutations = mine.flatMap((r) => r.graphqlOperations ?? [])
    expect(mutations[0]).toBe('createCheckRun')
    expect(mutations.slice(1).length).toBeGreaterThanOrEqual(1)
    expect(mutations.slice(1).length).toBeLessThanOrEqual(5)
    expect(new Set(mutations.slice(1))).toEqual(new Set(['updateCheckRun']))
    const merged = state(s)
    expect(Object.values(merged.check_runs).filter((r) => r.state === 'built')).toHaveLength(150)
    expect(Object.values(merged.check_runs).every((r) => r.state_synced && r.check_run_id === undefined)).toBe(true)
  }, 240_000)
})

// Not concurrent: the emulator's fault below must meet this test's request only.
describe('the last two jobs ending at once', () => {
  test('the later writer completes the CONCLUSION run, even when the other build looked queued at its first listing', async () => {
    const s = newSuite()
    await step(s, 'queued', { builds: 'a,b' })
    await step(s, 'building', { builds: 'a' })
    let release!: () => void
    const until = new Promise<void>((r) => { release = r })
    const before = gh.requests.length
    gh.faults.add({ match: 'graphql:updateCheckRun', kind: 'delay', until })
    // a's built step lists (b looks queued: its building has not run) and waits in its check-run update...
    let aEnded = false
    const aBuilt = step(s, 'built', { builds: 'a', conclusion: 'success' }, 1, 180_000).finally(() => { aEnded = true })
    const sent = () => gh.requests.slice(before).some((r) => r.graphqlOperations?.includes('updateCheckRun'))
    while (!sent() && !aEnded) await new Promise((r) => setTimeout(r, 20))
    if (!sent()) await aBuilt // ended without sending it: its output says why
    expect(sent(), "a's built step ended without its check-run update").toBe(true)
    // ...while b's building and built both run: b lists a as building, writes, lists again: a still building.
    await step(s, 'building', { builds: 'b' })
    const b = await step(s, 'built', { builds: 'b', conclusion: 'success' })
    expect(b.stdout).not.toContain('ended at once')
    expect(latest(s).status).toBe('in_progress')
    release()
    const a = await aBuilt
    // a's write lands last: listing again after it, a sees b built and completes the run.
    expect(a.stdout).toContain("The suite's last builds ended at once: ci / CONCLUSION built")
    expect(conclusions(s)).toHaveLength(1)
    expect(latest(s)).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(state(s).conclusion_run).toMatchObject({ state: 'built', state_synced: true })
  }, 240_000)
})
