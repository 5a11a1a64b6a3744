// Shared by the mirror tests: workflow_run event payloads made from GitHub's published examples
// (@octokit/webhooks-examples), modified to name an emulated run, and a mirror step run from the
// real dist/ in another workflow run (the mirror workflow's own).
import { createRequire } from 'node:module'
import type { EmulatedWorkflowRun } from './emulator/github-actions-jobs.ts'
import type { EmulatedCheckRun, GitHubEmulator, RecordedRequest } from './emulator/github/index.ts'
import { runAction, type RunActionResult } from './runner.ts'

const require = createRequire(import.meta.url)
type Example = { action: string; workflow_run: Record<string, any>; repository: Record<string, any>; [k: string]: unknown }
const examples = (require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Example[] }[])
  .find((e) => e.name === 'workflow_run')!.examples
// GitHub's examples hold a requested (run queued) and a completed (run completed) delivery;
// in_progress is the requested one with its action and status changed.
const requestedExample = examples.find((e) => e.action === 'requested' && e.workflow_run.status === 'queued')!
const completedExample = examples.find((e) => e.action === 'completed' && e.workflow_run.status === 'completed')!

export type RunAction = 'requested' | 'in_progress' | 'completed'

export interface RepoInfo {
  full_name: string
  node_id: string
}

/** The workflow_run event GitHub delivers for `run` at `attempt`. */
export function workflowRunEvent(action: RunAction, run: EmulatedWorkflowRun, repo: RepoInfo, attempt = run.run_attempt, conclusion: string | null = null) {
  const payload = structuredClone(action === 'completed' ? completedExample : requestedExample) as Example
  const [owner, name] = repo.full_name.split('/')
  const [headOwner, headName] = run.head_repository.split('/')
  const fork = run.head_repository !== repo.full_name
  payload.action = action
  const repository = { ...payload.repository, full_name: repo.full_name, name, node_id: repo.node_id, owner: { ...payload.repository.owner, login: owner } }
  payload.repository = repository
  Object.assign(payload.workflow_run, {
    id: run.id,
    run_attempt: attempt,
    name: run.name,
    path: run.path,
    head_sha: run.head_sha,
    head_branch: run.head_branch,
    event: fork ? 'pull_request' : 'push',
    status: action === 'completed' ? 'completed' : action === 'in_progress' ? 'in_progress' : 'queued',
    conclusion: action === 'completed' ? (conclusion ?? 'success') : null,
    html_url: `http://github.localhost/${repo.full_name}/actions/runs/${run.id}`,
    repository,
    head_repository: { ...payload.workflow_run.head_repository, full_name: run.head_repository, name: headName, fork, owner: { ...payload.workflow_run.head_repository.owner, login: headOwner } },
  })
  return { name: 'workflow_run', payload }
}

export interface MirrorStep {
  result: RunActionResult
  requests: RecordedRequest[]
}

let mirrorRunId = 880_000

/** One run of the mirror workflow (its own run id), handling `event`. */
export async function mirrorStep(gh: GitHubEmulator, repo: string, event: { name: string; payload: object }, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<MirrorStep> {
  const before = gh.requests.length
  const result = await runAction({
    inputs: { command: 'mirror', 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, ...inputs },
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
      GITHUB_REPOSITORY: repo,
      GITHUB_WORKFLOW: 'mirror',
      GITHUB_WORKFLOW_REF: `${repo}/.github/workflows/mirror.yml@refs/heads/main`,
      GITHUB_RUN_ID: String(mirrorRunId++),
      GITHUB_JOB: 'mirror',
      // What a workflow_run run gets: the default branch's head, not the mirrored commit.
      GITHUB_SHA: '0'.repeat(40),
      ...env,
    },
    event,
    timeoutMs: 60_000,
  })
  return { result, requests: gh.requests.slice(before) }
}

/** The app's check runs on a commit, the newest of each name (what GitHub's UI shows). */
export function shownRuns(gh: GitHubEmulator, repo: string, sha: string): Map<string, EmulatedCheckRun> {
  const shown = new Map<string, EmulatedCheckRun>()
  for (const r of gh.checkRuns(repo).filter((r) => r.head_sha === sha).sort((a, b) => a.id - b.id)) shown.set(r.name, r)
  return shown
}

/** Requests to GitHub, minus the token's (installation lookup and token). */
export const apiRequests = (requests: RecordedRequest[]) =>
  requests.filter((r) => !['apps/get-repo-installation', 'apps/create-installation-access-token'].includes(r.operationId ?? ''))
