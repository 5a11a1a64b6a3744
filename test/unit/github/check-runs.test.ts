// The check-run adapter (src/github/check-runs.ts) and plan execution (src/github/apply-plan.ts)
// against the GitHub emulator, through a real Octokit holding an installation token. Client and
// emulator share a virtual clock (test/virtual-clock.ts): the 1 s spacing of GraphQL requests and
// the mutation budget are kept in order, and cost no real seconds.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'
import { startGitHubEmulator, type GitHubEmulator } from '../../emulator/github/index.ts'
import { createGitHubClient } from '../../../src/github/client.ts'
import {
  createAndUpdateCheckRuns,
  repositoryNodeId,
  repositoryNodeIdFromEvent,
  mutationDocument,
  type Octokit,
} from '../../../src/github/check-runs.ts'
import { applyPlan, type ApplyContext, type PlannedWrite } from '../../../src/github/apply-plan.ts'
import { mayAlreadyExist, planTransition, type WriteOperation } from '../../../src/checks/rules.ts'
import { emptyServiceData, externalId, findAdoptable } from '../../../src/checks/service-data.ts'
import type { Annotation, CheckRunRecord, Operation, Transition } from '../../../src/checks/types.ts'
import { VirtualClock } from '../../virtual-clock.ts'

const owner = 'octo-org'
const repo = 'repo-a'
let emu: GitHubEmulator
let github: Octokit
let repoNodeId: string
let shaCounter = 0
let mark = 0
const clock = new VirtualClock()

/** A fresh commit per test, so tests share one emulator without seeing each other's runs. */
const newSha = () => (++shaCounter).toString(16).padStart(40, 'a')
const graphqlRequests = () => emu.requests.slice(mark).filter((r) => r.graphqlOperations?.length)
const runsOn = (sha: string) => emu.checkRuns(`${owner}/${repo}`).filter((r) => r.head_sha === sha)

beforeAll(async () => {
  // Batching tests send more than one minute's budget of mutations; the pacing test sets its own.
  process.env.GITHUB_APP_CI_MUTATIONS_PER_MINUTE = '100000'
  emu = await startGitHubEmulator({ clock })
  // These tests are about batching, not GitHub's content-creation limit (each mutation counts).
  emu.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
  const installationId = emu.installations().find((i) => i.account === owner && i.appId === emu.app.id)!.id
  const auth = createAppAuth({
    appId: emu.app.id,
    privateKey: emu.app.privateKeyPkcs8,
    request: request.defaults({ baseUrl: emu.url }),
  })
  const { token } = await auth({ type: 'installation', installationId })
  github = createGitHubClient({ token, apiUrl: emu.url, clock })
  mark = emu.requests.length
  repoNodeId = await repositoryNodeId(github, owner, repo)
})
afterAll(async () => emu?.close())
afterEach(() => {
  expect(emu.violations).toEqual([])
  emu.faults.clear()
})

function record(build: string, state: CheckRunRecord['state'], extra: Partial<CheckRunRecord> = {}): CheckRunRecord {
  return {
    name: `build ${build}`,
    state,
    generation: 1,
    state_synced: false,
    updated_at: `2026-05-01T10:00:${String(Number(build.replace(/\D/g, '')) % 60).padStart(2, '0')}Z`,
    details_url: `https://ci.example/${build}`,
    ...(state === 'built' ? { conclusion: 'success' as const } : {}),
    ...extra,
  }
}

/** What these tests vary per write: how each build's external id, output and adoption are made. */
interface TestContext extends ApplyContext {
  externalId(build: string, record: CheckRunRecord): string
  outputFor(op: WriteOperation): PlannedWrite['output']
  mayAlreadyExist?(build: string): boolean
  adoptable?(runs: Parameters<NonNullable<PlannedWrite['adopt']>>[0], build: string): ReturnType<NonNullable<PlannedWrite['adopt']>>
}

/** The plan's writes as apply takes them (skips send nothing), then applied. */
function apply(ops: Operation[], c: TestContext) {
  const planned = ops
    .filter((op): op is WriteOperation => op.op !== 'skip')
    .map((op): PlannedWrite => ({
      ...op,
      target: 'build',
      externalId: c.externalId(op.build, op.record),
      output: c.outputFor(op),
      mayAlreadyExist: c.mayAlreadyExist?.(op.build) ?? false,
      ...(c.adoptable ? { adopt: (runs) => c.adoptable!(runs, op.build) } : {}),
    }))
  return applyPlan(github, planned, c) as Promise<{ build: string; record: CheckRunRecord; url?: string; warning?: string }[]>
}

