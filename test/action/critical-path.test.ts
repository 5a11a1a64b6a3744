// A transition step's critical path, from the emulators' side: the suite's state is read with the
// runtime token (ListArtifacts, then each fragment's download) while the installation token is
// still being minted, and the step's runtime calls are the same ones as when it read afterwards.
// Run from the real dist/ against the GitHub and Actions runtime emulators.
import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { jobEnv, REPO, RETRY_BASE_MS } from '../fault-harness.ts'
import { runAction } from '../runner.ts'
import { startHarness } from './harness.ts'

const RUN_ID = 2000
const h = await startHarness({ runtime: true })

/** One artifact-store step of `job`; returns the runtime calls it made, in the order served. */
async function step(sha: string, job: string, command: string, inputs: Record<string, string>, runnerTemp?: string): Promise<string[]> {
  const from = h.runtime.calls.length
  const result = await runAction({
    inputs: { command, 'app-id': String(h.gh.app.id), 'private-key': h.gh.app.privateKeyPkcs1, store: 'artifact', ...inputs },
    env: { ...jobEnv(h.runtime, { runId: RUN_ID, job, sha, ...(runnerTemp ? { runnerTemp } : {}) }), GITHUB_API_URL: h.gh.url, GITHUB_APP_CI_RETRY_BASE_MS: String(RETRY_BASE_MS) },
    timeoutMs: 60_000,
  })
  h.results.push(result)
  expect(result.exitCode, `${job} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
  expect(result.errors).toEqual([])
  expect(result.warnings).toEqual([])
  return h.runtime.calls.slice(from).map((c) => c.method)
}

/**
 * Holds the next installation-token request (the emulator's 'delay' fault) until the runtime has
 * served `calls` more calls, or `limitMs` passed; resolves to the runtime calls served meanwhile.
 * Without the early read, the step makes no runtime call before its token: the hold then runs
 * out with none served.
 */
function holdTokenUntil(calls: number, limitMs: number): Promise<string[]> {
  const from = h.runtime.calls.length
  const released = new Promise<string[]>((resolve) => {
    const started = Date.now()
    const poll = setInterval(() => {
      if (h.runtime.calls.length - from >= calls || Date.now() - started > limitMs) {
        clearInterval(poll)
        resolve(h.runtime.calls.slice(from).map((c) => c.method))
      }
    }, 5)
  })
  h.gh.faults.add({ match: 'apps/create-installation-access-token', kind: 'delay', until: released })
  return released
}

const sorted = (a: string[]) => [...a].sort()

test('building and built read the state while the token is minted, with these runtime calls only', async () => {
  const sha = randomBytes(20).toString('hex')
  await step(sha, 'queue', 'queued', { builds: 'linux' })

  // building: the suite's one fragment (the queued matrix) is listed and downloaded before the
  // token is answered; the download uses the listing's backend ids (src/store/results-client.ts),
  // with no second ListArtifacts by id as the toolkit's downloadArtifact makes.
  let held = holdTokenUntil(3, 5_000)
  const building = await step(sha, 'linux', 'building', { builds: 'linux' })
  expect(await held).toEqual(['ListArtifacts', 'GetSignedArtifactURL', 'Get Blob'])
  // Then the upload, after the GraphQL reply (its content is the reply's check run): one fragment
  // of a few hundred bytes is one Put Blob.
  expect(building).toEqual(['ListArtifacts', 'GetSignedArtifactURL', 'Get Blob', 'CreateArtifact', 'Put Blob', 'FinalizeArtifact'])

  // built: both fragments (queued and building; no RUNNER_TEMP, so no job memory) are listed and
  // downloaded, two at once, before the token is answered. Its build ends the registered suite,
  // so it lists the rest once more (readRestOfSuite) before its GraphQL request, which completes
  // the CONCLUSION run too: no listing after the write.
  held = holdTokenUntil(5, 5_000)
  const built = await step(sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' })
  const read = ['ListArtifacts', 'GetSignedArtifactURL', 'GetSignedArtifactURL', 'Get Blob', 'Get Blob']
  expect(sorted(await held)).toEqual(sorted(read))
  expect(built[0]).toBe('ListArtifacts')
  expect(sorted(built.slice(0, 5))).toEqual(sorted(read))
  expect(built.slice(5)).toEqual(['ListArtifacts', 'CreateArtifact', 'Put Blob', 'FinalizeArtifact'])
  expect(h.gh.checkRuns(REPO).find((r) => r.head_sha === sha && r.name === 'ci / linux')).toMatchObject({ status: 'completed', conclusion: 'success' })
}, 60_000)

test("the early read leaves out what the job's memory holds, as the step's own read would", async () => {
  const temp = h.tempDir('job-temp-')
  const sha = randomBytes(20).toString('hex')
  await step(sha, 'queue', 'queued', { builds: 'linux' })
  await step(sha, 'linux', 'building', { builds: 'linux' }, temp)

  // The job's building step held both fragments (the queued one it read, its own it wrote): the
  // built step's early read lists the run and downloads nothing, and the step uses that read
  // (one listing for it, one for the rest of the suite), not a second one of its own.
  const held = holdTokenUntil(1, 5_000)
  const built = await step(sha, 'linux', 'built', { builds: 'linux', conclusion: 'success' }, temp)
  expect(await held).toEqual(['ListArtifacts'])
  expect(built).toEqual(['ListArtifacts', 'ListArtifacts', 'CreateArtifact', 'Put Blob', 'FinalizeArtifact'])
  expect(h.gh.checkRuns(REPO).find((r) => r.head_sha === sha && r.name === 'ci / linux')).toMatchObject({ status: 'completed', conclusion: 'success' })
}, 60_000)
