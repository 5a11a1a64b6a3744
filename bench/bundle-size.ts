// Bench (4): the size of dist/ (raw and gzip), which chunks each command loads, and cold start:
// from starting the process to the emulator's first request (median of 6).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { runAction } from '../test/runner.ts'
import { bundleBaseline } from './lib/bundle.ts'
import { kib, median, ms, ratio, type Section } from './lib/stats.ts'
import { appInputs, checkResult } from './lib/steps.ts'
import type { BenchWorld } from './lib/world.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const gz = (file: string) => gzipSync(fs.readFileSync(file)).length

interface Probe { label: string; script: string; entry?: 'main' | 'post'; inputs: Record<string, string | undefined>; state?: Record<string, string> }

export async function benchBundle(w: BenchWorld, runs = 6): Promise<Section> {
  w.setLatency(0)
  const dir = w.dist.dir
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size)
  const total = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)
  const mint = await bundleBaseline('auth-app-mint')
  const bare = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bare-')), 'bare.mjs')
  fs.writeFileSync(bare, "await (await fetch(`${process.env.GITHUB_API_URL}/rate_limit`)).arrayBuffer()\n")

  // a token for post.js to revoke, fresh each run
  const token = async () => {
    const { env } = w.freshRun()
    const r = await runAction({ script: w.dist.main, inputs: { ...appInputs(w), 'skip-token-revoke': 'false' }, env })
    checkResult(r, 'token for post.js')
    return r.state
  }
  const probes: Probe[] = [
    { label: 'dist/index.js, command token', script: w.dist.main, inputs: appInputs(w) },
    { label: 'dist/index.js, command queued (artifact store)', script: w.dist.main, inputs: { ...appInputs(w), command: 'queued', builds: 'linux' } },
    { label: 'dist/index.js, command queued (cache store)', script: w.dist.main, inputs: { ...appInputs(w), command: 'queued', builds: 'linux', store: 'cache' } },
    { label: 'dist/post.js (revoke)', script: w.dist.post, entry: 'post', inputs: {} },
    { label: 'auth-app baseline (ncc bundle)', script: mint, inputs: appInputs(w) },
    { label: 'bare node + fetch (floor)', script: bare, inputs: {} },
  ]
  const loaded = new Map<string, string[]>()
  const coldStarts = new Map<string, number[]>(probes.map((p) => [p.label, []]))
  for (const p of probes) {
    // which files it loads (one run with a module hook; not timed)
    const list = path.join(path.dirname(bare), 'loaded.txt')
    fs.writeFileSync(list, '')
    const { env } = w.freshRun()
    const hook = pathToFileURL(path.join(here, 'lib', 'loaded-files.mjs')).href
    const state = p.entry === 'post' ? await token() : undefined
    checkResult(await runAction({ script: p.script, entry: p.entry, inputs: p.inputs, state, env: { ...env, NODE_OPTIONS: `--import=${hook}`, BENCH_LOADED_FILES: list } }), p.label)
    loaded.set(p.label, fs.readFileSync(list, 'utf8').split('\n').filter(Boolean).map((u) => fileURLToPath(u)))
  }
  // timed runs, the probes interleaved so that load on the machine hits them alike
  for (let i = 0; i < runs; i++) {
    for (const p of probes) {
      const { env } = w.freshRun()
      const state = p.entry === 'post' ? await token() : undefined
      w.refillRateLimit()
      const first = w.ghLatency.arrivals.length
      const t0 = performance.now()
      const r = await runAction({ script: p.script, entry: p.entry, inputs: p.inputs, state, env })
      checkResult(r, p.label)
      coldStarts.get(p.label)!.push((w.ghLatency.arrivals[first] ?? NaN) - t0)
    }
  }
  const rows = [['what', 'raw', 'gzip', 'cold start (median of ' + runs + ')', 'cold start / bare node']]
  rows.push(['dist/ (all files, incl. licenses.txt)', kib(total), '', '', ''])
  for (const f of files) rows.push([`dist/${f}`, kib(fs.statSync(path.join(dir, f)).size), kib(gz(path.join(dir, f))), '', ''])
  const floor = median(coldStarts.get(probes.at(-1)!.label)!)
  for (const p of probes) {
    const own = (loaded.get(p.label) ?? []).filter((f) => f === p.script || f.startsWith(dir + path.sep))
    const raw = own.reduce((n, f) => n + fs.statSync(f).size, 0)
    const zipped = own.reduce((n, f) => n + gz(f), 0)
    const names = own.map((f) => path.basename(f)).join(', ')
    const cold = median(coldStarts.get(p.label)!)
    rows.push([`${p.label}: loads ${names || path.basename(p.script)}`, kib(raw), kib(zipped), ms(cold), ratio(cold, floor)])
  }
  fs.rmSync(path.dirname(bare), { recursive: true, force: true })
  return {
    title: '4. Bundle size and cold start',
    rows,
    notes: [
      'gzip: Node\'s zlib at its default level. The per-command rows sum the bundle files that command\'s process actually loaded (found with a module-load hook in a separate, untimed run).',
      `Cold start: from just before the runner harness starts the process (its runner files included) to the GitHub emulator receiving the process's first request; median of ${runs}, probes interleaved, no added latency. The token command's first request comes after reading inputs and signing the JWT; \`queued\`'s after that too (its first request is the installation lookup).`,
    ],
  }
}
