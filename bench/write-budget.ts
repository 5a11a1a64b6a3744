// Bench (5): the write budget. Content-creating requests (what GitHub counts against an
// installation's 80-a-minute / 500-an-hour limit: every check-run mutation, every REST
// POST/PATCH/PUT/DELETE; https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits)
// over a whole pipeline of N builds with the artifact store: queued, one building and one built
// step per build (each its own job), conclude, then two scheduled reconciles. Against one REST
// call per transition (create on queue, update on start and end) and a CONCLUSION run created
// and completed: 3N + 2.
import { randomBytes } from 'node:crypto'
import { contentCreating } from '../test/content-creation.ts'
import { pool } from '../test/fault-harness.ts'
import type { Section } from './lib/stats.ts'
import { appInputs, step } from './lib/steps.ts'
import type { BenchWorld } from './lib/world.ts'

let runIds = 9000

export async function benchWriteBudget(w: BenchWorld, sizes = [8, 100]): Promise<Section> {
  const rows = [['N builds', 'queued', 'jobs (building + built)', 'conclude', 'reconcile ×2', 'whole pipeline', 'one REST call per transition', 'ours vs REST']]
  const repo = 'octo-org/repo-a'
  for (const n of sizes) {
    const runId = ++runIds
    const sha = randomBytes(20).toString('hex')
    const builds = Array.from({ length: n }, (_, i) => `b${i}`)
    const env = (job: string, id = runId) => ({
      GITHUB_API_URL: w.gh.url,
      GITHUB_SHA: sha,
      GITHUB_RUN_ID: String(id),
      GITHUB_JOB: job,
      ...w.rt.runtimeEnv({ runId: id, jobId: job, ref: 'refs/heads/main', headSha: sha }),
    })
    const phase = async (fn: () => Promise<unknown>) => {
      const before = w.gh.requests.length
      await fn()
      return contentCreating(w.gh.requests.slice(before)).total
    }
    const run = (command: string, job: string, inputs: Record<string, string> = {}, id = runId) =>
      step(w, `${command} (${job})`, { inputs: { ...appInputs(w), command, store: 'artifact', ...inputs }, env: env(job, id) })
    const queued = await phase(() => run('queued', 'queue', { builds: builds.join(',') }))
    const jobs = await phase(async () => {
      await pool(builds, 8, (b) => run('building', `build-${b}`, { builds: b }))
      await pool(builds, 8, (b) => run('built', `build-${b}`, { builds: b, conclusion: 'success' }))
    })
    const conclude = await phase(() => run('conclude', 'conclude'))
    const reconcile = await phase(async () => {
      await run('reconcile', 'reconcile', {}, ++runIds)
      await run('reconcile', 'reconcile', {}, ++runIds)
    })
    const runs = w.gh.checkRuns(repo).filter((r) => r.head_sha === sha)
    if (runs.length !== n + 1 || runs.some((r) => r.status !== 'completed')) throw new Error(`N = ${n}: ${runs.length} check runs, not all completed`)
    const ours = queued + jobs + conclude + reconcile
    const rest = 3 * n + 2
    rows.push([String(n), String(queued), String(jobs), String(conclude), String(reconcile), `**${ours}**`, String(rest), `${(ours / rest).toFixed(2)}×`])
  }
  return {
    title: '6. Content-creating requests over a whole pipeline (write budget)',
    rows,
    notes: [
      'Counted at the GitHub emulator: every GraphQL mutation and every REST POST/PATCH/PUT/DELETE made with the installation token (test/content-creation.ts, the rule of the emulator\'s secondary limit). The token mint is the app\'s (JWT), not counted.',
      'A pipeline: `queued` of N builds (one job), `building` and `built` of each build in its own job (8 at a time), `conclude`, then two scheduled `reconcile` runs (the first reads the suite and finds it settled, the second lists one page and reads nothing); artifact store. Ours includes the CONCLUSION run (created by `queued`, refreshed as builds end, completed by `conclude`).',
      'One REST call per transition: a POST per build on queue, a PATCH per build on start and on end, a POST and a PATCH for a CONCLUSION run: 3N + 2 (counted, not run).',
      'Before reconcile stopped writing, its first pass compacted the settled suite: one fragment written and its 2N + 2 fragments deleted, 18 DELETEs at N = 8 and 202 at N = 100 (the whole pipeline then 44 and 505, the latter past the 500-an-hour limit on its own). Every GraphQL mutation counts like a REST call, so batching saves requests and time (section 2), not content-creation budget: ours matches one REST call per transition, plus the CONCLUSION run\'s refreshes.',
      'Reconcile with nothing to repair writes nothing: no DELETE of fragments (artifact retention clears them) and no check-run mutation. Its index (one artifact upload per pass that learned something) goes through the Actions runtime, not the REST API, and is not counted by GitHub\'s limit.',
    ],
  }
}
