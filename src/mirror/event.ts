// command: mirror, the pure part that reads the workflow_run event: which run to mirror, and
// whether it may be mirrored at all. No I/O.
import { parseHeadSha } from '../checks/inputs.ts'
import { UserError } from '../errors.ts'
import { cleanText } from './jobs.ts'

/** What mirror takes from the event's workflow_run (GitHub's workflow_run webhook payload). */
export interface MirroredRun {
  id: number
  /** The attempt the event is about; the jobs listing may already show a newer one. */
  run_attempt: number
  head_sha: string
  /** The workflow's name: the default suite. */
  name: string
  /** e.g. ".github/workflows/ci.yml" */
  path: string
  /** The repository the run belongs to (a fork's pull request runs in the base repository). */
  repository: string
  /** Where the head commit lives: the fork, for a fork's pull request. */
  head_repository: string
  status: string
  html_url?: string
  event?: string
}

export interface MirrorSelf {
  /** GITHUB_REPOSITORY */
  repository: string
  /** GITHUB_RUN_ID */
  runId: number
  /** GITHUB_WORKFLOW_REF: "owner/repo/.github/workflows/mirror.yml@refs/heads/main" */
  workflowRef?: string
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
const fullName = (v: unknown): string | undefined => {
  const name = obj(v)?.full_name
  return typeof name === 'string' && /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(name) ? name : undefined
}

/**
 * Reads the workflow_run of the event and refuses what mirror must not report: another
 * event, a run of another repository, or a run of the mirror's own workflow (a mirror of itself
 * would report forever).
 */
export function readMirroredRun(eventName: string, payload: Record<string, unknown>, self: MirrorSelf): MirroredRun {
  const wr = obj(payload.workflow_run)
  if (eventName !== 'workflow_run' || !wr) {
    throw new UserError(
      `command: mirror reports the jobs of the workflow run that triggered it: run it on: workflow_run (this event is "${eventName || 'unknown'}").`,
    )
  }
  const id = wr.id
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new UserError('The workflow_run event has no valid run id.')
  const attempt = typeof wr.run_attempt === 'number' && Number.isSafeInteger(wr.run_attempt) && wr.run_attempt >= 1 ? wr.run_attempt : 1
  const headSha = parseHeadSha(String(wr.head_sha ?? ''), 'the workflow run head sha')
  const repository = fullName(wr.repository) ?? fullName(payload.repository)
  if (!repository) throw new UserError('The workflow_run event names no repository.')
  if (repository.toLowerCase() !== self.repository.toLowerCase()) {
    throw new UserError(
      `The workflow run ${id} belongs to ${repository}, not to ${self.repository}: mirror reports only runs of its own repository.`,
    )
  }
  const path = typeof wr.path === 'string' ? wr.path : ''
  const ownPath = self.workflowRef ? workflowPathOf(self.workflowRef) : undefined
  if (id === self.runId || (ownPath !== undefined && path !== '' && stripRef(path) === ownPath)) {
    throw new UserError(
      `The workflow run ${id} is a run of this mirror workflow (${ownPath ?? path}): list the workflows to mirror under on: workflow_run: workflows:, not the mirror itself.`,
    )
  }
  const name = cleanText(typeof wr.name === 'string' ? wr.name : '', 200)
  return {
    id,
    run_attempt: attempt,
    head_sha: headSha,
    name,
    path,
    repository,
    head_repository: fullName(wr.head_repository) ?? repository,
    status: typeof wr.status === 'string' ? wr.status : '',
    ...(typeof wr.html_url === 'string' && /^https?:\/\//.test(wr.html_url) ? { html_url: wr.html_url } : {}),
    ...(typeof wr.event === 'string' ? { event: wr.event } : {}),
  }
}

/** ".github/workflows/ci.yml@refs/pull/1/merge" -> ".github/workflows/ci.yml" (a reusable run's path carries a ref). */
function stripRef(path: string): string {
  const at = path.indexOf('@')
  return at < 0 ? path : path.slice(0, at)
}

/** "owner/repo/.github/workflows/mirror.yml@refs/heads/main" -> ".github/workflows/mirror.yml" */
export function workflowPathOf(ref: string): string | undefined {
  const m = /^[^/]+\/[^/]+\/(.+?)(?:@.*)?$/.exec(ref)
  return m?.[1]
}
