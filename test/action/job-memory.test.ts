// A job's steps share RUNNER_TEMP: its `built` step downloads none of the fragments its `building`
// step already read or wrote (src/state/job-memory.ts); a damaged memory or one of another store
// or suite is ignored, and one about fragments deleted since still counts (fragments never change).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mergeAll } from '../../src/checks/service-data.ts'
import type { SuiteKey } from '../../src/checks/types.ts'
import { JobMemory } from '../../src/state/job-memory.ts'
import { appStep, artifactState, jobEnv, REPO } from '../fault-harness.ts'
import { authOf } from '../sealed.ts'
import { startStoreHarness, type StoreHarness } from '../store-contract.ts'

const RUN_ID = 100
let h: StoreHarness
const temps: string[] = []
beforeAll(async () => {
  h = await startStoreHarness()
})
afterAll(async () => {
  await h.close()
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true })
})

function newJobTemp(): string {
  const t = fs.mkdtempSync(path.join(os.tmpdir(), 'job-temp-'))
  temps.push(t)
  return t
}

/** Runs one artifact-store step of `job`; returns the runtime calls it made. */
async function step(sha: string, job: string, command: string, inputs: Record<string, string>, runnerTemp: string, runId = RUN_ID) {
  const before = h.runtime.calls.length
  const { result, requests } = await appStep(h.github, command, {
    sha,
    store: 'artifact',
    inputs,
    env: jobEnv(h.runtime, { runId, job, sha, runnerTemp }),
  })
  expect(result.exitCode, `${job} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  expect(result.warnings, result.stdout).toEqual([])
  const calls = h.runtime.calls.slice(before)
  const checkRunListings = requests.filter((r) => r.method === 'GET' && /\/check-runs/.test(r.path)).length
  return { result, downloads: calls.filter((c) => c.method === 'GetSignedArtifactURL').length, checkRunListings }
}

const merged = async (key: SuiteKey) => (await artifactState(h.runtime, key)).merged

const runsOf = (sha: string) => h.github.checkRuns(REPO).filter((r) => r.head_sha === sha)

/** queued (its own job) for linux and mac, then linux's building in job linux. */
async function startSuite(linuxTemp: string) {
  const sha = randomBytes(20).toString('hex')
  await step(sha, 'queue', 'queued', { builds: 'linux,mac' }, newJobTemp())
  const building = await step(sha, 'linux', 'building', { builds: 'linux' }, linuxTemp)
  expect(building.downloads).toBe(1) // the queued fragment
  return { sha, key: { repository: REPO, head_sha: sha, suite: 'ci' } }
}

async function expectLinuxBuilt(sha: string, key: SuiteKey) {
  const linux = runsOf(sha).filter((r) => r.name === 'ci / linux')
  expect(linux).toHaveLength(1)
  expect(linux[0]).toMatchObject({ status: 'completed', conclusion: 'success' })
  expect((await merged(key)).check_runs.linux).toMatchObject({ state: 'built', state_synced: true, check_run_id: linux[0]!.id })
}

describe('job memory (artifact store)', () => {
  test("a job's built step downloads nothing its building step held; another job's downloads both fragments", async () => {
    const linuxTemp = newJobTemp()
    const { sha, key } = await startSuite(linuxTemp)
    const built = await step(sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' }, linuxTemp)
    expect(built.downloads).toBe(0)
    await expectLinuxBuilt(sha, key)

    // The control: the same step in a fresh RUNNER_TEMP reads the queued and building fragments.
    const other = await startSuite(newJobTemp())
    const fresh = await step(other.sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' }, newJobTemp())
    expect(fresh.downloads).toBe(2)
    await expectLinuxBuilt(other.sha, other.key)
  }, 120_000)

  test('a damaged memory file is ignored: the step reads the store as usual', async () => {
    const linuxTemp = newJobTemp()
    const { sha, key } = await startSuite(linuxTemp)
    const dir = path.join(linuxTemp, 'github-app-ci')
    const files = fs.readdirSync(dir)
    expect(files).toHaveLength(1)
    fs.writeFileSync(path.join(dir, files[0]!), '{"version":1,"store":"artifact","ids":["1"],"state":"{not json')
    const built = await step(sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' }, linuxTemp)
    expect(built.downloads).toBe(2)
    await expectLinuxBuilt(sha, key)
  }, 120_000)

  test("fragments deleted since the memory was written (expired, or deleted by hand): the memory still knows the build", async () => {
    const linuxTemp = newJobTemp()
    const { sha, key } = await startSuite(linuxTemp)
    // The suite's fragments go (reconcile no longer deletes them: artifact retention does, or a person).
    const gone = (head: string) => {
      const ids = h.runtime.artifacts(REPO).filter((a) => a.run.headSha === head && a.name.startsWith('github-app-ci-')).map((a) => a.id)
      for (const id of ids) h.runtime.deleteArtifact(id)
      return ids.length
    }
    expect(gone(sha)).toBe(2)
    // This run's listing is now empty; a step without the memory would rebuild linux from GitHub's check runs.
    const control = await startSuite(newJobTemp())
    gone(control.sha)
    // (Every update by a stored id needs a listing of the commit's runs, to check the run is this
    // build's: the step without the memory rebuilds from one, which serves that check too; the
    // step with the memory lists once for the check alone.)
    const fresh = await step(control.sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' }, newJobTemp())
    expect(fresh.checkRunListings).toBe(1)

    const built = await step(sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' }, linuxTemp)
    expect(built.downloads).toBe(0)
    expect(built.checkRunListings).toBe(1)
    await expectLinuxBuilt(sha, key)
  }, 120_000)
})

describe('JobMemory', () => {
  const key: SuiteKey = { repository: REPO, head_sha: 'a'.repeat(40), suite: 'ci' }
  const record = { name: 'ci / linux', state: 'queued', generation: 1, check_run_id: 7, node_id: 'CR_7', state_synced: true, updated_at: '2026-01-01T00:00:00.000Z' } as const

  test('keeps what a step remembered for the same store and suite only', () => {
    const dir = newJobTemp()
    const auth = authOf(h.github.app.privateKeyPkcs1)
    const first = new JobMemory(dir, 'artifact', key, auth)
    expect(first.ids.size).toBe(0)
    first.remember('11', { ...mergeAll(key, []), check_runs: { linux: { ...record } } })
    first.save()

    const again = new JobMemory(dir, 'artifact', key, auth)
    expect([...again.ids]).toEqual(['11'])
    expect(again.data?.check_runs.linux).toMatchObject({ check_run_id: 7 })
    expect(new JobMemory(dir, 'cache', key, auth).ids.size).toBe(0)
    expect(new JobMemory(dir, 'artifact', { ...key, suite: 'nightly' }, auth).ids.size).toBe(0)
    expect(new JobMemory(undefined, 'artifact', key, auth).ids.size).toBe(0)
    expect(again.covers(key)).toBe(true)
    expect(again.covers({ ...key, head_sha: 'b'.repeat(40) })).toBe(false)
  })

  test("a memory not written with the app's key (an earlier step of the job edited or planted it) is ignored", () => {
    const dir = newJobTemp()
    const auth = authOf(h.github.app.privateKeyPkcs1)
    const memory = new JobMemory(dir, 'artifact', key, auth)
    memory.remember('11', { ...mergeAll(key, []), check_runs: { linux: { ...record } } })
    memory.save()
    const [file] = fs.readdirSync(path.join(dir, 'github-app-ci'))
    const at = path.join(dir, 'github-app-ci', file!)
    const saved = JSON.parse(fs.readFileSync(at, 'utf8')) as { state: string; tag: string }
    // A built success record put in; the tag left as it was.
    const forged = { ...JSON.parse(saved.state), check_runs: { linux: { ...record, state: 'built', conclusion: 'success', generation: 9 } } }
    fs.writeFileSync(at, JSON.stringify({ ...saved, state: JSON.stringify(forged) }))
    expect(new JobMemory(dir, 'artifact', key, auth).data).toBeUndefined()
    // The same file with its tag removed, or read with another app's key.
    fs.writeFileSync(at, JSON.stringify({ ...saved, tag: undefined }))
    expect(new JobMemory(dir, 'artifact', key, auth).data).toBeUndefined()
    fs.writeFileSync(at, JSON.stringify(saved))
    expect(new JobMemory(dir, 'artifact', key, auth).data?.check_runs.linux).toMatchObject({ state: 'queued' })
    // The same key pasted as PKCS#8 derives the same MAC key.
    expect(new JobMemory(dir, 'artifact', key, authOf(h.github.app.privateKeyPkcs8)).data?.check_runs.linux).toMatchObject({ state: 'queued' })
    expect(new JobMemory(dir, 'artifact', key, authOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string)).data).toBeUndefined()
  })
})
