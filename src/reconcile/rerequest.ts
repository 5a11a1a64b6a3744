// Pure parts of `command: rerequested`: read a forwarded check_run webhook payload (a pointer to
// a check run: only its id and repository are used, everything else is read from GitHub), find
// the suite the check run's name and external_id belong to, pick the workflow job to re-run, and
// decide whether a job or run GitHub describes may be re-run for that check run.
import { verdictOf, type WarningAs } from '../checks/conclusion.ts'
import { buildKey, parseExternalId, suiteHash, type ParsedExternalId } from '../checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../checks/types.ts'
import { UserError } from '../errors.ts'

export interface Rerequest {
  action: string
  /** As the payload says: untrusted, only `id` points at GitHub's copy. */
  checkRun: {
    id: number
    name?: string
    head_sha?: string
    external_id?: string
    details_url?: string
    app_id?: number
  }
  /** owner/repo, when the payload says. */
  repository?: string
  /** GitHub's `requested_action.identifier` for requested_action events. */
  identifier?: string
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * The check_run webhook payload as a relay forwards it: the whole payload ({ action, check_run,
 * repository, … }), or `{ check_run }`, or the check run object itself (then action rerequested).
 */
export function parseRerequest(value: unknown): Rerequest {
  const help = 'payload must be the check_run webhook payload (JSON), e.g. payload: ${{ toJson(github.event.client_payload) }}'
  if (!isObject(value)) throw new UserError(`${help}; got ${value === undefined ? 'nothing' : typeof value}.`)
  const run = isObject(value.check_run) ? value.check_run : 'head_sha' in value && 'external_id' in value ? value : undefined
  if (!run) throw new UserError(`${help}; it has no check_run.`)
  const id = run.id
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new UserError(`${help}; check_run.id is missing or not a number.`)
  const head = run.head_sha
  if (head !== undefined && (typeof head !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(head))) {
    throw new UserError(`${help}; check_run.head_sha is not a commit sha.`)
  }
  const out: Rerequest = {
    action: typeof value.action === 'string' ? value.action : 'rerequested',
    checkRun: { id, name: typeof run.name === 'string' ? run.name : '' },
  }
  if (typeof head === 'string') out.checkRun.head_sha = head.toLowerCase()
  if (typeof run.external_id === 'string') out.checkRun.external_id = run.external_id
  if (typeof run.details_url === 'string' && run.details_url) out.checkRun.details_url = run.details_url
  const app = isObject(run.app) ? run.app.id : undefined
  if (typeof app === 'number') out.checkRun.app_id = app
  const repo = isObject(value.repository) ? value.repository.full_name : undefined
  if (typeof repo === 'string' && repo.includes('/')) out.repository = repo
  const requested = isObject(value.requested_action) ? value.requested_action.identifier : undefined
  if (typeof requested === 'string') out.identifier = requested
  return out
}

/**
 * The suite a check run belongs to. Its external_id holds only a hash of (repository, head sha,
 * suite), so candidates are taken from its name (every prefix before " / ", as the default
 * templates "{suite} / {build}" and "{suite} / CONCLUSION" write it) and from `extra` (the
 * suite input), and the one whose hash matches is it.
 */
export function findSuite(
  repository: string,
  headSha: string,
  name: string,
  parsed: ParsedExternalId,
  extra: string[] = [],
): SuiteKey | undefined {
  const candidates = new Set(extra.filter(Boolean))
  for (let i = name.indexOf(' / '); i > 0; i = name.indexOf(' / ', i + 1)) candidates.add(name.slice(0, i))
  for (const suite of candidates) {
    const key = { repository, head_sha: headSha, suite }
    if (suiteHash(key) === parsed.suite_hash) return key
  }
  return undefined
}

export { parseExternalId }

/** The build id whose external-id key this is, among the recorded builds. */
export function buildOf(data: ServiceData, key: string): string | undefined {
  return Object.keys(data.check_runs).find((b) => buildKey(b) === key)
}

export interface ListedJob {
  id: number
  name: string
  run_attempt?: number
  run_id?: number
  head_sha?: string
}

/**
 * The job of a run that reported `build`, from the run's job list. `job` is GITHUB_JOB (the
 * job's key): GitHub names a job by its key, a matrix job "<key> (<values>)", unless the
 * workflow gives `name:`. Tried in order, the first rule that leaves exactly one job wins:
 * name = key; name = "<key> (…)"; such a name with the build id among its values; name = the
 * build id; name = the check run's name. Undefined when it stays ambiguous.
 */
export function chooseJob(jobs: ListedJob[], jobKey: string, build: string, checkRunName: string): ListedJob | undefined {
  const values = (name: string) => /\((.*)\)$/.exec(name)?.[1]?.split(',').map((v) => v.trim()) ?? []
  const matrix = jobs.filter((j) => j.name.startsWith(`${jobKey} (`) && j.name.endsWith(')'))
  const rules: ListedJob[][] = [
    jobs.filter((j) => j.name === jobKey),
    matrix,
    matrix.filter((j) => values(j.name).includes(build)),
    jobs.filter((j) => j.name === build),
    jobs.filter((j) => j.name === checkRunName),
  ]
  for (const found of rules) if (found.length === 1) return found[0]
  return undefined
}

/**
 * The workflow runs to re-run failed jobs of when the suite's CONCLUSION run is re-requested:
 * those that reported a build that failed or never finished, newest generation only.
 */
export function runsToRerun(data: ServiceData, warningAs: WarningAs): number[] {
  const records = Object.values(data.check_runs)
  const failing = (r: CheckRunRecord) => r.state !== 'built' || verdictOf(r.conclusion, warningAs) === 'fail'
  const runs = new Set<number>()
  for (const r of records) if (failing(r) && r.reporter) runs.add(r.reporter.run_id)
  return [...runs].sort((a, b) => a - b)
}

/** What a link to a workflow run (or an attempt, or a job of it) on the server names. */
export interface RunLink {
  run_id: number
  attempt?: number
  job_id?: number
}

/**
 * `<server>/<owner>/<repo>/actions/runs/<run>[/attempts/<n>][/job/<id>]`, only on this server and
 * for this repository: a link elsewhere names nothing this repository's API could re-run.
 */
export function runLink(url: string | undefined, serverUrl: string, repository: string): RunLink | undefined {
  if (!url) return undefined
  let u: URL
  let server: URL
  try {
    u = new URL(url)
    server = new URL(serverUrl)
  } catch {
    return undefined
  }
  if (u.origin !== server.origin || u.username || u.password) return undefined
  const base = server.pathname.replace(/\/+$/, '')
  const prefix = `${base}/${repository}/actions/runs/`.toLowerCase()
  if (!u.pathname.toLowerCase().startsWith(prefix)) return undefined
  const m = /^(\d{1,16})(?:\/attempts\/(\d{1,6}))?(?:\/job\/(\d{1,16}))?\/?$/.exec(u.pathname.slice(prefix.length))
  if (!m) return undefined
  const link: RunLink = { run_id: Number(m[1]) }
  if (m[2]) link.attempt = Number(m[2])
  if (m[3]) link.job_id = Number(m[3])
  return link
}

/** A workflow run as GitHub's Actions API describes it (GET …/actions/runs/{run_id}). */
export interface RunFacts {
  id: number
  /** repository.full_name */
  repository: string
  head_sha: string
  workflow_id: number
  /** The workflow file, for messages. */
  path?: string
}

/** A job as GitHub's Actions API describes it (GET …/actions/jobs/{job_id}, or a run's job listing). */
export interface JobFacts {
  id: number
  run_id: number
  head_sha: string
  name: string
}

/** What a run must be to re-run anything of it for a check run. */
export interface RerunScope {
  repository: string
  head_sha: string
  /** The workflows of the runs the check runs' own links name. */
  workflow_ids: ReadonlySet<number>
  /** For a build: the run its check run's own link (or record) names. */
  run_id?: number
}

/** Why `run` may not be re-run for this scope; undefined when it may. */
export function runProblem(run: RunFacts, scope: RerunScope): string | undefined {
  if (run.repository.toLowerCase() !== scope.repository.toLowerCase()) return `workflow run ${run.id} belongs to ${run.repository}`
  if (run.head_sha.toLowerCase() !== scope.head_sha.toLowerCase()) {
    return `workflow run ${run.id} ran commit ${run.head_sha.slice(0, 12)}, not the check run's ${scope.head_sha.slice(0, 12)}`
  }
  if (!scope.workflow_ids.has(run.workflow_id)) {
    return `workflow run ${run.id} is of another workflow (${run.path ?? `workflow ${run.workflow_id}`}) than the one that reported the check run`
  }
  if (scope.run_id !== undefined && run.id !== scope.run_id) return `workflow run ${run.id} is not the run that reported the check run (${scope.run_id})`
  return undefined
}

/** Why `job` (of `run`, GitHub's description of job.run_id) may not be re-run; undefined when it may. */
export function jobProblem(job: JobFacts, run: RunFacts, scope: RerunScope): string | undefined {
  if (job.run_id !== run.id) return `job ${job.id} is of workflow run ${job.run_id}, not ${run.id}`
  if (job.head_sha.toLowerCase() !== scope.head_sha.toLowerCase()) {
    return `job ${job.id} ran commit ${job.head_sha.slice(0, 12)}, not the check run's ${scope.head_sha.slice(0, 12)}`
  }
  const problem = runProblem(run, scope)
  return problem ? `job ${job.id} ("${job.name}"): ${problem}` : undefined
}
