// queued / building / built, run from the real dist/ (test/runner.ts) against the GitHub
// emulator with a file: store. Request counts per step are printed for the record.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { mergeAll } from '../../src/checks/service-data.ts'
import { parseStored, sealWith } from '../sealed.ts'
import type { ServiceData } from '../../src/checks/types.ts'
import { suitePrefix } from '../../src/store/naming.ts'
import type { EmulatedCheckRun, RecordedRequest } from '../emulator/github/index.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const REPO = 'octo-org/repo-a'
const { gh, results, tempDir } = await startHarness()

interface Suite {
  sha: string
  dir: string
  store: string
}

function newSuite(): Suite {
  const dir = tempDir('transition-')
  return { sha: randomBytes(20).toString('hex'), dir, store: `file:${dir}` }
}

interface StepOptions {
  attempt?: number
  job?: string
  env?: Record<string, string>
  event?: { name: string; payload: object }
  workdir?: string
}

async function step(s: Suite, command: string, inputs: Record<string, string>, o: StepOptions = {}) {
  const before = gh.requests.length
  const result = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: s.store, ...inputs },
    env: {
      GITHUB_API_URL: gh.url,
      GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
      GITHUB_SHA: s.sha,
      GITHUB_RUN_ATTEMPT: String(o.attempt ?? 1),
      GITHUB_JOB: o.job ?? 'build',
      ...o.env,
    },
    event: o.event,
    workdir: o.workdir,
  })
  results.push(result)
  return { result, requests: gh.requests.slice(before) }
}

function ok(r: RunActionResult) {
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0)
  expect(r.errors).toEqual([])
}

const runsOf = (s: Suite): EmulatedCheckRun[] => gh.checkRuns(REPO).filter((r) => r.head_sha === s.sha)
const named = (s: Suite, name: string) => runsOf(s).filter((r) => r.name === name)
const describeRequests = (rs: RecordedRequest[]) => rs.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}${r.graphqlOperations?.length ? ` [${r.graphqlOperations.length} mutations]` : ''}`)
const runUrl = (attempt = 1) => `http://github.localhost/${REPO}/actions/runs/1000/attempts/${attempt}`

function state(s: Suite): ServiceData {
  const docs = fs.readdirSync(s.dir).filter((f) => f.endsWith('.json')).map((f) => parseStored(fs.readFileSync(path.join(s.dir, f), 'utf8')))
  return mergeAll({ repository: REPO, head_sha: s.sha, suite: 'ci' }, docs)
}

