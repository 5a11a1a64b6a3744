// Check runs on GitHub: batched GraphQL create/update mutations, and the REST listing used to
// adopt runs whose creation reply was lost (docs/reference.md).
import type { getOctokit } from '@actions/github'
import type { Annotation, CheckRunItem, CheckRunOutput, CheckStatus, Conclusion, ListedCheckRun } from '../checks/types.ts'
import { clockOf, type Clock } from './clock.ts'
import { describeRequestError } from './request-error.ts'

export type { CheckRunFields, CheckRunItem, CheckStatus, ListedCheckRun } from '../checks/types.ts'

/** Any Octokit from @actions/github (with or without the retry/throttling plugins). */
export type Octokit = Pick<ReturnType<typeof getOctokit>, 'graphql' | 'paginate' | 'request'>

export type CheckRunResult =
  /** status/conclusion: what GitHub kept, which for a completed run may not be what was asked. */
  | { ok: true; check_run_id: number; node_id: string; url: string; status?: CheckStatus; conclusion?: Conclusion | null; warning?: string }
  /** inFlight: no reply within the deadline; GitHub may still be working on it (and write it later). */
  | { ok: false; maybeWritten: boolean; inFlight?: boolean; error: string }

/** brep measured 502s from GitHub for 40–60 mutations per request and missing runs above 60. */
export const MAX_MUTATIONS_PER_REQUEST = 34
export const MIN_MS_BETWEEN_REQUESTS = 1000
/**
 * GitHub's secondary limit: 80 content-creating requests a minute per installation, each
 * mutation counting. One step never sends more within a rolling minute; tests that raise the
 * emulator's limit raise this with GITHUB_APP_CI_MUTATIONS_PER_MINUTE.
 */
export const MUTATIONS_PER_MINUTE = 80
/** GitHub takes at most 50 annotations per request; further updates append. */
export const ANNOTATIONS_PER_REQUEST = 50

export interface BatchOptions {
  repositoryNodeId: string
  headSha: string
  items: CheckRunItem[]
  /** Tests and benchmarks may lower these; production keeps the defaults. */
  maxPerRequest?: number
  minMsBetweenRequests?: number
  mutationsPerMinute?: number
  /** The budget's window (a minute); tests shorten it. */
  mutationWindowMs?: number
}

function mutationsPerMinute(options: BatchOptions, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.GITHUB_APP_CI_MUTATIONS_PER_MINUTE)
  return options.mutationsPerMinute ?? (fromEnv > 0 ? fromEnv : MUTATIONS_PER_MINUTE)
}

// When the last mutation request ended, per client, so the gap holds across calls too.
const lastMutationAt = new WeakMap<object, number>()
// Mutations sent in the last minute, per client: [time sent, how many].
const sentMutations = new WeakMap<object, [number, number][]>()

/**
 * Waits until `count` more mutations fit in the rolling minute's budget, then books them. The
 * caller stamps the booking again when the request ends: the client may hold it back first.
 */
async function bookMutations(octokit: object, count: number, perMinute: number, windowMs: number, clock: Clock): Promise<[number, number]> {
  const sent = sentMutations.get(octokit) ?? []
  sentMutations.set(octokit, sent)
  for (;;) {
    const now = clock.now()
    while (sent.length && sent[0]![0] <= now - windowMs) sent.shift()
    const used = sent.reduce((sum, [, n]) => sum + n, 0)
    // A single request larger than the budget goes alone once the minute is clear.
    if (used + count <= perMinute || used === 0) break
    await clock.sleep(sent[0]![0] + windowMs - now)
  }
  const booking: [number, number] = [clock.now(), count]
  sent.push(booking)
  return booking
}

interface Mutation {
  item: number
  field: 'createCheckRun' | 'updateCheckRun'
  input: Record<string, unknown>
}

/**
 * Creates and updates check runs, many per GraphQL request. Annotations beyond the first 50 of
 * an item go in later rounds of `updateCheckRun` (GitHub appends them), after the run exists.
 * Never throws for a GitHub failure: each item gets its own result.
 */