/** No gap between requests but the client's spacing; the 100-creates test asks for the 1 s gap. */
function context(headSha: string, annotations: (build: string) => Annotation[] = () => [], minMsBetweenRequests = 0): TestContext {
  return {
    minMsBetweenRequests,
    owner,
    repo,
    headSha,
    repositoryNodeId: repoNodeId,
    appId: emu.app.id,
    externalId: (build, r) => `ci/${build}/${r.generation}`,
    outputFor: (op) => ({ title: `${op.build}: ${op.record.state}`, summary: `Build ${op.build}`, annotations: annotations(op.build) }),
  }
}

const creates = (n: number, state: CheckRunRecord['state'] = 'queued'): Operation[] =>
  Array.from({ length: n }, (_, i) => ({ op: 'create', build: `b${i}`, record: record(`b${i}`, state) }))

const annotationsFor = (n: number): Annotation[] =>
  Array.from({ length: n }, (_, i) => ({
    path: 'src/x.ts',
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: 'warning',
    message: `a${i}`,
  }))

describe('repository node id', () => {
  it('is read with one request and matches the repository', async () => {
    const before = emu.requests.length
    const fresh = emu.addRepository('octo-org/repo-node')
    expect(await repositoryNodeId(github, owner, 'repo-node')).toBe(fresh.node_id)
    expect(emu.requests.slice(before).map((r) => r.operationId)).toEqual(['repos/get'])
  })

  it('comes from the event payload when it carries the same repository', () => {
    const payload = { repository: { full_name: 'Octo-Org/Repo-A', node_id: 'R_x' } }
    expect(repositoryNodeIdFromEvent(payload, 'octo-org/repo-a')).toBe('R_x')
    expect(repositoryNodeIdFromEvent(payload, 'octo-org/other')).toBeUndefined()
    expect(repositoryNodeIdFromEvent({ schedule: '0 * * * *' }, 'octo-org/repo-a')).toBeUndefined()
  })
})

