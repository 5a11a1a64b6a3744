// Workflow runs and their jobs on the GitHub emulator: job listings (per run, per attempt),
// GET a job, GET a workflow run, and the two re-run endpoints, which record each request and
// start a new run attempt as GitHub does (a re-run job gets a new id and starts queued; the
// others carry over). Mounted with mountActionsJobs(github); requests are validated against
// @octokit/openapi by the emulator before a handler runs, and the replies of GET a job, GET a
// run and the job listings against the same description's response schemas (a mismatch is a
// violation, as a bad request is).
// Sources: https://docs.github.com/rest/actions/workflow-jobs and
// https://docs.github.com/rest/actions/workflow-runs (fields; workflow_id is "the ID of the parent
// workflow", head_repository a fork's for its pull requests). A job or run id of another
// repository answering 404 is not stated there (the operations document only their 200): it is
// modelled like GitHub's other repository-scoped ids, e.g. check runs.
// Jobs move through GitHub's job statuses with steps (setJob), for command: mirror's tests:
// "List jobs for a workflow run": filter=latest, the default, "returns jobs from the most recent
// execution of the workflow run", all "including from old executions"; per_page at most 100, Link
// header paging per https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api;
// the job object of @octokit/openapi (components/schemas/job: statuses queued, in_progress,
// completed, waiting, requested, pending; started_at always set, completed_at null until done).
import type { GitHubEmulator, RouteContext } from './github/index.ts'
import { validateResponse } from './openapi-responses.ts'

export type JobStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending'

export interface EmulatedStep {
  name: string
  number: number
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: string | null
  started_at: string | null
  completed_at: string | null
}

export interface EmulatedJob {
  id: number
  run_id: number
  run_attempt: number
  name: string
  status: JobStatus
  conclusion: string | null
  created_at: string
  /** GitHub sets it from the start (the schema requires it); it moves when the job starts. */
  started_at: string
  completed_at: string | null
  steps: EmulatedStep[]
}

export interface EmulatedWorkflowRun {
  id: number
  repository: string
  /** The repository the run's head commit came from: another one for a fork's pull request. */
  head_repository: string
  name: string
  /** The workflow file; runs of one file share a workflow_id (per repository). */
  path: string
  workflow_id: number
  event: string
  head_sha: string
  head_branch: string
  /** The newest attempt. */
  run_attempt: number
  /** Jobs of every attempt (an attempt's list holds its re-run jobs and the carried-over ones). */
  jobs: EmulatedJob[]
}

export interface RerunRequest {
  kind: 'job' | 'failed-jobs'
  repository: string
  run_id: number
  /** The job asked for (kind 'job'). */
  job_id?: number
  /** The new jobs the re-run queued. */
  queued: EmulatedJob[]
}

export interface ActionsJobs {
  /** Adds a completed workflow run (attempt 1) with these jobs; ids are assigned. */
  addRun(o: {
    id?: number
    repository?: string
    headRepository?: string
    /** The workflow's name (default 'ci'). */
    name?: string
    /** Default .github/workflows/<name>.yml. */
    path?: string
    event?: string
    headSha: string
    headBranch?: string
    jobs: { name: string; conclusion?: string | null; status?: JobStatus }[]
  }): EmulatedWorkflowRun
  run(id: number): EmulatedWorkflowRun | undefined
  /** The jobs of an attempt (default: the newest). */
  jobsOf(runId: number, attempt?: number): EmulatedJob[]
  /** Ends a job (e.g. a re-run job once its steps ran). */
  finishJob(jobId: number, conclusion: string): void
  /** Moves a job to a status (times set as GitHub would), with its steps when given. */
  setJob(jobId: number, o: { status: JobStatus; conclusion?: string | null; steps?: Omit<EmulatedStep, 'number'>[]; at?: string }): EmulatedJob
  /** Re-runs jobs by name in a new attempt (what either re-run endpoint does), without a request. */
  rerunJobs(runId: number, names: string[]): EmulatedJob[]
  reruns: RerunRequest[]
}

const docs = 'https://docs.github.com/rest/actions/workflow-jobs'
let nextJobId = 7_000_000_001

function error(ctx: RouteContext, status: number, message: string): void {
  ctx.reply(status, { message, documentation_url: docs, status: String(status) })
}

/** Repository and account ids, stable per name (the emulator's world is not reachable from here). */
const ids = new Map<string, number>()
const idOf = (kind: string, name: string) => {
  const k = `${kind}:${name.toLowerCase()}`
  if (!ids.has(k)) ids.set(k, 900_000 + ids.size)
  return ids.get(k)!
}

