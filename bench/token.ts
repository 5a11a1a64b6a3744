// Bench (1): minting a token, whole processes (main step, then post step) against the emulator,
// with and without installation-id, beside a mint through @octokit/auth-app (+ revoke via fetch).
//
// With BENCH_CGAT_DIR=<dir> it also runs actions/create-github-app-token's released build, the
// action this one's token command replaces: <dir> holds that action's action.yml and the dist/ files
// its runs.main / runs.post name, as the release tag has them committed. Their code is not in this
// repository; to get a release (v3.1.1 here, say):
//   git clone --bare https://github.com/actions/create-github-app-token cgat.git
//   mkdir -p /tmp/cgat/v3.1.1
//   git --git-dir=cgat.git archive v3.1.1 action.yml dist package.json | tar -x -C /tmp/cgat/v3.1.1
//   BENCH_CGAT_DIR=/tmp/cgat/v3.1.1 npm run bench -- token
// The version shown is package.json's (BENCH_CGAT_VERSION overrides it, else the directory's name).
import fs from 'node:fs'
import path from 'node:path'
import { runAction, type RunActionResult } from '../test/runner.ts'
import { bundleBaseline } from './lib/bundle.ts'
import { FloorSamples, describeFloor, type FloorProcess } from './lib/floor.ts'
import { median, ms, ratio, type Section } from './lib/stats.ts'
import type { BenchWorld } from './lib/world.ts'

interface Scenario {
  name: string; withId: boolean; main: string; post: string
  /** another action's action.yml (its input defaults) and its inputs beside the app's credentials */
  actionYml?: string; inputs?: Record<string, string>
}
interface Sample { wall: number; main: number; post: number; requests: number; mainRequests: number; firstRequest: number; log: string[] }

/** actions/create-github-app-token's release in BENCH_CGAT_DIR: its version and the files its action.yml runs. */
export interface CgatRelease { version: string; main: string; post: string; actionYml: string }

export function cgatRelease(dir = process.env.BENCH_CGAT_DIR): CgatRelease | undefined {
  if (!dir) return undefined
  const actionYml = path.resolve(dir, 'action.yml')
  const runs = /^runs:[^\n]*\n((?:[ \t]+[^\n]*(?:\n|$))*)/m.exec(fs.readFileSync(actionYml, 'utf8'))?.[1] ?? ''
  const entry = (key: 'main' | 'post') => {
    const file = new RegExp(`^\\s+${key}:\\s*['"]?([^'"\\s#]+)`, 'm').exec(runs)?.[1]
    if (!file) throw new Error(`${actionYml}: no runs.${key}`)
    const full = path.resolve(dir, file)
    if (!fs.existsSync(full)) throw new Error(`${actionYml}: runs.${key} names ${file}, which ${dir} does not hold`)
    return full
  }
  const pkg = path.join(dir, 'package.json')
  const version = process.env.BENCH_CGAT_VERSION
    ?? (fs.existsSync(pkg) ? `v${(JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version}` : path.basename(path.resolve(dir)))
  return { version, main: entry('main'), post: entry('post'), actionYml }
}

function check(r: RunActionResult, what: string): void {
  if (r.exitCode !== 0 || r.errors.length > 0) throw new Error(`${what} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`)
}

async function once(w: BenchWorld, s: Scenario): Promise<Sample> {
  const inputs = {
    'app-id': String(w.gh.app.id),
    'private-key': w.gh.app.privateKeyPkcs1,
    'installation-id': s.withId ? String(w.installationId) : undefined,
    ...s.inputs,
  }
  const { env } = w.freshRun()
  const before = w.counts().github
  const arrivals = w.ghLatency.arrivals.length
  const t0 = performance.now()
  const main = await runAction({ inputs, env, script: s.main, actionYml: s.actionYml })
  check(main, `${s.name} main`)
  const mainRequests = w.counts().github - before
  const post = await runAction({ entry: 'post', inputs, env, state: main.state, script: s.post, actionYml: s.actionYml })
  check(post, `${s.name} post`)
  const wall = performance.now() - t0
  if (!w.gh.revokedTokens().includes(main.outputs.token ?? '')) throw new Error(`${s.name}: the token was not revoked`)
  return {
    wall, main: main.durationMs, post: post.durationMs,
    requests: w.counts().github - before,
    mainRequests,
    firstRequest: (w.ghLatency.arrivals[arrivals] ?? NaN) - t0,
    log: w.gh.requests.slice(before).map((r) => `${r.method} ${r.path}${r.status === 0 || r.status >= 400 ? ` (${r.status})` : ''}`),
  }
}

