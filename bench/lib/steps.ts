// One step of the action (main only: the transition commands save no token, so their post step
// does nothing) with the requests it made, GitHub and runtime apart.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runAction, type RunActionResult } from '../../test/runner.ts'
import type { BenchWorld } from './world.ts'

/** cpu: the step process's own user + system CPU time, ms (bench/lib/cpu-usage.mjs). */
export interface StepSample { wall: number; cpu: number; github: number; runtime: number; result: RunActionResult }

const cpuHook = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'cpu-usage.mjs')).href

export function checkResult(r: RunActionResult, what: string): void {
  if (r.exitCode !== 0 || r.errors.length > 0) throw new Error(`${what} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`)
}

export async function step(
  w: BenchWorld,
  what: string,
  opts: {
    script?: string; inputs: Record<string, string | undefined>; env: Record<string, string>; workdir?: string; timeoutMs?: number
    /** more node options for the step process (e.g. --cpu-prof) */
    nodeOptions?: string
  },
): Promise<StepSample> {
  w.refillRateLimit()
  const cpuFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-')), 'cpu.json')
  const { nodeOptions, ...rest } = opts
  const env = { ...opts.env, NODE_OPTIONS: `--import=${cpuHook}${nodeOptions ? ` ${nodeOptions}` : ''}`, BENCH_CPU_FILE: cpuFile }
  const before = w.counts()
  const t0 = performance.now()
  const result = await runAction({ script: w.dist.main, timeoutMs: 600_000, ...rest, env })
  const wall = performance.now() - t0
  checkResult(result, what)
  const after = w.counts()
  const { user, system } = JSON.parse(fs.readFileSync(cpuFile, 'utf8')) as { user: number; system: number }
  fs.rmSync(path.dirname(cpuFile), { recursive: true, force: true })
  return { wall, cpu: (user + system) / 1000, github: after.github - before.github, runtime: after.runtime - before.runtime, result }
}

/** Inputs of the app's credentials. */
export const appInputs = (w: BenchWorld) => ({ 'app-id': String(w.gh.app.id), 'private-key': w.gh.app.privateKeyPkcs1 })
