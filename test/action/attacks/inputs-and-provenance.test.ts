// The attack table, part "inputs and provenance": one row per attack on what the state's
// provenance, its records and the action's file inputs let a fork run or an untrusted job do. Each
// row runs the real dist/ against the emulators and asserts what GitHub (the emulator) received:
// nothing it should not have. Fork runs are modelled as GitHub's artifact listing shows them
// (`workflow_run.head_repository_id` differs from `repository_id`: test/emulator/runtime/index.ts).
import { sealWith } from '../../sealed.ts'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { serializeServiceData } from '../../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../../../src/checks/types.ts'
import { ArtifactStore } from '../../../src/store/artifact.ts'
import { fragmentSuiteHash } from '../../../src/store/naming.ts'
import { mountActionsStorage } from '../../emulator/github-actions-storage.ts'
import { startGitHubEmulator, type EmulatedCheckRun, type GitHubEmulator } from '../../emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator, type RuntimeEnvOptions } from '../../emulator/runtime/index.ts'
import { appStep, jobEnv, REPO, RETRY_BASE_MS } from '../../fault-harness.ts'
import { runAction, type RunActionResult } from '../../runner.ts'
import { findLeaks, scanPending } from '../../secrets-registry.ts'

const SERVER = 'http://github.localhost' // GITHUB_SERVER_URL as test/runner.ts sets it
let gh: GitHubEmulator
let runtime: RuntimeEmulator
const temps: string[] = []

beforeEach(async () => {
  // Fresh emulators per row: reconcile reads every suite of the repository.
  ;[gh, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
  mountActionsStorage(gh, runtime)
})
afterEach(async () => {
  await Promise.all([gh.close(), runtime.close()])
  for (const t of temps.splice(0)) fs.rmSync(t, { recursive: true, force: true })
})

const sha = () => randomBytes(20).toString('hex')
const tempDir = (label: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `attack-${label}-`))
  temps.push(d)
  return d
}
const runsOn = (s: string): EmulatedCheckRun[] => gh.checkRuns(REPO).filter((r) => r.head_sha === s)
/** Check-run writes GitHub received (REST creates/updates, GraphQL mutations). */
const writes = (since = 0) =>
  gh.requests.slice(since).filter((r) => (r.path.includes('/check-runs') && r.method !== 'GET') || (r.graphqlOperations?.length ?? 0) > 0)

function record(name: string, over: Partial<CheckRunRecord> = {}): CheckRunRecord {
  const r: CheckRunRecord = {
    name,
    state: 'built',
    generation: 1,
    state_synced: false, // "the last send may not have reached GitHub": reconcile re-sends it
    conclusion: 'success',
    updated_at: new Date(Date.now() - 60_000).toISOString(),
    ...over,
  }
  if (r.state !== 'built') delete r.conclusion
  return r
}

const doc = (key: SuiteKey, runs: Record<string, CheckRunRecord>): ServiceData => ({ version: 1, ...key, check_runs: runs })

/** Runs `fn` as a job of another run (its runtime token, workspace and temp), then restores the environment. */
async function asJob<T>(o: Partial<RuntimeEnvOptions> & { runId: number }, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env }
  const dir = tempDir('job')
  delete process.env.GITHUB_SERVER_URL // the cache client would take a custom host for GHES (its v1 protocol)
  delete process.env.ACTIONS_CACHE_URL
  Object.assign(process.env, runtime.runtimeEnv({ jobId: 'untrusted', ref: 'refs/heads/main', ...o }), {
    GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir, GITHUB_APP_CI_RETRY_BASE_MS: String(RETRY_BASE_MS),
  })
  try {
    return await fn()
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
}

/**
 * Uploads a fragment artifact the way any job holding a runtime token can, sealed with the app's
 * key: the worst case, which the fragment tags cannot tell from a genuine fragment (an unsealed
 * one is set aside anyway: test/action/attacks/forged-state.test.ts), so these checks must hold alone.
 */
async function upload(o: Partial<RuntimeEnvOptions> & { runId: number; nameRunId?: number }, key: SuiteKey, data: ServiceData): Promise<string> {
  return asJob(o, async () => {
    const writer = { run_id: o.nameRunId ?? o.runId, run_attempt: 1, job: 'untrusted', step: `s-${randomBytes(4).toString('hex')}` }
    return (await new ArtifactStore({ retentionDays: 1 }).writeFragment(key, sealWith(gh.app.privateKeyPkcs1, key, serializeServiceData(data)), writer)).name!
  })
}

