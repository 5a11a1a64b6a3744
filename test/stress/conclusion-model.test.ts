// Model-based: random suites run through the real dist/ against the GitHub emulator, asserting
// after every step on what GitHub shows (the newest run of each name). A suite draws 2–6 builds,
// with or without a queued step, each build's reports (building optional) in a random
// interleaving, failures, lost replies (the write lands, the reply does not), re-run attempts
// of failed builds, and conclude at the end of every attempt.
// Invariants (the CONCLUSION run is the check branch protection requires):
// - no request asked GitHub to change a completed run (the emulator records it as a violation);
// - the newest CONCLUSION run is never success while a build reported so far is not success;
// - after conclude: each build's newest run shows its last report, the CONCLUSION run agrees
//   with every build, and with conclude's own `conclusion` output.
// `npm test` runs a fixed seed; `npm run soak` sets GITHUB_APP_CI_MODEL_RUNS for more.
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { expect, test } from 'vitest'
import type { EmulatedCheckRun } from '../emulator/github/index.ts'
import { runAction } from '../runner.ts'
import { startHarness } from '../action/harness.ts'

const REPO = 'octo-org/repo-a'
const RUNS = Number(process.env.GITHUB_APP_CI_MODEL_RUNS ?? 6)
const SEED = Number(process.env.GITHUB_APP_CI_MODEL_SEED ?? 20261201)
const { gh, tempDir } = await startHarness()

type Verdict = 'success' | 'failure'
interface Report {
  kind: 'queued' | 'building' | 'built' | 'conclude'
  build?: string
  generation: number
  conclusion?: Verdict
  /** The step's first check-run mutation reply is lost (the write lands). */
  lost: boolean
}

/** One build: its attempts' conclusions (a failed attempt may be re-run) and whether it reports building. */
const buildPlan = fc.record({
  attempts: fc.array(fc.constantFrom<Verdict>('success', 'failure', 'failure'), { minLength: 1, maxLength: 3 }),
  building: fc.boolean(),
})

const scenario = fc
  .record({
    builds: fc.array(buildPlan, { minLength: 2, maxLength: 6 }),
    queued: fc.boolean(),
  })
  .chain(({ builds, queued }) => {
    // Only a failed attempt is re-run ("Re-run failed jobs"): cut each build's attempts at its first success.
    const plans = builds.map((b, i) => {
      const end = b.attempts.indexOf('success')
      return { id: `b${i}`, attempts: end < 0 ? b.attempts : b.attempts.slice(0, end + 1), building: b.building }
    })
    const generations = Math.max(...plans.map((p) => p.attempts.length))
    let steps = queued ? 1 : 0
    const perGeneration = Array.from({ length: generations }, (_, g) => {
      const sequences = plans
        .filter((p) => p.attempts.length > g)
        .map((p) => [
          ...(p.building ? [{ kind: 'building' as const, build: p.id, generation: g + 1 }] : []),
          { kind: 'built' as const, build: p.id, generation: g + 1, conclusion: p.attempts[g]! },
        ])
      steps += sequences.reduce((n, q) => n + q.length, 1)
      return interleave(sequences)
    })
    return fc.tuple(fc.tuple(...perGeneration), fc.array(fc.boolean(), { minLength: steps, maxLength: steps }), fc.constant(queued), fc.constant(plans.map((p) => p.id)))
  })
  .map(([perGeneration, lost, queued, ids]) => {
    const reports: Omit<Report, 'lost'>[] = []
    if (queued) reports.push({ kind: 'queued', generation: 1 })
    perGeneration.forEach((events, g) => {
      reports.push(...events, { kind: 'conclude', generation: g + 1 })
    })
    return { ids, reports: reports.map((r, i): Report => ({ ...r, lost: lost[i]! && i % 3 === 0 })) }
  })

