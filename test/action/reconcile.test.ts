// command: reconcile, from the real dist/ (test/runner.ts) against the GitHub emulator with a
// file: store; and its pure decisions (src/reconcile/decide.ts). Request counts are printed.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { externalId, mergeAll, serializeServiceData } from '../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../../src/checks/types.ts'
import {
  formatDuration,
  isSettled,
  lastActivity,
  planSuite,
  settledAt,
  settledStep,
  shouldForget,
  skipsReading,
  staleBuilds,
} from '../../src/reconcile/decide.ts'
import { deleteInRounds, DELETES_PER_ROUND } from '../../src/reconcile/delete-rounds.ts'
import { FileStore } from '../../src/store/file.ts'
import { fragmentName, suitePrefix } from '../../src/store/naming.ts'
import type { RecordedRequest } from '../emulator/github/index.ts'
import { jobEnv } from '../fault-harness.ts'
import { runAction } from '../runner.ts'
import { parseStored, sealWith } from '../sealed.ts'
import { startHarness } from './harness.ts'

const HOUR = 3_600_000
const ago = (ms: number) => new Date(Date.now() - ms).toISOString()
const sha = () => randomBytes(20).toString('hex')

function rec(name: string, over: Partial<CheckRunRecord> = {}): CheckRunRecord {
  const r: CheckRunRecord = {
    name,
    state: 'built',
    generation: 1,
    state_synced: true,
    conclusion: 'success',
    updated_at: ago(60_000),
    reporter: { run_id: 1000, run_attempt: 1, job: 'build' },
    ...over,
  }
  if (r.state !== 'built') delete r.conclusion
  return r
}

function doc(key: SuiteKey, runs: Record<string, CheckRunRecord>, extra: Partial<ServiceData> = {}): ServiceData {
  return { version: 1, ...key, check_runs: runs, ...extra }
}

