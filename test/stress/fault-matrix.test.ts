// Issue 7, part 2: every GitHub call a transition step makes × every fault GitHub (or the network)
// can throw at it. Each cell has its own GitHub emulator and `file:` store, runs a one-build
// workflow from the real dist/ with the fault armed during one step, then one `reconcile`, and
// checks: the step ended within its bound, its outcome is the documented one (retried and synced,
// recorded unsynced with a warning, or a clear failure where nothing can be done), and GitHub
// shows exactly one check run per build (and one CONCLUSION run), completed as reported.
// Cells run side by side; the matrix is printed as a Markdown table.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ServiceData } from '../../src/checks/types.ts'
import { startGitHubEmulator, type EmulatedCheckRun, type Fault, type GitHubEmulator, type RecordedRequest } from '../emulator/github/index.ts'
import { appStep, fileState, pool, REPO, REQUEST_TIMEOUT_MS, RETRY_BASE_MS, settle, type AppStep } from '../fault-harness.ts'

const BUILD = 'b'
const HANG_MS = 30_000

interface Call {
  name: string
  /** The emulator's fault match (REST operationId or graphql:<mutation>). */
  match: string
  /** The step the fault is armed for; the workflow is queued -> built -> reconcile. */
  during: 'queued' | 'built'
  /** An app-JWT call (else installation token). */
  jwt: boolean
  /** Faults armed first, to make the call happen at all. */
  setup?: Fault[]
  how: string
}

const CALLS: Call[] = [
  { name: 'installation lookup', match: 'apps/get-repo-installation', during: 'queued', jwt: true, how: 'GET /repos/{o}/{r}/installation (app JWT)' },
  { name: 'token', match: 'apps/create-installation-access-token', during: 'queued', jwt: true, how: 'POST /app/installations/{id}/access_tokens (app JWT)' },
  { name: 'repository id', match: 'repos/get', during: 'queued', jwt: false, how: 'GET /repos/{o}/{r}: the push event carries no node_id' },
  { name: 'check-run create', match: 'graphql:createCheckRun', during: 'queued', jwt: false, how: 'GraphQL createCheckRun ×2 (build + CONCLUSION)' },
  { name: 'check-run update', match: 'graphql:updateCheckRun', during: 'built', jwt: false, how: 'GraphQL updateCheckRun ×2 (build + CONCLUSION)' },
  {
    name: 'check-run list', match: 'checks/list-for-ref', during: 'queued', jwt: false,
    setup: [{ match: 'graphql:createCheckRun', kind: 'drop-after-write' }],
    how: 'GET …/commits/{sha}/check-runs, to adopt after the create\'s reply was lost',
  },
]

interface FaultCase {
  name: string
  fault: Omit<Fault, 'match'>
  /** Why the cell is meaningless for a call, if it is. */
  notApplicable?: (call: Call) => string | undefined
}

const FAULTS: FaultCase[] = [
  { name: '500 ×1', fault: { kind: 'status', status: 500, times: 1 } },
  { name: '500 ×10', fault: { kind: 'status', status: 500, times: 10 } },
  { name: 'reset', fault: { kind: 'reset' } },
  { name: 'reply dropped after write', fault: { kind: 'drop-after-write' } },
  { name: '429 retry-after 2', fault: { kind: 'rate-limit-429', retryAfterSeconds: 2 } },
  { name: '403 secondary', fault: { kind: 'secondary-rate-limit', retryAfterSeconds: 60 } },
  {
    name: '401 clock skew', fault: { kind: 'clock-skew' },
    notApplicable: (c) => (c.jwt ? undefined : 'installation tokens carry no time claims: only app-JWT calls can meet clock skew'),
  },
  { name: '30 s hang', fault: { kind: 'delay', delayMs: HANG_MS } },
]

/**
 * The step's bound. A hang cell's step must end before the hung request is answered (it arrives
 * during the step and is held HANG_MS): a step that waited the hang out breaks it. Other cells
 * only prove that the step ends at all; their speed is bench/'s subject, not a test's (up to 12
 * steps share 2 cores here, so wall times say little).
 */
const boundMs = (f: FaultCase) => (f.name === '30 s hang' ? HANG_MS : 60_000)

type Outcome = 'synced' | 'unsynced' | 'failed'

/** What the design (docs/design.md, README) says should happen. */
function documented(call: Call, f: FaultCase): Outcome {
  // Four attempts (the client's 3 retries), each failing: a JWT call cannot be recorded and
  // re-sent later, so the step fails; a check-run call is recorded unsynced with a warning.
  if (f.name === '500 ×10') return call.jwt ? 'failed' : 'unsynced'
  // A create abandoned at the deadline may still land after any listing: creating again could
  // duplicate it, so it is recorded unsynced and reconcile adopts it.
  if (f.name === '30 s hang' && call.name === 'check-run create') return 'unsynced'
  return 'synced'
}

