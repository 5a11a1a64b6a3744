// Bench (7): CPU (user + sys) of each transition step, this build side by side with the build
// before (the dist/ of a reference commit, taken out of git at run time; never a committed copy),
// for the artifact, cache and file stores at 30 ms per request. Node's compile cache makes a
// job's later steps cheaper than its first, so each step is measured both ways: "first step"
// with an empty compile cache directory (a job's first use of the action), "later step" with one
// a `queued` step of the same build filled (what a job's second step of the action finds).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, ms, ratio, type Section } from './lib/stats.ts'
import { appInputs, step, type StepSample } from './lib/steps.ts'
import type { BenchWorld } from './lib/world.ts'

const LATENCY_MS = 30
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** The build before: Bottleneck, undici in the common chunk, the quadratic merge (bench/RESULTS-before.md). */
export const BEFORE_COMMIT = process.env.BENCH_BEFORE_COMMIT || '98097bf'
const floorScript = path.join(root, 'bench', 'lib', 'floor.mjs')

type Cache = 'first' | 'later'
interface Build { label: string; main: string }

/** dist/ of `commit`, extracted with git archive into a temp folder; undefined without that history (a shallow clone). */
function extractDist(commit: string): { main: string; remove(): void } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-before-'))
  try {
    const tar = execFileSync('git', ['archive', commit, 'dist'], { cwd: root, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] })
    execFileSync('tar', ['-x', '-C', dir], { input: tar })
    return { main: path.join(dir, 'dist', 'index.js'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
  } catch {
    fs.rmSync(dir, { recursive: true, force: true })
    return undefined
  }
}

export async function benchCpu(w: BenchWorld, rounds = Number(process.env.BENCH_CPU_ROUNDS) || 7): Promise<Section> {
  const before = extractDist(BEFORE_COMMIT)
  const builds: Build[] = [{ label: 'this build', main: w.dist.main }, ...(before ? [{ label: `before (${BEFORE_COMMIT})`, main: before.main }] : [])]
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-store-'))
  const caches = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-'))
  const only = process.env.BENCH_CPU_STORES?.split(',')
  const stores = ['artifact', 'cache', `file:${path.join(workdir, 'state')}`].filter((s) => !only || only.some((o) => s.startsWith(o)))
  const label = (s: string) => (s.startsWith('file:') ? 'file:<dir>' : s)
  const samples = new Map<string, StepSample[]>()
  const floors = new Map<string, StepSample[]>()
  const add = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v])
  let dirs = 0
  const freshCache = () => path.join(caches, String(++dirs))
  w.setLatency(LATENCY_MS)
  try {
    for (let r = 0; r < rounds; r++) {
      for (const store of stores) {
        // interleaved: the builds swap order every round, and so do the two cache states
        const order = r % 2 ? [...builds].reverse() : builds
        const cacheOrder: Cache[] = r % 2 ? ['later', 'first'] : ['first', 'later']
        for (const build of order) {
          for (const cache of cacheOrder) {
            const { env } = w.freshRun()
            const shared = freshCache()
            for (const command of ['queued', 'building', 'built'] as const) {
              const inputs = {
                ...appInputs(w), command, store, builds: 'linux',
                ...(command === 'built' ? { conclusion: 'success' } : {}),
              }
              // first: every step its own empty directory; later: queued fills the one the others use
              const dir = cache === 'first' ? freshCache() : shared
              const s = await step(w, `${command} (${label(store)}, ${build.label})`, {
                script: build.main, inputs, env: { ...env, NODE_COMPILE_CACHE: dir }, workdir,
              })
              if (command !== 'queued') add(samples, `${build.label}|${label(store)}|${command}|${cache}`, s)
              if (command !== 'queued' && build === builds[0] && cache === 'first') {
                const f = await step(w, 'floor', { script: floorScript, inputs: {}, env: { ...w.freshRun().env, FLOOR_REQUESTS: String(s.github + s.runtime) } })
                add(floors, `${label(store)}|${command}`, f)
              }
            }
          }
        }
      }
    }
  } finally {
    w.setLatency(0)
    fs.rmSync(workdir, { recursive: true, force: true })
    fs.rmSync(caches, { recursive: true, force: true })
    before?.remove()
  }
  const cpu = (list: StepSample[] | undefined) => median((list ?? []).map((s) => s.cpu))
  const wall = (list: StepSample[] | undefined) => median((list ?? []).map((s) => s.wall))
  const rows = [[
    'store', 'step', 'compile cache', `CPU, ${builds[1]?.label ?? 'before (not available)'}`, 'CPU, this build', 'this / before',
    'wall, before', 'wall, this build', 'requests (this build)', 'floor CPU', 'floor wall',
  ]]
  for (const store of stores) {
    for (const command of ['building', 'built']) {
      for (const cache of ['first', 'later'] as const) {
        const key = `${label(store)}|${command}|${cache}`
        const now = samples.get(`${builds[0]!.label}|${key}`)
        const then = builds[1] ? samples.get(`${builds[1].label}|${key}`) : undefined
        const f = floors.get(`${label(store)}|${command}`)
        const last = now?.at(-1)
        rows.push([
          label(store), `**${command}**`, cache === 'first' ? 'first step (empty)' : 'later step (filled)',
          ms(cpu(then)), ms(cpu(now)), ratio(cpu(now), cpu(then)), ms(wall(then)), ms(wall(now)),
          last ? String(last.github + last.runtime) : '—', ms(cpu(f)), ms(wall(f)),
        ])
      }
    }
  }
  return {
    title: `7. CPU per transition step, this build and the build before, ${LATENCY_MS} ms added per request`,
    rows,
    notes: [
      `Median of ${rounds} rounds. Each round runs, per store and per build, \`queued\` then \`building\` then \`built\` (conclusion: success) of one build of a fresh workflow run, twice: once with every step given an empty compile cache directory (NODE_COMPILE_CACHE; "first step", as a job's first use of the action), once with one directory the \`queued\` step filled ("later step", as a job's later step of the action finds it). The builds and the two cache states swap order every round.`,
      `CPU: the step process's own user + system time (process.resourceUsage() at exit, bench/lib/cpu-usage.mjs). Before: dist/ of commit ${BEFORE_COMMIT}, extracted with \`git archive\` at run time${before ? '' : ' (not available here: a shallow clone; see bench/RESULTS-before.md)'}.`,
      'Floor: one bare node process (bench/lib/floor.mjs) making as many loopback round trips as this build\'s step did, one after another, at the same latency, measured in the same rounds.',
    ],
  }
}
