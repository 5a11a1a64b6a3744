// The log of command: reconcile: one collapsible group per suite where anything happened (titled
// by the suite, with what was done), nothing for settled suites, and a progress line at least
// every 30 s (GITHUB_APP_CI_PROGRESS_MS shortens it here) so a long pass never looks hung.
import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const { gh, tempDir } = await startHarness()
const dir = tempDir('reconcile-log-')

async function step(command: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunActionResult> {
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: `file:${dir}`, ...inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_RUN_ID: command === 'reconcile' ? '9000' : '1000', ...env },
    event: command === 'reconcile' ? { name: 'schedule', payload: { schedule: '*/30 * * * *' } } : undefined,
    timeoutMs: 60_000,
  })
  expect(result.exitCode, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

test('a group per suite that needed work, none for settled ones, and progress lines while it runs', async () => {
  const clean = randomBytes(20).toString('hex')
  const broken = randomBytes(20).toString('hex')
  // A settled suite (all built, CONCLUSION complete) and one whose built never reached GitHub.
  await step('queued', { builds: 'linux' }, { GITHUB_SHA: clean })
  await step('built', { builds: 'linux', conclusion: 'success' }, { GITHUB_SHA: clean })
  await step('reconcile', {}) // whatever a first pass does to it, the next one finds it settled
  await step('queued', { builds: 'linux' }, { GITHUB_SHA: broken })
  gh.faults.add({ match: 'graphql:updateCheckRun', kind: 'status', status: 502, times: 40 })
  await step('built', { builds: 'linux', conclusion: 'success' }, { GITHUB_SHA: broken })
  gh.faults.clear()

  // The repair's request is held 1.5 s: progress lines every 200 ms come out meanwhile.
  gh.faults.add({ match: 'graphql', kind: 'delay', delayMs: 1500 })
  const result = await step('reconcile', {}, { GITHUB_SHA: broken, GITHUB_APP_CI_PROGRESS_MS: '200' })
  gh.faults.clear()
  const lines = result.stdout.split('\n')
  const groups = lines.filter((l) => l.startsWith('::group::'))
  expect(groups).toEqual([`::group::suite "ci" @ ${broken.slice(0, 7)}`])
  const start = lines.indexOf(groups[0]!)
  const end = lines.indexOf('::endgroup::', start)
  expect(lines.slice(start + 1, end)).toContainEqual(expect.stringMatching(/^1 resent, CONCLUSION completed/))
  const progress = lines.filter((l) => /^reconcile: \d+ of 2 suite\(s\) looked at/.test(l))
  expect(progress.length).toBeGreaterThanOrEqual(2)
  expect(lines.at(-2) ?? '').toMatch(/^Reconciled 2 of 2 suite\(s\)/)
}, 120_000)