describe('a matrix workflow: queued, building and built per job', { timeout: 180_000 }, () => {
  test('queue 4 builds at once, then building and built per job: 4 check runs, owned by the app, completed as job.status says', async () => {
    const s = newSuite()
    const builds = ['linux', 'macos', 'windows', 'docs']
    const status: Record<string, string> = { linux: 'success', macos: 'failure', windows: 'cancelled', docs: 'Success' }
    const counts: Record<string, string[]> = {}

    const queued = await step(s, 'queued', { builds: builds.join('\n') }, { job: 'queue' })
    ok(queued.result)
    counts.queued = describeRequests(queued.requests)
    const out = JSON.parse(queued.result.outputs['check-runs']!)
    expect(Object.keys(out)).toEqual(builds)
    for (const b of builds) {
      expect(out[b]).toMatchObject({ state: 'queued', synced: true })
      expect(out[b].url).toBe(`http://github.localhost/${REPO}/runs/${out[b].id}`)
    }
    expect(queued.result.outputs.unsynced).toBe('0')
    expect(queued.result.summary).toContain('| linux | ⚪ QUEUED |')
    for (const b of builds) expect(named(s, `ci / ${b}`).map((r) => r.status)).toEqual(['queued'])

    for (const b of builds) {
      const building = await step(s, 'building', { builds: b }, { job: b })
      ok(building.result)
      counts[`building ${b}`] = describeRequests(building.requests)
      expect(named(s, `ci / ${b}`).map((r) => r.status)).toEqual(['in_progress'])
      expect(JSON.parse(building.result.outputs['check-runs']!)[b]).toMatchObject({ id: out[b].id, state: 'building', synced: true })

      const built = await step(s, 'built', { builds: b, conclusion: status[b]! }, { job: b })
      ok(built.result)
      counts[`built ${b}`] = describeRequests(built.requests)
      expect(built.result.summary).toMatch(new RegExp(`\\| ${b} \\| .* \\| \\[check run\\]\\(http://github.localhost/${REPO}/runs/${out[b].id}\\) \\|`))
    }

    const expected: Record<string, string> = { linux: 'success', macos: 'failure', windows: 'cancelled', docs: 'success' }
    for (const b of builds) {
      const runs = named(s, `ci / ${b}`)
      expect(runs).toHaveLength(1)
      const run = runs[0]!
      expect(run).toMatchObject({ id: out[b].id, status: 'completed', conclusion: expected[b], app_id: gh.app.id, details_url: runUrl() })
      expect(run.external_id).toMatch(new RegExp(`^gac1:[0-9a-f]{16}:${b}:1$`))
      expect(run.started_at).not.toBeNull()
      expect(run.completed_at).not.toBeNull()
    }
    const merged = state(s)
    for (const b of builds) expect(merged.check_runs[b]).toMatchObject({ state: 'built', conclusion: expected[b], state_synced: true, check_run_id: out[b].id })
    // The first step looked the repository's node id up (the event had none) and recorded it.
    expect(merged.repository_node_id).toMatch(/\S/)
    expect(counts.queued!.filter((r) => r.startsWith('GET /repos/octo-org/repo-a ')).length).toBe(1)
    expect(counts['building linux']!.some((r) => r.startsWith('GET /repos/octo-org/repo-a '))).toBe(false)
    // Request counts per step, for the record: the token (2), then one GraphQL request; an update
    // by a stored id first lists the commit's runs (one GET), to check the run is this build's.
    console.log('requests per step:', JSON.stringify(counts, null, 1))
    expect(counts['building linux']).toHaveLength(4)
    expect(counts['built linux']).toHaveLength(4)
    expect(counts.queued).toHaveLength(4) // + the repository lookup: the runner's push event carries no node id
  })

  test('an event carrying the repository node id saves the lookup; 100 builds queued in 3 GraphQL requests of at most 34', async () => {
    const s = newSuite()
    // The repository's node id, as the queued step of another suite recorded it.
    const probe = newSuite()
    ok((await step(probe, 'queued', { builds: 'x', 'conclusion-check': 'false' })).result)
    const nodeId = state(probe).repository_node_id!
    const event = { name: 'push', payload: { repository: { full_name: REPO, node_id: nodeId, name: 'repo-a', owner: { login: 'octo-org' } } } }
    const builds = Array.from({ length: 100 }, (_, i) => `b${i}`)
    const { result, requests } = await step(s, 'queued', { builds: JSON.stringify(builds) }, { event })
    ok(result)
    console.log('queued of 100:', JSON.stringify(describeRequests(requests)))
    expect(requests.some((r) => r.path === '/repos/octo-org/repo-a')).toBe(false)
    const graphql = requests.filter((r) => r.path === '/graphql')
    expect(graphql.map((r) => r.graphqlOperations!.length)).toEqual([34, 34, 33]) // 100 builds + the CONCLUSION run
    expect(runsOf(s)).toHaveLength(101)
    expect(Object.keys(JSON.parse(result.outputs['check-runs']!))).toHaveLength(100)
  })
})