/** A minimal-repository object (GitHub's schema of a run's repository and head_repository). */
function repositoryJson(ctx: RouteContext, fullName: string, fork: boolean) {
  const [owner = '', name = ''] = fullName.split('/')
  const api = `${ctx.baseUrl}/repos/${fullName}`
  const users = `${ctx.baseUrl}/users/${owner}`
  const urls = Object.fromEntries(
    ['archive', 'assignees', 'blobs', 'branches', 'collaborators', 'comments', 'commits', 'compare', 'contents', 'contributors',
      'deployments', 'downloads', 'events', 'forks', 'git_commits', 'git_refs', 'git_tags', 'hooks', 'issue_comment', 'issue_events',
      'issues', 'keys', 'labels', 'languages', 'merges', 'milestones', 'notifications', 'pulls', 'releases', 'stargazers', 'statuses',
      'subscribers', 'subscription', 'tags', 'teams', 'trees'].map((k) => [`${k}_url`, `${api}/${k.replace(/_/g, '/')}`]),
  )
  return {
    id: idOf('repo', fullName), node_id: Buffer.from(`010:Repository${idOf('repo', fullName)}`).toString('base64'), name, full_name: fullName,
    private: true, fork, description: null,
    html_url: `http://github.localhost/${fullName}`, url: api, ...urls,
    owner: {
      login: owner, id: idOf('user', owner), node_id: Buffer.from(`04:User${idOf('user', owner)}`).toString('base64'),
      avatar_url: `https://avatars.githubusercontent.com/u/${idOf('user', owner)}?v=4`, gravatar_id: '', url: users,
      html_url: `http://github.localhost/${owner}`, followers_url: `${users}/followers`, following_url: `${users}/following{/other_user}`,
      gists_url: `${users}/gists{/gist_id}`, starred_url: `${users}/starred{/owner}{/repo}`, subscriptions_url: `${users}/subscriptions`,
      organizations_url: `${users}/orgs`, repos_url: `${users}/repos`, events_url: `${users}/events{/privacy}`,
      received_events_url: `${users}/received_events`, type: 'Organization', site_admin: false,
    },
  }
}

/** GET /repos/{owner}/{repo}/actions/runs/{run_id}: the fields GitHub's workflow-run schema requires. */
function runJson(ctx: RouteContext, run: EmulatedWorkflowRun, jobs: EmulatedJob[]) {
  const api = `${ctx.baseUrl}/repos/${run.repository}`
  const done = jobs.every((j) => j.status === 'completed')
  const conclusion = !done ? null : jobs.some(failed) ? 'failure' : 'success'
  const created = jobs[0]?.started_at ?? new Date().toISOString()
  return {
    id: run.id, name: run.name, node_id: Buffer.from(`010:WorkflowRun${run.id}`).toString('base64'),
    check_suite_id: run.id + 1, check_suite_node_id: Buffer.from(`010:CheckSuite${run.id + 1}`).toString('base64'),
    head_branch: run.head_branch, head_sha: run.head_sha, path: run.path, display_title: run.name,
    run_number: run.id % 1000, run_attempt: run.run_attempt, event: run.event,
    status: done ? 'completed' : 'in_progress', conclusion, workflow_id: run.workflow_id,
    url: `${api}/actions/runs/${run.id}`, html_url: `http://github.localhost/${run.repository}/actions/runs/${run.id}`,
    pull_requests: [], created_at: created, updated_at: created, run_started_at: created,
    jobs_url: `${api}/actions/runs/${run.id}/jobs`, logs_url: `${api}/actions/runs/${run.id}/logs`,
    check_suite_url: `${api}/check-suites/${run.id + 1}`, artifacts_url: `${api}/actions/runs/${run.id}/artifacts`,
    cancel_url: `${api}/actions/runs/${run.id}/cancel`, rerun_url: `${api}/actions/runs/${run.id}/rerun`,
    previous_attempt_url: run.run_attempt > 1 ? `${api}/actions/runs/${run.id}/attempts/${run.run_attempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${run.workflow_id}`,
    head_commit: {
      id: run.head_sha, tree_id: run.head_sha, message: 'commit', timestamp: created,
      author: { name: 'Octo Cat', email: 'octocat@example.com' }, committer: { name: 'Octo Cat', email: 'octocat@example.com' },
    },
    repository: repositoryJson(ctx, run.repository, false),
    head_repository: repositoryJson(ctx, run.head_repository, run.head_repository.toLowerCase() !== run.repository.toLowerCase()),
    head_repository_id: idOf('repo', run.head_repository),
  }
}

