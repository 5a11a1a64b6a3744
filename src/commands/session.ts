// The wiring every command but `token` shares: the run's context, the check inputs
// (common-inputs.ts), the app's installation token (masked, refreshed, never stored), one GitHub
// client with its request count (src/github/request-count.ts), the state store, and the
// collaborators reading and writing a suite's state take (src/state/read.ts, src/state/write.ts).
// Inputs are read and checked by readCommonInputs before openSession makes any request, so a bad
// input writes nothing anywhere.
import { randomUUID } from 'node:crypto'
import * as core from '@actions/core'
import { createAppAuth, type AppAuth } from '../auth/app-auth.ts'
import { readAppInputs, type AppInputs } from '../auth/inputs.ts'
import { withDefaultPermissions } from '../auth/permissions.ts'
import type { ConclusionSettings } from '../checks/conclusion-run.ts'
import type { SuiteKey } from '../checks/types.ts'
import { readRunContext, type RunContext } from '../context.ts'
import { listCheckRuns, repositoryNodeIdFromEvent, type ListedCheckRun } from '../github/check-runs.ts'
import { createGitHubClient, type GitHubClient } from '../github/client.ts'
import { firstRequestSent } from '../github/http-fetch.ts'
import { countRequests, type RequestCount } from '../github/request-count.ts'
import { startRead, type EarlyRead, type StateReader } from '../state/read.ts'
import type { StateWriter } from '../state/write.ts'
import { FragmentAuth } from '../store/fragment-auth.ts'
import { JobMemory } from '../state/job-memory.ts'
import { openStore, type RestTarget, type StateStore, type WriterId } from '../store/index.ts'
import { conclusionSettings, readCommonInputs, recordPolicy, type CommonInputs } from './common-inputs.ts'

export interface Session extends StateReader, StateWriter, RequestCount {
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
  /** The step's settings of the CONCLUSION run (src/checks/conclusion-run.ts). */
  conclusion: ConclusionSettings
  /** From the event payload; else undefined until looked up (then recorded in the service data). */
  repositoryNodeId?: string
  /** The app's runs on a commit as this step listed them, until its next write (suite-writes.ts). */
  listing?: { headSha: string; runs: ListedCheckRun[] }
}

export interface OpenSessionOptions {
  ctx?: RunContext
  inputs?: CommonInputs
  app?: AppInputs
  /**
   * The `builds` of the step's first readSuite (undefined: every fragment): with a store that reads
   * without the installation token, that read's listing and downloads start while the token is minted.
   */
  readFirst?: { builds?: string[] }
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
  const counted = countRequests(github)
  const rest: RestTarget = {
    octokit: github as unknown as RestTarget['octokit'],
    owner: ctx.owner,
    repo: ctx.repo,
  }
  const store = openStore(inputs.store, { retentionDays: inputs.retentionDays, rest, warn: (m) => core.warning(m) })
  const key: SuiteKey = { repository: ctx.repository, head_sha: inputs.headSha, suite: inputs.suite }
  const policy = recordPolicy(ctx, inputs)
  const fragmentAuth = new FragmentAuth(app.privateKey)
  // Read (a file in RUNNER_TEMP) by the early read, or else once the token is there.
  let memory: JobMemory | undefined
  const jobMemory = () => (memory ??= new JobMemory(process.env.RUNNER_TEMP, store.description, key, fragmentAuth))
  // Loading the store's library blocks the event loop, so it starts once the token's first request
  // is on the wire; so does the first read when it needs only the runtime token: its listing and
  // downloads then overlap the token's round trips instead of following them.
  let earlyRead: EarlyRead | undefined
  let minted = false
  const readFirst = store.readsWithoutToken ? options.readFirst : undefined
  void firstRequestSent().then(() => {
    store.warmUp?.()
    if (readFirst && !minted) earlyRead = startRead({ store, memory: jobMemory(), policy }, key, readFirst.builds)
  })
  const appAuth = await createAppAuth(app) // masks every token it mints
  auth = appAuth
  minted = true
  const step = `${(process.env.GITHUB_ACTION || 'step').slice(0, 40)}-${randomUUID().slice(0, 8)}`
  const session: Session = {
    ctx,
    inputs,
    auth: appAuth,
    github,
    store,
    key,
    memory: jobMemory(),
    fragmentAuth,
    ...(earlyRead ? { earlyRead } : {}),
    writer: { run_id: ctx.runId, run_attempt: ctx.runAttempt, job: ctx.job || 'job', step },
    repositoryNodeId: repositoryNodeIdFromEvent(ctx.payload, ctx.repository),
    conclusion: conclusionSettings(ctx, inputs),
    policy,
    failOnCorruptState: inputs.failOnCorruptState,
    log: { warning: (m) => core.warning(m), info: (m) => core.info(m) },
    // A listing made to rebuild the state also serves the step's writes (suite-writes.ts).
    listCheckRuns: async (headSha) => {
      const runs = await listCheckRuns(github, { owner: ctx.owner, repo: ctx.repo, headSha, appId: appAuth.appId })
      session.listing = { headSha, runs }
      return runs
    },
    ...counted,
  }
  return session
}