describe("brep's rules, row by row", { timeout: 180_000 }, () => {
  // Sequential: it inspects the requests of one step.
  test('queued again: skipped with a warning, no second run', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a' })).result)
    const again = await step(s, 'queued', { builds: 'a' })
    ok(again.result)
    expect(again.result.warnings.join('\n')).toMatch(/unexpected rebuild/)
    expect(again.requests.some((r) => r.path === '/graphql')).toBe(false)
    expect(named(s, 'ci / a')).toHaveLength(1)
  })
})

// Each test has its own commit (suite) and store, and no faults: they run side by side.
describe.concurrent("brep's rules, row by row (independent suites)", { timeout: 180_000 }, () => {
  test('building before queued: skipped, nothing created', async () => {
    const s = newSuite()
    const r = await step(s, 'building', { builds: 'a' })
    ok(r.result)
    expect(runsOf(s)).toHaveLength(0)
    expect(JSON.parse(r.result.outputs['check-runs']!).a).toEqual({ id: null, url: null, state: null, synced: true })
    expect(r.result.summary).toMatch(/skipped/)
  })

  test('building after built: out of order, skipped; the run stays completed', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a' })).result)
    ok((await step(s, 'built', { builds: 'a', conclusion: 'success' })).result)
    const late = await step(s, 'building', { builds: 'a' })
    ok(late.result)
    expect(late.result.warnings.join('\n')).toMatch(/out of order/)
    expect(named(s, 'ci / a').map((r) => [r.status, r.conclusion])).toEqual([['completed', 'success']])
  })

  test('built from queued (building skipped) updates the queued run; built with no run creates a completed one', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a' })).result)
    ok((await step(s, 'built', { builds: 'a', conclusion: 'failure' })).result)
    expect(named(s, 'ci / a').map((r) => [r.status, r.conclusion])).toEqual([['completed', 'failure']])
    const fresh = await step(s, 'built', { builds: 'b', conclusion: 'skipped' })
    ok(fresh.result)
    expect(named(s, 'ci / b').map((r) => [r.status, r.conclusion])).toEqual([['completed', 'skipped']])
  })

  test('built twice (a rebuild): a new completed check run', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a' })).result)
    ok((await step(s, 'built', { builds: 'a', conclusion: 'failure' })).result)
    ok((await step(s, 'built', { builds: 'a', conclusion: 'success' })).result)
    const runs = named(s, 'ci / a').sort((x, y) => x.id - y.id)
    expect(runs.map((r) => r.conclusion)).toEqual(['failure', 'success'])
    expect(state(s).check_runs.a).toMatchObject({ conclusion: 'success', check_run_id: runs[1]!.id })
  })

  test('a re-run (GITHUB_RUN_ATTEMPT=2) of a completed build is a new check run of the same name; the failed one stays as GitHub keeps it', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a' })).result)
    ok((await step(s, 'building', { builds: 'a' })).result)
    ok((await step(s, 'built', { builds: 'a', conclusion: 'failure' })).result)
    const id = named(s, 'ci / a')[0]!.id
    ok((await step(s, 'building', { builds: 'a' }, { attempt: 2 })).result)
    const reopened = named(s, 'ci / a').map((r) => [r.id === id, r.status])
    expect(reopened).toEqual([[true, 'completed'], [false, 'in_progress']])
    ok((await step(s, 'built', { builds: 'a', conclusion: 'success' }, { attempt: 2 })).result)
    const runs = named(s, 'ci / a').sort((x, y) => x.id - y.id)
    expect(runs.map((r) => [r.id === id, r.status, r.conclusion, r.external_id?.slice(-2), r.details_url])).toEqual([
      [true, 'completed', 'failure', ':1', runUrl(1)],
      [false, 'completed', 'success', ':2', runUrl(2)],
    ])
    // A late report of attempt 1 does not overwrite attempt 2.
    const late = await step(s, 'built', { builds: 'a', conclusion: 'failure' }, { attempt: 1 })
    ok(late.result)
    expect(late.result.warnings.join('\n')).toMatch(/out of order/)
    expect(named(s, 'ci / a').sort((x, y) => x.id - y.id).map((r) => r.conclusion)).toEqual(['failure', 'success'])
  })

  test('120 annotations from annotations-file all reach the run (50 per request)', async () => {
    const s = newSuite()
    const workdir = tempDir('ws-')
    const annotations = Array.from({ length: 120 }, (_, i) => ({ path: `src/f${i}.ts`, start_line: i + 1, end_line: i + 1, annotation_level: 'warning', message: `m${i}` }))
    fs.writeFileSync(path.join(workdir, 'annotations.json'), JSON.stringify(annotations))
    fs.writeFileSync(path.join(workdir, 'summary.md'), '## Results\n\nAll good.')
    ok((await step(s, 'queued', { builds: 'lint' })).result)
    const r = await step(s, 'built', { builds: 'lint', conclusion: 'neutral', 'annotations-file': 'annotations.json', 'summary-file': 'summary.md', title: 'Lint: 120 warnings', text: 'details' }, { workdir })
    ok(r.result)
    const run = named(s, 'ci / lint')[0]!
    expect(run.annotations).toHaveLength(120)
    expect(run.output).toMatchObject({ title: 'Lint: 120 warnings', summary: '## Results\n\nAll good.', text: 'details', annotations_count: 120 })
    expect(run.conclusion).toBe('neutral')
  })

  test('suite, name-template, head-sha and details-url inputs; a pull request defaults to its head sha', async () => {
    const s = newSuite()
    const head = randomBytes(20).toString('hex')
    const event = { name: 'pull_request', payload: { pull_request: { head: { sha: head } }, repository: { full_name: REPO } } }
    const r = await step(s, 'queued', { builds: 'unit', suite: 'tests', 'name-template': '{build} ({suite})', 'details-url': 'https://ci.example.com/job/7', 'conclusion-check': 'false' }, { event })
    ok(r.result)
    const runs = gh.checkRuns(REPO).filter((x) => x.head_sha === head)
    expect(runs.map((x) => [x.name, x.details_url])).toEqual([['unit (tests)', 'https://ci.example.com/job/7']])
    expect(runsOf(s)).toEqual([])
  })

  test('a newer-version fragment is set aside with a warning, not merged', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a' })).result)
    const key = { repository: REPO, head_sha: s.sha, suite: 'ci' }
    // Sealed with the app's key, as a newer version of the action would write it.
    fs.writeFileSync(path.join(s.dir, `${suitePrefix(key)}9-9-x-y.json`), sealWith(gh.app.privateKeyPkcs1, key, JSON.stringify({ version: 99, anything: true })))
    const r = await step(s, 'building', { builds: 'a' })
    ok(r.result)
    expect(r.result.warnings.join('\n')).toMatch(/version 99 was written by a newer github-app-ci/)
    expect(named(s, 'ci / a')[0]!.status).toBe('in_progress')
  })
})

