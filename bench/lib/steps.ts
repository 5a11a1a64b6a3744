// One step of the action (main only: the transition commands save no token, so their post step
// does nothing) with the requests it made, GitHub and runtime apart.
import { runAction, type RunActionResult } from '../../test/runner.ts'
import type { BenchWorld } from './world.ts'

export interface StepSample { wall: number; github: number; runtime: number; result: RunActionResult }

export function checkResult(r: RunActionResult, what: string): void {
  if (r.exitCode !== 0 || r.errors.length > 0) throw new Error(`${what} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`)
}

export async function step(
  w: BenchWorld,
  what: string,
  opts: { script?: string; inputs: Record<string, string | undefined>; env: Record<string, string>; workdir?: string; timeoutMs?: number },
): Promise<StepSample> {
  w.refillRateLimit()
  const before = w.counts()
  const t0 = performance.now()
  const result = await runAction({ script: w.dist.main, timeoutMs: 600_000, ...opts })
  const wall = performance.now() - t0
  checkResult(result, what)
  const after = w.counts()
  return { wall, github: after.github - before.github, runtime: after.runtime - before.runtime, result }
}

/** Inputs of the app's credentials. */
export const appInputs = (w: BenchWorld) => ({ 'app-id': String(w.gh.app.id), 'private-key': w.gh.app.privateKeyPkcs1 })