describe('reconcile decisions (pure)', () => {
  const key = { repository: 'o/r', head_sha: 'a'.repeat(40), suite: 'ci' }
  const now = Date.parse('2026-05-01T12:00:00Z')
  const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString()
  const opts = { now, staleAfterMs: 6 * HOUR, staleConclusion: 'timed_out' as const }

  test('stale: queued or building longer than stale-after, never built ones', () => {
    const data = doc(key, {
      old: rec('ci / old', { state: 'building', updated_at: at(7), check_run_id: 1, node_id: 'N1' }),
      young: rec('ci / young', { state: 'queued', updated_at: at(5) }),
      done: rec('ci / done', { updated_at: at(100) }),
      q: rec('ci / q', { state: 'queued', updated_at: at(6.01) }),
    })
    expect(staleBuilds(data, now, 6 * HOUR).map((s) => s.build)).toEqual(['old', 'q'])
  })

  test('planSuite: resends unsynced records, times out stale ones (update with id, create without)', () => {
    const data = doc(key, {
      lost: rec('ci / lost', { state_synced: false }),
      sent: rec('ci / sent', { state_synced: false, check_run_id: 5, node_id: 'N5' }),
      stuck: rec('ci / stuck', { state: 'building', updated_at: at(8), check_run_id: 6, node_id: 'N6' }),
      stuckLost: rec('ci / stuckLost', { state: 'queued', updated_at: at(8), state_synced: false }),
      fine: rec('ci / fine', { check_run_id: 7 }),
    })
    const plan = planSuite(data, opts)
    expect(plan.resend.map((o) => [o.build, o.op])).toEqual([['lost', 'create'], ['sent', 'update']])
    expect(plan.timeouts.map((t) => [t.build, t.op?.op, t.record.state, t.record.conclusion, t.record.generation])).toEqual([
      ['stuck', 'update', 'built', 'timed_out', 1],
      ['stuckLost', 'create', 'built', 'timed_out', 1],
    ])
    expect(plan.timeouts[0]!.record.updated_at).toBe(new Date(now).toISOString())
    expect(plan.timeouts[0]!.record.reporter).toEqual(data.check_runs.stuck!.reporter)
    expect(planSuite(data, { ...opts, staleConclusion: 'failure' }).timeouts[0]!.record.conclusion).toBe('failure')
  })

  test('planSuite: in aggregate mode a build without a run of its own is timed out in the state only', () => {
    const data = doc(key, { b: rec('ci / b', { state: 'building', updated_at: at(9) }) }, { aggregate: { since: at(10), reason: 'many' } })
    const [t] = planSuite(data, opts).timeouts
    expect(t!.op).toBeUndefined()
    expect(t!.record).toMatchObject({ state: 'built', conclusion: 'timed_out', state_synced: true })
  })

  test('settled: every build built and synced, the CONCLUSION run complete in the newest generation', () => {
    const built = { a: rec('ci / a', { check_run_id: 1, generation: 2 }) }
    const conclusion = { state: 'built' as const, generation: 2, state_synced: true, updated_at: at(1), check_run_id: 9, conclusion: 'success' as const }
    expect(isSettled(doc(key, built))).toBe(true)
    expect(isSettled(doc(key, built, { conclusion_run: conclusion }))).toBe(true)
    expect(isSettled(doc(key, built, { conclusion_run: { ...conclusion, generation: 1 } }))).toBe(false)
    expect(isSettled(doc(key, built, { conclusion_run: { ...conclusion, state: 'building' } }))).toBe(false)
    expect(isSettled(doc(key, { a: rec('ci / a', { state_synced: false }) }))).toBe(false)
    expect(isSettled(doc(key, { a: rec('ci / a', { state: 'building' }) }))).toBe(false)
  })

  test('a settled fragment name carries its last activity; no transition fragment name looks like one', () => {
    const step = settledStep(now, 'abcdef0123456789')
    const name = fragmentName(key, { run_id: 7, run_attempt: 1, job: 'reconcile', step })
    expect(settledAt(name)).toBe(now)
    expect(skipsReading([name])).toBe(true)
    expect(skipsReading([name, name.replace('settled', 'x')])).toBe(false)
    // Transition steps are `<GITHUB_ACTION>-<8 hex>` (and `-r1` on a retry); step ids hold no dot.
    for (const s of ['settled-12345678', 'app-12345678', 'settled_1714564800-abcdef01', 'settled-12345678-r1']) {
      expect(settledAt(fragmentName(key, { run_id: 7, run_attempt: 1, job: 'settled.1.abcdef01', step: s }))).toBeUndefined()
    }
  })

  test('forget after forget-after, by the newest transition time', () => {
    const data = doc(key, { a: rec('ci / a', { updated_at: at(24 * 31) }), b: rec('ci / b', { updated_at: at(24 * 29) }) })
    expect(lastActivity(data)).toBe(now - 24 * 29 * HOUR)
    expect(shouldForget(lastActivity(data), now, 30 * 24 * HOUR)).toBe(false)
    expect(shouldForget(lastActivity(data), now, 28 * 24 * HOUR)).toBe(true)
    expect(shouldForget(undefined, now, 1)).toBe(false)
    expect(formatDuration(6 * HOUR)).toBe('6h')
    expect(formatDuration(30 * 24 * HOUR + 90_000)).toBe('30d 1m')
  })

  test('deletes go a round at a time until the deadline; the first round always runs', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i)
    const rounds: number[][] = []
    const del = async (round: number[]) => void rounds.push(round)
    expect(await deleteInRounds(items, del, () => false)).toBe(20)
    expect(rounds.map((r) => r.length)).toEqual([DELETES_PER_ROUND, DELETES_PER_ROUND, 20 - 2 * DELETES_PER_ROUND])
    expect(rounds.flat()).toEqual(items)

    rounds.length = 0
    expect(await deleteInRounds(items, del, () => true)).toBe(DELETES_PER_ROUND) // past it already: one round
    let clock = 0
    rounds.length = 0
    expect(await deleteInRounds(items, async (r) => { await del(r); clock++ }, () => clock >= 2)).toBe(2 * DELETES_PER_ROUND)
    expect(await deleteInRounds([], del, () => true)).toBe(0)

    const progress = { deleted: 0 }
    const failing = async (round: number[]) => { if (round[0] === DELETES_PER_ROUND) throw new Error('HTTP 502') }
    await expect(deleteInRounds(items, failing, () => false, progress)).rejects.toThrow('HTTP 502')
    expect(progress.deleted).toBe(DELETES_PER_ROUND)
  })
})

