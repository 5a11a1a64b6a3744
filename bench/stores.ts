// Bench (3): one `building` and one `built` step per store (artifact, cache, file), with 30 ms
// added to every request. Each round is a fresh workflow run whose builds were queued first.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { FloorSamples } from './lib/floor.ts'
import { median, ms, ratio, type Section } from './lib/stats.ts'
import { appInputs, step, type StepSample } from './lib/steps.ts'
import type { BenchWorld } from './lib/world.ts'

const LATENCY_MS = 30
const COMMANDS = ['queued', 'building', 'built'] as const

export async function benchStores(w: BenchWorld, rounds = 3): Promise<Section> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-file-store-'))
  const stores = ['artifact', 'cache', `file:${path.join(workdir, 'state')}`]
  const label = (s: string) => (s.startsWith('file:') ? 'file:<dir>' : s)
  const samples = new Map<string, StepSample[]>()
  const floors = new FloorSamples(w)
  const shape = (s: StepSample) => [{ requests: s.github + s.runtime }]
  w.setLatency(LATENCY_MS)
  try {
    for (let r = 0; r < rounds; r++) {
      for (const store of stores) {
        const { env, sha } = w.freshRun()
        for (const command of COMMANDS) {
          const inputs = {
            ...appInputs(w), command, store, builds: 'linux',
            ...(command === 'built' ? { conclusion: 'success' } : {}),
          }
          const s = await step(w, `${command} (${label(store)})`, { inputs, env, workdir })
          const key = `${label(store)}|${command}`
          samples.set(key, [...(samples.get(key) ?? []), s])
          await floors.take(r, shape(s))
        }
        const run = w.gh.checkRuns('octo-org/repo-a').find((c) => c.head_sha === sha && c.name.endsWith('/ linux'))
        if (run?.status !== 'completed') throw new Error(`${label(store)}: the build's check run is ${run?.status ?? 'missing'}`)
      }
    }
  } finally {
    w.setLatency(0)
    fs.rmSync(workdir, { recursive: true, force: true })
  }
  const rows = [['store', 'step', 'median wall', 'CPU (user + sys)', 'GitHub requests', 'runtime requests', 'requests', 'floor (1 process + as many round trips)', 'ours / floor']]
  for (const store of stores) {
    for (const command of COMMANDS) {
      const list = samples.get(`${label(store)}|${command}`)!
      const g = median(list.map((s) => s.github))
      const rt = median(list.map((s) => s.runtime))
      const floor = median(floors.get(shape(list.at(-1)!)))
      const wall = median(list.map((s) => s.wall))
      rows.push([label(store), command === 'queued' ? 'queued (setup)' : `**${command}**`, ms(wall), ms(median(list.map((s) => s.cpu))), String(g), String(rt), String(g + rt), ms(floor), ratio(wall, floor)])
    }
  }
  return {
    title: `3. One building and one built step per store, ${LATENCY_MS} ms added per request`,
    rows,
    notes: [
      `Median of ${rounds} rounds; each round is a fresh workflow run and commit: \`queued\` (not the measured step, shown for reference), then \`building\`, then \`built\` (conclusion: success) of one build, each a separate process as on a runner.`,
      `Floor (bench/lib/floor.ts): one bare node process started by the same runner harness making the step's number of requests as loopback round trips one after another at the same ${LATENCY_MS} ms; measured in the same rounds, interleaved. A floor of only the round trips on the critical path (about 6 for building/built) would be lower.`,
      'CPU: the step process\'s own user + system time (process.resourceUsage() at exit, through a preloaded module, bench/lib/cpu-usage.mjs), median; less sensitive than wall time to the other work on the machine.',
      'GitHub requests include the step\'s own token (installation lookup and token request); runtime requests are the Actions results service (Twirp) and blob storage calls of the artifact and cache stores (src/store/results-client.ts, src/store/cache-service.ts).',
    ],
  }
}