describe('createAndUpdateCheckRuns', () => {
  it('sends variables, never values, in the document', () => {
    const doc = mutationDocument(['createCheckRun', 'updateCheckRun'])
    expect(doc).toContain('$i0: CreateCheckRunInput!, $i1: UpdateCheckRunInput!')
    expect(doc).toContain('cr1: updateCheckRun(input: $i1)')
  })

  it('creates 100 runs in 3 requests of 34, 34 and 32, at least 1 s apart', async () => {
    const sha = newSha()
    mark = emu.requests.length
    const results = await apply(creates(100), context(sha, undefined, 1000))

    const batches = graphqlRequests()
    expect(batches.map((r) => r.graphqlOperations!.length)).toEqual([34, 34, 32])
    expect(batches.every((r) => r.graphqlOperations!.every((f) => f === 'createCheckRun'))).toBe(true)
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(1000)
    expect(batches[2]!.at - batches[1]!.at).toBeGreaterThanOrEqual(1000)

    const runs = runsOn(sha)
    expect(runs).toHaveLength(100)
    expect(results).toHaveLength(100)
    for (const [i, r] of results.entries()) {
      expect(r.build).toBe(`b${i}`)
      expect(r.record.state_synced).toBe(true)
      expect(r.warning).toBeUndefined()
      const run = runs.find((x) => x.id === r.record.check_run_id)!
      expect(run).toBeDefined()
      expect(run.node_id).toBe(r.record.node_id)
      expect(run.external_id).toBe(`ci/b${i}/1`)
      expect(run.name).toBe(`build b${i}`)
      expect(run.status).toBe('queued')
      expect(run.details_url).toBe(`https://ci.example/b${i}`)
      expect(run.output.title).toBe(`b${i}: queued`)
      expect(r.url).toBeTruthy()
    }
  }, 20_000)

  it('paces mutations to the per-minute budget, so GitHub never answers a secondary rate limit', async () => {
    const fresh = await startGitHubEmulator({ clock })
    try {
      // GitHub's 80 a minute, scaled down to 5 per 2.5 s (longer than the client's 1 s spacing of writes,
      // so only the budget can hold the requests back; the emulator's own window is a minute).
      fresh.setSecondaryLimits({ perMinute: 12, perHour: 1000 })
      const installationId = fresh.installations().find((i) => i.account === owner && i.appId === fresh.app.id)!.id
      const auth = createAppAuth({ appId: fresh.app.id, privateKey: fresh.app.privateKeyPkcs8, request: request.defaults({ baseUrl: fresh.url }) })
      const client = createGitHubClient({ token: (await auth({ type: 'installation', installationId })).token, apiUrl: fresh.url, clock })
      const nodeId = await repositoryNodeId(client, owner, repo)
      const sha = newSha()
      const items = Array.from({ length: 12 }, (_, i) => ({
        kind: 'create' as const,
        name: `paced ${i}`,
        status: 'queued' as const,
        external_id: `paced/${i}`,
      }))
      const started = clock.now()
      const results = await createAndUpdateCheckRuns(client, {
        repositoryNodeId: nodeId,
        headSha: sha,
        items,
        maxPerRequest: 4,
        minMsBetweenRequests: 0,
        mutationsPerMinute: 5,
        mutationWindowMs: 2500,
      })
      expect(results.every((r) => r.ok)).toBe(true)
      const batches = fresh.requests.filter((r) => r.graphqlOperations?.length)
      expect(batches.every((r) => r.status === 200)).toBe(true)
      // 12 mutations in requests of 4 at 5 per window: two waits for the window to clear.
      expect(clock.now() - started).toBeGreaterThanOrEqual(5000)
      for (const b of batches) {
        const inWindow = batches.filter((o) => o.at <= b.at && o.at > b.at - 2500)
        expect(inWindow.reduce((n, o) => n + o.graphqlOperations!.length, 0)).toBeLessThanOrEqual(5)
      }
      expect(fresh.checkRuns(`${owner}/${repo}`).filter((r) => r.head_sha === sha)).toHaveLength(12)
    } finally {
      await fresh.close()
    }
  })

  it('updates many runs per request with aliases, and skips send nothing', async () => {
    const sha = newSha()
    const created = await apply(creates(40), context(sha))
    const plan: Operation[] = created.map((c, i) => {
      const next = record(`b${i}`, i % 2 ? 'built' : 'building', i % 4 === 1 ? { conclusion: 'failure' } : {})
      return { op: 'update', build: c.build, check_run_id: c.record.check_run_id!, node_id: c.record.node_id, record: next }
    })
    plan.push({ op: 'skip', build: 'b99', reason: 'out of order' })
    mark = emu.requests.length
    const results = await apply(plan, context(sha))

    expect(graphqlRequests().map((r) => r.graphqlOperations)).toEqual([
      Array(34).fill('updateCheckRun'),
      Array(6).fill('updateCheckRun'),
    ])
    // + one listing: an update by a stored id goes only to a listed run of the same suite and build
    expect(emu.requests.length - mark).toBe(3)
    expect(results.map((r) => r.build)).toEqual(created.map((c) => c.build))
    const runs = runsOn(sha)
    expect(runs).toHaveLength(40)
    for (const [i, r] of results.entries()) {
      expect(r.record.state_synced).toBe(true)
      expect(r.record.check_run_id).toBe(created[i]!.record.check_run_id)
      const run = runs.find((x) => x.id === r.record.check_run_id)!
      if (i % 2) {
        expect(run.status).toBe('completed')
        expect(run.conclusion).toBe(i % 4 === 1 ? 'failure' : 'success')
        expect(Date.parse(run.completed_at!)).toBe(Date.parse(plan[i]!.op === 'update' ? plan[i]!.record.updated_at : ''))
      } else {
        expect(run.status).toBe('in_progress')
        expect(run.conclusion).toBeNull()
        expect(Date.parse(run.started_at!)).toBe(Date.parse((plan[i] as { record: CheckRunRecord }).record.updated_at))
      }
    }
  }, 20_000)

  it("finds the node id of an update with one listing; an id that names no run of the build's creates one", async () => {
    const sha = newSha()
    const [created] = await apply(creates(1), context(sha))
    mark = emu.requests.length
    const plan: Operation[] = [
      { op: 'update', build: 'b0', check_run_id: created!.record.check_run_id!, record: record('b0', 'building') },
      { op: 'update', build: 'gone', check_run_id: 999_999_999, record: record('b1', 'building') },
    ]
    const [found, gone] = await apply(plan, context(sha))
    expect(found!.record).toMatchObject({ state_synced: true, node_id: created!.record.node_id })
    expect(runsOn(sha)[0]!.status).toBe('in_progress')
    // Not on the commit (or another suite's run): never updated by that id; the build gets a run of its own.
    expect(gone!.record).toMatchObject({ state_synced: true })
    expect(gone!.record.check_run_id).not.toBe(999_999_999)
    expect(runsOn(sha).map((r) => r.name).sort()).toEqual(['build b0', 'build b1'])
    // The id the listing did not show is read once (a listing may lag behind a create): 404 here.
    expect(emu.requests.slice(mark).map((r) => r.operationId ?? 'graphql')).toEqual(['checks/list-for-ref', 'checks/get', 'graphql'])
  }, 20_000)

  it("never updates a run of another commit by a stored id: the build gets a run on its own commit", async () => {
    const other = newSha()
    const [elsewhere] = await apply(creates(1), context(other))
    const sha = newSha()
    mark = emu.requests.length
    const plan: Operation[] = [{
      op: 'update', build: 'b0', check_run_id: elsewhere!.record.check_run_id!, node_id: elsewhere!.record.node_id, record: record('b0', 'building'),
    }]
    const [result] = await apply(plan, context(sha))
    expect(runsOn(other)[0]).toMatchObject({ id: elsewhere!.record.check_run_id, status: 'queued' })
    expect(runsOn(sha).map((r) => [r.name, r.status])).toEqual([['build b0', 'in_progress']])
    expect(result!.record.check_run_id).toBe(runsOn(sha)[0]!.id)
    expect(emu.requests.slice(mark).map((r) => r.operationId ?? 'graphql')).toEqual(['checks/list-for-ref', 'checks/get', 'graphql'])
  }, 20_000)

  it('puts 120 annotations on a run in 3 requests: 50 with the create, then 50 and 20 appended', async () => {
    const sha = newSha()
    mark = emu.requests.length
    const [result] = await apply(creates(1, 'built'), context(sha, () => annotationsFor(120)))
    expect(graphqlRequests().map((r) => r.graphqlOperations)).toEqual([['createCheckRun'], ['updateCheckRun'], ['updateCheckRun']])
    const [run] = runsOn(sha)
    expect(result!.record).toMatchObject({ state_synced: true, check_run_id: run!.id })
    expect(result!.warning).toBeUndefined()
    expect(run!.output.annotations_count).toBe(120)
    expect(run!.annotations.map((a) => (a as { message: string }).message)).toEqual(annotationsFor(120).map((a) => a.message))
    expect(run!).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'b0: built' } })
  }, 20_000)

  it('reports a refused mutation per alias and keeps the others', async () => {
    const sha = newSha()
    const results = await createAndUpdateCheckRuns(github, {
      repositoryNodeId: repoNodeId,
      headSha: sha,
      minMsBetweenRequests: 0,
      items: [
        { kind: 'create', name: 'good', status: 'queued' },
        { kind: 'update', node_id: 'CR_kwDOnotarun', status: 'in_progress' },
      ],
    })
    expect(results[0]).toMatchObject({ ok: true, check_run_id: runsOn(sha)[0]!.id })
    expect(results[1]).toMatchObject({ ok: false, maybeWritten: false })
    expect(runsOn(sha)).toHaveLength(1)
  })
})

