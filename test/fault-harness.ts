// Shared by the tests that run the real dist/ as app steps of matrix jobs (fault matrix, soak,
// matrix, job memory, reconcile): one step against a GitHub emulator, a job's runner environment,
// many steps a few at a time, and a file or artifact store read back.
import { mergeAll } from '../src/checks/service-data.ts'
import type { ServiceData, SuiteKey } from '../src/checks/types.ts'
import { FileStore } from '../src/store/file.ts'
import { suitePrefix } from '../src/store/naming.ts'
import { unzipText } from '../src/store/unzip.ts'
import type { GitHubEmulator, RecordedRequest } from './emulator/github/index.ts'
import type { RuntimeEmulator } from './emulator/runtime/index.ts'
import { runAction, type RunActionResult } from './runner.ts'
import { parseStored } from './sealed.ts'

export const REPO = 'octo-org/repo-a'
/** Milliseconds per unit of retry wait in the action (production: 1000). */
export const RETRY_BASE_MS = 10
/** The action's per-attempt deadline in these tests (production: 60 s). */
export const REQUEST_TIMEOUT_MS = 5000

export interface AppStepOptions {
  sha: string
  store: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  event?: { name: string; payload: object }
  timeoutMs?: number
}

export interface AppStep {
  result: RunActionResult
  /** The GitHub requests made while the step ran (other steps' too, if any ran at once). */
  requests: RecordedRequest[]
}

/**
 * A matrix job's runner environment on `main`: the runtime emulator's tokens for (run, job), and
 * the run, job and commit the runner sets; RUNNER_TEMP when the job's steps share one.
 */
export function jobEnv(runtime: RuntimeEmulator, o: { runId: number; job: string; sha: string; repository?: string; runnerTemp?: string }): Record<string, string> {
  return {
    ...runtime.runtimeEnv({ runId: o.runId, jobId: o.job, ref: 'refs/heads/main', repository: o.repository ?? REPO, headSha: o.sha }),
    GITHUB_RUN_ID: String(o.runId),
    GITHUB_JOB: o.job,
    GITHUB_SHA: o.sha,
    ...(o.runnerTemp ? { RUNNER_TEMP: o.runnerTemp } : {}),
  }
}

/** One step of the action (main only: the check commands revoke nothing), as the runner runs it. */
export async function appStep(gh: GitHubEmulator, command: string, o: AppStepOptions): Promise<AppStep> {
  const before = gh.requests.length
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: o.store, ...o.inputs },
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CI_RETRY_BASE_MS: String(RETRY_BASE_MS),
      GITHUB_APP_CI_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      GITHUB_SHA: o.sha,
      ...o.env,
    },
    event: o.event ?? (command === 'reconcile' ? { name: 'schedule', payload: { schedule: '*/30 * * * *' } } : undefined),
    timeoutMs: o.timeoutMs ?? 60_000,
  })
  return { result, requests: gh.requests.slice(before) }
}

/** Runs fn over items, at most `limit` at once; results in item order. */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!, i)
    }
  }))
  return out
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The suite's fragments in a `file:` store, joined. */
export async function fileState(dir: string, key: SuiteKey): Promise<ServiceData> {
  const fragments = await new FileStore(dir).readFragments(key)
  return mergeAll(key, fragments.map((f) => parseStored(f.text)))
}

/** The suite's fragments in the runtime emulator's artifacts (every run's), joined, and their count. */
export async function artifactState(runtime: RuntimeEmulator, key: SuiteKey): Promise<{ merged: ServiceData; fragments: number }> {
  const docs: ServiceData[] = []
  for (const a of runtime.artifacts(key.repository).filter((x) => x.name.startsWith(suitePrefix(key)))) {
    docs.push(parseStored((await unzipText(runtime.artifactZip(a.id)!)).get('fragment.json')!))
  }
  return { merged: mergeAll(key, docs), fragments: docs.length }
}

/** Waits until every request matching `match` has been answered (a hung one lands late). */
export async function settle(gh: GitHubEmulator, match: (r: RecordedRequest) => boolean, maxMs: number): Promise<boolean> {
  const until = Date.now() + maxMs
  while (Date.now() < until) {
    if (gh.requests.filter(match).every((r) => r.status !== 0)) return true
    await sleep(250)
  }
  return false
}