interface Cell {
  call: Call
  fault: FaultCase
  na?: string
  step?: AppStep
  outcome?: Outcome
  /** How many times the faulted call was made during the step. */
  attempts?: number
  adopted?: boolean
  message?: string
  runsBefore?: EmulatedCheckRun[]
  reconcile?: AppStep
  runs?: EmulatedCheckRun[]
  state?: ServiceData
  violations?: string[]
  lateLanded?: boolean
  error?: string
}

const dirs: string[] = []
const cells: Cell[] = CALLS.flatMap((call) => FAULTS.map((fault) => ({ call, fault, na: fault.notApplicable?.(call) })))
let wallMs = 0

const matches = (call: Call) => (r: RecordedRequest) =>
  call.match.startsWith('graphql:') ? (r.graphqlOperations ?? []).includes(call.match.slice(8)) : r.operationId === call.match

async function runCell(cell: Cell): Promise<void> {
  const gh: GitHubEmulator = await startGitHubEmulator()
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fault-matrix-'))
    dirs.push(dir)
    const sha = randomBytes(20).toString('hex')
    const common = { sha, store: `file:${dir}` }
    const { call, fault } = cell
    const arm = () => {
      for (const f of call.setup ?? []) gh.faults.add(f)
      gh.faults.add({ ...fault.fault, match: call.match })
    }
    if (call.during === 'built') await appStep(gh, 'queued', { ...common, inputs: { builds: BUILD } })
    arm()
    const step = await appStep(gh, call.during, { ...common, inputs: { builds: BUILD, ...(call.during === 'built' ? { conclusion: 'success' } : {}) } })
    gh.faults.clear()
    cell.step = step
    const r = step.result
    cell.outcome = r.exitCode !== 0 ? 'failed' : r.outputs.unsynced === '0' ? 'synced' : 'unsynced'
    const hits = step.requests.filter(matches(call))
    cell.attempts = hits.length
    // (A built step's update always lists once, to check the run is this build's: no adoption.)
    cell.adopted = call.match !== 'checks/list-for-ref' && call.during !== 'built' && step.requests.some((q) => q.operationId === 'checks/list-for-ref')
    cell.message = r.errors[0] ?? r.warnings[0]
    if (fault.name === '30 s hang' && hits[0]) {
      // The hung request is still being served: let it land (a late write is a real risk) first.
      cell.lateLanded = await settle(gh, (q) => q === hits[0], HANG_MS + 5_000)
    }
    cell.runsBefore = gh.checkRuns(REPO).filter((x) => x.head_sha === sha)
    if (call.during === 'queued') await appStep(gh, 'built', { ...common, inputs: { builds: BUILD, conclusion: 'success' } })
    cell.reconcile = await appStep(gh, 'reconcile', { ...common, env: { GITHUB_RUN_ID: '9000', GITHUB_JOB: 'reconcile' } })
    cell.runs = gh.checkRuns(REPO).filter((x) => x.head_sha === sha)
    cell.state = await fileState(dir, { repository: REPO, head_sha: sha, suite: 'ci' })
    cell.violations = [...gh.violations]
  } catch (error) {
    cell.error = error instanceof Error ? error.stack ?? error.message : String(error)
  } finally {
    await gh.close()
  }
}

beforeAll(async () => {
  const started = performance.now()
  const live = cells.filter((c) => !c.na)
  // The hung cells mostly wait (30 s for the late request to land): they run beside the rest.
  const hung = live.filter((c) => c.fault.name === '30 s hang')
  await Promise.all([pool(hung, hung.length, runCell), pool(live.filter((c) => !hung.includes(c)), 8, runCell)])
  wallMs = performance.now() - started
}, 240_000)

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function describeCell(c: Cell): string {
  if (c.na) return `n/a: ${c.na}`
  if (c.error || !c.step) return `ERROR: ${c.error?.split('\n')[0]}`
  const r = c.step.result
  const how =
    c.outcome === 'failed' ? `failed: "${(r.errors[0] ?? '').slice(0, 70)}…"`
      : c.outcome === 'unsynced' ? `unsynced + warning → reconcile synced`
        : c.call.setup ? 'retried, then adopted by external_id, synced'
          : c.adopted ? (c.attempts === 1 ? 'adopted by external_id, synced' : 'listed (not there), created again, synced')
            : 'retried, synced'
  const names = new Map<string, number>()
  for (const run of c.runs ?? []) names.set(run.name, (names.get(run.name) ?? 0) + 1)
  const dup = [...names].filter(([, n]) => n > 1).map(([name, n]) => `${n} runs "${name}"`)
  return `${how}${dup.length ? ` — **DUPLICATE after reconcile: ${dup.join(', ')}**` : ''} (${c.attempts}× call, ${seconds(r.durationMs)})`
}