describe('lost replies and 5xx on creates', () => {
  it('adopts runs by external_id after a reply is lost, without duplicates', async () => {
    const sha = newSha()
    emu.faults.add({ match: 'graphql:createCheckRun', kind: 'drop-after-write' })
    mark = emu.requests.length
    const results = await apply(creates(40), context(sha))

    const runs = runsOn(sha)
    expect(runs).toHaveLength(40)
    expect(new Set(runs.map((r) => r.external_id)).size).toBe(40)
    for (const [i, r] of results.entries()) {
      const run = runs.find((x) => x.external_id === `ci/b${i}/1`)!
      expect(r.record).toMatchObject({ state_synced: true, check_run_id: run.id, node_id: run.node_id })
    }
    // The lost chunk (34) is not sent again: one listing adopts it.
    const sent = emu.requests.slice(mark)
    expect(sent.filter((r) => r.graphqlOperations?.length).map((r) => r.graphqlOperations!.length)).toEqual([34, 6])
    expect(sent.filter((r) => r.operationId === 'checks/list-for-ref')).toHaveLength(1)
  }, 20_000)

  it('creates again once after a 502, without duplicates', async () => {
    const sha = newSha()
    emu.faults.add({ match: 'graphql:createCheckRun', kind: 'status', status: 502 })
    mark = emu.requests.length
    const results = await apply(creates(3, 'building'), context(sha))

    const runs = runsOn(sha)
    expect(runs).toHaveLength(3)
    expect(new Set(runs.map((r) => r.external_id)).size).toBe(3)
    expect(runs.every((r) => r.status === 'in_progress')).toBe(true)
    expect(results.every((r) => r.record.state_synced && runs.some((x) => x.id === r.record.check_run_id))).toBe(true)
    // No blind retry of the create: 502, listing, one create.
    const sent = emu.requests.slice(mark)
    expect(sent.map((r) => [r.operationId ?? 'graphql', r.status])).toEqual([
      ['graphql', 502],
      ['checks/list-for-ref', 200],
      ['graphql', 200],
    ])
  }, 20_000)

  it('adopts an older run of the build and brings it to the planned state', async () => {
    const sha = newSha()
    // An earlier step's create went through but its reply was lost: the record has no id.
    await createAndUpdateCheckRuns(github, {
      repositoryNodeId: repoNodeId,
      headSha: sha,
      minMsBetweenRequests: 0,
      items: [{ kind: 'create', name: 'build b0', status: 'queued', external_id: 'ci/b0/1' }],
    })
    const [older] = runsOn(sha)
    emu.faults.add({ match: 'graphql:createCheckRun', kind: 'status', status: 502 })
    const [result] = await apply(creates(1, 'built'), context(sha))
    const runs = runsOn(sha)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ id: older!.id, status: 'completed', conclusion: 'success', output: { title: 'b0: built' } })
    expect(result!.record).toMatchObject({ state_synced: true, check_run_id: older!.id, node_id: older!.node_id })
  }, 20_000)

  it('records a create as not synced, without an id, when GitHub keeps failing', async () => {
    const sha = newSha()
    emu.faults.add({ match: 'graphql:createCheckRun', kind: 'status', status: 502, times: 2 })
    const [result] = await apply(creates(1), context(sha))
    expect(result!.record.state_synced).toBe(false)
    expect(result!.record.check_run_id).toBeUndefined()
    expect(result!.warning).toMatch(/502/)
    expect(runsOn(sha)).toHaveLength(0)
  }, 20_000)

  it('records an update that failed as not synced, keeping the id', async () => {
    const sha = newSha()
    const [created] = await apply(creates(1), context(sha))
    emu.faults.add({ match: 'graphql:updateCheckRun', kind: 'status', status: 422 })
    const op: Operation = {
      op: 'update', build: 'b0', check_run_id: created!.record.check_run_id!, node_id: created!.record.node_id, record: record('b0', 'built'),
    }
    const [result] = await apply([op], context(sha))
    expect(result!.record).toMatchObject({ state_synced: false, check_run_id: created!.record.check_run_id, node_id: created!.record.node_id, state: 'built' })
    expect(result!.warning).toMatch(/422/)
    expect(runsOn(sha)[0]!.status).toBe('queued')
  }, 20_000)
})

