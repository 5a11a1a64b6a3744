// The setup every command but `token` shares: the run's context, the check inputs, the app's
// installation token (masked, refreshed, never stored), one GitHub client, the state store, and
// reading/writing a suite's service data. Inputs are read and checked by readCommonInputs before
// openSession makes any request, so a bad input writes nothing anywhere.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import { createAppAuth, type AppAuth } from '../auth/app-auth.ts'
import { readAppInputs, type AppInputs } from '../auth/inputs.ts'
import { withDefaultPermissions } from '../auth/permissions.ts'
import { defaultHeadSha, parseBoolean, parseHeadSha, DEFAULT_NAME_TEMPLATE } from '../checks/inputs.ts'
import {
  CONCLUSION_BUILD,
  CorruptStateError,
  buildKey,
  mergeAll,
  mergeServiceData,
  parseExternalId,
  parseServiceData,
  recordOf,
  sameSuite,
  serializeServiceData,
  setOwn,
  suiteHash,
} from '../checks/service-data.ts'
import { checkRecords, recordProblem, type RecordPolicy } from '../checks/record-policy.ts'
import { stateOfStatus } from '../checks/states.ts'
import type { CheckRunRecord, ConclusionRunRecord, ServiceData, SuiteKey } from '../checks/types.ts'
import { readRunContext, type RunContext } from '../context.ts'
import { UserError } from '../errors.ts'
import { listCheckRuns, repositoryNodeIdFromEvent, type ListedCheckRun } from '../github/check-runs.ts'
import { createGitHubClient, githubMessage, type GitHubClient } from '../github/client.ts'
import { FragmentAuth } from '../store/fragment-auth.ts'
import { JobMemory } from '../store/job-memory.ts'
import { describeFragment } from '../store/naming.ts'
import { openStore, resolveStoreSpec, type FragmentFilter, type FragmentRef, type FragmentTag, type RestTarget, type StateStore, type WriterId } from '../store/index.ts'

type GetInput = (name: string) => string
const defaultGetInput: GetInput = (name) => core.getInput(name)

/** The inputs every check command reads (action.yml). */
export interface CommonInputs {
  suite: string
  headSha: string
  store: string
  retentionDays: number
  nameTemplate: string
  failOnUnsynced: boolean
  failOnCorruptState: boolean
  conclusionCheck: boolean
  conclusionName: string
  warningAs: 'success' | 'failure'
  aggregateAbove: number
  aggregateIntervalSeconds: number
}

// C0, DEL, C1 and line separators break names and logs (as the service data's parser says).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

function count(getInput: GetInput, name: string, fallback: number, min: number): number {
  const text = getInput(name).trim()
  if (text === '') return fallback
  if (!/^[0-9]+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UserError(`${name} must be a whole number of at least ${min}, not "${text}".`)
  }
  return Number(text)
}

/** Reads and checks the common inputs; no I/O beyond the environment. */
export function readCommonInputs(ctx: RunContext, getInput: GetInput = defaultGetInput): CommonInputs {
  const suite = getInput('suite').trim() || ctx.workflow.trim()
  if (!suite) throw new UserError('suite is empty and GITHUB_WORKFLOW is not set: give suite, e.g. suite: ci.')
  if (CONTROL.test(suite)) throw new UserError('suite must be one line without control characters.')
  const headShaText = getInput('head-sha').trim()
  const headSha = headShaText ? parseHeadSha(headShaText) : defaultHeadSha(ctx.eventName, ctx.payload, ctx.sha)
  const nameTemplate = getInput('name-template') || DEFAULT_NAME_TEMPLATE
  if (!nameTemplate.includes('{build}')) {
    throw new UserError(`name-template "${nameTemplate}" has no {build}: every build's check run needs its own name.`)
  }
  const conclusionName = (getInput('conclusion-name') || '{suite} / CONCLUSION').replace(/\{suite\}/g, suite)
  if (conclusionName.trim() === '' || CONTROL.test(conclusionName)) {
    throw new UserError('conclusion-name must be a one-line name, e.g. "{suite} / CONCLUSION".')
  }
  const warningAs = (getInput('warning-as').trim().toLowerCase() || 'success') as CommonInputs['warningAs']
  if (warningAs !== 'success' && warningAs !== 'failure') {
    throw new UserError(`warning-as must be success or failure, not "${getInput('warning-as').trim()}".`)
  }
  return {
    suite,
    headSha,
    store: resolveStoreSpec(getInput('store')), // auto: artifact, or cache on GitHub Enterprise Server
    retentionDays: count(getInput, 'state-retention-days', 7, 1),
    nameTemplate,
    failOnUnsynced: parseBoolean(getInput('fail-on-unsynced'), 'fail-on-unsynced', false),
    failOnCorruptState: parseBoolean(getInput('fail-on-corrupt-state'), 'fail-on-corrupt-state', false),
    conclusionCheck: parseBoolean(getInput('conclusion-check'), 'conclusion-check', true),
    conclusionName,
    warningAs,
    aggregateAbove: count(getInput, 'aggregate-above', 100, 0),
    aggregateIntervalSeconds: count(getInput, 'aggregate-interval', 30, 0),
  }
}