function jobJson(ctx: RouteContext, run: EmulatedWorkflowRun, job: EmulatedJob) {
  const api = `${ctx.baseUrl}/repos/${run.repository}`
  return {
    id: job.id,
    run_id: run.id,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: job.run_attempt,
    node_id: Buffer.from(`08:CheckRun${job.id}`).toString('base64'),
    head_sha: run.head_sha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `http://github.localhost/${run.repository}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.created_at,
    started_at: job.started_at,
    completed_at: job.completed_at,
    name: job.name,
    steps: job.steps.map((st) => ({ ...st })),
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: waiting(job) ? null : 1,
    runner_name: waiting(job) ? null : 'GitHub Actions 1',
    runner_group_id: waiting(job) ? null : 1,
    runner_group_name: waiting(job) ? null : 'GitHub Actions',
    workflow_name: run.name,
    head_branch: run.head_branch,
  }
}

/** per_page (default 30, at most 100) and page; GitHub's Link header for the next page. */
function page<T>(ctx: RouteContext, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100)
  const p = Math.max(Number(ctx.query.page ?? 1) || 1, 1)
  const headers: Record<string, string> = {}
  if (p * perPage < items.length) {
    const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(p + 1) })
    headers.link = `<${ctx.baseUrl}${ctx.path}?${q}>; rel="next"`
  }
  return { items: items.slice((p - 1) * perPage, p * perPage), headers }
}

const waiting = (j: EmulatedJob) => !['in_progress', 'completed'].includes(j.status)
const failed = (j: EmulatedJob) => j.status === 'completed' && !['success', 'skipped', 'neutral'].includes(j.conclusion ?? '')

export function mountActionsJobs(github: GitHubEmulator): ActionsJobs {
  const runs: EmulatedWorkflowRun[] = []
  const reruns: RerunRequest[] = []
  let nextRunId = 5_000_001
  const workflows = new Map<string, number>()
  /** Replies after checking them against GitHub's documented response schema. */
  const reply = (ctx: RouteContext, operationId: string, body: unknown, headers?: Record<string, string>) => {
    github.violations.push(...validateResponse(operationId, 200, body))
    ctx.reply(200, body, headers)
  }

  const repoOf = (ctx: RouteContext) => `${ctx.params.owner}/${ctx.params.repo}`.toLowerCase()
  const runOf = (ctx: RouteContext) => runs.find((r) => String(r.id) === ctx.params.run_id && r.repository.toLowerCase() === repoOf(ctx))
  const jobsOf = (runId: number, attempt?: number) => {
    const run = runs.find((r) => r.id === runId)
    if (!run) return []
    const n = attempt ?? run.run_attempt
    // The newest job of each name up to attempt n: re-run jobs replace their earlier selves.
    const byName = new Map<string, EmulatedJob>()
    for (const j of run.jobs) if (j.run_attempt <= n) byName.set(j.name, j)
    return [...byName.values()].sort((a, b) => a.id - b.id)
  }
  const inProgress = (run: EmulatedWorkflowRun) => jobsOf(run.id).some((j) => j.status !== 'completed')
  /** A new attempt in which `names` run again. */
  const rerun = (run: EmulatedWorkflowRun, names: string[]): EmulatedJob[] => {
    run.run_attempt++
    const now = new Date().toISOString()
    const queued = names.map((name) => ({
      id: nextJobId++, run_id: run.id, run_attempt: run.run_attempt, name,
      status: 'queued' as const, conclusion: null, created_at: now, started_at: now, completed_at: null, steps: [],
    }))
    run.jobs.push(...queued)
    return queued
  }

  const api: ActionsJobs = {
    addRun(o) {
      const now = new Date().toISOString()
      const repository = o.repository ?? 'octo-org/repo-a'
      const name = o.name ?? 'ci'
      const file = o.path ?? `.github/workflows/${name}.yml`
      const workflowKey = `${repository.toLowerCase()}:${file}`
      if (!workflows.has(workflowKey)) workflows.set(workflowKey, 161_000 + workflows.size)
      const run: EmulatedWorkflowRun = {
        id: o.id ?? nextRunId++,
        repository,
        head_repository: o.headRepository ?? repository,
        name,
        path: file,
        workflow_id: workflows.get(workflowKey)!,
        event: o.event ?? 'push',
        head_sha: o.headSha,
        head_branch: o.headBranch ?? 'main',
        run_attempt: 1,
        jobs: [],
      }
      for (const j of o.jobs) {
        const status = j.status ?? 'completed'
        run.jobs.push({
          id: nextJobId++, run_id: run.id, run_attempt: 1, name: j.name, status,
          conclusion: status === 'completed' ? (j.conclusion ?? 'success') : null,
          created_at: now, started_at: now, completed_at: status === 'completed' ? now : null, steps: [],
        })
      }
      runs.push(run)
      return run
    },
    run: (id) => runs.find((r) => r.id === id),
    jobsOf,
    finishJob(jobId, conclusion) {
      const job = runs.flatMap((r) => r.jobs).find((j) => j.id === jobId)
      if (!job) throw new Error(`no job ${jobId}`)
      Object.assign(job, { status: 'completed', conclusion, completed_at: new Date().toISOString() })
    },
    setJob(jobId, o) {
      const job = runs.flatMap((r) => r.jobs).find((j) => j.id === jobId)
      if (!job) throw new Error(`no job ${jobId}`)
      const at = o.at ?? new Date().toISOString()
      if (o.status === 'in_progress' && job.status !== 'in_progress') job.started_at = at
      job.status = o.status
      job.conclusion = o.status === 'completed' ? (o.conclusion ?? 'success') : null
      job.completed_at = o.status === 'completed' ? at : null
      if (o.steps) job.steps = o.steps.map((st, i) => ({ ...st, number: i + 1 }))
      return job
    },
    rerunJobs(runId, names) {
      const run = runs.find((r) => r.id === runId)
      if (!run) throw new Error(`no run ${runId}`)
      return rerun(run, names)
    },
    reruns,
  }

  const listJobs = (ctx: RouteContext, attempt?: number) => {
    if (!ctx.authorize(repoOf(ctx), 'actions', 'read')) return
    const run = runOf(ctx)
    if (!run || (attempt !== undefined && (attempt < 1 || attempt > run.run_attempt))) return error(ctx, 404, 'Not Found')
    const all = ctx.query.filter === 'all' && attempt === undefined
    const list = all ? [...run.jobs].sort((a, b) => a.id - b.id) : jobsOf(run.id, attempt)
    const { items, headers } = page(ctx, list)
    reply(ctx, attempt === undefined ? 'actions/list-jobs-for-workflow-run' : 'actions/list-jobs-for-workflow-run-attempt',
      { total_count: list.length, jobs: items.map((j) => jobJson(ctx, run, j)) }, headers)
  }
  github.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', (ctx) => listJobs(ctx))
  github.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs', (ctx) =>
    listJobs(ctx, Number(ctx.params.attempt_number)),
  )
  github.route('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}', (ctx) => {
    if (!ctx.authorize(repoOf(ctx), 'actions', 'read')) return
    const run = runs.find((r) => r.repository.toLowerCase() === repoOf(ctx) && r.jobs.some((j) => String(j.id) === ctx.params.job_id))
    const job = run?.jobs.find((j) => String(j.id) === ctx.params.job_id)
    if (!run || !job) return error(ctx, 404, 'Not Found')
    reply(ctx, 'actions/get-job-for-workflow-run', jobJson(ctx, run, job))
  })
  // A run id of another repository is a 404, as for jobs.
  github.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', (ctx) => {
    if (!ctx.authorize(repoOf(ctx), 'actions', 'read')) return
    const run = runOf(ctx)
    if (!run) return error(ctx, 404, 'Not Found')
    reply(ctx, 'actions/get-workflow-run', runJson(ctx, run, jobsOf(run.id)))
  })

  github.route('POST', '/repos/{owner}/{repo}/actions/jobs/{job_id}/rerun', (ctx) => {
    if (!ctx.authorize(repoOf(ctx), 'actions', 'write')) return
    const run = runs.find((r) => r.repository.toLowerCase() === repoOf(ctx) && r.jobs.some((j) => String(j.id) === ctx.params.job_id))
    const job = run?.jobs.find((j) => String(j.id) === ctx.params.job_id)
    if (!run || !job) return error(ctx, 404, 'Not Found')
    if (inProgress(run)) return error(ctx, 403, 'This workflow run is not complete')
    const queued = rerun(run, [job.name])
    reruns.push({ kind: 'job', repository: run.repository, run_id: run.id, job_id: job.id, queued })
    ctx.reply(201, {})
  })
  github.route('POST', '/repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs', (ctx) => {
    if (!ctx.authorize(repoOf(ctx), 'actions', 'write')) return
    const run = runOf(ctx)
    if (!run) return error(ctx, 404, 'Not Found')
    if (inProgress(run)) return error(ctx, 403, 'This workflow run is not complete')
    const names = jobsOf(run.id).filter(failed).map((j) => j.name)
    if (names.length === 0) return error(ctx, 403, 'This workflow run has no failed jobs to re-run')
    const queued = rerun(run, names)
    reruns.push({ kind: 'failed-jobs', repository: run.repository, run_id: run.id, queued })
    ctx.reply(201, {})
  })
  return api
}
