// Bench (1): minting a token, whole processes (main step, then post step) against the emulator,
// with and without installation-id, beside a mint through @octokit/auth-app (+ revoke via fetch).
import { runAction, type RunActionResult } from '../test/runner.ts'
import { bundleBaseline } from './lib/bundle.ts'
import { median, ms, ratio, type Section } from './lib/stats.ts'
import type { BenchWorld } from './lib/world.ts'

interface Scenario { name: string; withId: boolean; main: string; post: string }
interface Sample { wall: number; main: number; post: number; requests: number; firstRequest: number }

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
  const post = await runAction({ entry: 'post', inputs, env, state: main.state, script: s.post })
  check(post, `${s.name} post`)
  const wall = performance.now() - t0
  if (!w.gh.revokedTokens().includes(main.outputs.token ?? '')) throw new Error(`${s.name}: the token was not revoked`)
  return {
    wall, main: main.durationMs, post: post.durationMs,
    requests: w.counts().github - before,
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
  for (const s of scenarios) await once(w, s) // warm-up: file cache, emulator JIT
  for (let r = 0; r < rounds; r++) {
    for (const s of scenarios) { w.refillRateLimit(); samples.get(s.name)!.push(await once(w, s)) }
  }
  const med = (name: string, k: keyof Sample) => median(samples.get(name)!.map((x) => x[k]))
  const rows = [['mint + revoke (whole processes)', 'median wall', 'main step', 'post step', 'to 1st request', 'requests', 'wall vs auth-app']]
  for (const [ours, theirs] of [[scenarios[0]!, scenarios[1]!], [scenarios[2]!, scenarios[3]!]]) {
    for (const s of [ours, theirs]) {
      rows.push([
        s.name, ms(med(s.name, 'wall')), ms(med(s.name, 'main')), ms(med(s.name, 'post')), ms(med(s.name, 'firstRequest')),
        String(med(s.name, 'requests')), s === ours ? ratio(med(ours.name, 'wall'), med(theirs.name, 'wall')) : '1.00×',
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
    ],
  }
}
