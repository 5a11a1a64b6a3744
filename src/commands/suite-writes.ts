// Sends one step's check-run writes (builds, and the CONCLUSION run when due) through applyPlan:
// one GraphQL request for up to 34 of them, the repository's node id from the event, the state,
// or one lookup that the state then remembers.
import * as core from '@actions/core'
import { isNoCommit, noCommitError } from '../github/commit-errors.ts'
import { applyPlan, buildWrite, conclusionWrite, type AppliedBuild, type AppliedWrite } from '../github/apply-plan.ts'
import { githubStatus, type WriteOperation } from '../checks/rules.ts'
import { conclusionExternalId, externalId, recordOf } from '../checks/service-data.ts'
import { outputFor } from '../checks/titles.ts'
import type { Annotation, CheckRunOutput, ServiceData, SuiteKey } from '../checks/types.ts'
import { repositoryNodeId, type ListedCheckRun } from '../github/check-runs.ts'
import { githubMessage } from '../github/client.ts'
import { conclusionRecordAfter, type ConclusionPlan } from '../checks/conclusion-run.ts'
import type { Session } from './session.ts'

export interface UserOutput {
  title?: string
  summary?: string
  text?: string
  annotations?: Annotation[]
}

export interface WritesResult {
  builds: AppliedBuild[]
  conclusion?: { applied: AppliedWrite; record: ReturnType<typeof conclusionRecordAfter> }
  /** Set when this step had to look it up: recorded in the fragment for later steps. */
  lookedUpRepositoryNodeId?: string
}

async function nodeIdFor(session: Session, data: ServiceData): Promise<{ id?: string; lookedUp: boolean }> {
  const known = session.repositoryNodeId ?? data.repository_node_id
  if (known) return { id: known, lookedUp: false }
  try {
    return { id: await repositoryNodeId(session.github, session.ctx.owner, session.ctx.repo), lookedUp: true }
  } catch (error) {
    core.warning(`Could not read the repository's node id: ${githubMessage(error)}.`)
    return { lookedUp: false }
  }
}

export async function sendWrites(
  session: Session,
  data: ServiceData,
  writes: WriteOperation[],
  /** One output for every build, or each build's own (command: mirror). */
  user: UserOutput | ((build: string) => UserOutput),
  conclusion?: ConclusionPlan,
  now: string = new Date().toISOString(),
): Promise<WritesResult> {
  const { key } = session
  const output = (op: WriteOperation): CheckRunOutput => {
    const given = typeof user === 'function' ? user(op.build) : user
    const out: CheckRunOutput = outputFor(op.record, given)
    if (given.annotations) out.annotations = given.annotations
    return out
  }
  const planned = writes.map((op) => buildWrite(op, key, recordOf(data, op.build), output(op)))
  if (conclusion?.op) planned.push(conclusionWrite(conclusion.op, key, data.conclusion_run, conclusion.output!))
  if (planned.length === 0) return { builds: [] }
  const node = await nodeIdFor(session, data)
  // A listing this step made (to rebuild its state) serves apply too; after the writes it is kept
  // with what they wrote (mirror's watch writes again in the same process).
  const listed = session.listing?.headSha === key.head_sha ? session.listing.runs : undefined
  delete session.listing
  const applied = await applyPlan(session.github, planned, {
    owner: session.ctx.owner,
    repo: session.ctx.repo,
    headSha: key.head_sha,
    ...(listed ? { listing: async () => listed } : {}),
    repositoryNodeId: node.id,
    appId: session.auth.appId,
  })
  // Every write refused for a commit the repository does not have: the input is wrong, say which.
  if (applied.length > 0 && applied.every((a) => !a.record.state_synced && isNoCommit(a.warning))) throw noCommitError(key.head_sha, key.repository)
  for (const a of applied) {
    if (!a.warning) continue
    // An unsynced record stays in the state: say who sends it, so the reader knows nothing is lost.
    const resend = a.record.state_synced ? '' : '. Recorded as unsynced: the next `command: reconcile` re-sends it.'
    core.warning(`${a.target === 'conclusion' ? 'CONCLUSION check run' : `build "${a.build}"`}: ${a.warning}${resend}`)
  }
  const result: WritesResult = { builds: [] }
  for (const a of applied) {
    if (a.target === 'conclusion') result.conclusion = { applied: a, record: conclusionRecordAfter(a, now) }
    else result.builds.push({ build: a.build, record: a.record, ...(a.url ? { url: a.url } : {}), ...(a.warning ? { warning: a.warning } : {}) })
  }
  if (listed) session.listing = { headSha: key.head_sha, runs: withWritten(listed, applied, key) }
  if (node.lookedUp) result.lookedUpRepositoryNodeId = node.id
  return result
}

/** A listing of the commit's runs with what this step's writes confirmed (the runs GitHub answered with). */
function withWritten(listed: ListedCheckRun[], applied: AppliedWrite[], key: SuiteKey): ListedCheckRun[] {
  const runs = new Map(listed.map((r) => [r.id, r]))
  for (const a of applied) {
    const r = a.record
    if (!r.state_synced || r.check_run_id === undefined || r.node_id === undefined) continue
    const external_id = a.target === 'conclusion' ? conclusionExternalId(key, r.generation) : externalId(key, a.build, r.generation)
    runs.set(r.check_run_id, {
      id: r.check_run_id, node_id: r.node_id, name: r.name, external_id, status: githubStatus(r.state),
      conclusion: r.state === 'built' ? (r.conclusion ?? null) : null, html_url: a.url ?? null,
    })
  }
  return [...runs.values()]
}
