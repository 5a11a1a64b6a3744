// The transition command (src/commands/transition.ts) in process: its session wired by openSession
// with real adapters (the installation token minted by the GitHub emulator on 127.0.0.1, the file
// store in a temporary directory), each step run by report(), and what GitHub and the store then
// show. test/action/transition.test.ts runs the bundled dist/ through the runner instead.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPrivateKey } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startGitHubEmulator, type GitHubEmulator } from '../../emulator/github/index.ts'
import { registerTree } from '../../secrets-registry.ts'
import type { AppInputs } from '../../../src/auth/inputs.ts'
import { readCommonInputs } from '../../../src/commands/common-inputs.ts'
import { openSession, type Session } from '../../../src/commands/session.ts'
import { report } from '../../../src/commands/transition.ts'
import { readTransitionInputs } from '../../../src/commands/transition-inputs.ts'
import { conclusionExternalId, externalId } from '../../../src/checks/service-data.ts'
import type { BuildState, SuiteKey } from '../../../src/checks/types.ts'
import type { RunContext } from '../../../src/context.ts'
import { readSuite } from '../../../src/state/read.ts'

const owner = 'octo-org'
const repo = 'repo-a'
const repository = `${owner}/${repo}`
let emu: GitHubEmulator
let dir: string
let shaCounter = 0
const newSha = () => (++shaCounter).toString(16).padStart(40, 'c')

beforeAll(async () => {
  process.env.GITHUB_APP_CI_RETRY_BASE_MS = '10'
  process.env.GITHUB_APP_CI_MUTATIONS_PER_MINUTE = '100000'
  delete process.env.GITHUB_STEP_SUMMARY
  delete process.env.RUNNER_TEMP // no job memory: every step reads the store
  emu = await startGitHubEmulator()
  // The content-creation limits are test/action/conclusion-run.test.ts's subject.
  emu.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transition-in-process-'))
  registerTree('in-process file store', dir) // the secret scan reads what the store holds
})
afterAll(async () => {
  await emu?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})
afterEach(() => expect(emu.violations).toEqual([]))

function contextFor(sha: string, job: string): RunContext {
  const serverUrl = 'https://github.com'
  return {
    owner, repo, repository, sha, ref: 'refs/heads/main', eventName: 'push', payload: {}, workflow: 'ci',
    runId: 4242, runAttempt: 1, job, serverUrl, apiUrl: emu.url, runUrl: `${serverUrl}/${repository}/actions/runs/4242/attempts/1`,
  }
}

function appInputs(): AppInputs {
  return { issuer: String(emu.app.id), appId: emu.app.id, privateKey: createPrivateKey(emu.app.privateKeyPkcs8), owner, repositories: [repo], apiUrl: emu.url }
}

/** One step as a job runs it: inputs read through `given`, a session opened, report() run. */
async function step(sha: string, state: BuildState, given: Record<string, string>): Promise<{ session: Session; outputs: Record<string, string> }> {
  const outputFile = path.join(dir, `outputs-${Math.random().toString(36).slice(2)}`)
  fs.writeFileSync(outputFile, '')
  process.env.GITHUB_OUTPUT = outputFile
  const inputs: Record<string, string> = { suite: 'ci', 'head-sha': sha, store: `file:${storeDir(sha)}`, ...given }
  const getInput = (name: string) => inputs[name] ?? ''
  const ctx = contextFor(sha, `${state}-${(given.builds ?? '').split('\n').join('-')}`)
  const common = readCommonInputs(ctx, getInput)
  const transition = readTransitionInputs(state, common, ctx.runUrl, getInput)
  const session = await openSession({ ctx, inputs: common, app: appInputs() })
  await report(session, transition)
  return { session, outputs: readOutputs(outputFile) }
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks (as @actions/core writes them). */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!m) continue
    const end = lines.indexOf(m[2]!, i + 1)
    out[m[1]!] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return out
}

/** One store directory per commit, so tests do not see each other's fragments. */
const storeDir = (sha: string) => path.join(dir, `state-${sha.slice(-6)}`)
const runsOn = (sha: string) => emu.checkRuns(repository).filter((r) => r.head_sha === sha)