// ---------------------------------------------------------------------------------------------
// Through the runner

const REPO = 'octo-org/repo-a'
const { gh, runtime, results, tempDir } = await startHarness({ runtime: true })

function newDir(): string {
  return tempDir('reconcile-')
}

async function action(dir: string, command: string, inputs: Record<string, string>, env: Record<string, string> = {}, repo = REPO) {
  const before = gh.requests.length
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: dir === 'artifact' ? 'artifact' : `file:${dir}`, ...inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000', GITHUB_REPOSITORY: repo, ...env },
    event: command === 'reconcile' ? { name: 'schedule', payload: { schedule: '*/30 * * * *' } } : undefined,
    timeoutMs: 60_000,
  })
  results.push(result)
  if (result.exitCode !== 0) throw new Error(`${command} failed:\n${result.stdout}\n${result.stderr}`)
  return { result, requests: gh.requests.slice(before) }
}

interface Reconciled {
  complete: boolean
  suites: number
  remaining: number
  settled: number
  totals: Record<string, number>
  reconciled: { suite: string; head_sha: string; resent: number; adopted: number; timed_out: number; compacted: number; conclusion?: string; unsynced: number; forgotten?: boolean; set_aside: number }[]
}

async function reconcile(dir: string, inputs: Record<string, string> = {}, repo = REPO, env: Record<string, string> = {}) {
  const { result, requests } = await action(dir, 'reconcile', inputs, { GITHUB_RUN_ID: '9000', GITHUB_JOB: 'reconcile', ...env }, repo)
  return { out: JSON.parse(result.outputs.reconciled!) as Reconciled, result, requests }
}

async function state(dir: string, key: SuiteKey): Promise<{ data: ServiceData; names: string[] }> {
  const store = new FileStore(dir)
  const refs = (await store.listAllFragments())
  const docs: ServiceData[] = []
  const names: string[] = []
  for (const ref of refs) {
    let data: ServiceData
    try {
      data = parseStored((await store.readFragment(ref)).text)
    } catch {
      continue // an unusable fragment (the compaction test leaves one)
    }
    if (data.suite === key.suite && data.head_sha === key.head_sha) {
      docs.push(data)
      names.push(ref.name!)
    }
  }
  return { data: mergeAll(key, docs), names }
}

const runsOn = (head: string, repo = REPO) => gh.checkRuns(repo).filter((r) => r.head_sha === head)
const count = (requests: RecordedRequest[], what: string) =>
  requests.filter((r) => (what === 'graphql' ? r.path === '/graphql' : r.operationId === what)).length

async function put(dir: string, data: ServiceData, step: string) {
  await new FileStore(dir).writeFragment(data, sealWith(gh.app.privateKeyPkcs1, data, serializeServiceData(data)), { run_id: 1000, run_attempt: 1, job: 'build', step })
}