export interface Session {
  ctx: RunContext
  inputs: CommonInputs
  auth: AppAuth
  /** Authenticated with the installation token, renewed before it expires. */
  github: GitHubClient
  store: StateStore
  /** The suite this step reports: (repository, head sha, suite). */
  key: SuiteKey
  /** Who writes this step's fragment (unique per step). */
  writer: WriterId
  /** The fragments of `key`'s suite this job's steps already hold (RUNNER_TEMP). */
  memory: JobMemory
  /** Seals written fragments and checks read ones with the app's private key (fragment-auth.ts). */
  fragmentAuth: FragmentAuth
  /** From the event payload; else undefined until looked up (then recorded in the service data). */
  repositoryNodeId?: string
  /** `x-ratelimit-remaining` of GitHub's last reply, when it sent one. */
  rateLimitRemaining(): number | undefined
  /** How many requests this step made to GitHub's API (for the log and the report). */
  requestCount(): number
  /** The app's runs on a commit as this step listed them, until its next write (suite-writes.ts). */
  listing?: { headSha: string; runs: ListedCheckRun[] }
}

export interface OpenSessionOptions {
  ctx?: RunContext
  inputs?: CommonInputs
  app?: AppInputs
}

/**
 * Mints the installation token and opens the store. Give `inputs` and `app` already read (and
 * any command-specific input checked) so that every input is validated before this first request.
 */
export async function openSession(options: OpenSessionOptions = {}): Promise<Session> {
  const ctx = options.ctx ?? readRunContext()
  const inputs = options.inputs ?? readCommonInputs(ctx)
  const given = options.app ?? readAppInputs()
  // Unless permission-* inputs say otherwise, the token may do only what these commands need
  // (auth/permissions.ts defaultPermissions). The token is never revoked here:
  // a revocation is a DELETE, which GitHub counts against the same 80-a-minute content-creation
  // budget as the check-run mutations; it lives in this process only, masked, for at most an hour.
  const app: AppInputs = withDefaultPermissions(given, 'step', inputs.store)
  // The client and the store first (a bad store input fails here), then the token's requests.
  let auth: AppAuth | undefined
  const github = createGitHubClient({
    token: () => (auth ? auth.getToken() : Promise.reject(new Error('no installation token yet'))),
    apiUrl: app.apiUrl,
  })
  let remaining: number | undefined
  let requests = 0
  github.hook.wrap('request', async (request, o) => {
    requests++
    try {
      const response = await request(o)
      remaining = headerNumber(response.headers['x-ratelimit-remaining']) ?? remaining
      return response
    } catch (error) {
      const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers
      remaining = headerNumber(headers?.['x-ratelimit-remaining']) ?? remaining
      throw error
    }
  })
  const rest: RestTarget = {
    octokit: github as unknown as RestTarget['octokit'],
    owner: ctx.owner,
    repo: ctx.repo,
  }
  const store = openStore(inputs.store, { retentionDays: inputs.retentionDays, rest, warn: (m) => core.warning(m) })
  store.warmUp?.()
  auth = await createAppAuth(app) // masks every token it mints
  const step = `${(process.env.GITHUB_ACTION || 'step').slice(0, 40)}-${randomUUID().slice(0, 8)}`
  const key: SuiteKey = { repository: ctx.repository, head_sha: inputs.headSha, suite: inputs.suite }
  const fragmentAuth = new FragmentAuth(app.privateKey)
  return {
    ctx,
    inputs,
    auth,
    github,
    store,
    key,
    memory: new JobMemory(process.env.RUNNER_TEMP, store.description, key, fragmentAuth),
    fragmentAuth,
    writer: { run_id: ctx.runId, run_attempt: ctx.runAttempt, job: ctx.job || 'job', step },
    repositoryNodeId: repositoryNodeIdFromEvent(ctx.payload, ctx.repository),
    rateLimitRemaining: () => remaining,
    requestCount: () => requests,
  }
}