describe('transition steps in process', () => {
  it('queued, building and built of two builds: their check runs and the CONCLUSION run end as GitHub shows them, and the store holds each step', async () => {
    const sha = newSha()
    const key: SuiteKey = { repository, head_sha: sha, suite: 'ci' }
    const queued = await step(sha, 'queued', { builds: 'linux\nmacos' })
    expect(runsOn(sha).map((r) => [r.name, r.status]).sort()).toEqual([
      ['ci / CONCLUSION', 'in_progress'], ['ci / linux', 'queued'], ['ci / macos', 'queued'],
    ])
    const queuedRuns = JSON.parse(queued.outputs['check-runs']!) as Record<string, { id: number; state: string; synced: boolean }>
    expect(Object.keys(queuedRuns).sort()).toEqual(['linux', 'macos'])
    expect(queuedRuns.linux).toMatchObject({ state: 'queued', synced: true })
    expect(queued.outputs.unsynced).toBe('0')

    await step(sha, 'building', { builds: 'linux' })
    await step(sha, 'built', { builds: 'linux', conclusion: 'success' })
    await step(sha, 'building', { builds: 'macos' })
    // Still open: macos has not ended.
    expect(runsOn(sha).find((r) => r.name === 'ci / CONCLUSION')).toMatchObject({ status: 'in_progress' })
    const mark = emu.requests.length
    const last = await step(sha, 'built', { builds: 'macos', conclusion: 'failure' })
    // The last build's step saw the suite complete before it wrote (it read the rest of the suite):
    // the CONCLUSION run rode along in its one GraphQL request, no second completion was needed.
    expect(emu.requests.slice(mark).filter((r) => r.graphqlOperations?.length)).toHaveLength(1)
    expect(last.session.requestCount()).toBe(emu.requests.slice(mark).filter((r) => r.auth === 'installation').length) // src/github/request-count.ts

    const runs = runsOn(sha)
    expect(runs).toHaveLength(3) // no duplicate: every step wrote to the run it created
    const byName = new Map(runs.map((r) => [r.name, r]))
    expect(byName.get('ci / linux')).toMatchObject({ status: 'completed', conclusion: 'success', app_id: emu.app.id, external_id: externalId(key, 'linux', 1) })
    expect(byName.get('ci / macos')).toMatchObject({ status: 'completed', conclusion: 'failure', external_id: externalId(key, 'macos', 1) })
    expect(byName.get('ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'failure', external_id: conclusionExternalId(key, 1) })
    expect(JSON.parse(last.outputs['check-runs']!).macos).toMatchObject({ id: byName.get('ci / macos')!.id, state: 'built', synced: true })

    // What the steps wrote reads back as one suite: each build built, the CONCLUSION run completed.
    const read = await readSuite(last.session, key)
    expect(read.setAside).toEqual([])
    expect(read.rebuilt).toEqual([]) // from the store, not from GitHub's runs
    expect(read.data.check_runs.linux).toMatchObject({ state: 'built', conclusion: 'success', check_run_id: byName.get('ci / linux')!.id, state_synced: true })
    expect(read.data.check_runs.macos).toMatchObject({ state: 'built', conclusion: 'failure', check_run_id: byName.get('ci / macos')!.id })
    expect(read.data.conclusion_run).toMatchObject({ state: 'built', conclusion: 'failure', check_run_id: byName.get('ci / CONCLUSION')!.id })
    expect(read.data.registered).toBeDefined()
  })

  it('a building step whose state was lost adopts the queued run from GitHub instead of creating a second one', async () => {
    const sha = newSha()
    await step(sha, 'queued', { builds: 'docs', 'conclusion-check': 'false' })
    const [queuedRun] = runsOn(sha)
    // The store loses everything the queued step wrote.
    fs.rmSync(storeDir(sha), { recursive: true, force: true })
    const building = await step(sha, 'building', { builds: 'docs', 'conclusion-check': 'false' })
    expect(runsOn(sha)).toHaveLength(1)
    expect(runsOn(sha)[0]).toMatchObject({ id: queuedRun!.id, status: 'in_progress' })
    expect(JSON.parse(building.outputs['check-runs']!).docs).toMatchObject({ id: queuedRun!.id, state: 'building', synced: true })
  })
})
