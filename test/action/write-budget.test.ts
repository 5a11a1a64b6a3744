// The write budget: GitHub counts every check-run mutation and every DELETE against one limit of
// content-creating requests per installation (80 a minute, 500 an hour:
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
// Reconcile of suites that need no repair writes nothing, and its listing stops at what the last
// pass saw (src/reconcile/pass-index.ts). The real dist/ with the artifact store against the
// emulators; the rules themselves pure.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { describe, expect, test } from 'vitest'
import {
  emptyIndex, laterReads, LISTING_SLACK_MS, listingSince, mergeListing, parseIndex, READS_PER_WRITE, recordSuite, serializeIndex, worthCompacting,
} from '../../src/reconcile/pass-index.ts'
import { fragmentName, nameFields } from '../../src/store/naming.ts'
import type { FragmentRef } from '../../src/store/store.ts'
import { contentCreating } from '../content-creation.ts'
import type { RecordedRequest } from '../emulator/github/index.ts'
import { appStep, jobEnv, REPO } from '../fault-harness.ts'
import { startHarness } from './harness.ts'

const MIN = 60_000

describe('compaction and the index (pure)', () => {
  test('compact only when the reads saved outweigh the writes, a DELETE weighing ten reads', () => {
    expect(READS_PER_WRITE).toBe(10)
    // A settled suite is read by no later pass: compacting it never pays.
    expect(laterReads(true, 0, { now: 0, staleAfterMs: 6 * 60 * MIN, intervalMs: 30 * MIN })).toBe(0)
    expect(worthCompacting(10, 0, READS_PER_WRITE, true)).toBe(false)
    expect(worthCompacting(10, 0, 0, true)).toBe(false)
    // An unsettled one is read every pass until it is stale-after old (then timed out): 12 passes of 30 min in 6 h.
    const now = 1_000 * MIN
    expect(laterReads(false, now, { now, staleAfterMs: 6 * 60 * MIN, intervalMs: 30 * MIN })).toBe(12)
    expect(laterReads(false, now, { now, staleAfterMs: 6 * 60 * MIN })).toBe(1) // interval unknown: one
    // 10 fragments: 9 reads saved a pass; 10 DELETEs (+1 write when nothing else is written) at 10 reads each.
    expect(worthCompacting(10, 12, READS_PER_WRITE, true)).toBe(false) // 108 ≤ 110
    expect(worthCompacting(10, 13, READS_PER_WRITE, true)).toBe(true) // 117 > 110
    expect(worthCompacting(10, 12, READS_PER_WRITE, false)).toBe(true) // 108 > 100: the write happens anyway
    // A file store's deletes are no GitHub requests: any unsettled suite of two or more fragments.
    expect(worthCompacting(2, 1, 0, true)).toBe(true)
    expect(worthCompacting(1, 100, 0, true)).toBe(false)
  })

  const key = { repository: REPO, head_sha: 'a'.repeat(40), suite: 'ci' }
  const ref = (step: string, createdAt: string, id: string): FragmentRef => {
    const name = fragmentName(key, { run_id: 1, run_attempt: 1, job: 'j', step })
    return { id, name, ...nameFields(name), created_at: createdAt }
  }

  test('the index: new fragments unsettle their suite; the listing restarts 15 minutes before the newest seen', () => {
    const index = emptyIndex()
    expect(listingSince(undefined)).toBeUndefined()
    expect(mergeListing(index, [ref('a', '2026-05-01T12:00:00.000Z', '1'), ref('b', '2026-05-01T12:01:00.000Z', '2')], false)).toBe(2)
    const [hash] = Object.keys(index.suites)
    recordSuite(index, hash!, Object.values(index.suites)[0]!.refs.map(([id, name, c]) => ({ id, name, suite_hash: hash!, created_at: c })), true)
    expect(index.suites[hash!]!.settled).toBe(true)
    expect(listingSince(index)).toBe(new Date(Date.parse('2026-05-01T12:01:00.000Z') - LISTING_SLACK_MS).toISOString())
    // Listed again (inside the slack): nothing new, still settled.
    expect(mergeListing(index, [ref('b', '2026-05-01T12:01:00.000Z', '2')], false)).toBe(0)
    expect(index.suites[hash!]!.settled).toBe(true)
    // A late fragment (a re-run) unsettles it, and keeps the older ones to merge with.
    expect(mergeListing(index, [ref('c', '2026-05-02T08:00:00.000Z', '3')], false)).toBe(1)
    expect(index.suites[hash!]).toEqual({ refs: [expect.arrayContaining(['1']), expect.arrayContaining(['2']), expect.arrayContaining(['3'])] })
    // A complete listing drops what the store no longer holds.
    mergeListing(index, [ref('c', '2026-05-02T08:00:00.000Z', '3')], true)
    expect(index.suites[hash!]!.refs.map(([id]) => id)).toEqual(['3'])
    expect(parseIndex(serializeIndex(index))).toEqual(index)
    expect(parseIndex('{"version": 2}')).toBeUndefined()
    expect(parseIndex('not json')).toBeUndefined()
  })
})

// ---------------------------------------------------------------------------------------------
// Through the runner: three clean 4-build pipelines, then reconcile.

const { gh, runtime, tempDir } = await startHarness({ runtime: true })

