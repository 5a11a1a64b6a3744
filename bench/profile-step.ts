// `node --experimental-strip-types bench/profile-step.ts <store> [dist/index.js]`: runs queued,
// building and built of one build against the emulators at 30 ms per request, each step with
// `node --cpu-prof` (profiles in $PROFILE_DIR, default a temp folder), and prints each
// profile's top self-time functions and the CPU by file. For finding where a step's CPU goes;
// not part of `npm run bench`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { appInputs, step } from './lib/steps.ts'
import { startWorld } from './lib/world.ts'

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const store = process.argv[2] ?? 'artifact'
const script = process.argv[3] ? path.resolve(process.argv[3]) : undefined
const out = process.env.PROFILE_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'))
const w = await startWorld({ liftSecondaryLimits: true })
const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-store-'))
const storeSpec = store === 'file' ? `file:${path.join(workdir, 'state')}` : store
try {
  w.setLatency(30)
  const { env } = w.freshRun()
  const cache = process.env.PROFILE_COMPILE_CACHE || fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-cc-'))
  for (const command of ['queued', 'building', 'built'] as const) {
    const dir = path.join(out, command)
    const s = await step(w, command, {
      script: script ?? w.dist.main,
      inputs: { ...appInputs(w), command, store: storeSpec, builds: 'linux', ...(command === 'built' ? { conclusion: 'success' } : {}) },
      env: { ...env, NODE_COMPILE_CACHE: cache, ...(process.env.PROFILE_DEBUG_CACHE ? { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' } : {}) }, workdir,
      nodeOptions: `--cpu-prof --cpu-prof-dir=${dir}`,
    })
    if (process.env.PROFILE_DEBUG_CACHE) console.log(s.result.stderr.split('\n').filter((l) => /index\.js/.test(l)).join('\n'))
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!
    console.log(`\n## ${command}: wall ${s.wall.toFixed(0)} ms, CPU ${s.cpu.toFixed(0)} ms, ${s.github} GitHub + ${s.runtime} runtime requests; ${path.join(dir, file)}`)
    summarize(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Profile)
  }
} finally {
  await w.close()
  fs.rmSync(workdir, { recursive: true, force: true })
}

function summarize(p: Profile): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
  const fn = new Map<string, number>()
  const file = new Map<string, number>()
  for (const [id, t] of self) {
    const n = byId.get(id)!
    const f = n.callFrame
    const where = f.url ? path.basename(f.url) : '(native)'
    if (f.functionName === '(idle)') continue
    fn.set(`${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}:${f.columnNumber + 1}`, (fn.get(`${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}:${f.columnNumber + 1}`) ?? 0) + t)
    file.set(where, (file.get(where) ?? 0) + t)
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `  ${(t / 1000).toFixed(1).padStart(6)} ms  ${k}`).join('\n')
  const busy = [...file.values()].reduce((a, b) => a + b, 0)
  console.log(`busy (not idle) ${(busy / 1000).toFixed(0)} ms of ${((p.endTime - p.startTime) / 1000).toFixed(0)} ms\nby file:\n${top(file, 12)}\ntop functions (self):\n${top(fn, 25)}`)
}
