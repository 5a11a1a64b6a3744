// Attacks on the state: fragments uploaded by someone who holds a workflow run's runtime token but
// not the app's private key. A pull request from a fork runs its own copy of the workflow with
// ACTIONS_RUNTIME_TOKEN and no secrets, and its artifacts land in the base repository's artifact
// list ("artifact poisoning": https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions
// and GitHub Security Lab's "Keeping your GitHub Actions and workflows secure: preventing pwn requests",
// https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/); a job of our own
// run that executes untrusted code has the run's token too. Each row uploads what such a party can
// (the real @actions/artifact / @actions/cache clients against the runtime emulator, text without a
// valid tag), runs the real dist/ steps, and asserts what the emulated GitHub shows afterwards.
// Every row fails on the action before fragments were authenticated (src/store/fragment-auth.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { serializeServiceData } from '../../../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../../../src/checks/types.ts'
import { ArtifactStore } from '../../../src/store/artifact.ts'
import { CacheStore } from '../../../src/store/cache.ts'
import { suitePrefix } from '../../../src/store/naming.ts'
import { unzipText } from '../../../src/store/unzip.ts'
import type { EmulatedCheckRun } from '../../emulator/github/index.ts'
import { appStep, jobEnv, REPO } from '../../fault-harness.ts'
import { authOf, parseStored } from '../../sealed.ts'
import { startStoreHarness, type StoreHarness } from '../../store-contract.ts'

const RUN = 1000 // the repository's own workflow run
const RECONCILE_RUN = 9000
let h: StoreHarness
let forkRun = 5000

beforeAll(async () => {
  h = await startStoreHarness()
  h.github.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 }) // limits are test/action/conclusion-run.test.ts's subject
}, 60_000)
afterEach(() => {
  expect(h.github.violations).toEqual([])
  h.enterJob({})
})
afterAll(async () => {
  await h.close()
})

const keyOf = (sha: string, suite = 'ci'): SuiteKey => ({ repository: REPO, head_sha: sha, suite })
const newSha = () => randomBytes(20).toString('hex')
const runsOf = (sha: string): EmulatedCheckRun[] => h.github.checkRuns(REPO).filter((r) => r.head_sha === sha)
const run = (sha: string, name: string) => runsOf(sha).find((r) => r.name === name)!
/** What GitHub shows of a commit's check runs: compared before and after an attack. */
const shown = (sha: string) =>
  runsOf(sha).map((r) => ({ id: r.id, name: r.name, status: r.status, conclusion: r.conclusion, details_url: r.details_url, title: r.output.title })).sort((a, b) => a.id - b.id)

