// `npm run demo`: a whole simulated workflow against the local emulators, through the real
// dist/ run the way the Actions runner runs it (test/runner.ts). Nothing here reaches the network.
//
//   1. token       mint an installation token, use it as a later `gh api` step would, revoke it (post step)
//   2. queued      one step queues a 6-build matrix (and opens the CONCLUSION run)
//   3. matrix      6 jobs in parallel, each `building` then `built`; one build fails, and one
//                  `built` reaches GitHub but its reply is lost (an injected fault), so its
//                  record stays unsynced in the state
//   4. conclude    completes the CONCLUSION run from the merged state
//   5. reconcile   a scheduled run (a new run id) finds the unsynced record and repairs it
//
// After each phase it prints the check runs as GitHub shows them, plus what the state (the
// workflow artifacts, store: artifact) records for each; at the end the request counts.
import { randomBytes } from 'node:crypto'
import { mergeAll } from '../src/checks/service-data.ts'
import { parseStored } from './sealed.ts'
import type { ServiceData, SuiteKey } from '../src/checks/types.ts'
import { suitePrefix } from '../src/store/naming.ts'
import { unzipText } from '../src/store/unzip.ts'
import { mountActionsStorage } from './emulator/github-actions-storage.ts'
import { startGitHubEmulator, type EmulatedCheckRun } from './emulator/github/index.ts'
import { startRuntimeEmulator } from './emulator/runtime/index.ts'
import { runAction, type RunActionResult } from './runner.ts'

const REPO = 'octo-org/repo-a'
const SUITE = 'ci'
const BUILD_RUN_ID = 4242
const RECONCILE_RUN_ID = 4300
const BUILDS = ['linux-x64', 'linux-arm64', 'macos-x64', 'macos-arm64', 'windows-x64', 'docs']
const FAILS = 'macos-arm64' // its job's tests fail: built with conclusion failure (job.status)
const LOSES_REPLY = 'windows-x64' // its `built` reaches GitHub, but the reply is lost on the way back