test('a create whose reply was lost is adopted, not created again', async () => {
  const dir = newDir()
  const head = sha()
  // The write happens, its reply is lost, and the listing that would adopt it fails too.
  gh.faults.add({ match: 'graphql:createCheckRun', kind: 'drop-after-write', times: 2 })
  gh.faults.add({ match: 'checks/list-for-ref', kind: 'status', status: 502, times: 40 })
  const queued = await action(dir, 'queued', { builds: 'linux' }, { GITHUB_SHA: head })
  gh.faults.clear()
  expect(queued.result.outputs.unsynced).toBe('2') // the build and the CONCLUSION run
  const key = { repository: REPO, head_sha: head, suite: 'ci' }
  expect((await state(dir, key)).data.check_runs.linux).toMatchObject({ state: 'queued', state_synced: false })
  const before = runsOn(head)
  expect(before.map((r) => r.name).sort()).toEqual(['ci / CONCLUSION', 'ci / linux'])

  const { out, requests } = await reconcile(dir)
  expect(runsOn(head)).toEqual(before) // nothing created, nothing changed
  const mine = out.reconciled.find((s) => s.head_sha === head)!
  expect(mine).toMatchObject({ resent: 0, adopted: 2, timed_out: 0, unsynced: 0, compacted: 0 }) // one fragment: nothing to compact
  expect(count(requests, 'checks/list-for-ref')).toBe(1)
  expect(count(requests, 'graphql')).toBe(0)
  const after = await state(dir, key)
  const linux = before.find((r) => r.name === 'ci / linux')!
  expect(after.data.check_runs.linux).toMatchObject({ state: 'queued', state_synced: true, check_run_id: linux.id, node_id: linux.node_id })
  expect(after.data.conclusion_run).toMatchObject({ state: 'building', state_synced: true, check_run_id: before.find((r) => r.name === 'ci / CONCLUSION')!.id })
  expect(after.names).toHaveLength(2) // the queued step's and the one holding what reconcile learned
}, 60_000)