/** A step of the real dist/ as a job of `runId`. */
async function step(sha: string, job: string, command: string, inputs: Record<string, string>, o: { runId?: number; store?: string } = {}) {
  const runId = o.runId ?? (command === 'reconcile' ? RECONCILE_RUN : RUN)
  const { result, requests } = await appStep(h.github, command, {
    sha,
    store: o.store ?? 'artifact',
    inputs,
    env: { ...jobEnv(h.runtime, { runId, job, sha }), GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000' },
  })
  expect(result.exitCode, `${job} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  return { result, requests }
}

/** queued, building and built of `linux` as `conclusion`, then conclude: a finished suite. */
async function finishedSuite(sha: string, conclusion: 'success' | 'failure', store = 'artifact') {
  await step(sha, 'queue', 'queued', { builds: 'linux' }, { store })
  await step(sha, 'linux', 'building', { builds: 'linux' }, { store })
  await step(sha, 'linux', 'built', { builds: 'linux', conclusion }, { store })
  await step(sha, 'conclude', 'conclude', {}, { store })
  expect(run(sha, 'ci / linux')).toMatchObject({ status: 'completed', conclusion })
  expect(run(sha, 'ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion })
}

function record(over: Partial<CheckRunRecord>): CheckRunRecord {
  return {
    name: 'ci / linux',
    state: 'built',
    generation: 1,
    conclusion: 'success',
    state_synced: false,
    updated_at: new Date().toISOString(),
    reporter: { run_id: RUN, run_attempt: 1, job: 'linux' },
    ...over,
  }
}

function doc(key: SuiteKey, runs: Record<string, CheckRunRecord>, extra: Partial<ServiceData> = {}): ServiceData {
  return { version: 1, ...key, check_runs: runs, ...extra }
}

/** An attacker's own key: a tag made with it is a wrong tag, as good as none. */
const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }) as string

interface Forged {
  name: string
  id: string
  runId: number
}

/**
 * Uploads `data` as a fragment of its suite from a job of `runId` (a fork's run by default) with
 * that run's runtime token, as the real store client does, but without the app's key: the text
 * untagged, or (`ownKey`) tagged with the attacker's own key.
 */
async function forge(data: ServiceData, o: { runId?: number; job?: string; store?: 'artifact' | 'cache'; ownKey?: boolean } = {}): Promise<Forged> {
  const runId = o.runId ?? ++forkRun
  const job = o.job ?? 'fork'
  const key: SuiteKey = { repository: data.repository, head_sha: data.head_sha, suite: data.suite }
  // A fork's pull-request run: its own run id and the pull request's merge ref.
  h.enterJob({ runId, jobId: job, ref: runId === RUN ? 'refs/heads/main' : 'refs/pull/7/merge', headSha: data.head_sha })
  try {
    const body = serializeServiceData(data)
    const text = o.ownKey ? authOf(attackerKey).seal(key, body) : body
    const store = o.store === 'cache' ? new CacheStore({ rest: await h.rest() }) : new ArtifactStore()
    const ref = await store.writeFragment(key, text, { run_id: runId, run_attempt: 1, job, step: `forged-${randomBytes(4).toString('hex')}` })
    return { name: ref.name ?? ref.id, id: ref.id, runId }
  } finally {
    h.enterJob({})
  }
}

/** The one warning about a forged fragment: it names the artifact or entry and its run. */
function expectOneWarning(warnings: string[], forged: Forged) {
  const about = warnings.filter((w) => w.includes(forged.name))
  expect(about, warnings.join('\n')).toHaveLength(1)
  expect(about[0]).toContain(`of run ${forged.runId}`)
  expect(about[0]).toMatch(/set aside, not merged: (it carries no authentication tag|its authentication tag is wrong)/)
}

const artifactsOf = (key: SuiteKey) => h.runtime.artifacts(REPO).filter((a) => a.name.startsWith(suitePrefix(key)))

describe('forged fragments from a fork run, met by a scheduled reconcile (artifact store)', { timeout: 180_000 }, () => {
  test('a green CONCLUSION and build on a commit where nothing ran: nothing is created', async () => {
    const sha = newSha()
    const key = keyOf(sha)
    const forged = await forge(doc(key, { linux: record({}) }, {
      conclusion_run: { state: 'built', generation: 1, state_synced: false, updated_at: new Date().toISOString(), conclusion: 'success' },
    }))
    const { result } = await step(sha, 'reconcile', 'reconcile', {})
    expect(runsOf(sha)).toEqual([])
    expectOneWarning(result.warnings, forged)
    // Left in the store as it was, not merged into a fragment of reconcile's own.
    expect(artifactsOf(key).map((a) => a.name)).toEqual([forged.name])
  })

  test('a failed build flipped to success by a higher generation: GitHub keeps the failure', async () => {
    const sha = newSha()
    await finishedSuite(sha, 'failure')
    const linux = run(sha, 'ci / linux')
    const before = shown(sha)
    const forged = await forge(doc(keyOf(sha), { linux: record({ generation: 2, check_run_id: linux.id, node_id: linux.node_id }) }))
    const { result } = await step(sha, 'reconcile', 'reconcile', {})
    expect(shown(sha)).toEqual(before)
    expect(run(sha, 'ci / CONCLUSION').conclusion).toBe('failure')
    expectOneWarning(result.warnings, forged)
  })

  test('a failed build flipped to success by a later updated_at in the same generation: GitHub keeps the failure', async () => {
    const sha = newSha()
    await finishedSuite(sha, 'failure')
    const linux = run(sha, 'ci / linux')
    const before = shown(sha)
    const later = new Date(Date.now() + 3_600_000).toISOString()
    const forged = await forge(doc(keyOf(sha), { linux: record({ updated_at: later, check_run_id: linux.id, node_id: linux.node_id }) }))
    const { result } = await step(sha, 'reconcile', 'reconcile', {})
    expect(shown(sha)).toEqual(before)
    expectOneWarning(result.warnings, forged)
  })

  test("another suite's records naming the real build's and CONCLUSION's check_run_id: neither run changes", async () => {
    const sha = newSha()
    await finishedSuite(sha, 'failure')
    const linux = run(sha, 'ci / linux')
    const conclusion = run(sha, 'ci / CONCLUSION')
    const before = shown(sha)
    const forged = await forge(doc(keyOf(sha, 'lint'), { x: record({ name: 'lint / x', check_run_id: linux.id, node_id: linux.node_id }) }, {
      conclusion_run: { state: 'built', generation: 1, state_synced: false, updated_at: new Date().toISOString(), conclusion: 'success', check_run_id: conclusion.id, node_id: conclusion.node_id },
    }))
    const { result } = await step(sha, 'reconcile', 'reconcile', {})
    expect(shown(sha)).toEqual(before)
    expectOneWarning(result.warnings, forged)
  })

  test('a details_url to another site on the real build: the link stays the run\'s', async () => {
    const sha = newSha()
    await finishedSuite(sha, 'failure')
    const linux = run(sha, 'ci / linux')
    const link = linux.details_url
    expect(link).toMatch(/^http:\/\/github\.localhost\//)
    const forged = await forge(doc(keyOf(sha), {
      linux: record({ generation: 2, conclusion: 'failure', check_run_id: linux.id, node_id: linux.node_id, details_url: 'https://ci-login.example.net/session' }),
    }))
    const { result } = await step(sha, 'reconcile', 'reconcile', {})
    expect(run(sha, 'ci / linux').details_url).toBe(link)
    expect(runsOf(sha).some((r) => r.details_url?.includes('example.net'))).toBe(false)
    expectOneWarning(result.warnings, forged)
  })

  test('compaction: the forged fragment is neither merged into the compacted one nor deleted', async () => {
    const sha = newSha()
    const key = keyOf(sha)
    await finishedSuite(sha, 'success')
    const genuine = artifactsOf(key).map((a) => a.name)
    const before = shown(sha)
    // Records GitHub "already has" (synced): nothing to send, only to be compacted into settled state.
    const forged = await forge(doc(key, {
      linux: record({ generation: 2, conclusion: 'failure', state_synced: true, check_run_id: run(sha, 'ci / linux').id }),
      deploy: record({ name: 'ci / deploy', state_synced: true, check_run_id: 1 }),
    }))
    const { result } = await step(sha, 'reconcile', 'reconcile', {})
    const report = (JSON.parse(result.outputs.reconciled!) as { reconciled: { head_sha?: string; compacted: number; set_aside: number }[] }).reconciled.find((s) => s.head_sha === sha)
    expect(report).toMatchObject({ compacted: genuine.length, set_aside: 1 })
    expectOneWarning(result.warnings, forged)
    expect(shown(sha)).toEqual(before)
    // GitHub's artifact list: the forged one is still there; the genuine ones became one, which
    // holds only what the app wrote (and carries the app's tag).
    const after = artifactsOf(key)
    expect(after.map((a) => a.name)).toContain(forged.name)
    expect(after.filter((a) => genuine.includes(a.name))).toEqual([])
    const compacted = after.filter((a) => a.name !== forged.name)
    expect(compacted).toHaveLength(1)
    const text = (await unzipText(h.runtime.artifactZip(compacted[0]!.id)!)).get('fragment.json')!
    expect(authOf(h.github.app.privateKeyPkcs8).open(key, text)).toHaveProperty('body')
    const state = parseStored(text)
    expect(Object.keys(state.check_runs)).toEqual(['linux'])
    expect(state.check_runs.linux).toMatchObject({ generation: 1, conclusion: 'success' })
  })
})

describe('a job of the same run that runs untrusted code', { timeout: 180_000 }, () => {
  for (const store of ['artifact', 'cache'] as const) {
    test(`${store} store: its fragment cannot make built and conclude complete the CONCLUSION as success while the build failed`, async () => {
      const sha = newSha()
      const key = keyOf(sha)
      await step(sha, 'queue', 'queued', { builds: 'linux' }, { store })
      await step(sha, 'linux', 'building', { builds: 'linux' }, { store })
      const linux = run(sha, 'ci / linux')
      // The untrusted job (same run, its own runtime token) claims linux succeeded in a later attempt.
      const forged = await forge(doc(key, { linux: record({ generation: 2, state_synced: true, check_run_id: linux.id, node_id: linux.node_id }) }), { runId: RUN, job: 'untrusted', store })
      const built = await step(sha, 'linux', 'built', { builds: 'linux', conclusion: 'failure' }, { store })
      const concluded = await step(sha, 'conclude', 'conclude', {}, { store })
      expect(run(sha, 'ci / linux')).toMatchObject({ status: 'completed', conclusion: 'failure' })
      expect(run(sha, 'ci / CONCLUSION')).toMatchObject({ status: 'completed', conclusion: 'failure' })
      expect(concluded.result.outputs.conclusion).toBe('failure')
      expect(runsOf(sha)).toHaveLength(2)
      expectOneWarning(built.result.warnings, forged)
    })
  }
})

describe('forged fragment names from an untrusted job of the same run', { timeout: 180_000 }, () => {
  test('names of builds that do not exist cannot switch the suite to aggregate mode', async () => {
    const sha = newSha()
    const key = keyOf(sha)
    // The switch comes at 6 builds (six forged names are enough); the CONCLUSION's aggregate table at once.
    const inputs = { 'aggregate-above': '5', 'aggregate-interval': '0' }
    await step(sha, 'queue', 'queued', { builds: 'linux,mac', ...inputs })
    const conclusionBefore = structuredClone(run(sha, 'ci / CONCLUSION')) // the emulator's object changes in place
    // Tagged names (one queued build each), which a filtered read lists without downloading them.
    h.enterJob({ runId: RUN, jobId: 'untrusted', ref: 'refs/heads/main', headSha: sha })
    try {
      for (let i = 0; i < 6; i++) {
        const queued: CheckRunRecord = { name: `ci / x${i}`, state: 'queued', generation: 1, state_synced: true, updated_at: new Date().toISOString() }
        await new ArtifactStore().writeFragment(key, serializeServiceData(doc(key, { [`x${i}`]: queued })), { run_id: RUN, run_attempt: 1, job: 'untrusted', step: `n${i}` }, { build: `x${i}`, state: 'queued', generation: 1 })
      }
    } finally {
      h.enterJob({})
    }
    const building = await step(sha, 'linux', 'building', { builds: 'linux', ...inputs })
    // GitHub: linux went in_progress; the CONCLUSION run was not turned into the aggregate table.
    expect(run(sha, 'ci / linux')).toMatchObject({ status: 'in_progress' })
    const conclusionAfter = run(sha, 'ci / CONCLUSION')
    expect({ output: conclusionAfter.output, updated_at: conclusionAfter.updated_at }).toEqual({ output: conclusionBefore.output, updated_at: conclusionBefore.updated_at })
    expect(runsOf(sha)).toHaveLength(3)
    expect(building.result.annotations.filter((a) => a.message.includes('Aggregate mode'))).toEqual([])
  })
})

// Not a row of the table above: the action before tags read a tagged text as corrupt and set it
// aside too. This checks that a tag made with another key (an attacker's own) is no better than none.
describe('a fragment tagged with another key', { timeout: 180_000 }, () => {
  test('is set aside by reconcile and by a transition like an untagged one', async () => {
    const sha = newSha()
    const key = keyOf(sha)
    await step(sha, 'queue', 'queued', { builds: 'linux' })
    const linux = run(sha, 'ci / linux')
    const before = shown(sha)
    const forged = await forge(doc(key, { linux: record({ generation: 2, check_run_id: linux.id, node_id: linux.node_id }) }), { runId: RUN, job: 'untrusted', ownKey: true })
    const reconciled = await step(sha, 'reconcile', 'reconcile', {})
    expectOneWarning(reconciled.result.warnings, forged)
    expect(shown(sha)).toEqual(before)
    const building = await step(sha, 'linux', 'building', { builds: 'linux' })
    expectOneWarning(building.result.warnings, forged)
    expect(run(sha, 'ci / linux')).toMatchObject({ status: 'in_progress', conclusion: null })
  })
})