function headerNumber(value: unknown): number | undefined {
  const n = Number(Array.isArray(value) ? value[0] : value)
  return value === undefined || value === null || value === '' || !Number.isFinite(n) ? undefined : n
}

// ---------------------------------------------------------------------------------------------
// The suite's service data

// The CONCLUSION run's id encoding lives with the external ids (src/checks/service-data.ts).
export { CONCLUSION_BUILD, conclusionExternalId } from '../checks/service-data.ts'

export interface SuiteRead {
  /** The join of every readable fragment (plus what was rebuilt from GitHub, if anything). */
  data: ServiceData
  /**
   * Fragments set aside (corrupt, newer version, another suite, or `unauthenticated`: no valid tag
   * of the app's key): left in the store, not merged.
   */
  setAside: { id: string; reason: string; unauthenticated?: boolean }[]
  /** The store could not be read at all. */
  readError?: string
  /** Build records taken from GitHub's check runs because the state was lost or unreadable. */
  rebuilt: string[]
  /**
   * Set by a read filtered to `builds` that succeeded: every fragment of the suite the store
   * listed, downloaded or not. `data` then holds only the untagged fragments and those builds'.
   */
  listed?: FragmentRef[]
  /** Ids of the fragments `data` holds: downloaded (merged or set aside), or held by the job's earlier steps. */
  readIds: string[]
  /** Whether GitHub's check runs were already listed to rebuild records. */
  checkedGitHub: boolean
}

export interface ReadSuiteOptions {
  /** Builds that should have a record (e.g. building/built reports): a missing one means the state was lost. */
  expect?: string[]
  /**
   * Download only the fragments these builds' steps wrote, and the untagged ones (several builds,
   * or suite-wide records); the names of the others come back in `listed`. readRestOfSuite
   * completes such a read.
   */
  builds?: string[]
  /**
   * List the app's check runs on the commit even when the state reads well (conclude): a build
   * whose fragment was never saved is still counted from its check run.
   */
  checkGitHub?: boolean
}

/**
 * Reads every fragment of the suite (or those `builds` need) and joins them. A corrupt or
 * newer-version fragment is set aside with a warning (or fails the step with
 * fail-on-corrupt-state); a store that cannot be read is a warning. In either case, or when an
 * expected build has no record, the records are rebuilt from the app's check runs on the commit
 * (one listing, by external_id).
 */
export async function readSuite(session: Session, key: SuiteKey = session.key, options: ReadSuiteOptions = {}): Promise<SuiteRead> {
  const result: SuiteRead = { data: mergeAll(key, []), setAside: [], rebuilt: [], readIds: [], checkedGitHub: false }
  // What the job's earlier steps held counts as read: listed, not downloaded again.
  const memory = memoryOf(session, key)
  let held = memory?.data ? [memory.data] : []
  const heldProblem = held[0] && recordProblem(held[0], recordPolicy(session))
  if (heldProblem) {
    core.warning(`The job's memory of this suite is unusable and was not used: ${heldProblem}.`)
    held = []
  }
  if (held.length > 0) result.readIds.push(...memory!.ids)
  const documents = await readDocuments(session, key, result, options.builds)
  result.data = mergeAll(key, [...held, ...documents])
  const missing = (options.expect ?? []).filter((b) => !recordOf(result.data, b))
  const lost = result.readError !== undefined || result.setAside.length > 0 || missing.length > 0
  if (lost || options.checkGitHub) {
    await rebuildFromGitHub(session, key, result, options.expect ?? [], lost)
  }
  return result
}

/**
 * Continues a filtered read: lists the suite's fragments again (one listing) and joins those the
 * first read did not download — all of them, or with `builds` only the untagged ones and those
 * builds' (then `listed` is the new listing). A new problem (unreadable store, unusable fragment)
 * is handled as readSuite handles it; GitHub's check runs are listed at most once per step.
 */
