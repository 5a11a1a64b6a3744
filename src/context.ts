// The workflow run this step belongs to, read once from the runner's environment.
import fs from 'node:fs'
import { UserError } from './errors.ts'

export interface RunContext {
  owner: string
  repo: string
  /** owner/repo */
  repository: string
  sha: string
  ref: string
  eventName: string
  payload: Record<string, unknown>
  workflow: string
  runId: number
  runAttempt: number
  job: string
  serverUrl: string
  apiUrl: string
  /** The page of this workflow run attempt, where "Re-run job" lives. */
  runUrl: string
}

function readPayload(file: string | undefined): Record<string, unknown> {
  if (!file || !fs.existsSync(file)) return {}
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch {
    return {}
  }
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const repository = env.GITHUB_REPOSITORY ?? ''
  const [owner, repo] = repository.split('/')
  if (!owner || !repo) {
    throw new UserError('GITHUB_REPOSITORY is not set: run this action in a GitHub Actions workflow.')
  }
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const runId = Number(env.GITHUB_RUN_ID ?? 0)
  const runAttempt = Number(env.GITHUB_RUN_ATTEMPT ?? 1) || 1
  return {
    owner,
    repo,
    repository,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH),
    workflow: env.GITHUB_WORKFLOW ?? '',
    runId,
    runAttempt,
    job: env.GITHUB_JOB ?? '',
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runUrl: `${serverUrl}/${repository}/actions/runs/${runId}/attempts/${runAttempt}`,
  }
}
