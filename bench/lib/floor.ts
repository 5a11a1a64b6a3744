// The floor of a row: bare Node processes (bench/lib/floor.mjs, started by the same runner
// harness as the action) making the same number of loopback round trips as the row's step did,
// one after another, at the same added latency. What any implementation pays for the processes
// and the requests; ours / floor is what our code adds (below 1 when we send requests in parallel).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runAction } from '../../test/runner.ts'
import { checkResult } from './steps.ts'
import type { BenchWorld } from './world.ts'

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor.mjs')

/** One process of a floor: its round trips, and whether it signs a JWT first. */
export interface FloorProcess { requests: number; sign?: boolean }

export const describeFloor = (processes: FloorProcess[]) =>
  processes.map((p) => `${p.sign ? 'sign + ' : ''}${p.requests}`).join(', then ')

/** Wall time of the processes run one after another (as a runner runs a job's steps). */
export async function floorWall(w: BenchWorld, processes: FloorProcess[]): Promise<number> {
  const { env } = w.freshRun()
  const t0 = performance.now()
  for (const p of processes) {
    const r = await runAction({
      script, inputs: {}, timeoutMs: 600_000,
      env: { ...env, FLOOR_REQUESTS: String(p.requests), ...(p.sign ? { FLOOR_SIGN_KEY: w.gh.app.privateKeyPkcs1 } : {}) },
    })
    checkResult(r, 'floor')
  }
  return performance.now() - t0
}

/** Floors measured once per round and key, so rows of equal shape share one sample per round. */
export class FloorSamples {
  #samples = new Map<string, number[]>()
  #round = new Map<string, number>()
  readonly w: BenchWorld
  constructor(w: BenchWorld) {
    this.w = w
  }

  /** Measures the floor for this round unless this round already has it. */
  async take(round: number, processes: FloorProcess[]): Promise<void> {
    const key = describeFloor(processes)
    if (this.#round.get(key) === round) return
    this.#round.set(key, round)
    const wall = await floorWall(this.w, processes)
    this.#samples.set(key, [...(this.#samples.get(key) ?? []), wall])
  }

  get(processes: FloorProcess[]): number[] {
    return this.#samples.get(describeFloor(processes)) ?? []
  }
}
