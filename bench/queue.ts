// Bench (2): queuing N builds in one step with 30 ms added to every request, against one REST
// request per check run (the checks-action way) from a process using @actions/github's Octokit.
import { bundleBaseline } from './lib/bundle.ts'
import { FloorSamples } from './lib/floor.ts'
import { median, ms, ratio, type Section } from './lib/stats.ts'
import { appInputs, step, type StepSample } from './lib/steps.ts'
import type { BenchWorld } from './lib/world.ts'

const LATENCY_MS = 30

interface Variant { label: string; run(w: BenchWorld, builds: string[]): Promise<StepSample & { checkRuns: number; mode: string }> }

export async function benchQueue(w: BenchWorld, plan: Array<{ n: number; rounds: number }> = [
  { n: 8, rounds: 5 }, { n: 100, rounds: 3 }, { n: 1000, rounds: 1 }, // the bench stays under 3 minutes: the REST way takes 34 s a run at N = 1,000
]): Promise<Section> {
  w.setLatency(0)
  const baseline = await bundleBaseline('checks-rest-queue')
  // The baseline gets a token minted beforehand, as a checks-action step gets one from an earlier step.
  const { env: tokenEnv } = w.freshRun()
  const minted = await step(w, 'token for the baseline', { inputs: appInputs(w), env: tokenEnv })
  const token = minted.result.outputs.token!

  const runsOn = (sha: string) => w.gh.checkRuns('octo-org/repo-a').filter((r) => r.head_sha === sha)
  const ours = (aggregateAbove?: string): Variant['run'] => async (w, builds) => {
    const { env, sha } = w.freshRun()
    const s = await step(w, `queued ×${builds.length}`, {
      inputs: { ...appInputs(w), command: 'queued', builds: JSON.stringify(builds), 'aggregate-above': aggregateAbove },
      env: { ...env, GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000' }, // lifted like the emulator's limits (see the notes)
    })
    const aggregate = s.result.annotations.find((a) => a.command === 'notice' && a.message.startsWith('Aggregate mode'))
    return { ...s, checkRuns: runsOn(sha).length, mode: aggregate ? `aggregate (${aggregate.message.replace(/^Aggregate mode: /, '').replace(/\. Only the .*$/, '')})` : 'one check run per build' }
  }
  const variants: Variant[] = [
    { label: 'github-app-ci `queued` (default aggregate-above 100)', run: ours() },
    { label: 'github-app-ci `queued`, aggregate-above 100000', run: ours('100000') },
    {
      label: 'checks-action way: 1 REST POST per run', run: async (w, builds) => {
        const { env, sha } = w.freshRun()
        const s = await step(w, `baseline ×${builds.length}`, { script: baseline, inputs: { token, builds: JSON.stringify(builds) }, env })
        return { ...s, checkRuns: runsOn(sha).length, mode: 'one check run per build' }
      },
    },
  ]

  const rows = [['N builds', 'who', 'median wall', 'GitHub requests', 'runtime requests', 'check runs created', 'mode', 'floor (1 process + round trips)', 'ours / floor', 'wall vs REST way', 'requests vs REST way']]
  const floors = new FloorSamples(w)
  const shape = (s: StepSample) => [{ requests: s.github + s.runtime }]
  w.setLatency(LATENCY_MS)
  try {
    for (const { n, rounds } of plan) {
      const builds = Array.from({ length: n }, (_, i) => `build-${String(i + 1).padStart(4, '0')}`)
      // aggregate-above only matters past 100 builds: below that both of our rows are the same run.
      const active = n > 100 ? variants : [variants[0]!, variants[2]!]
      const samples = new Map<Variant, Awaited<ReturnType<Variant['run']>>[]>(active.map((v) => [v, []]))
      for (let r = 0; r < rounds; r++) {
        for (const v of active) {
          const x = await v.run(w, builds)
          samples.get(v)!.push(x)
          await floors.take(r, shape(x))
        }
      }
      const med = (v: Variant, f: (s: Awaited<ReturnType<Variant['run']>>) => number) => median(samples.get(v)!.map(f))
      const rest = variants[2]!
      for (const v of active) {
        const last = samples.get(v)!.at(-1)!
        const floor = median(floors.get(shape(last)))
        rows.push([
          String(n), v.label, ms(med(v, (s) => s.wall)), String(med(v, (s) => s.github)), String(med(v, (s) => s.runtime)),
          String(med(v, (s) => s.checkRuns)), last.mode, `${ms(floor)} (${shape(last)[0]!.requests})`, ratio(med(v, (s) => s.wall), floor),
          v === rest ? '1.00×' : ratio(med(v, (s) => s.wall), med(rest, (s) => s.wall)),
          v === rest ? '1.00×' : ratio(med(v, (s) => s.github + s.runtime), med(rest, (s) => s.github + s.runtime)),
        ])
      }
    }
  } finally {
    w.setLatency(0)
  }
  return {
    title: `2. Queuing N builds, ${LATENCY_MS} ms added per request`,
    rows,
    notes: [
      `Each emulator request waits ${LATENCY_MS} ms before it is served (bench/lib/latency.ts; GitHub and Actions runtime alike). Medians of ${plan.map((p) => `${p.rounds} (N = ${p.n})`).join(', ')} runs, each on a fresh commit and workflow run.`,
      'github-app-ci\'s figures are the whole `queued` step: its own token (JWT, installation lookup, token request), reading the suite\'s state (artifact store: one ListArtifacts), GraphQL batches of up to 34 mutations at least 1 s apart (brep\'s pacing: ≥ 1 s per 34 builds), writing its state fragment (artifact upload), and the CONCLUSION check run.',
      `Floor (bench/lib/floor.ts): one bare node process started by the same runner harness making the row's number of requests (GitHub + runtime) as loopback round trips one after another, at the same ${LATENCY_MS} ms; measured in the same rounds. It has none of the 1 s pauses GitHub asks for between content-creating requests, which the action keeps (about 1 s per GraphQL batch after the first).`,
      'The REST baseline (bench/baselines/checks-rest-queue.ts, ncc-bundled) gets a ready token (minted by an earlier step, not counted) and creates the runs one after another; a matrix of jobs would run them in parallel, but each job then pays its own process and token.',
      'The emulator\'s secondary limits (80 content-creating requests a minute, 500 an hour) are lifted for all benchmarks, and so is the action\'s own pacing to 80 mutations a minute (GITHUB_APP_CI_MUTATIONS_PER_MINUTE), so repeated runs measure requests rather than the limit window. On GitHub, 100 or 1,000 creations in a few seconds exceed 80 a minute whichever way they are sent (each GraphQL mutation counts): with its pacing on (the default) the action\'s N = 100 step takes about 61 s (101 check runs = 101 mutations, two minute windows; measured 61.3 s on 2026-11-25), where the REST way would meet 403 replies.',
      'At 1,000 builds `aggregate-above: 100000` does not give one check run per build: aggregate mode also switches on when 3 mutations per build exceed GitHub\'s 500-an-hour limit (src/checks/aggregate.ts), which no input lifts. The mode column shows the reason the step printed.',
    ],
  }
}