export async function readRestOfSuite(session: Session, key: SuiteKey, first: SuiteRead, options: ReadSuiteOptions = {}): Promise<SuiteRead> {
  const result: SuiteRead = { ...first, setAside: [...first.setAside], rebuilt: [...first.rebuilt], readIds: [...first.readIds] }
  delete result.listed
  delete result.readError
  const documents = await readDocuments(session, key, result, options.builds)
  result.data = mergeAll(key, [first.data, ...documents])
  const problems = result.readError !== undefined || result.setAside.length > first.setAside.length
  if (problems && !first.checkedGitHub) await rebuildFromGitHub(session, key, result, options.expect ?? [])
  return result
}

/** What records read from the state must match (record-policy.ts): this step's inputs. */
export function recordPolicy(session: Pick<Session, 'ctx' | 'inputs'>): RecordPolicy {
  const detailsUrl = core.getInput('details-url').trim()
  return {
    repository: session.ctx.repository,
    nameTemplate: session.inputs.nameTemplate,
    serverUrl: session.ctx.serverUrl,
    ...(detailsUrl ? { detailsUrl } : {}),
  }
}

/** The job memory, when it is about `key`'s suite. */
function memoryOf(session: Session, key: SuiteKey): JobMemory | undefined {
  return session.memory.covers(key) ? session.memory : undefined
}

/**
 * Downloads and parses the fragments not yet in `result.readIds` (with `builds`, only the untagged
 * ones and those builds', then setting `result.listed`), setting unusable ones aside.
 */
async function readDocuments(session: Session, key: SuiteKey, result: SuiteRead, builds: string[] | undefined): Promise<ServiceData[]> {
  const documents: ServiceData[] = []
  const asideBefore = result.setAside.length
  const memory = memoryOf(session, key)
  let listed: FragmentRef[] | undefined
  const filter: FragmentFilter = { ...(builds && { builds }), held: new Set(result.readIds), listed: (refs) => { listed = refs } }
  try {
    for (const fragment of await session.store.readFragments(key, filter)) {
      result.readIds.push(fragment.id)
      const id = describeFragment(session.store.description, fragment)
      // Only the app's key holder can write what is merged: anything else is not read at all.
      const opened = session.fragmentAuth.open(key, fragment.text)
      if ('problem' in opened) {
        result.setAside.push({ id, reason: opened.problem, unauthenticated: true })
        continue
      }
      try {
        const data = parseServiceData(opened.body)
        if (!sameSuite(data, key)) throw new CorruptStateError('it belongs to another suite', 'suite-mismatch')
        checkRecords(data, recordPolicy(session))
        documents.push(data)
        memory?.remember(fragment.id, data)
      } catch (error) {
        if (!(error instanceof CorruptStateError)) throw error
        result.setAside.push({ id, reason: error.message })
      }
    }
  } catch (error) {
    result.readError = error instanceof Error ? error.message : String(error)
    core.warning(
      `The state could not be read (${result.readError}). Going on with what GitHub shows: ` +
        'the builds this step reports are looked up by their check runs.',
    )
  }
  if (builds && result.readError === undefined) result.listed = listed
  for (const { id, reason, unauthenticated } of result.setAside.slice(asideBefore)) {
    if (unauthenticated) {
      // Not a failure even with fail-on-corrupt-state: anyone with a runtime token could then stop the step.
      core.warning(`State fragment ${id} was set aside, not merged: ${reason}. Its builds are looked up by their check runs.`)
      continue
    }
    const message = `State fragment ${id} is unusable and was set aside (left in the store, not merged): ${reason}.`
    if (session.inputs.failOnCorruptState) {
      throw new UserError(`${message} fail-on-corrupt-state is true, so the step stops here; delete the fragment or set it to false to rebuild from GitHub.`)
    }
    core.warning(`${message} Its builds are rebuilt from GitHub's check runs.`)
  }
  return documents
}

/** GitHub's status as a build state (checks/states.ts). */
function stateOf(run: ListedCheckRun): CheckRunRecord['state'] {
  return stateOfStatus(run.status)
}

/**
 * Adds records made from the app's check runs of this suite to `result.data`. Reported builds
 * are matched by build key; other runs of the suite are added under their build key (the build
 * id itself for plain ids) so the conclusion still counts them. Rebuilt records carry the epoch
 * as updated_at, so any record a fragment holds for the same (generation, state) wins.
 */