export async function createAndUpdateCheckRuns(
  octokit: Octokit,
  options: BatchOptions,
): Promise<CheckRunResult[]> {
  const { repositoryNodeId, headSha, items } = options
  const perRequest = Math.max(1, Math.min(options.maxPerRequest ?? MAX_MUTATIONS_PER_REQUEST, MAX_MUTATIONS_PER_REQUEST))
  const gapMs = options.minMsBetweenRequests ?? MIN_MS_BETWEEN_REQUESTS
  const perMinute = mutationsPerMinute(options)
  const clock = clockOf(octokit)
  const results: (CheckRunResult | undefined)[] = items.map(() => undefined)
  const annotationBatches = items.map((item) => chunk(remainingAnnotations(item), ANNOTATIONS_PER_REQUEST))

  // Round 0 creates/updates every run with its first 50 annotations; round k appends batch k.
  const rounds = Math.max(1, ...annotationBatches.map((b) => b.length))
  for (let round = 0; round < rounds; round++) {
    const mutations: Mutation[] = []
    items.forEach((item, i) => {
      const annotations = annotationBatches[i]![round]
      if (round === 0) {
        mutations.push(firstMutation(item, i, repositoryNodeId, headSha, annotations))
        return
      }
      const done = results[i]
      if (!annotations || !done?.ok || !item.output) return
      mutations.push({
        item: i,
        field: 'updateCheckRun',
        input: {
          checkRunId: done.node_id,
          repositoryId: repositoryNodeId,
          output: outputInput({ ...item.output, annotations }),
        },
      })
    })
    for (const part of chunk(mutations, perRequest)) {
      const booking = await bookMutations(octokit, part.length, perMinute, options.mutationWindowMs ?? 60_000, clock)
      const replies = await sendMutations(octokit, part, gapMs, clock)
      booking[0] = clock.now()
      part.forEach((m, k) => {
        const reply = replies[k]!
        if (round === 0) {
          results[m.item] = reply
        } else if (!reply.ok) {
          const done = results[m.item]
          if (done?.ok) done.warning ??= `some annotations were not added: ${reply.error}`
        }
      })
    }
  }
  return results.map((r) => r ?? { ok: false, maybeWritten: false, error: 'not sent' })
}

function remainingAnnotations(item: CheckRunItem): Annotation[] {
  return item.output?.annotations?.slice(item.annotations_sent ?? 0) ?? []
}

function firstMutation(
  item: CheckRunItem,
  i: number,
  repositoryNodeId: string,
  headSha: string,
  annotations: Annotation[] | undefined,
): Mutation {
  const input: Record<string, unknown> = {
    repositoryId: repositoryNodeId,
    name: item.name,
    status: item.status?.toUpperCase(),
    conclusion: item.conclusion?.toUpperCase(),
    externalId: item.external_id,
    detailsUrl: item.details_url,
    startedAt: item.started_at,
    completedAt: item.completed_at,
    output: item.output && outputInput({ ...item.output, annotations }),
  }
  if (item.kind === 'create') {
    return { item: i, field: 'createCheckRun', input: { ...input, headSha } }
  }
  return { item: i, field: 'updateCheckRun', input: { ...input, checkRunId: item.node_id } }
}

function outputInput(output: CheckRunOutput): Record<string, unknown> {
  return {
    title: output.title,
    summary: output.summary,
    text: output.text,
    annotations: output.annotations?.length ? output.annotations.map(annotationInput) : undefined,
  }
}

function annotationInput(a: Annotation): Record<string, unknown> {
  // GitHub accepts columns only on a one-line annotation; elsewhere they fail the whole mutation.
  const oneLine = a.start_line === a.end_line
  return {
    path: a.path,
    location: {
      startLine: a.start_line,
      endLine: a.end_line,
      startColumn: oneLine ? a.start_column : undefined,
      endColumn: oneLine ? a.end_column : undefined,
    },
    annotationLevel: a.annotation_level.toUpperCase(),
    message: a.message,
    title: a.title,
    rawDetails: a.raw_details,
  }
}

/** One GraphQL request: aliases cr0…, every value a variable ($i0…). */
export function mutationDocument(fields: Mutation['field'][]): string {
  const params = fields.map((f, k) => `$i${k}: ${f === 'createCheckRun' ? 'Create' : 'Update'}CheckRunInput!`)
  // status and conclusion: GitHub keeps a completed run as it is, so the reply says what it took.
  const body = fields.map((f, k) => `  cr${k}: ${f}(input: $i${k}) { checkRun { id databaseId url status conclusion } }`)
  return `mutation CheckRuns(${params.join(', ')}) {\n${body.join('\n')}\n}`
}

interface CheckRunPayload {
  checkRun?: { id: string; databaseId: number | null; url: string; status?: string | null; conclusion?: string | null } | null
}

