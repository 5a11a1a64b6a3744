// GitHub Enterprise Server: the real dist/ in a GHES-shaped job. GITHUB_SERVER_URL is not
// github.com (http://127.0.0.1:<port>, which the toolkit's isGhes() takes for GHES), the REST API
// is under /api/v3 and GraphQL at /api/graphql (https://docs.github.com/enterprise-server@latest/rest/quickstart),
// and the runtime has the legacy cache service only (runtime emulator, ghes: true).
// @actions/artifact v2+ refuses GHES (GHESNotSupportedError), so the default store there is the cache.
import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { isGhes, resolveStoreSpec } from '../../src/store/index.ts'
import { suitePrefix } from '../../src/store/naming.ts'
import { REPO } from '../fault-harness.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const { gh, runtime } = await startHarness({ runtime: true })

interface StepOptions { job: string; sha: string; runId?: number; store?: string; ghes?: boolean }

async function step(command: string, inputs: Record<string, string>, o: StepOptions): Promise<RunActionResult> {
  const ghes = o.ghes ?? true
  return runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, ...(o.store ? { store: o.store } : {}), ...inputs },
    env: {
      ...runtime.runtimeEnv({ runId: o.runId ?? 3000, jobId: o.job, ref: 'refs/heads/main', repository: REPO, headSha: o.sha, ghes }),
      GITHUB_RUN_ID: String(o.runId ?? 3000), GITHUB_JOB: o.job, GITHUB_SHA: o.sha,
      // runner.ts derives GITHUB_GRAPHQL_URL (/api/graphql) from an /api/v3 GITHUB_API_URL
      ...(ghes ? { GITHUB_SERVER_URL: gh.url, GITHUB_API_URL: gh.ghesApiUrl } : { GITHUB_API_URL: gh.url }),
      GITHUB_APP_CI_RETRY_BASE_MS: '10',
    },
    event: command === 'reconcile' ? { name: 'schedule', payload: { schedule: '*/30 * * * *' } } : undefined,
    timeoutMs: 120_000,
  })
}

function ok(r: RunActionResult, what: string): RunActionResult {
  expect(r.exitCode, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0)
  expect(r.errors, what).toEqual([])
  expect(r.warnings, what).toEqual([])
  return r
}

describe('which GitHub is GHES (the toolkit\'s rule)', () => {
  test.each([
    ['https://github.com', false], ['https://octo.ghe.com', false], ['http://github.localhost', false], [undefined, false],
    ['https://github.example.com', true], ['http://127.0.0.1:8080', true],
  ])('%s -> %s', (url, ghes) => {
    expect(isGhes(url)).toBe(ghes)
    expect(resolveStoreSpec('auto', url)).toBe(ghes ? 'cache' : 'artifact')
    expect(resolveStoreSpec('', url)).toBe(ghes ? 'cache' : 'artifact')
    expect(resolveStoreSpec('file:C:\\state', url)).toBe('file:C:\\state')
    if (ghes) expect(() => resolveStoreSpec('artifact', url)).toThrow(/store: cache/)
    else expect(resolveStoreSpec('artifact', url)).toBe('artifact')
  })
})

describe('a GHES-shaped job', () => {
  test('the default store is the cache: the whole pipeline works, without a warning, and reconcile sees the suite', async () => {
    const sha = randomBytes(20).toString('hex')
    const builds = ['linux', 'windows']
    const before = gh.requests.length
    ok(await step('queued', { builds: builds.join(',') }, { job: 'queue', sha }), 'queued')
    for (const b of builds) {
      ok(await step('building', { builds: b }, { job: b, sha }), `${b} building`)
      ok(await step('built', { builds: b, conclusion: 'success' }, { job: b, sha }), `${b} built`)
    }
    const concluded = ok(await step('conclude', {}, { job: 'conclude', sha }), 'conclude')
    expect(concluded.outputs.conclusion).toBe('success')
    // every request went to the GHES paths
    const sent = gh.requests.slice(before)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.filter((r) => !r.ghes).map((r) => `${r.method} ${r.path}`)).toEqual([])
    expect(sent.some((r) => r.path === '/graphql')).toBe(true)
    const runs = gh.checkRuns(REPO).filter((r) => r.head_sha === sha)
    expect(runs.map((r) => [r.name, r.status, r.conclusion]).sort()).toEqual([
      ['ci / CONCLUSION', 'completed', 'success'], ['ci / linux', 'completed', 'success'], ['ci / windows', 'completed', 'success'],
    ])
    // the state went to the legacy cache service, no artifact was made
    const prefix = suitePrefix({ repository: REPO, head_sha: sha, suite: 'ci' })
    expect(runtime.cacheEntries(REPO).filter((e) => e.key.startsWith(prefix)).length).toBeGreaterThanOrEqual(5)
    expect(runtime.artifacts(REPO).filter((a) => a.name.startsWith(prefix))).toEqual([])
    expect(runtime.calls.some((c) => c.service === 'CacheServiceV1' && c.method === 'POST caches' && c.status === 200)).toBe(true)
    expect(runtime.calls.some((c) => c.service === 'CacheService' || c.service === 'ArtifactService')).toBe(false)

    const reconciled = ok(await step('reconcile', {}, { job: 'reconcile', sha, runId: 3100 }), 'reconcile')
    const out = JSON.parse(reconciled.outputs.reconciled!) as { suites: number; remaining: number }
    expect(out.suites).toBeGreaterThanOrEqual(1)
    expect(out.remaining).toBe(0)
    expect(reconciled.stdout).not.toMatch(/Reconciled 0 of 0 suite/)
  }, 240_000)

  test('store: artifact fails the step once, before any request, saying which store to use', async () => {
    const sha = randomBytes(20).toString('hex')
    const before = gh.requests.length
    const r = await step('building', { builds: 'linux' }, { job: 'linux', sha, store: 'artifact' })
    expect(r.exitCode).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/^store: artifact does not work on GitHub Enterprise Server \(http:\/\/127\.0\.0\.1:\d+\).*Use store: cache/)
    expect(r.warnings).toEqual([])
    expect(gh.requests.length).toBe(before)
  }, 60_000)

  test('on github.com-shaped jobs the default store is still the artifact store', async () => {
    const sha = randomBytes(20).toString('hex')
    ok(await step('queued', { builds: 'linux' }, { job: 'queue', sha, ghes: false }), 'queued')
    const prefix = suitePrefix({ repository: REPO, head_sha: sha, suite: 'ci' })
    expect(runtime.artifacts(REPO).filter((a) => a.name.startsWith(prefix))).toHaveLength(1)
    expect(runtime.cacheEntries(REPO).filter((e) => e.key.startsWith(prefix))).toEqual([])
  }, 60_000)
})
