// Bench (5): merging a suite's fragments (mergeAll, run by conclude, reconcile and the completing
// `built`), in process: N builds leave 2N + 1 fragments (one queued document of all builds, then a
// building and a built fragment each). Beside it the fold of the pairwise join (mergeAll as it was:
// the accumulated builds copied once per fragment, quadratic) and a floor: one Map.set per record
// of the same input, no comparison, which any merge of it must at least do.
import { emptyServiceData, mergeAll, mergeServiceData } from '../src/checks/service-data.ts'
import type { CheckRunRecord, ServiceData } from '../src/checks/types.ts'
import { KEY, suiteFragments } from '../test/suite-fragments.ts'
import { median, ratio, type Section } from './lib/stats.ts'

/** Small ratios keep two significant digits (0.0011×), where ratio() would print 0.00×. */
const ratioSmall = (a: number, b: number) => (a / b < 0.1 ? `${(a / b).toPrecision(2)}×` : ratio(a, b))

const fold = (documents: ServiceData[]) => documents.reduce(mergeServiceData, emptyServiceData(KEY))
function floor(documents: ServiceData[]): number {
  const m = new Map<string, CheckRunRecord>()
  for (const d of documents) for (const b of Object.keys(d.check_runs)) m.set(b, d.check_runs[b]!)
  return m.size
}
/**
 * CPU time (user + sys, ms) rather than wall time: on a machine shared by many processes a pure
 * computation's wall time is mostly time spent descheduled.
 */
function time(f: () => unknown, rounds: number): number {
  const samples: number[] = []
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage()
    f()
    const { user, system } = process.cpuUsage(t0)
    samples.push((user + system) / 1000)
  }
  return median(samples)
}
const msf = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '—')

/** `oldUpTo`: the largest N the quadratic fold is run for (about 0.9 s at 1,000 builds, 84 s at 10,000). */
export async function benchMerge(plan: number[] = [1000, 10_000], rounds = 7, oldUpTo = 1000): Promise<Section> {
  const rows = [['N builds', 'fragments', 'mergeAll (linear)', 'floor (one Map.set per record)', 'fold of mergeServiceData (before)', 'ours / floor', 'ours / before']]
  const measured = plan.map((n) => {
    const documents = suiteFragments(n)
    for (let i = 0; i < 3; i++) { mergeAll(KEY, documents); floor(documents) } // warm-up (JIT)
    return { n, documents, ours: time(() => mergeAll(KEY, documents), rounds), bare: time(() => floor(documents), rounds) }
  })
  // The quadratic fold last: the garbage it leaves would land in the linear pass's timings.
  for (const { n, documents, ours, bare } of measured) {
    const before = n <= oldUpTo ? time(() => fold(documents), 1) : NaN
    rows.push([String(n), String(documents.length), msf(ours), msf(bare), n <= oldUpTo ? msf(before) : `not run (quadratic: about 84 s in an earlier profile)`, ratio(ours, bare), ratioSmall(ours, before)])
  }
  return {
    title: '5. Merging a suite\'s fragments (mergeAll), in process',
    rows,
    notes: [
      `CPU time of the bench process (user + sys, so the garbage collector's threads count too), not wall time, which on the shared machine was mostly time spent descheduled. Median of ${rounds} runs after 3 warm-up runs (the fold before: 1 run, only up to ${oldUpTo} builds).`,
      'The fold of mergeServiceData is the reference test/unit/checks/service-data-merge-all.test.ts holds mergeAll equal to (values, key order and the very records chosen).',
    ],
  }
}
