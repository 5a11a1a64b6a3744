// The emulators a test file of test/action/ or test/stress/ runs the real dist/ against, started
// once per file, with the checks every such file made after each test and at its end: no request
// GitHub would refuse, faults cleared, no secret the emulator issued in a recorded step's log or
// outputs, temp directories removed. Call it at the top of the file with `await` (before the
// tests): the hooks it registers then belong to the file.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, expect } from 'vitest'
import { mountActionsJobs, type ActionsJobs } from '../emulator/github-actions-jobs.ts'
import { mountActionsStorage } from '../emulator/github-actions-storage.ts'
import { startGitHubEmulator, type GitHubEmulator } from '../emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator } from '../emulator/runtime/index.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import type { RecordedRequest } from '../emulator/github/index.ts'

export interface HarnessOptions {
  /** the Actions runtime emulator too, with the artifacts and caches REST endpoints mounted on GitHub's */
  runtime?: boolean
  /** the workflow runs and jobs REST endpoints (test/emulator/github-actions-jobs.ts) */
  jobs?: boolean
  /** keep GitHub's secondary rate limits (80 content-creating requests a minute per installation).
   *  By default they are raised out of the way: a file of steps that share one installation makes
   *  more, and the limits are test/action/conclusion-run.test.ts's subject. */
  githubLimits?: boolean
  /** more secrets that no recorded step may print (e.g. a webhook secret the test made up) */
  secrets?: () => string[]
}

/** Steps on one commit of one workflow run, sharing a file store in `dir`. */
export interface FilePipeline {
  head: string
  dir: string
  runId: number
}

export interface StepOptions {
  job?: string
  attempt?: number
  event?: { name: string; payload: object }
}

export interface Harness {
  gh: GitHubEmulator
  /** set when `runtime` was asked for */
  runtime: RuntimeEmulator
  /** set when `jobs` was asked for */
  jobs: ActionsJobs
  /** steps whose stdout, stderr and outputs the file's end searches for secrets */
  results: RunActionResult[]
  /** a fresh directory under the system's temp, removed when the file ends */
  tempDir(prefix: string): string
  /** One step of `p` through the real dist/ as the app (recorded for the secret scan), and the GitHub requests it made. */
  fileStep(p: FilePipeline, command: string, inputs: Record<string, string>, o?: StepOptions): Promise<{ result: RunActionResult; requests: RecordedRequest[] }>
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const [gh, runtime] = await Promise.all([startGitHubEmulator(), o.runtime ? startRuntimeEmulator() : undefined])
  if (runtime) mountActionsStorage(gh, runtime)
  if (!o.githubLimits) gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
  const jobs = o.jobs ? mountActionsJobs(gh) : undefined
  const results: RunActionResult[] = []
  const dirs: string[] = []

  afterEach(() => {
    expect(gh.violations).toEqual([])
    gh.faults.clear()
    runtime?.faults.clear()
  })
  afterAll(async () => {
    // Nothing secret reached a log or an output: the masks the runner is told of and the token
    // command's `token` output (it is the secret, masked) aside, as test/setup/secret-scan.ts does.
    const secrets = [...gh.issuedSecrets(), ...(o.secrets?.() ?? [])]
    for (const r of results) {
      const { token: _token, ...outputs } = r.outputs
      const text = `${r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')}\n${r.stderr}${JSON.stringify(outputs)}`
      for (const s of secrets) expect(text.includes(s), 'a secret reached the log').toBe(false)
    }
    await Promise.all([gh.close(), runtime?.close()])
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  return {
    gh,
    runtime: runtime!,
    jobs: jobs!,
    results,
    tempDir(prefix) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
      dirs.push(dir)
      return dir
    },
    async fileStep(p, command, inputs, o = {}) {
      const before = gh.requests.length
      const result = await runAction({
        inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: `file:${p.dir}`, ...inputs },
        env: {
          GITHUB_API_URL: gh.url,
          GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
          GITHUB_SHA: p.head,
          GITHUB_RUN_ID: String(p.runId),
          GITHUB_RUN_ATTEMPT: String(o.attempt ?? 1),
          GITHUB_JOB: o.job ?? 'build',
        },
        event: o.event,
        timeoutMs: 60_000,
      })
      results.push(result)
      return { result, requests: gh.requests.slice(before) }
    },
  }
}