const reconcile = (s: string, store = 'artifact', workdir?: string) =>
  workdir
    ? runAction({
        inputs: { command: 'reconcile', 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store },
        env: { ...jobEnv(runtime, { runId: 9000, job: 'reconcile', sha: s }), GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: String(RETRY_BASE_MS) },
        event: { name: 'schedule', payload: { schedule: '*/30 * * * *' } },
        workdir,
        timeoutMs: 60_000,
      })
    : appStep(gh, 'reconcile', { sha: s, store, env: jobEnv(runtime, { runId: 9000, job: 'reconcile', sha: s }) }).then((x) => x.result)

/** One transition step of run 1000 with the artifact store, in `workdir` when given. */
const transition = (s: string, command: string, inputs: Record<string, string>, workdir?: string): Promise<RunActionResult> =>
  runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: 'artifact', ...inputs },
    env: { ...jobEnv(runtime, { runId: 1000, job: 'build', sha: s }), GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: String(RETRY_BASE_MS) },
    ...(workdir ? { workdir } : {}),
    timeoutMs: 60_000,
  })

const key = (s: string, suite = 'ci'): SuiteKey => ({ repository: REPO, head_sha: s, suite })

// ---------------------------------------------------------------------------------------------
// Provenance: who uploaded the fragment

test('a fork run uploads a green build and CONCLUSION for a commit where nothing ran; reconcile creates nothing', async () => {
  const s = sha()
  const forged = await upload({ runId: 555, ref: 'refs/pull/7/merge', readOnly: true, headRepository: 'forker/repo-a' }, key(s), {
    ...doc(key(s), { linux: record('ci / linux') }),
    conclusion_run: { state: 'built', generation: 1, conclusion: 'success', state_synced: false, updated_at: new Date().toISOString() },
  })
  const r = await reconcile(s)
  expect(runsOn(s)).toEqual([]) // GitHub received no check run for the commit
  expect(writes()).toEqual([])
  expect(runtime.artifacts(REPO).map((a) => a.name)).toContain(forged) // not compacted away either
  expect(r.warnings.join('\n')).toMatch(/skipped, not read: .*a fork's run/)
})

test("an artifact whose name says another run than the one that uploaded it is skipped", async () => {
  const s = sha()
  // Run 777 of this repository (no fork) names its fragment as if run 1000 had written it.
  await upload({ runId: 777, nameRunId: 1000 }, key(s), doc(key(s), { linux: record('ci / linux') }))
  const r = await reconcile(s)
  expect(runsOn(s)).toEqual([])
  expect(writes()).toEqual([])
  expect(r.warnings.join('\n')).toMatch(/its name says run 1000/)
})

test('a cache key `github-app-ci-<hash>-/../../../victim` never makes reconcile delete a file outside its directory', async () => {
  const root = tempDir('cache')
  const workspace = path.join(root, 'ws')
  fs.mkdirSync(workspace)
  const victim = path.join(root, 'victim.json')
  fs.writeFileSync(victim, 'keep me')
  const evil = 'github-app-ci-0123456789abcdef-/../../../victim'
  await asJob({ runId: 778 }, async () => {
    fs.writeFileSync(path.join(process.env.GITHUB_WORKSPACE!, 'plant.txt'), JSON.stringify({ version: 1 }))
    const cwd = process.cwd()
    process.chdir(process.env.GITHUB_WORKSPACE!) // the toolkit archives paths relative to the working directory
    try {
      const cache = await import('@actions/cache')
      expect(await cache.saveCache(['plant.txt'], evil, undefined, true)).toBeGreaterThan(0)
    } finally {
      process.chdir(cwd)
    }
  })
  expect(runtime.cacheEntries(REPO).map((e) => e.key)).toContain(evil)
  await reconcile(sha(), 'cache', workspace)
  expect(fs.existsSync(victim)).toBe(true)
  expect(fs.readFileSync(victim, 'utf8')).toBe('keep me')
  expect(writes()).toEqual([])
})

// ---------------------------------------------------------------------------------------------
// Records checked: an untrusted job of this repository's own runs (provenance cannot tell)

test("a record whose name is not the name template's (suite, build) is set aside: no run of that name", async () => {
  const s = sha()
  await upload({ runId: 1234 }, key(s), doc(key(s), { linux: record('release / approved') }))
  const r = await reconcile(s)
  expect(runsOn(s)).toEqual([])
  expect(writes()).toEqual([])
  expect(r.warnings.join('\n')).toMatch(/is named "release \/ approved", not "ci \/ linux"/)
})

test('a record linking another site (details_url) is set aside: GitHub never gets the link', async () => {
  const s = sha()
  await upload({ runId: 1234 }, key(s), doc(key(s), { linux: record('ci / linux', { details_url: 'https://evil.example/login' }) }))
  const r = await reconcile(s)
  expect(runsOn(s).filter((x) => x.details_url?.includes('evil.example'))).toEqual([])
  expect(writes()).toEqual([])
  expect(r.warnings.join('\n')).toMatch(/links "https:\/\/evil\.example\/login"/)
})

test('a record with a control character (a newline a URL parser would drop) is set aside', async () => {
  const s = sha()
  const url = `${SERVER}/${REPO}/actions/runs/1234\n::error::injected`
  await upload({ runId: 1234 }, key(s), doc(key(s), { linux: record('ci / linux', { details_url: url }) }))
  const r = await reconcile(s)
  expect(runsOn(s)).toEqual([])
  expect(writes()).toEqual([])
  expect(r.warnings.join('\n')).toMatch(/details_url must be a non-empty string without control characters/)
})

test("an update by a stored check_run_id of another suite's run does not touch that run", async () => {
  const s = sha()
  // The real suite: build linux failed.
  expect((await transition(s, 'queued', { builds: 'linux', 'conclusion-check': 'false' })).exitCode).toBe(0)
  expect((await transition(s, 'built', { builds: 'linux', conclusion: 'failure', 'conclusion-check': 'false' })).exitCode).toBe(0)
  const real = runsOn(s).find((x) => x.name === 'ci / linux')!
  expect(real.conclusion).toBe('failure')
  const before = { ...real, output: { ...real.output } }
  // An untrusted job files a suite "nightly" whose build names the real run's ids.
  const nightly = key(s, 'nightly')
  await upload({ runId: 1234 }, nightly, doc(nightly, {
    linux: record('nightly / linux', { check_run_id: real.id, node_id: real.node_id }),
  }))
  const since = gh.requests.length
  await reconcile(s)
  const after = runsOn(s).find((x) => x.id === real.id)!
  expect(after).toMatchObject({ name: 'ci / linux', conclusion: 'failure', external_id: before.external_id, updated_at: before.updated_at })
  // What was sent instead went to a run of its own suite (created: nothing to adopt).
  const created = runsOn(s).filter((x) => x.id !== real.id)
  expect(created.map((x) => x.name)).toEqual(['nightly / linux'])
  expect(writes(since).length).toBeGreaterThan(0)
})

test("a step's job memory naming another suite's run: the next built step does not touch that run", async () => {
  const s = sha()
  expect((await transition(s, 'queued', { builds: 'linux', 'conclusion-check': 'false' })).exitCode).toBe(0)
  expect((await transition(s, 'built', { builds: 'linux', conclusion: 'failure', 'conclusion-check': 'false' })).exitCode).toBe(0)
  const real = runsOn(s).find((x) => x.name === 'ci / linux')!
  // An earlier step of a "nightly" job (untrusted code) writes the job's memory in RUNNER_TEMP.
  const runnerTemp = tempDir('runner-temp')
  const nightly = key(s, 'nightly')
  const memory = path.join(runnerTemp, 'github-app-ci', `${createHash('sha256').update('artifact').digest('hex').slice(0, 12)}-${fragmentSuiteHash(nightly)}.json`)
  fs.mkdirSync(path.dirname(memory), { recursive: true })
  const state = serializeServiceData(doc(nightly, {
    linux: record('nightly / linux', { state: 'queued', state_synced: true, check_run_id: real.id, node_id: real.node_id }),
  }))
  fs.writeFileSync(memory, JSON.stringify({ version: 1, store: 'artifact', ids: [], state }))
  const r = await runAction({
    inputs: { command: 'built', 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: 'artifact', suite: 'nightly', builds: 'linux', conclusion: 'success', 'conclusion-check': 'false' },
    env: { ...jobEnv(runtime, { runId: 1000, job: 'nightly', sha: s, runnerTemp }), GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: String(RETRY_BASE_MS) },
    timeoutMs: 60_000,
  })
  expect(r.exitCode, r.stdout).toBe(0)
  expect(runsOn(s).find((x) => x.id === real.id)).toMatchObject({ name: 'ci / linux', conclusion: 'failure', updated_at: real.updated_at })
  expect(runsOn(s).filter((x) => x.id !== real.id).map((x) => [x.name, x.conclusion])).toEqual([['nightly / linux', 'success']])
})

// ---------------------------------------------------------------------------------------------
// Files as inputs

/** A workspace for a `built` step, with `files` made by `make`. */
function workspaceWith(make: (ws: string) => void): string {
  const root = tempDir('ws')
  const ws = path.join(root, 'ws')
  fs.mkdirSync(ws)
  make(ws)
  return ws
}

/** The `built` step of build linux, queued first; returns the step and the run it reported. */
async function builtWith(inputs: Record<string, string>, ws: string) {
  const s = sha()
  expect((await transition(s, 'queued', { builds: 'linux', 'conclusion-check': 'false' })).exitCode).toBe(0)
  const since = gh.requests.length
  const r = await transition(s, 'built', { builds: 'linux', conclusion: 'success', 'conclusion-check': 'false', ...inputs }, ws)
  return { r, run: runsOn(s).find((x) => x.name === 'ci / linux')!, writes: writes(since) }
}

const keyLines = () => gh.app.privateKeyPkcs1.split('\n').filter((l) => l && !l.startsWith('-----'))
/** Nothing GitHub holds for the run quotes the key or the action's environment. */
function expectClean(run: EmulatedCheckRun): void {
  const text = JSON.stringify(run)
  expect(text).not.toContain('PRIVATE KEY')
  expect(text).not.toContain('INPUT_')
  for (const line of keyLines()) expect(text).not.toContain(line)
}

test('summary-file: a symlink to /proc/self/environ is refused before anything is sent', async () => {
  const ws = workspaceWith((d) => fs.symlinkSync('/proc/self/environ', path.join(d, 'summary.md')))
  const { r, run, writes: sent } = await builtWith({ 'summary-file': 'summary.md' }, ws)
  expect(r.exitCode).not.toBe(0)
  expect(r.errors.join('\n')).toMatch(/summary-file: summary\.md is a link to \/proc\/(self|\d+)\/environ, outside the workspace and RUNNER_TEMP/)
  expect(sent).toEqual([])
  expect(run.status).toBe('queued')
  expectClean(run)
})

test('summary-file: /proc/self/environ given directly (outside the workspace) is refused', async () => {
  const ws = workspaceWith(() => {})
  const { r, run, writes: sent } = await builtWith({ 'summary-file': '/proc/self/environ' }, ws)
  expect(r.exitCode).not.toBe(0)
  expect(r.errors.join('\n')).toMatch(/outside the workspace and RUNNER_TEMP/)
  expect(sent).toEqual([])
  expectClean(run)
})

test('text-file: a file outside the workspace (../notes.md) is refused', async () => {
  const ws = workspaceWith((d) => fs.writeFileSync(path.join(d, '..', 'notes.md'), 'deploy password: hunter2'))
  const { r, run, writes: sent } = await builtWith({ 'text-file': '../notes.md' }, ws)
  expect(r.exitCode).not.toBe(0)
  expect(r.errors.join('\n')).toMatch(/text-file: \.\.\/notes\.md is outside the workspace and RUNNER_TEMP/)
  expect(sent).toEqual([])
  expect(JSON.stringify(run)).not.toContain('hunter2')
})

test('annotations-file: a FIFO is refused at once (no step left waiting for a writer)', async () => {
  const ws = workspaceWith((d) => execFileSync('mkfifo', [path.join(d, 'lint.json')]))
  const { r, writes: sent } = await builtWith({ 'annotations-file': 'lint.json' }, ws)
  expect(r.timedOut).toBe(false)
  expect(r.exitCode).not.toBe(0)
  expect(r.errors.join('\n')).toMatch(/annotations-file: lint\.json is not (a regular file|a file)/)
  expect(sent).toEqual([])
})

test("a summary holding the app's private key (a file in the workspace) is refused by the client: never sent", async () => {
  // e.g. an earlier step wrote `env` or the key's file into the summary it hands over.
  const ws = workspaceWith((d) => fs.writeFileSync(path.join(d, 'summary.md'), `debug dump\nkey:\n${keyLines().slice(3, 6).join('\n')}\n`))
  const { r, run } = await builtWith({ 'summary-file': 'summary.md' }, ws)
  expect(r.stdout + r.stderr).toMatch(/Refused to send .*: it would carry the app's private key \(a slice of it\)\. Nothing was sent/)
  expectClean(run)
  // The secret scan of every check-run body GitHub received (test/setup/secret-scan.ts) finds nothing.
  // (the fixture file itself holds the key, and the runner registers the workspace: not a leak)
  const leaks = (await scanPending()).filter((p) => !p.startsWith('main step (built) workspace/summary.md '))
  expect(leaks).toEqual([])
  expect(findLeaks(JSON.stringify(run))).toEqual([])
})