async function sendMutations(octokit: Octokit, mutations: Mutation[], gapMs: number, clock: Clock): Promise<CheckRunResult[]> {
  const wait = (lastMutationAt.get(octokit) ?? 0) + gapMs - clock.now()
  if (wait > 0) await clock.sleep(wait)

  const variables: Record<string, unknown> = {}
  mutations.forEach((m, k) => (variables[`i${k}`] = m.input))
  // Creates and appended annotations are not idempotent: a blind retry after a 502 that was in
  // fact written (brep saw exactly that) duplicates them. The caller adopts by external_id instead.
  const idempotent = mutations.every((m) => m.field === 'updateCheckRun' && !(m.input.output as { annotations?: unknown } | undefined)?.annotations)
  let data: Record<string, CheckRunPayload | null | undefined> | null | undefined
  let errors: { message: string; path?: (string | number)[] }[] = []
  try {
    data = await octokit.graphql<Record<string, CheckRunPayload>>(mutationDocument(mutations.map((m) => m.field)), {
      ...variables,
      ...(idempotent ? {} : { request: { retries: 0 } }),
    })
  } catch (error) {
    const partial = graphqlErrors(error)
    if (!partial) {
      const message = describe(error)
      const maybeWritten = mayHaveReachedGitHub(error)
      const inFlight = timedOut(error)
      return mutations.map(() => ({ ok: false, maybeWritten, ...(inFlight ? { inFlight } : {}), error: message }))
    }
    data = partial.data
    errors = partial.errors
  } finally {
    lastMutationAt.set(octokit, clock.now())
  }

  return mutations.map((_, k) => {
    const run = data?.[`cr${k}`]?.checkRun
    if (run?.databaseId != null) {
      const status = run.status ? (run.status.toLowerCase() as CheckStatus) : undefined
      const conclusion = run.conclusion ? (run.conclusion.toLowerCase() as Conclusion) : null
      return { ok: true, check_run_id: run.databaseId, node_id: run.id, url: run.url, ...(status ? { status, conclusion } : {}) }
    }
    const own = errors.filter((e) => e.path?.[0] === `cr${k}`)
    const message = (own.length ? own : errors).map((e) => e.message).join('; ') || 'no check run in the reply'
    // An error naming this alias means GitHub refused this mutation; anything else is unknown.
    return { ok: false, maybeWritten: own.length === 0, error: message }
  })
}

function graphqlErrors(
  error: unknown,
): { data: Record<string, CheckRunPayload | null> | null | undefined; errors: { message: string; path?: (string | number)[] }[] } | undefined {
  if (error instanceof Error && error.name === 'GraphqlResponseError' && 'errors' in error) {
    const e = error as Error & { data?: Record<string, CheckRunPayload | null> | null; errors: { message: string; path?: (string | number)[] }[] }
    return { data: e.data, errors: e.errors ?? [] }
  }
  return undefined
}

/** Our per-attempt deadline passed: the request was abandoned, not answered. */
function timedOut(error: unknown): boolean {
  const e = error as { name?: unknown; cause?: { name?: unknown } } | undefined
  return e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError'
}

/** 4xx: GitHub refused the request. 5xx, a network error or no reply: it may have been written. */
function mayHaveReachedGitHub(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status
  if (typeof status !== 'number') return true
  // @octokit/request reports a network failure (no HTTP reply) as status 500.
  return status >= 500 || status < 400
}

/** `HTTP 502: …` for GitHub's reply, `network error ECONNRESET: …` when there was none. */
const describe = describeRequestError

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/**
 * The repository's GraphQL node id from the workflow's event payload, when the event carries the
 * repository (most do; `schedule` does not). GITHUB_REPOSITORY_ID is the numeric id, and GitHub
 * documents node ids as opaque, so it is not converted.
 */
export function repositoryNodeIdFromEvent(payload: Record<string, unknown>, fullName: string): string | undefined {
  const repository = payload.repository as { node_id?: unknown; full_name?: unknown } | undefined
  if (typeof repository?.node_id !== 'string' || !repository.node_id) return undefined
  if (typeof repository.full_name === 'string' && repository.full_name.toLowerCase() !== fullName.toLowerCase()) {
    return undefined
  }
  return repository.node_id
}

/**
 * One REST read; call only when the event payload did not carry the node id. (REST, not a
 * GraphQL query: the client's throttle (throttle.ts) spaces every GraphQL request like a write, 1 s apart.)
 */
export async function repositoryNodeId(octokit: Octokit, owner: string, repo: string): Promise<string> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo })
  return data.node_id
}


export interface ListOptions {
  owner: string
  repo: string
  headSha: string
  /** Only this app's runs (GitHub filters; only the creating app may change a run anyway). */
  appId?: number
}

/** The commit's check runs (all of them, not only the latest per name), 100 a page. */
export async function listCheckRuns(octokit: Octokit, options: ListOptions): Promise<ListedCheckRun[]> {
  const runs = await octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner: options.owner,
    repo: options.repo,
    ref: options.headSha,
    filter: 'all',
    per_page: 100,
    ...(options.appId ? { app_id: options.appId } : {}),
  })
  return runs.map((r) => ({
    id: r.id,
    node_id: r.node_id,
    name: r.name,
    external_id: r.external_id,
    status: r.status as CheckStatus,
    conclusion: r.conclusion as Conclusion | null,
    html_url: r.html_url,
  }))
}