const BUILDS = ['linux', 'windows', 'macos', 'arm']
const ENV = { GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000' }

async function pipeline(runId: number): Promise<RecordedRequest[]> {
  const sha = randomBytes(20).toString('hex')
  const before = gh.requests.length
  const step = async (job: string, inputs: Record<string, string>) => {
    const s = await appStep(gh, inputs.command!, { sha, store: 'artifact', inputs, env: { ...jobEnv(runtime, { runId, job, sha }), ...ENV } })
    if (s.result.exitCode !== 0) throw new Error(`${inputs.command} failed:\n${s.result.stdout}\n${s.result.stderr}`)
  }
  await step('queue', { command: 'queued', builds: BUILDS.join(',') })
  await Promise.all(BUILDS.map((b) => step(`build-${b}`, { command: 'building', builds: b })))
  await Promise.all(BUILDS.map((b) => step(`build-${b}`, { command: 'built', builds: b, conclusion: 'success' })))
  await step('conclude', { command: 'conclude' })
  return gh.requests.slice(before)
}

async function reconcile(runId: number, env: Record<string, string> = {}) {
  const before = gh.requests.length
  const s = await appStep(gh, 'reconcile', { sha: '0'.repeat(40), store: 'artifact', env: { ...jobEnv(runtime, { runId, job: 'reconcile', sha: '0'.repeat(40) }), ...ENV, ...env } })
  if (s.result.exitCode !== 0) throw new Error(`reconcile failed:\n${s.result.stdout}\n${s.result.stderr}`)
  const requests = gh.requests.slice(before)
  return {
    result: s.result,
    out: JSON.parse(s.result.outputs.reconciled!) as { suites: number; settled: number; totals: Record<string, number> },
    requests,
    listings: requests.filter((r) => r.operationId === 'actions/list-artifacts-for-repo').length,
    downloads: requests.filter((r) => r.operationId === 'actions/download-artifact').length,
  }
}

/** Artifacts a repository's workflows made an hour ago (build outputs, not fragments): its history. */
async function history(n: number): Promise<void> {
  const dir = tempDir('history-')
  fs.writeFileSync(path.join(dir, 'out.txt'), 'build output')
  const saved = { ...process.env }
  const write = process.stdout.write
  Object.assign(process.env, jobEnv(runtime, { runId: 7000, job: 'history', sha: 'f'.repeat(40) }))
  process.stdout.write = () => true // the toolkit's upload log
  try {
    const client = new DefaultArtifactClient()
    for (let i = 0; i < n; i += 10) {
      await Promise.all(Array.from({ length: Math.min(10, n - i) }, (_, j) => client.uploadArtifact(`dist-${i + j}`, [path.join(dir, 'out.txt')], dir)))
    }
  } finally {
    process.env = saved
    process.stdout.write = write
  }
  for (const a of runtime.artifacts(REPO)) if (a.name.startsWith('dist-')) a.createdAt = new Date(Date.now() - 60 * MIN)
}

test('three clean 4-build pipelines: reconcile spends no content-creating request, and its next listing stops at what it saw', async () => {
  await history(250) // with the 30 fragments, three pages of 100
  const spent = []
  for (const runId of [8001, 8002, 8003]) spent.push(contentCreating(await pipeline(runId)))

  const isFragment = (a: { name: string }) => a.name.startsWith('github-app-ci-') && a.name !== 'github-app-ci-index'
  const fragments = runtime.artifacts(REPO).filter(isFragment).length
  // The first pass has no index: it lists everything, up to a page cap lowered to 1 here, and says what it left unread.
  const first = await reconcile(8100, { GITHUB_APP_CI_LIST_MAX_PAGES: '1' })
  expect(first.out).toMatchObject({ suites: 3, settled: 0 }) // read (nothing to do), not skipped
  expect(contentCreating(first.requests)).toEqual({ total: 0, deletes: 0, mutations: 0, rest: 0 })
  expect(first.listings).toBe(2) // the index's lookup (none yet) and one page
  expect(first.downloads).toBe(fragments) // every fragment read once, to find the suites settled
  expect(first.result.warnings).toEqual([
    `reconcile read the newest ${fragments} fragment(s) of the artifact store and left up to ${250 + fragments - 100} older item(s) unread ` +
      '(the listing stops at its page cap): suites only those hold are not reconciled.',
  ])

  // The second pass: the index's lookup and one page (the listing stops at the hour-old history,
  // where it read three pages before), nothing downloaded but the index, nothing written.
  const second = await reconcile(8101)
  expect(second.out).toMatchObject({ suites: 3, settled: 3 })
  expect(contentCreating(second.requests).total).toBe(0)
  expect(second.listings).toBe(2)
  expect(second.downloads).toBe(1) // the index
  expect(second.result.warnings).toEqual([])
  // Every fragment is still there, for artifact retention to clear.
  expect(runtime.artifacts(REPO).filter(isFragment)).toHaveLength(fragments)
  console.log(`3 clean 4-build pipelines: ${spent.map((s) => s.total).join(', ')} content-creating requests each; reconcile: ` +
    `${contentCreating(first.requests).total} and ${contentCreating(second.requests).total} (${first.requests.length} and ${second.requests.length} requests)`)

  // A re-run adds a fragment to a settled suite: only that suite is read again, with its older fragments.
  const sha = runtime.artifacts(REPO).find((a) => a.runId === 8002 && a.name.startsWith('github-app-ci-'))!.run.headSha
  const rerun = await appStep(gh, 'built', { sha, store: 'artifact', inputs: { command: 'built', builds: 'linux', conclusion: 'failure' }, env: { ...jobEnv(runtime, { runId: 8002, job: 'build-linux', sha }), GITHUB_RUN_ATTEMPT: '2', ...ENV } })
  expect(rerun.result.exitCode).toBe(0)
  const third = await reconcile(8102)
  const suiteFragments = runtime.artifacts(REPO).filter((a) => isFragment(a) && a.run.headSha === sha).length
  expect(third.downloads).toBe(1 + suiteFragments) // the index, and the suite's fragments, the new one with the older ones
  expect(third.out.settled).toBe(2)
}, 180_000)
