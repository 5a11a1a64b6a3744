// Pure parts of `command: rerequested`: read a forwarded check_run webhook payload, find the suite
// its name and external_id belong to, and pick the workflow job to re-run.
import { verdictOf, type WarningAs } from '../checks/conclusion.ts'
import { buildKey, parseExternalId, suiteHash, type ParsedExternalId } from '../checks/service-data.ts'
import type { CheckRunRecord, ServiceData, SuiteKey } from '../checks/types.ts'
import { UserError } from '../errors.ts'

export interface Rerequest {
  action: string
  checkRun: {
    id: number
    name: string
    head_sha: string
    external_id: string
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
  if (typeof head !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(head)) {
    throw new UserError(`${help}; check_run.head_sha is missing or not a commit sha.`)
  }
  const out: Rerequest = {
    action: typeof value.action === 'string' ? value.action : 'rerequested',
    checkRun: {
      id,
      name: typeof run.name === 'string' ? run.name : '',
      head_sha: head.toLowerCase(),
      external_id: typeof run.external_id === 'string' ? run.external_id : '',
    },
  }
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

/** A job's page names its id: …/actions/runs/<run>/job/<job id>. */
export function jobIdFromUrl(url: string | undefined): number | undefined {
  const m = url ? /\/actions\/runs\/\d+\/job\/(\d+)(?:[/?#]|$)/.exec(url) : null
  return m ? Number(m[1]) : undefined
}

/** …/actions/runs/<run>[/attempts/<n>|/job/<id>]: the workflow run (and attempt) a link names. */
export function runFromUrl(url: string | undefined): { run_id: number; attempt?: number } | undefined {
  const m = url ? /\/actions\/runs\/(\d+)(?:\/attempts\/(\d+))?(?:[/?#]|$)/.exec(url) : null
  if (!m) return undefined
  return m[2] ? { run_id: Number(m[1]), attempt: Number(m[2]) } : { run_id: Number(m[1]) }
}

export interface ListedJob {
  id: number
  name: string
  run_attempt?: number
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