export async function benchToken(w: BenchWorld, rounds = 7): Promise<Section> {
  w.setLatency(0)
  const mint = await bundleBaseline('auth-app-mint')
  const revoke = await bundleBaseline('revoke')
  const cgat = cgatRelease()
  const ours = { lookup: 'github-app-ci, lookup', id: 'github-app-ci, installation-id' }
  const authApp = { lookup: '@octokit/auth-app, lookup', id: '@octokit/auth-app, installation-id' }
  const cgatName = cgat && `create-github-app-token ${cgat.version}, lookup`
  const scenarios: Scenario[] = [
    { name: ours.lookup, withId: false, main: w.dist.main, post: w.dist.post },
    { name: authApp.lookup, withId: false, main: mint, post: revoke },
    // Its inputs as a workflow would give them; without owner and repositories it takes the current
    // repository (GITHUB_REPOSITORY), like our lookup row: GET /repos/{owner}/{repo}/installation.
    // It has no installation-id input, so it has no row in the installation-id group.
    ...(cgat ? [{ name: cgatName!, withId: false, main: cgat.main, post: cgat.post, actionYml: cgat.actionYml, inputs: { 'github-api-url': w.gh.url } }] : []),
    { name: ours.id, withId: true, main: w.dist.main, post: w.dist.post },
    { name: authApp.id, withId: true, main: mint, post: revoke },
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
  const med = (name: string, k: Exclude<keyof Sample, 'log'>) => median(samples.get(name)!.map((x) => x[k]))
  const floorOf = (name: string) => {
    const x = samples.get(name)!.at(-1)!
    return { label: describeFloor(shape(x)), wall: median(floors.get(shape(x))) }
  }
  const header = ['mint + revoke (whole processes)', 'median wall', 'main step', 'post step', 'to 1st request', 'requests (main + post)', 'floor (round trips per process)', 'floor wall', 'ours / floor', 'wall vs auth-app']
  const rows = [cgat ? [...header, 'wall vs create-github-app-token'] : header]
  const groups = [
    { names: [ours.lookup, authApp.lookup, ...(cgatName ? [cgatName] : [])], authApp: authApp.lookup, cgat: cgatName },
    { names: [ours.id, authApp.id], authApp: authApp.id, cgat: undefined },
  ]
  const versus = (name: string, baseline: string | undefined) => (baseline ? ratio(med(name, 'wall'), med(baseline, 'wall')) : '—')
  for (const g of groups) {
    for (const name of g.names) {
      const floor = floorOf(name)
      rows.push([
        name, ms(med(name, 'wall')), ms(med(name, 'main')), ms(med(name, 'post')), ms(med(name, 'firstRequest')),
        `${med(name, 'mainRequests')} + ${med(name, 'requests') - med(name, 'mainRequests')}`, floor.label, ms(floor.wall),
        ratio(med(name, 'wall'), floor.wall),
        versus(name, g.authApp),
        ...(cgat ? [versus(name, g.cgat)] : []),
      ])
    }
  }
  const requestLog = (name: string) => {
    const x = samples.get(name)!.at(-1)!
    return `${name}: ${x.log.slice(0, x.mainRequests).join(', ')}; then ${x.log.slice(x.mainRequests).join(', ')}`
  }
  return {
    title: '1. Token mint, main + post as processes',
    rows,
    notes: [
      `Median of ${rounds} rounds (scenarios interleaved, after one warm-up round); no added latency. "Wall" is main + post as the runner starts them (node process each, runner files included). "Wall vs X" divides each row's wall by X's in the same group.`,
      'github-app-ci requests include `GET /users/{slug}[bot]` for the `bot-committer-email` output, which neither baseline produces; with installation-id it also reads `GET /app/installations/{id}` (in parallel with the token request) for `app-slug`.',
      'The auth-app baseline (bench/baselines/auth-app-mint.ts, revoke.ts) is bundled with ncc like dist/, uses @actions/core for inputs/outputs/state, and revokes with fetch in its post step.',
      ...(cgat
        ? [`create-github-app-token ${cgat.version} is the action's released build (its committed ${path.relative(path.dirname(cgat.actionYml), cgat.main)} and ${path.relative(path.dirname(cgat.actionYml), cgat.post)}, BENCH_CGAT_DIR), started by the same runner harness with its own action.yml's input defaults, \`github-api-url\` set to the emulator, and its saved state passed to its post step as STATE_*. It has no installation-id input; ours with installation-id against its lookup: ${ratio(med(ours.id, 'wall'), med(cgatName!, 'wall'))}.`]
        : ['create-github-app-token itself is not in this run: BENCH_CGAT_DIR names a directory holding its release (bench/token.ts says how to get one).']),
      `Requests in the last round (emulator log; main step, then post step): ${scenarios.map((s) => requestLog(s.name)).join('. ')}.`,
      'Floor (bench/lib/floor.ts): two bare node processes started by the same runner harness, the first signing one RS256 JWT, each making its step\'s number of requests as loopback round trips one after another on one kept-alive connection; "sign + 3, then 1" is 3 round trips in main, 1 in post. Measured in the same rounds, interleaved.',
    ],
  }
}