describe('lost replies and broken state (faults are global: one at a time)', { timeout: 180_000 }, () => {
  test('a lost reply on the create: the run is adopted, not duplicated, and later steps update it', async () => {
    const s = newSuite()
    gh.faults.add({ match: 'graphql:createCheckRun', kind: 'drop-after-write' })
    const queued = await step(s, 'queued', { builds: 'a,b' })
    ok(queued.result)
    // The reply to the create was lost: one listing found the runs and adopted them.
    expect(queued.requests.filter((r) => r.graphqlOperations?.includes('createCheckRun'))).toHaveLength(1)
    expect(queued.requests.filter((r) => r.operationId === 'checks/list-for-ref')).toHaveLength(1)
    expect(runsOf(s).filter((r) => r.name.startsWith('ci / ')).map((r) => r.name).sort()).toEqual(['ci / CONCLUSION', 'ci / a', 'ci / b'])
    const out = JSON.parse(queued.result.outputs['check-runs']!)
    expect(out.a).toMatchObject({ id: named(s, 'ci / a')[0]!.id, synced: true })
    ok((await step(s, 'building', { builds: 'a' })).result)
    ok((await step(s, 'built', { builds: 'a', conclusion: 'success' })).result)
    expect(named(s, 'ci / a').map((r) => [r.status, r.conclusion])).toEqual([['completed', 'success']])
  })

  test('a lost reply that cannot be checked (the listing fails too): recorded unsynced, then repaired by the next step without a duplicate', async () => {
    const s = newSuite()
    gh.faults.add({ match: 'graphql:createCheckRun', kind: 'drop-after-write' })
    gh.faults.add({ match: 'checks/list-for-ref', kind: 'status', status: 500, times: 20 })
    const queued = await step(s, 'queued', { builds: 'a', 'conclusion-check': 'false' })
    ok(queued.result)
    expect(queued.result.outputs.unsynced).toBe('1')
    expect(JSON.parse(queued.result.outputs['check-runs']!).a).toMatchObject({ id: null, synced: false })
    expect(queued.result.warnings.join('\n')).toMatch(/listing check runs failed/)
    expect(state(s).check_runs.a).toMatchObject({ state_synced: false })
    gh.faults.clear()
    const building = await step(s, 'building', { builds: 'a', 'conclusion-check': 'false' })
    ok(building.result)
    expect(named(s, 'ci / a').map((r) => r.status)).toEqual(['in_progress'])
    expect(state(s).check_runs.a).toMatchObject({ state: 'building', state_synced: true, check_run_id: named(s, 'ci / a')[0]!.id })
  })

  test('with fail-on-unsynced an unsynced transition fails the step (after recording it)', async () => {
    const s = newSuite()
    gh.faults.add({ match: 'graphql', kind: 'status', status: 502, times: 20 })
    gh.faults.add({ match: 'checks/list-for-ref', kind: 'status', status: 502, times: 20 })
    const r = await step(s, 'queued', { builds: 'a', 'fail-on-unsynced': 'true', 'conclusion-check': 'false' })
    expect(r.result.exitCode).toBe(1)
    expect(r.result.errors.join('\n')).toMatch(/may not have reached GitHub.*fail-on-unsynced/)
    expect(r.result.outputs.unsynced).toBe('1')
    expect(state(s).check_runs.a).toMatchObject({ state_synced: false })
  })

  test('a corrupt state fragment: warning, set aside, builds rebuilt from GitHub; fail-on-corrupt-state fails before writing', async () => {
    const s = newSuite()
    ok((await step(s, 'queued', { builds: 'a,b' })).result)
    const ids = { a: named(s, 'ci / a')[0]!.id, b: named(s, 'ci / b')[0]!.id }
    // Every fragment is replaced by junk (with a valid tag: the app's own writes, damaged): the state is lost.
    const junkText = sealWith(gh.app.privateKeyPkcs1, { repository: REPO, head_sha: s.sha, suite: 'ci' }, '{"version": 1, "check_runs": [')
    for (const f of fs.readdirSync(s.dir)) fs.writeFileSync(path.join(s.dir, f), junkText)
    const junk = fs.readdirSync(s.dir)

    const strict = await step(s, 'building', { builds: 'a', 'fail-on-corrupt-state': 'true' })
    expect(strict.result.exitCode).toBe(1)
    expect(strict.result.errors.join('\n')).toMatch(/set aside.*fail-on-corrupt-state/)
    expect(strict.requests.some((r) => r.path === '/graphql')).toBe(false)
    expect(named(s, 'ci / a')[0]!.status).toBe('queued')

    const building = await step(s, 'building', { builds: 'a' })
    ok(building.result)
    expect(building.result.warnings.join('\n')).toMatch(/not valid JSON[\s\S]*rebuilt from GitHub/)
    // One listing rebuilds the records, and the same listing shows the run updated by its id is this build's.
    expect(building.requests.filter((r) => r.operationId === 'checks/list-for-ref')).toHaveLength(1)
    expect(named(s, 'ci / a').map((r) => [r.id, r.status])).toEqual([[ids.a, 'in_progress']])
    // The junk is left where it was; the new fragment holds the rebuilt record.
    for (const f of junk) expect(fs.readFileSync(path.join(s.dir, f), 'utf8')).toBe(junkText)
    const fresh = fs.readdirSync(s.dir).filter((f) => !junk.includes(f))
    expect(fresh).toHaveLength(1)
    expect(parseStored(fs.readFileSync(path.join(s.dir, fresh[0]!), 'utf8')).check_runs.a).toMatchObject({ state: 'building', check_run_id: ids.a })

    ok((await step(s, 'built', { builds: 'b', conclusion: 'success' })).result)
    expect(named(s, 'ci / b').map((r) => [r.id, r.status])).toEqual([[ids.b, 'completed']])
  })

  test('a store that cannot be read or written: the transition still reaches GitHub with a warning; fail-on-unsynced fails', async () => {
    const s = newSuite()
    const blocked = path.join(s.dir, 'not-a-directory')
    fs.writeFileSync(blocked, 'a file where the store directory should be')
    const broken = { ...s, store: `file:${blocked}` }
    const r = await step(broken, 'queued', { builds: 'a' })
    ok(r.result)
    expect(r.result.warnings.join('\n')).toMatch(/the state could not be saved/i)
    expect(named(s, 'ci / a').map((x) => x.status)).toEqual(['queued'])
    const strict = await step(broken, 'building', { builds: 'a', 'fail-on-unsynced': 'true' })
    expect(strict.result.exitCode).toBe(1)
    expect(strict.result.errors.join('\n')).toMatch(/state could not be saved.*fail-on-unsynced/)
    // Still delivered: the record was rebuilt from GitHub and the run updated.
    expect(named(s, 'ci / a').map((x) => x.status)).toEqual(['in_progress'])
  })
})