async function rebuildFromGitHub(session: Session, key: SuiteKey, result: SuiteRead, reported: string[], repair = true): Promise<void> {
  result.checkedGitHub = true
  let runs: ListedCheckRun[]
  try {
    runs = await listCheckRuns(session.github, {
      owner: session.ctx.owner,
      repo: session.ctx.repo,
      headSha: key.head_sha,
      appId: session.auth.appId,
    })
  } catch (error) {
    core.warning(`Could not list the check runs on ${key.head_sha} to rebuild the state: ${githubMessage(error)}.`)
    return
  }
  session.listing = { headSha: key.head_sha, runs }
  const hash = suiteHash(key)
  const conclusionKey = buildKey(CONCLUSION_BUILD)
  const idsByKey = new Map<string, string>()
  for (const id of Object.keys(result.data.check_runs)) idsByKey.set(buildKey(id), id)
  for (const build of reported) idsByKey.set(buildKey(build), build)
  const newest = new Map<string, { run: ListedCheckRun; generation: number }>()
  for (const run of runs) {
    const parsed = parseExternalId(run.external_id)
    if (!parsed || parsed.suite_hash !== hash) continue
    const had = newest.get(parsed.build_key)
    if (!had || run.id > had.run.id) newest.set(parsed.build_key, { run, generation: parsed.generation })
  }
  const epoch = new Date(0).toISOString()
  const rebuilt: ServiceData = mergeAll(key, [])
  for (const [bk, { run, generation }] of newest) {
    if (bk === conclusionKey) {
      const state = stateOf(run)
      const record: ConclusionRunRecord = {
        check_run_id: run.id,
        node_id: run.node_id,
        state: state === 'queued' ? 'building' : state,
        generation: Math.max(1, generation),
        state_synced: true,
        updated_at: epoch,
      }
      if (state === 'built') record.conclusion = run.conclusion === 'success' ? 'success' : 'failure'
      rebuilt.conclusion_run = record
      continue
    }
    const id = idsByKey.get(bk) ?? bk
    const record: CheckRunRecord = {
      name: run.name,
      state: stateOf(run),
      generation,
      check_run_id: run.id,
      node_id: run.node_id,
      state_synced: true,
      updated_at: epoch,
    }
    if (record.state === 'built') record.conclusion = run.conclusion ?? 'neutral'
    setOwn(rebuilt.check_runs, id, record)
    result.rebuilt.push(id)
  }
  result.data = mergeServiceData(result.data, rebuilt)
  if (result.rebuilt.length > 0 && repair) {
    core.info(`Rebuilt ${result.rebuilt.length} build record(s) of suite "${key.suite}" from GitHub's check runs.`)
  }
}

/**
 * A fragment of exactly one build, and nothing every step must see (the CONCLUSION run, the
 * aggregate switch), is named after that build: other builds' steps skip it. The repository's
 * node id may ride along: a step that misses it looks it up again.
 */
export function tagOf(fragment: ServiceData): FragmentTag | undefined {
  const builds = Object.keys(fragment.check_runs)
  if (builds.length !== 1 || fragment.conclusion_run !== undefined || fragment.aggregate !== undefined || fragment.registered !== undefined) return undefined
  const record = fragment.check_runs[builds[0]!]!
  return { build: builds[0]!, state: record.state, generation: record.generation }
}

export interface WriteResult {
  saved: boolean
  /** Why it was not saved (already warned). */
  warning?: string
}

/**
 * Writes this step's fragment (only what it touched; the join does the rest). One retry under a
 * new name, since a failed upload may have left its name taken. A failure warns; the caller
 * fails the step only with fail-on-unsynced. A second fragment of the same step gives a `stepSuffix`.
 */
export async function writeSuite(session: Session, key: SuiteKey, fragment: ServiceData, stepSuffix = ''): Promise<WriteResult> {
  const text = session.fragmentAuth.seal(key, serializeServiceData(fragment))
  const tag = tagOf(fragment)
  const step = session.writer.step + stepSuffix
  let lastError = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    const writer = { ...session.writer, step: attempt === 0 ? step : `${step}-r${attempt}` }
    try {
      const ref = await session.store.writeFragment(key, text, writer, tag)
      const memory = memoryOf(session, key)
      memory?.remember(ref.id, fragment)
      memory?.save() // the job's next step need not download what this one read and wrote
      return { saved: true }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error)
    }
  }
  const warning =
    `The state could not be saved (${lastError}). The check runs on GitHub are up to date; later steps ` +
    'rebuild what they need from them, and anything unsynced is left for reconcile to find.'
  core.warning(warning)
  return { saved: false, warning }
}