test('an unsynced built is sent again, and the CONCLUSION run completed; a second pass does nothing', async () => {
  const dir = newDir()
  const head = sha()
  const env = { GITHUB_SHA: head }
  await action(dir, 'queued', { builds: 'linux' }, env)
  gh.faults.add({ match: 'graphql:updateCheckRun', kind: 'status', status: 502, times: 40 })
  const built = await action(dir, 'built', { builds: 'linux', conclusion: 'success' }, env)
  gh.faults.clear()
  expect(built.result.outputs.unsynced).not.toBe('0')
  expect(runsOn(head).find((r) => r.name === 'ci / linux')!.status).toBe('queued')

  const { out, requests, result } = await reconcile(dir)
  const mine = out.reconciled.find((s) => s.head_sha === head)!
  expect(mine).toMatchObject({ resent: 1, adopted: 0, unsynced: 0, conclusion: 'completed' })
  expect(count(requests, 'graphql')).toBe(1) // the build and the CONCLUSION run in one request
  expect(count(requests, 'checks/list-for-ref')).toBe(1) // ids known: one listing checks they are this suite's runs
  const runs = runsOn(head)
  expect(runs).toHaveLength(2)
  expect(runs.find((r) => r.name === 'ci / linux')).toMatchObject({ status: 'completed', conclusion: 'success' })
  expect(runs.find((r) => r.name === 'ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'success' })
  expect(result.summary).toContain('| Suite | Commit | Resent |')
  expect(result.summary).toMatch(new RegExp(`\\| ci \\| \`${head.slice(0, 7)}\` \\| 1 \\| 0 \\| 0 \\| completed \\|`))

  const key = { repository: REPO, head_sha: head, suite: 'ci' }
  // What it sent is written as a settled fragment; the two it merged stay (a settled suite is
  // never read again, so deleting them would save no read).
  const compacted = await state(dir, key)
  expect(compacted.names).toHaveLength(3)
  expect(compacted.names.filter((n) => settledAt(n) !== undefined)).toHaveLength(1)
  expect(mine.compacted).toBe(0)
  const again = await reconcile(dir)
  expect(again.out.reconciled.find((s) => s.head_sha === head)).toBeUndefined()
  expect(count(again.requests, 'graphql') + count(again.requests, 'checks/list-for-ref')).toBe(0)
  expect((await state(dir, key)).names).toEqual(compacted.names)
}, 60_000)

test('a build stuck building is timed out with a summary saying why', async () => {
  const dir = newDir()
  const head = sha()
  const env = { GITHUB_SHA: head }
  await action(dir, 'queued', { builds: 'linux,windows' }, env)
  await action(dir, 'building', { builds: 'linux,windows' }, env)
  await action(dir, 'built', { builds: 'windows', conclusion: 'success' }, env)
  await new Promise((r) => setTimeout(r, 1100))
  const { out } = await reconcile(dir, { 'stale-after': '1s' })
  expect(out.reconciled.find((s) => s.head_sha === head)).toMatchObject({ timed_out: 1, resent: 0, conclusion: 'completed' })
  const runs = runsOn(head)
  const linux = runs.find((r) => r.name === 'ci / linux')!
  expect(linux).toMatchObject({ status: 'completed', conclusion: 'timed_out' })
  expect(linux.output.title).toBe('🔴 TIMED OUT')
  expect(linux.output.summary).toContain('No end was reported for this build: it was building since')
  expect(linux.output.summary).toContain('longer than stale-after (1s)')
  expect(runs.find((r) => r.name === 'ci / windows')).toMatchObject({ conclusion: 'success' })
  expect(runs.find((r) => r.name === 'ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'failure' })
  expect(runs).toHaveLength(3)
  const key = { repository: REPO, head_sha: head, suite: 'ci' }
  expect((await state(dir, key)).data.check_runs.linux).toMatchObject({ state: 'built', conclusion: 'timed_out', state_synced: true, check_run_id: linux.id })
}, 60_000)

test('compaction keeps every record; old suites are forgotten; unusable fragments stay', async () => {
  const dir = newDir()
  const a = { repository: REPO, head_sha: sha(), suite: 'ci' }
  const b = { repository: REPO, head_sha: sha(), suite: 'nightly' }
  const old = { repository: REPO, head_sha: sha(), suite: 'ci' }
  let id = 100
  const docsA = [
    doc(a, { x: rec('ci / x', { check_run_id: id++ }), y: rec('ci / y', { check_run_id: id++, conclusion: 'failure' }) }),
    doc(a, { y: rec('ci / y', { check_run_id: 101, generation: 2, conclusion: 'success' }), z: rec('ci / z', { check_run_id: id++ }) }),
    doc(a, { x: rec('ci / x', { check_run_id: 100, generation: 1, state: 'queued', updated_at: ago(120_000) }) }),
    doc(a, {}, { conclusion_run: { state: 'built', generation: 2, state_synced: true, updated_at: ago(30_000), check_run_id: id++, conclusion: 'success' } }),
    doc(a, { 'odd build "\u00e9"': rec('ci / odd build "\u00e9"', { check_run_id: id++, conclusion: 'skipped' }) }),
  ]
  for (const [i, d] of docsA.entries()) await put(dir, d, `a${i}`)
  // b: a build still running (recently): compacted, not settled.
  const docsB = [doc(b, { n: rec('nightly / n', { state: 'queued', check_run_id: id++ }) }), doc(b, { n: rec('nightly / n', { state: 'building', check_run_id: id - 1 }) })]
  for (const [i, d] of docsB.entries()) await put(dir, d, `b${i}`)
  await new FileStore(dir).writeFragment(b, sealWith(gh.app.privateKeyPkcs1, b, '{"version": 1, "not": "a document"'), { run_id: 1000, run_attempt: 1, job: 'build', step: 'broken' })
  for (const [i, d] of [doc(old, { q: rec('ci / q', { updated_at: ago(31 * 24 * HOUR) }) }), doc(old, { r: rec('ci / r', { state: 'queued', state_synced: false, updated_at: ago(40 * 24 * HOUR) }) })].entries()) {
    await put(dir, d, `old${i}`)
  }

  const { out, requests } = await reconcile(dir)
  expect(count(requests, 'graphql') + count(requests, 'checks/list-for-ref')).toBe(0)
  const report = (k: SuiteKey) => out.reconciled.find((s) => s.head_sha === k.head_sha)
  // a is settled: no later pass reads it, so compacting it would save nothing; it is left as it is.
  expect(report(a)).toBeUndefined()
  expect(report(b)).toMatchObject({ compacted: 2, set_aside: 1 })
  expect(report(old)).toMatchObject({ forgotten: true })

  const afterA = await state(dir, a)
  expect(afterA.names).toHaveLength(5)
  expect(serializeServiceData(afterA.data)).toBe(serializeServiceData(mergeAll(a, docsA)))
  const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.'))
  const bFiles = files.filter((f) => f.startsWith(suitePrefix(b)))
  expect(bFiles).toHaveLength(2) // the compacted one and the unusable one, left as it was
  expect(bFiles.some((f) => f.includes('-broken.json'))).toBe(true)
  const compactedB = bFiles.find((f) => !f.includes('-broken'))!
  expect(settledAt(compactedB.replace(/\.json$/, ''))).toBeUndefined()
  expect(serializeServiceData(parseStored(fs.readFileSync(path.join(dir, compactedB), 'utf8')))).toBe(serializeServiceData(mergeAll(b, docsB)))
  expect((await state(dir, old)).names).toEqual([])
}, 60_000)

test('a reconcile stopped by max-duration, then run again, ends where one full run ends', async () => {
  // The same four suites in two repositories: repo-a is reconciled in two runs (the first one
  // stopped by max-duration), repo-b in one. Each suite lost its queued report, and has three fragments.
  const heads = Array.from({ length: 4 }, sha)
  const setUp = async (repo: string) => {
    const dir = newDir()
    for (const head of heads) {
      const key = { repository: repo, head_sha: head, suite: 'ci' }
      await put(dir, doc(key, { lost: rec('ci / lost', { state: 'queued', state_synced: false }) }), 'q')
      await put(dir, doc(key, { ok: rec('ci / ok', { state: 'queued', check_run_id: 1 + heads.indexOf(head), node_id: 'unused' }) }), 'o')
      await put(dir, doc(key, { ok: rec('ci / ok', { state: 'queued', check_run_id: 1 + heads.indexOf(head), node_id: 'unused', updated_at: ago(30_000) }) }), 'p')
    }
    return dir
  }
  const dirA = await setUp('octo-org/repo-a')
  const dirB = await setUp('octo-org/repo-b')

  const first = await reconcile(dirA, { 'max-duration': '2s' })
  expect(first.out.complete).toBe(false)
  expect(first.out.remaining).toBeGreaterThan(0)
  expect(first.out.remaining).toBeLessThan(4)
  const second = await reconcile(dirA)
  expect(second.out.complete).toBe(true)
  const one = await reconcile(dirB, {}, 'octo-org/repo-b')
  expect(one.out.complete).toBe(true)

  const sum = (r: Reconciled[], field: 'resent' | 'compacted') => r.flatMap((x) => x.reconciled).reduce((n, s) => n + s[field], 0)
  expect(sum([first.out, second.out], 'resent')).toBe(4)
  expect(sum([one.out], 'resent')).toBe(4)
  expect(sum([first.out, second.out], 'compacted')).toBe(sum([one.out], 'compacted'))
  // GitHub and the state end the same in both repositories.
  const view = async (repo: string, dir: string) =>
    Promise.all(heads.map(async (head) => {
      const runs = runsOn(head, repo).map((r) => [r.name, r.status, /^gac1:[0-9a-f]{16}:lost:1$/.test(r.external_id ?? '')])
      const { data, names } = await state(dir, { repository: repo, head_sha: head, suite: 'ci' })
      const records = Object.entries(data.check_runs).map(([b, r]) => [b, r.state, r.state_synced, r.check_run_id !== undefined])
      return { runs, records, fragments: names.length }
    }))
  const viewA = await view('octo-org/repo-a', dirA)
  expect(viewA).toEqual(await view('octo-org/repo-b', dirB))
  for (const v of viewA) expect(v).toEqual({ runs: [['ci / lost', 'queued', true]], records: [['lost', 'queued', true, true], ['ok', 'queued', true, true]], fragments: 1 })
  // And a third run finds nothing left to do.
  const third = await reconcile(dirA)
  expect(sum([third.out], 'resent') + sum([third.out], 'compacted')).toBe(0)
  expect(count(third.requests, 'graphql') + count(third.requests, 'checks/list-for-ref')).toBe(0)
}, 90_000)

test('1,000 suites with 10 unsynced builds: requests for those 10 only, then none', async () => {
  const dir = newDir()
  const store = new FileStore(dir)
  const unsynced = new Set(Array.from({ length: 10 }, (_, i) => i * 100 + 7))
  const heads: string[] = []
  for (let i = 0; i < 1000; i++) {
    const key = { repository: REPO, head_sha: sha(), suite: 'ci' }
    heads.push(key.head_sha)
    const runs: Record<string, CheckRunRecord> = {}
    for (let j = 0; j < 3; j++) runs[`b${j}`] = rec(`ci / b${j}`, { check_run_id: 10_000 + i * 3 + j })
    if (unsynced.has(i)) runs.b2 = rec('ci / b2', { state_synced: false }) // its create never answered
    await store.writeFragment(key, sealWith(gh.app.privateKeyPkcs1, key, serializeServiceData(doc(key, runs))), { run_id: 1000, run_attempt: 1, job: 'build', step: 's' })
  }
  const first = await reconcile(dir)
  const checks = (r: RecordedRequest[]) => ({ listings: count(r, 'checks/list-for-ref'), graphql: count(r, 'graphql'), all: r.length })
  const c1 = checks(first.requests)
  expect(first.out.totals).toMatchObject({ resent: 10, adopted: 0, unsynced: 0 })
  expect(c1.listings).toBe(10)
  expect(c1.graphql).toBe(10)
  const second = await reconcile(dir)
  const c2 = checks(second.requests)
  expect(second.out.settled).toBe(1000)
  expect(c2.listings + c2.graphql).toBe(0)
  console.log(`1,000 suites / 10 unsynced: first pass ${c1.all} requests (${c1.listings} listings, ${c1.graphql} GraphQL), ` +
    `second pass ${c2.all} requests (all settled, nothing read); ${first.result.durationMs.toFixed(0)} ms and ${second.result.durationMs.toFixed(0)} ms`)
  expect(runsOn(heads[7]!).map((r) => [r.name, r.status, r.conclusion])).toEqual([['ci / b2', 'completed', 'success']])
}, 120_000)

test('artifact store: reconcile in a later run merges the fragments of earlier runs, and deletes none', async () => {
  const head = sha()
  const job = (runId: number, jobId: string) => jobEnv(runtime, { runId, job: jobId, sha: head })
  // Run 3001: the queued report's reply is lost (and so is the listing that would adopt it).
  gh.faults.add({ match: 'graphql:createCheckRun', kind: 'drop-after-write', times: 2 })
  gh.faults.add({ match: 'checks/list-for-ref', kind: 'status', status: 502, times: 40 })
  await action('artifact', 'queued', { builds: 'linux' }, job(3001, 'queue'))
  gh.faults.clear()
  await action('artifact', 'building', { builds: 'linux' }, job(3001, 'build'))
  const prefix = suitePrefix({ repository: REPO, head_sha: head, suite: 'ci' })
  const before = runtime.artifacts(REPO).filter((a) => a.name.startsWith(prefix))
  expect(before.map((a) => a.runId)).toEqual([3001, 3001])

  const { out, requests } = await reconcile('artifact', {}, REPO, job(3002, 'reconcile'))
  expect(out.reconciled.find((s) => s.head_sha === head)).toMatchObject({ adopted: 1, compacted: 0, unsynced: 0 })
  // What it learned is one more fragment; the two merged are left to retention: a DELETE each
  // would spend the installation's content-creation budget to save two reads a pass.
  expect(requests.filter((r) => r.method === 'DELETE')).toEqual([])
  const after = runtime.artifacts(REPO).filter((a) => a.name.startsWith(prefix))
  expect(after.map((a) => a.runId)).toEqual([3001, 3001, 3002])
  expect(runsOn(head).filter((r) => r.name === 'ci / linux')).toEqual([expect.objectContaining({ status: 'in_progress' })])
}, 60_000)