describe('outputs and inputs', { timeout: 180_000 }, () => {
  test('bad inputs fail with a clear message before any request or store write', async () => {
    const s = newSuite()
    const workdir = tempDir('ws-')
    fs.writeFileSync(path.join(workdir, 'big.md'), 'x'.repeat(1024 * 1024 + 1))
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ builds: 'a' }, 'built', /conclusion is required for built/],
      [{ builds: 'a', conclusion: 'passed' }, 'built', /conclusion "passed" is not valid/],
      [{ builds: '' }, 'queued', /builds is empty/],
      [{ builds: 'a,a' }, 'queued', /listed twice/],
      [{ builds: 'a', 'summary-file': 'missing.md' }, 'queued', /summary-file: missing\.md does not exist/],
      [{ builds: 'a', 'text-file': 'big.md' }, 'queued', /text-file: big\.md has 1048577 bytes/],
      [{ builds: 'a', 'annotations-file': 'big.md' }, 'queued', /annotations-file: big\.md has/],
      [{ builds: 'a', 'details-url': 'javascript:alert(1)' }, 'queued', /details-url .* must be an http\(s\) URL/],
      [{ builds: 'a', 'head-sha': 'main' }, 'queued', /head-sha "main" is not a commit sha/],
      [{ builds: 'a', 'fail-on-unsynced': 'yes' }, 'queued', /fail-on-unsynced must be true or false/],
      [{ builds: 'a', store: 'redis' }, 'queued', /store: "redis" is not a store/],
    ]
    for (const [inputs, command, message] of cases) {
      const r = await step(s, command, inputs, { workdir })
      expect(r.result.exitCode, JSON.stringify(inputs)).toBe(1)
      expect(r.result.errors.join('\n')).toMatch(message)
      expect(r.requests, JSON.stringify(inputs)).toEqual([])
    }
    expect(fs.readdirSync(s.dir)).toEqual([])
    expect(runsOf(s)).toEqual([])
  })
})
