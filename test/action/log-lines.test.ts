// What a person reads in a step's log: the action's own lines, not the toolkit's. The runner
// shows every stdout and stderr line except workflow commands it consumes: ::debug:: only with
// step debug logging (RUNNER_DEBUG=1, set by the ACTIONS_STEP_DEBUG secret or variable), and
// ::add-mask::, ::endgroup::, ::save-state:: / ::set-output:: never
// (https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands).
import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { jobEnv } from '../fault-harness.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const HIDDEN = /^::(debug|add-mask|endgroup|save-state|set-output|stop-commands|echo)(\s[^:]*)?::/

/** The lines the runner shows in the step's log (debug logging off). */
export function visibleLines(result: Pick<RunActionResult, 'stdout' | 'stderr'>): string[] {
  const lines = (text: string) => text.split(/\r?\n/).filter((l) => l.trim() !== '')
  return [...lines(result.stdout).filter((l) => !HIDDEN.test(l)), ...lines(result.stderr)]
}

const { gh, runtime } = await startHarness({ runtime: true })

async function step(sha: string, job: string, command: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<RunActionResult> {
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: 'artifact', ...inputs },
    ...(process.env.LOG_LINES_SCRIPT ? { script: process.env.LOG_LINES_SCRIPT } : {}), // to measure another build of the action
    env: { ...jobEnv(runtime, { runId: 2000, job, sha }), GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', ...env },
    timeoutMs: 120_000,
  })
  expect(result.exitCode, `${job} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  return result
}

/** One 4-build suite: queued, then building and built in each job, then conclude. */
async function pipeline(store: string) {
  const sha = randomBytes(20).toString('hex')
  const builds = ['linux', 'macos', 'windows', 'docs']
  await step(sha, 'queue', 'queued', { builds: builds.join(','), store })
  const jobs = await Promise.all(builds.map(async (b) => {
    const building = await step(sha, b, 'building', { builds: b, store })
    const built = await step(sha, b, 'built', { builds: b, conclusion: 'success', store })
    return { building, built }
  }))
  const conclude = await step(sha, 'conclude', 'conclude', { store })
  return { building: jobs[0]!.building, built: jobs[0]!.built, conclude }
}

describe.each(['artifact', 'cache'])('the log of a building, built and conclude step (store: %s)', (store) => {
  test('shows the action\'s own lines only, and no deprecation warning', async () => {
    const { building, built, conclude } = await pipeline(store)
    const counts = { building: visibleLines(building).length, built: visibleLines(built).length, conclude: visibleLines(conclude).length }
    console.log(`store ${store}: visible log lines ${JSON.stringify(counts)}; ms ${[building, built, conclude].map((r) => Math.round(r.durationMs))}`)
    if (process.env.SHOW_LINES) for (const r of [building, built, conclude]) console.log(visibleLines(r).join("\n") + "\n-----")
    for (const [name, r] of Object.entries({ building, built, conclude })) {
      expect(r.stderr, name).not.toMatch(/DeprecationWarning|DEP0005/)
      // the toolkit's progress lines go to ::debug::, the action's own stay
      expect(visibleLines(r).join('\n'), name).not.toMatch(/Redirecting to blob download url|SHA256 digest|Finalizing artifact upload|Beginning upload of artifact|Cache saved|Cache restored|Cache Size|\/tar /)
    }
    expect(counts.building).toBeLessThanOrEqual(3)
    expect(counts.built).toBeLessThanOrEqual(3)
    expect(counts.conclude).toBeLessThanOrEqual(3)
  }, 180_000)
})

describe('with step debug logging (RUNNER_DEBUG=1)', () => {
  test('every GitHub request is a debug line with its route, status, time and rate limit left; the toolkit\'s lines are debug lines', async () => {
    const sha = randomBytes(20).toString('hex')
    await step(sha, 'queue', 'queued', { builds: 'linux' })
    const before = gh.requests.length
    const building = await step(sha, 'linux', 'building', { builds: 'linux' }, { RUNNER_DEBUG: '1' })
    const sent = gh.requests.slice(before)
    const logged = building.stdout.split('\n').filter((l) => l.startsWith('::debug::GitHub '))
    expect(logged.length).toBe(sent.length)
    expect(logged).toContainEqual(expect.stringMatching(/^::debug::GitHub POST \/graphql → 200 in \d+ ms, rate limit remaining \d+$/))
    expect(logged).toContainEqual(expect.stringMatching(/^::debug::GitHub POST \/app\/installations\/\{installation_id\}\/access_tokens → 201 in \d+ ms/))
    // routes are templates: no values, so no token or id of the request is in the line
    for (const line of logged) expect(line).not.toMatch(/ghs_|eyJ|\/repos\/octo-org/)
    expect(building.stdout).toMatch(/^::debug::SHA256 digest of uploaded artifact is [0-9a-f]{64}$/m)
    expect(visibleLines(building).length).toBeLessThanOrEqual(3)
  }, 120_000)
})

describe('a transition that met a network error', () => {
  test('says so (not "HTTP 500") and that reconcile re-sends it', async () => {
    const sha = randomBytes(20).toString('hex')
    await step(sha, 'queue', 'queued', { builds: 'linux' })
    gh.faults.add({ match: 'graphql:updateCheckRun', kind: 'reset', times: 4 }) // the first try and the client's 3 retries
    const building = await step(sha, 'linux', 'building', { builds: 'linux' })
    gh.faults.clear()
    expect(building.outputs.unsynced).toBe('1')
    const warning = building.warnings.find((w) => w.startsWith('build "linux"'))
    if (process.env.SHOW_LINES) console.log(warning)
    expect(warning).toMatch(/network error/)
    expect(warning).not.toMatch(/HTTP 500/)
    expect(warning).toMatch(/reconcile` re-sends it/)
  }, 120_000)
})
