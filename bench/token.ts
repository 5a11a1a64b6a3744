// Bench (1): minting a token, whole processes (main step, then post step) against the emulator,
// with and without installation-id, beside a mint through @octokit/auth-app (+ revoke via fetch).
import { runAction, type RunActionResult } from '../test/runner.ts'
import { bundleBaseline } from './lib/bundle.ts'
import { FloorSamples, describeFloor, type FloorProcess } from './lib/floor.ts'
import { median, ms, ratio, type Section } from './lib/stats.ts'
import type { BenchWorld } from './lib/world.ts'

interface Scenario { name: string; withId: boolean; main: string; post: string }
interface Sample { wall: number; main: number; post: number; requests: number; mainRequests: number; firstRequest: number }

function check(r: RunActionResult, what: string): void {
  if (r.exitCode !== 0 || r.errors.length > 0) throw new Error(`${what} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`)
}

async function once(w: BenchWorld, s: Scenario): Promise<Sample> {
  const inputs = {
    'app-id': String(w.gh.app.id),
    'private-key': w.gh.app.privateKeyPkcs1,
    'installation-id': s.withId ? String(w.installationId) : undefined,
  }
  const { env } = w.freshRun()
  const before = w.counts().github
  const arrivals = w.ghLatency.arrivals.length
  const t0 = performance.now()
  const main = await runAction({ inputs, env, script: s.main })
  check(main, `${s.name} main`)
  const mainRequests = w.counts().github - before
  const post = await runAction({ entry: 'post', inputs, env, state: main.state, script: s.post })
  check(post, `${s.name} post`)
  const wall = performance.now() - t0
  if (!w.gh.revokedTokens().includes(main.outputs.token ?? '')) throw new Error(`${s.name}: the token was not revoked`)
  return {
    wall, main: main.durationMs, post: post.durationMs,
    requests: w.counts().github - before,
    mainRequests,
    firstRequest: (w.ghLatency.arrivals[arrivals] ?? NaN) - t0,
  }
}

export async function benchToken(w: BenchWorld, rounds = 7): Promise<Section> {
  w.setLatency(0)
  const mint = await bundleBaseline('auth-app-mint')
  const revoke = await bundleBaseline('revoke')
  const scenarios: Scenario[] = [
    { name: 'github-app-ci, lookup', withId: false, main: w.dist.main, post: w.dist.post },
    { name: '@octokit/auth-app, lookup', withId: false, main: mint, post: revoke },
    { name: 'github-app-ci, installation-id', withId: true, main: w.dist.main, post: w.dist.post },
    { name: '@octokit/auth-app, installation-id', withId: true, main: mint, post: revoke },
  ]
  const samples = new Map<string, Sample[]>(scenarios.map((s) => [s.name, []]))
  // The floor of a mint: the main step's process signs a JWT and makes its requests, the post step's its own.
  const shape = (x: Sample): FloorProcess[] => [{ sign: true, requests: x.mainRequests }, { requests: x.requests - x.mainRequests }]
  const floors = new FloorSamples(w)
  for (const s of scenarios) await once(w, s) // warm-up: file cache, emulator JIT
  for (let r = 0; r < rounds; r++) {
    for (const s of scenarios) {
      w.refillRateLimit()
      const x = await once(w, s)
      samples.get(s.name)!.push(x)
      await floors.take(r, shape(x))
    }
  }
  const med = (name: string, k: keyof Sample) => median(samples.get(name)!.map((x) => x[k]))
  const floorOf = (name: string) => {
    const x = samples.get(name)!.at(-1)!
    return { label: describeFloor(shape(x)), wall: median(floors.get(shape(x))) }
  }
  const rows = [['mint + revoke (whole processes)', 'median wall', 'main step', 'post step', 'to 1st request', 'requests (main + post)', 'floor (round trips per process)', 'floor wall', 'ours / floor', 'wall vs auth-app']]
  for (const [ours, theirs] of [[scenarios[0]!, scenarios[1]!], [scenarios[2]!, scenarios[3]!]]) {
    for (const s of [ours, theirs]) {
      const floor = floorOf(s.name)
      rows.push([
        s.name, ms(med(s.name, 'wall')), ms(med(s.name, 'main')), ms(med(s.name, 'post')), ms(med(s.name, 'firstRequest')),
        `${med(s.name, 'mainRequests')} + ${med(s.name, 'requests') - med(s.name, 'mainRequests')}`, floor.label, ms(floor.wall),
        ratio(med(s.name, 'wall'), floor.wall),
        s === ours ? ratio(med(ours.name, 'wall'), med(theirs.name, 'wall')) : '1.00×',
      ])
    }
  }
  return {
    title: '1. Token mint, main + post as processes',
    rows,
    notes: [
      `Median of ${rounds} rounds (scenarios interleaved, after one warm-up round); no added latency. "Wall" is main + post as the runner starts them (node process each, runner files included).`,
      'github-app-ci requests include `GET /users/{slug}[bot]` for the `bot-committer-email` output, which the auth-app baseline does not produce; with installation-id it also reads `GET /app/installations/{id}` (in parallel with the token request) for `app-slug`.',
      'The auth-app baseline (bench/baselines/auth-app-mint.ts, revoke.ts) is bundled with ncc like dist/, uses @actions/core for inputs/outputs/state, and revokes with fetch in its post step.',
      'Floor (bench/lib/floor.ts): two bare node processes started by the same runner harness, the first signing one RS256 JWT, each making its step\'s number of requests as loopback round trips one after another on one kept-alive connection; "sign + 3, then 1" is 3 round trips in main, 1 in post. Measured in the same rounds, interleaved.',
    ],
  }
}
