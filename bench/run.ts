// `npm run bench [-- section…]`: builds dist/ (npm script), then runs the benchmarks one after
// another and prints their tables; the same tables go to bench/RESULTS.md. Sections: token,
// queue, steps, bundle, merge, writes, cpu (default: all). Figures only: nothing here asserts a timing.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { renderSection, type Section } from './lib/stats.ts'
import { startWorld, type BenchWorld } from './lib/world.ts'
import { benchBundle } from './bundle-size.ts'
import { benchCpu } from './cpu.ts'
import { benchMerge } from './merge.ts'
import { benchQueue } from './queue.ts'
import { benchStores } from './stores.ts'
import { benchToken } from './token.ts'
import { benchWriteBudget } from './write-budget.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const sections: Record<string, (w: BenchWorld) => Promise<Section>> = {
  token: (w) => benchToken(w),
  queue: (w) => benchQueue(w),
  steps: (w) => benchStores(w),
  bundle: (w) => benchBundle(w),
  merge: () => benchMerge(),
  writes: (w) => benchWriteBudget(w),
  cpu: (w) => benchCpu(w),
}

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const names = wanted.length ? wanted : Object.keys(sections)
for (const n of names) if (!sections[n]) throw new Error(`unknown bench section "${n}": use ${Object.keys(sections).join(', ')}`)

const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`
console.log(`github-app-ci benchmarks — ${machine}\n`)
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ')
const loadBefore = load()
const done: string[] = []
const world = await startWorld({ liftSecondaryLimits: true })
try {
  for (const name of names) {
    const started = performance.now()
    const loadNow = load()
    const section = await sections[name]!(world)
    section.notes.push(`Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadNow} when it started.`)
    const text = renderSection(section)
    console.log(text)
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`)
    done.push(text)
  }
} finally {
  await world.close()
}
if (world.gh.violations.length) console.log(`Emulator violations:\n${world.gh.violations.join('\n')}`)

// Sections run now replace their earlier text in RESULTS.md; the others are kept.
// BENCH_RESULTS=<file> writes elsewhere (a run of another build, BENCH_DIST).
const resultsFile = process.env.BENCH_RESULTS ? path.resolve(process.env.BENCH_RESULTS) : path.join(here, 'RESULTS.md')
const previous = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8').split(/^(?=## )/m).slice(1) : []
const number = (text: string) => /^## (\d+)\./.exec(text)?.[1] ?? text
const merged = new Map(previous.map((t) => [number(t), t.trimEnd() + '\n']))
for (const t of done) merged.set(number(t), t)
const header = [
  '# Benchmark results',
  '',
  `Last run ${new Date().toISOString().slice(0, 10)} with \`npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}\` on ${machine}${process.env.BENCH_DIST ? `, of the build in ${process.env.BENCH_DIST}` : ''}.`,
  `Load average (1/5/15 min) ${loadBefore} at the start, ${load()} at the end. Other work shared the machine, so absolute times carry its noise; scenarios that are compared were interleaved, and each section says when it was measured.`,
  'Against the local emulators (test/emulator), so absolute times are this machine\'s; ratios and request counts carry over.',
  '',
]
fs.writeFileSync(resultsFile, [...header, ...[...merged.keys()].sort().map((k) => merged.get(k)!)].join('\n'))