const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`
const headSha = randomBytes(20).toString('hex')
const key: SuiteKey = { repository: REPO, head_sha: headSha, suite: SUITE }

const [gh, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
mountActionsStorage(gh, runtime) // the artifacts REST API that reconcile reads other runs' state through

const app = { 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1 }

/** One step of a job: the real dist/ with the runner's environment for (run, job). */
async function step(runId: number, job: string, inputs: Record<string, string>, event?: { name: string; payload: object }): Promise<RunActionResult> {
  const result = await runAction({
    inputs: { ...app, ...inputs },
    event,
    env: {
      ...runtime.runtimeEnv({ runId, jobId: job, ref: 'refs/heads/main', repository: REPO, headSha }),
      GITHUB_API_URL: gh.url,
      GITHUB_REPOSITORY: REPO,
      GITHUB_SHA: headSha,
      GITHUB_WORKFLOW: SUITE,
      GITHUB_RUN_ID: String(runId),
      GITHUB_JOB: job,
      // Retry pauses of 10 ms instead of seconds, so a fault costs no wall time here.
      GITHUB_APP_CI_RETRY_BASE_MS: '10',
    },
    timeoutMs: 60_000,
  })
  if (result.exitCode !== 0) {
    throw new Error(`${job}: ${inputs.command ?? 'token'} failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`)
  }
  return result
}

/** The suite's merged state, as readers of the artifact store see it. */
async function recordedState(): Promise<ServiceData> {
  const docs: ServiceData[] = []
  for (const artifact of runtime.artifacts(REPO).filter((a) => a.name.startsWith(suitePrefix(key)))) {
    const files = await unzipText(runtime.artifactZip(artifact.id)!)
    for (const text of files.values()) docs.push(parseStored(text))
  }
  return mergeAll(key, docs)
}

/** Terminal columns of a cell: the status emoji in titles take two. */
const width = (text: string) => [...text].reduce((n, ch) => n + (/\p{Extended_Pictographic}/u.test(ch) ? 2 : 1), 0)

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))))
  return rows.map((r) => '  ' + r.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ').trimEnd()).join('\n')
}

const note = (text: string) => console.log(`   ${text}`)

let phaseStart = 0 // index into gh.requests where the phase began

/** What the phase asked of GitHub. */
function phaseRequests(): string {
  const requests = gh.requests.slice(phaseStart)
  phaseStart = gh.requests.length
  const graphql = requests.filter((r) => r.path.endsWith('/graphql'))
  const mutations = graphql.reduce((n, r) => n + (r.graphqlOperations?.length ?? 0), 0)
  return `${requests.length} GitHub requests, ${graphql.length} GraphQL carrying ${mutations} check-run mutations`
}

/** The check runs on the commit as GitHub shows them, with what the state records for each. */
async function show(phase: string): Promise<void> {
  const runs = gh.checkRuns(REPO).filter((r) => r.head_sha === headSha)
  const state = await recordedState()
  const recordOf = (run: EmulatedCheckRun) => {
    if (run.name === `${SUITE} / CONCLUSION`) return state.conclusion_run
    const build = run.name.slice(`${SUITE} / `.length)
    return state.check_runs[build]
  }
  const order = (r: EmulatedCheckRun) => (r.name.endsWith('/ CONCLUSION') ? 1 : 0)
  const rows = [['name', 'status', 'conclusion', 'title', 'state (artifacts)']]
  for (const run of [...runs].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name))) {
    const record = recordOf(run)
    const recorded = record ? `${record.state}${record.state_synced ? '' : ', UNSYNCED'}` : '-'
    rows.push([run.name, run.status, run.conclusion ?? '-', run.output.title ?? '-', recorded])
  }
  console.log(`\n== ${phase} (${elapsed()}) — check runs on ${headSha.slice(0, 7)}:`)
  console.log(runs.length ? pad(rows) : '  (none)')
  note(phaseRequests())
}

try {
  console.log(`github-app-ci demo: ${REPO}@${headSha.slice(0, 7)}, suite "${SUITE}", store: artifact`)
  console.log(`GitHub emulator ${gh.url}, Actions runtime emulator ${runtime.url}`)

  // 1. token: mint, use it as a later step would, revoke in the post step.
  const token = await step(BUILD_RUN_ID, 'release', { command: 'token' })
  const use = async () => (await fetch(`${gh.url}/repos/${REPO}`, { headers: { authorization: `token ${token.outputs.token}` } })).status
  const before = await use()
  await runAction({ entry: 'post', inputs: { ...app, command: 'token' }, state: token.state, env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO } })
  const after = await use()
  console.log(`\n== token (${elapsed()})`)
  note(`outputs: app-slug=${token.outputs['app-slug']} installation-id=${token.outputs['installation-id']} bot-username=${token.outputs['bot-username']}`)
  note(`the token was masked in the log (${token.masks.length} ::add-mask::) and never printed`)
  note(`a later step using it (GET /repos/${REPO}): ${before}; after the post step revoked it: ${after}`)
  note(phaseRequests())

  // 2. queued: the whole matrix in one step.
  const queued = await step(BUILD_RUN_ID, 'queue', { command: 'queued', builds: BUILDS.join(',') })
  await show('queued')
  note(`queued: unsynced=${queued.outputs.unsynced}`)

  // 3. the matrix jobs, in parallel. GitHub's faults hit the next matching request, so the job
  // whose reply is lost sends its `built` after the others have sent theirs: no timing involved.
  const othersDone: Promise<RunActionResult>[] = []
  const jobs = new Map<string, Promise<RunActionResult>>()
  let releaseLast!: () => void
  const lastMayGo = new Promise<void>((resolve) => { releaseLast = resolve })
  for (const build of BUILDS) {
    const job = (async () => {
      await step(BUILD_RUN_ID, build, { command: 'building', builds: build })
      if (build === LOSES_REPLY) {
        await lastMayGo
        // Every attempt (the first and the client's retries) is written, and its reply lost.
        gh.faults.add({ match: 'graphql:updateCheckRun', kind: 'drop-after-write', times: 10 })
      }
      return step(BUILD_RUN_ID, build, { command: 'built', builds: build, conclusion: build === FAILS ? 'failure' : 'success' })
    })()
    jobs.set(build, job)
    if (build !== LOSES_REPLY) othersDone.push(job)
  }
  await Promise.all(othersDone)
  releaseLast()
  const results = new Map<string, RunActionResult>()
  for (const [build, job] of jobs) results.set(build, await job)
  gh.faults.clear()
  await show('matrix: 6 jobs building, then built')
  const lost = results.get(LOSES_REPLY)!
  note(`${FAILS} failed its tests; ${LOSES_REPLY}'s built reached GitHub but the reply was lost:`)
  note(`${LOSES_REPLY} built step: unsynced=${lost.outputs.unsynced}; warning: ${lost.warnings[0] ?? '(none)'}`)

  // 4. conclude (needs: every build job, if: always()).
  const concluded = await step(BUILD_RUN_ID, 'conclude', { command: 'conclude' })
  await show('conclude')
  note(`conclusion=${concluded.outputs.conclusion}`)

  // 5. a scheduled reconcile: another workflow, another run.
  const reconciled = await step(RECONCILE_RUN_ID, 'reconcile', { command: 'reconcile' }, { name: 'schedule', payload: { schedule: '17 * * * *' } })
  await show('reconcile (scheduled, run ' + RECONCILE_RUN_ID + ')')
  const report = JSON.parse(reconciled.outputs.reconciled ?? '{}') as { totals?: Record<string, number> }
  note(`reconciled totals: ${JSON.stringify(report.totals ?? {})}; unsynced=${reconciled.outputs.unsynced}`)
  note('(the merged fragments are deleted 1 s apart: GitHub counts a DELETE as a content-creating write)')

  // Request counts.
  const graphql = gh.requests.filter((r) => r.path.endsWith('/graphql'))
  const mutations = graphql.reduce((n, r) => n + (r.graphqlOperations?.length ?? 0), 0)
  const byOperation = new Map<string, number>()
  for (const r of gh.requests) {
    const name = r.path.endsWith('/graphql') ? 'graphql' : r.operationId ?? `${r.method} ${r.path}`
    byOperation.set(name, (byOperation.get(name) ?? 0) + 1)
  }
  console.log(`\n== requests (${elapsed()})`)
  console.log(`  GitHub: ${gh.requests.length} requests, ${graphql.length} of them GraphQL carrying ${mutations} check-run mutations`)
  console.log(pad([['operation', 'count'], ...[...byOperation].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, v]) => [k, String(v)])]))
  const runtimeCalls = new Map<string, number>()
  for (const c of runtime.calls) runtimeCalls.set(`${c.service}.${c.method}`, (runtimeCalls.get(`${c.service}.${c.method}`) ?? 0) + 1)
  console.log(`  Actions runtime: ${runtime.calls.length} calls (${[...runtimeCalls].map(([k, v]) => `${k} ${v}`).join(', ')})`)
  if (gh.violations.length) throw new Error(`requests GitHub would reject:\n${gh.violations.join('\n')}`)
  console.log(`\ndemo finished in ${elapsed()}`)
} finally {
  await Promise.all([gh.close(), runtime.close()])
}
