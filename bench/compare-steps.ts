// `node --experimental-strip-types bench/compare-steps.ts <other dist dir> [rounds]`: the building
// and built steps of the artifact and cache stores at 30 ms per request, this dist/ against
// another build (e.g. main's), interleaved round by round (the order of the two builds alternates),
// with the floor of each step's shape measured in the same rounds. Prints medians; asserts nothing.
import os from 'node:os'
import { FloorSamples } from './lib/floor.ts'
import { snapshotDist } from './lib/dist.ts'
import { markdownTable, median, ms, ratio } from './lib/stats.ts'
import { appInputs, step, type StepSample } from './lib/steps.ts'
import { startWorld } from './lib/world.ts'

const LATENCY_MS = 30
const [otherDir, roundsArg] = process.argv.slice(2)
if (!otherDir) throw new Error('usage: compare-steps.ts <other dist dir> [rounds]')
const rounds = Number(roundsArg ?? 9)
const w = await startWorld({ liftSecondaryLimits: true })
const other = snapshotDist(otherDir)
const builds = { before: other.main, after: w.dist.main }
const samples = new Map<string, StepSample[]>()
/** Per step: from its start (the runner harness spawning it) to its GraphQL request's arrival at the emulator. */
const toGraphql = new Map<string, number[]>()
w.ghLatency.log = []
const floors = new FloorSamples(w)
const loads: number[] = []
const shape = (s: StepSample) => [{ requests: s.github + s.runtime }]
w.setLatency(LATENCY_MS)
try {
  for (let r = 0; r < rounds; r++) {
    loads.push(os.loadavg()[0]!)
    for (const store of ['artifact', 'cache']) {
      const order = (r % 2 === 0 ? ['before', 'after'] : ['after', 'before']) as (keyof typeof builds)[]
      for (const build of order) {
        const { env } = w.freshRun()
        for (const command of ['queued', 'building', 'built']) {
          const inputs = { ...appInputs(w), command, store, builds: 'linux', ...(command === 'built' ? { conclusion: 'success' } : {}) }
          const from = w.ghLatency.log.length
          const started = performance.now()
          const s = await step(w, `${command} (${store}, ${build})`, { script: builds[build], inputs, env })
          if (command === 'queued') continue
          const key = `${store}|${command}|${build}`
          const graphql = w.ghLatency.log.slice(from).find((r) => r.what === 'POST /graphql')
          if (graphql) toGraphql.set(key, [...(toGraphql.get(key) ?? []), graphql.at - started])
          samples.set(key, [...(samples.get(key) ?? []), s])
          await floors.take(r, shape(s))
        }
      }
    }
  }
} finally {
  w.setLatency(0)
  other.remove()
  await w.close()
}
const rows = [['store', 'step', 'before wall', 'after wall', 'after − before, per round (median)', 'start → GraphQL request (before / after)', 'before CPU', 'after CPU', 'requests (before / after)', 'floor', 'before / floor', 'after / floor']]
for (const store of ['artifact', 'cache']) {
  for (const command of ['building', 'built']) {
    const b = samples.get(`${store}|${command}|before`)!
    const a = samples.get(`${store}|${command}|after`)!
    const floor = median(floors.get(shape(a.at(-1)!)))
    const wall = (l: StepSample[]) => median(l.map((s) => s.wall))
    const cpu = (l: StepSample[]) => median(l.map((s) => s.cpu))
    const req = (l: StepSample[]) => median(l.map((s) => s.github + s.runtime))
    // Each round ran both builds back to back: their difference carries less of the machine's drift.
    const paired = median(a.map((s, i) => s.wall - b[i]!.wall))
    const g = (build: string) => ms(median(toGraphql.get(`${store}|${command}|${build}`) ?? []))
    rows.push([store, command, ms(wall(b)), ms(wall(a)), ms(paired), `${g('before')} / ${g('after')}`, ms(cpu(b)), ms(cpu(a)), `${req(b)} / ${req(a)}`, ms(floor), ratio(wall(b), floor), ratio(wall(a), floor)])
  }
}
console.log(markdownTable(rows))
console.log(`\nMedian of ${rounds} rounds, ${LATENCY_MS} ms per request; load average (1 min) per round: ${loads.map((l) => l.toFixed(1)).join(', ')}.`)