/** A random interleaving that keeps each sequence's own order. */
function interleave<T>(sequences: T[][]): fc.Arbitrary<T[]> {
  const total = sequences.reduce((n, s) => n + s.length, 0)
  return fc.array(fc.nat(), { minLength: total, maxLength: total }).map((picks) => {
    const rest = sequences.map((s) => [...s])
    const out: T[] = []
    for (const pick of picks) {
      const open = rest.filter((s) => s.length > 0)
      out.push(open[pick % open.length]!.shift()!)
    }
    return out
  })
}

const newest = (runs: EmulatedCheckRun[], name: string): EmulatedCheckRun | undefined =>
  runs.filter((r) => r.name === name).sort((a, b) => b.id - a.id)[0]

async function runSuite(ids: string[], reports: Report[]): Promise<void> {
  const dir = tempDir('model-')
  const sha = randomBytes(20).toString('hex')
  const last = new Map<string, { generation: number; state: 'queued' | 'building' | 'built'; conclusion?: Verdict }>()
  const trace: string[] = []
  for (const r of reports) {
    if (r.lost) gh.faults.add({ match: 'graphql', kind: 'drop-after-write' })
    const inputs: Record<string, string> =
      r.kind === 'queued'
        ? { builds: ids.join('\n') }
        : r.kind === 'conclude'
          ? {}
          : { builds: r.build!, ...(r.conclusion ? { conclusion: r.conclusion } : {}) }
    const result = await runAction({
      inputs: { command: r.kind, suite: 'ci', 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: `file:${dir}`, ...inputs },
      env: {
        GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000',
        GITHUB_SHA: sha, GITHUB_RUN_ATTEMPT: String(r.generation), GITHUB_REPOSITORY: REPO, GITHUB_JOB: r.build ?? r.kind,
      },
      timeoutMs: 60_000,
    })
    gh.faults.clear()
    trace.push(`${r.kind}${r.build ? ` ${r.build}` : ''} attempt ${r.generation}${r.conclusion ? ` ${r.conclusion}` : ''}${r.lost ? ' (reply lost)' : ''}`)
    const where = `after ${trace.join(' → ')}\n${result.stdout}\n${result.stderr}`
    expect(result.exitCode, where).toBe(0)

    if (r.kind === 'queued') for (const id of ids) if (!last.has(id)) last.set(id, { generation: 1, state: 'queued' })
    if (r.build) {
      const had = last.get(r.build)
      if (!had || r.generation > had.generation || (r.generation === had.generation && (r.kind === 'built' || had.state !== 'built'))) {
        last.set(r.build, { generation: r.generation, state: r.kind === 'built' ? 'built' : 'building', ...(r.conclusion ? { conclusion: r.conclusion } : {}) })
      }
    }

    // What GitHub shows now.
    expect(gh.violations, where).toEqual([])
    const runs = gh.checkRuns(REPO).filter((run) => run.head_sha === sha)
    const conclusion = newest(runs, 'ci / CONCLUSION')
    const allGreen = [...last.values()].every((b) => b.state === 'built' && b.conclusion === 'success')
    if (conclusion?.status === 'completed' && conclusion.conclusion === 'success') {
      expect(allGreen, `CONCLUSION success while a build is not: ${JSON.stringify([...last])}; ${where}`).toBe(true)
    }
    if (r.kind === 'conclude') {
      for (const [id, want] of last) {
        const run = newest(runs, `ci / ${id}`)
        expect(run, `${id}: ${where}`).toMatchObject({ status: want.state === 'built' ? 'completed' : want.state === 'building' ? 'in_progress' : 'queued' })
        if (want.state === 'built') expect(run!.conclusion, `${id}: ${where}`).toBe(want.conclusion)
      }
      const output = result.outputs.conclusion
      expect(output, where).toBe(allGreen ? 'success' : 'failure')
      expect(conclusion, where).toMatchObject({ status: 'completed', conclusion: output })
    }
  }
}

test(`random suites through dist/: the CONCLUSION never says success over a build that is not (${RUNS} suites, seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ ids, reports }) => {
      await runSuite(ids, reports)
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  )
}, 600_000)