function printTable(): void {
  const lines = [
    `| call \\ fault | ${FAULTS.map((f) => f.name).join(' | ')} |`,
    `| --- | ${FAULTS.map(() => '---').join(' | ')} |`,
    ...CALLS.map((call) => `| **${call.name}** | ${FAULTS.map((f) => describeCell(cells.find((c) => c.call === call && c.fault === f)!)).join(' | ')} |`),
  ]
  console.log(
    `Fault matrix: ${cells.filter((c) => !c.na).length} cells in ${seconds(wallMs)} (retry unit ${RETRY_BASE_MS} ms, ` +
      `per-attempt deadline ${REQUEST_TIMEOUT_MS} ms). Step = the step the fault was armed for ` +
      `(queued, or built for the update); then the rest of queued → built, then one reconcile.\n\n` +
      `${lines.join('\n')}\n\nCalls: ${CALLS.map((c) => `${c.name} = ${c.how}`).join('; ')}.`,
  )
}

for (const call of CALLS) describe(call.name, () => {
  for (const fault of FAULTS) test(`× ${fault.name}`, () => check(call, fault))
})

function check(call: Call, fault: FaultCase): void {
  {
    const c = cells.find((x) => x.call === call && x.fault === fault)!
    if (c.na) {
      expect(c.step).toBeUndefined() // not run, not faked
      return
    }
    expect(c.error).toBeUndefined()
    const r = c.step!.result
    const log = `${r.stdout}\n${r.stderr}`
    // Soft: a cell shows every way it went wrong at once.
    // The fault did hit the call (the cell is not vacuous), and the step ended within its bound.
    expect.soft(c.attempts, log).toBeGreaterThanOrEqual(1)
    expect.soft(r.timedOut).toBe(false)
    expect.soft(r.durationMs, log).toBeLessThan(boundMs(fault))
    // The documented outcome, with a message that says what happened.
    expect.soft(c.outcome, log).toBe(documented(call, fault))
    if (c.outcome === 'failed') {
      expect.soft(r.errors.join('\n'), log).toMatch(/^Could not (find the app's installation|mint a token for installation \d+): HTTP 500, .*also after retrying/)
    } else if (c.outcome === 'unsynced') {
      const expected =
        call.name === 'repository id'
          ? /repository's (node )?id: .*Internal Server Error/
          : fault.name === '30 s hang'
            ? /build "b": the create got no reply in time and may still reach GitHub/
            : /build "b": .*HTTP 500/
      expect.soft(r.warnings.join('\n'), log).toMatch(expected)
    } else {
      expect.soft(r.errors, log).toEqual([])
    }
    if (fault.name === '30 s hang') expect.soft(c.lateLanded, 'the hung request was answered at last').toBe(true)
    // One reconcile, then GitHub shows exactly one run per build and one CONCLUSION run, completed.
    expect.soft(c.reconcile!.result.exitCode, c.reconcile!.result.stdout).toBe(0)
    const runs = c.runs!
    const mine = runs.filter((x) => x.name === `ci / ${BUILD}`)
    const conclusion = runs.filter((x) => x.name === 'ci / CONCLUSION')
    const shown = runs.map((x) => `${x.id} ${x.name} ${x.status} ${x.conclusion} ${x.external_id}`)
    expect.soft(mine, `one run per build: ${shown.join('; ')}`).toHaveLength(1)
    expect.soft(mine[0]).toMatchObject({ status: 'completed', conclusion: 'success' })
    // A queued step that failed registered nothing: no built step may then complete the suite
    // (more builds may come), only conclude, which this sequence does not run.
    const registered = !(call.during === 'queued' && c.outcome === 'failed')
    expect.soft(conclusion, `${registered ? 'one CONCLUSION run' : 'no CONCLUSION run without a registration'}: ${shown.join('; ')}`).toHaveLength(registered ? 1 : 0)
    expect.soft(runs).toHaveLength(registered ? 2 : 1)
    if (registered) expect.soft(conclusion[0]).toMatchObject({ status: 'completed', conclusion: 'success' })
    // The state agrees with GitHub.
    expect.soft(c.state!.check_runs[BUILD]).toMatchObject({ state: 'built', conclusion: 'success', state_synced: true, check_run_id: mine.at(-1)?.id })
    expect(c.violations).toEqual([])
  }
}

test('the matrix (printed)', () => {
  printTable()
  // Every meaningful cell ran; every n/a cell says why.
  expect(cells.filter((c) => !c.na && !c.step)).toEqual([])
  for (const c of cells.filter((x) => x.na)) expect(c.na).toMatch(/\w{10}/)
})
