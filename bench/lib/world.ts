// The emulators a benchmark runs against: the GitHub emulator with the Actions storage REST routes,
// and the Actions runtime emulator, both behind the same adjustable per-request latency.
import { randomBytes } from 'node:crypto'
import { startGitHubEmulator, type GitHubEmulator } from '../../test/emulator/github/index.ts'
import { mountActionsStorage } from '../../test/emulator/github-actions-storage.ts'
import { startRuntimeEmulator, type RuntimeEmulator } from '../../test/emulator/runtime/index.ts'
import { snapshotDist, type DistSnapshot } from './dist.ts'
import { withLatency, type Latency } from './latency.ts'

export interface BenchWorld {
  gh: GitHubEmulator
  rt: RuntimeEmulator
  ghLatency: Latency
  rtLatency: Latency
  installationId: number
  /** the action's bundle, copied when the bench started */
  dist: DistSnapshot
  setLatency(ms: number): void
  /** Env of one job of a fresh workflow run (own run id, own commit): no state carried over. */
  freshRun(): { env: Record<string, string>; sha: string; runId: number }
  /** Requests so far: GitHub (REST + GraphQL) and runtime (Twirp + blob). */
  counts(): { github: number; runtime: number }
  /** A full primary rate-limit budget again (each run starts with 5,000 left, like a fresh hour). */
  refillRateLimit(): void
  close(): Promise<void>
}

let runIds = 5000

export async function startWorld(opts: { liftSecondaryLimits?: boolean } = {}): Promise<BenchWorld> {
  const ghLatency: Latency = { ms: 0, arrivals: [] }
  const rtLatency: Latency = { ms: 0, arrivals: [] }
  const gh = await withLatency(ghLatency, () => startGitHubEmulator())
  const rt = await withLatency(rtLatency, () => startRuntimeEmulator())
  mountActionsStorage(gh, rt)
  const dist = snapshotDist()
  // Repeated runs within a minute would otherwise measure the emulator's 80/min, 500/h window.
  if (opts.liftSecondaryLimits) gh.setSecondaryLimits({ perMinute: 1e9, perHour: 1e9 })
  const installationId = gh.installations().find((i) => i.account === 'octo-org')!.id
  return {
    gh, rt, ghLatency, rtLatency, installationId, dist,
    setLatency(ms) { ghLatency.ms = ms; rtLatency.ms = ms },
    freshRun() {
      const runId = ++runIds
      const sha = randomBytes(20).toString('hex')
      const env = {
        GITHUB_API_URL: gh.url,
        GITHUB_SHA: sha,
        GITHUB_RUN_ID: String(runId),
        ...rt.runtimeEnv({ runId, jobId: 'build', ref: 'refs/heads/main', headSha: sha }),
      }
      return { env, sha, runId }
    },
    counts: () => ({ github: gh.requests.length, runtime: rt.calls.length }),
    refillRateLimit: () => gh.setRateLimitRemaining(installationId, 5000),
    close: async () => { await gh.close(); await rt.close(); dist.remove() },
  }
}