describe('rules and apply together', () => {
  it('adopts the run a lost create made, in a later generation, instead of creating another', async () => {
    const sha = newSha()
    const key = { repository: `${owner}/${repo}`, head_sha: sha, suite: 'ci' }
    const data = emptyServiceData(key)
    const ctx: TestContext = {
      ...context(sha),
      externalId: (build, r) => externalId(key, build, r.generation),
      mayAlreadyExist: (build) => mayAlreadyExist(data.check_runs[build]),
      adoptable: (runs, build) => findAdoptable(runs, key, build),
    }
    const step = async (t: Transition) => {
      const plan = planTransition(data, ['b0'], t, (b) => `ci / ${b}`)
      const [applied] = await apply(plan.operations, ctx)
      data.check_runs.b0 = applied!.record
      return applied!
    }

    // Queued: the create is written but its reply is lost, and the listing fails too.
    emu.faults.add({ match: 'graphql:createCheckRun', kind: 'drop-after-write' })
    emu.faults.add({ match: 'checks/list-for-ref', kind: 'status', status: 422 })
    const queued = await step({ state: 'queued', generation: 1, at: '2026-05-01T10:00:00Z' })
    expect(queued.record).toMatchObject({ state: 'queued', state_synced: false })
    expect(queued.record.check_run_id).toBeUndefined()
    const [lost] = runsOn(sha)
    expect(lost).toMatchObject({ status: 'queued', external_id: externalId(key, 'b0', 1) })

    // A re-run job (generation 2) reports built: the run of generation 1 is adopted and completed.
    mark = emu.requests.length
    const built = await step({ state: 'built', generation: 2, conclusion: 'failure', at: '2026-05-01T10:05:00Z' })
    expect(emu.requests.slice(mark).map((r) => r.graphqlOperations ?? r.operationId)).toEqual([
      'checks/list-for-ref',
      ['updateCheckRun'],
    ])
    const runs = runsOn(sha)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ id: lost!.id, status: 'completed', conclusion: 'failure', external_id: externalId(key, 'b0', 2) })
    expect(built.record).toMatchObject({ state: 'built', generation: 2, state_synced: true, check_run_id: lost!.id, node_id: lost!.node_id })
  }, 20_000)
})
