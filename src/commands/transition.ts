// command: queued | building | built — report builds' state transitions as check runs.
// inputs -> token -> read the suite's state -> rules -> one GraphQL request -> write this step's
// fragment -> outputs and step summary. Requests to GitHub per step (the token's two, plus):
// one GraphQL request for up to 34 check runs (the CONCLUSION run rides along), one repository
// lookup only when neither the event nor the state has its node id, one listing only when the
// state is lost or corrupt (or a reply was lost). The token is not revoked (see session.ts).
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { buildGetsCheckRun, decideAggregate } from '../checks/aggregate.ts'
import { renderName } from '../checks/inputs.ts'
import { planTransition, type WriteOperation } from '../checks/rules.ts'
import { emptyServiceData, mergeServiceData, recordOf, setOwn } from '../checks/service-data.ts'
import { escapeMarkdown, safeUrl, titleFor } from '../checks/titles.ts'
import type { BuildState, CheckRunRecord, ServiceData, Transition } from '../checks/types.ts'
import { readRunContext } from '../context.ts'
import { UserError } from '../errors.ts'
import { planConclusionRun } from './conclusion-run.ts'
import { openSession, readCommonInputs, readSuite, writeSuite, type Session } from './session.ts'
import { sendWrites } from './suite-writes.ts'
import { readTransitionInputs, type TransitionInputs } from './transition-inputs.ts'

const STATES: Record<string, BuildState> = { queued: 'queued', building: 'building', built: 'built' }

interface BuildOutcome {
  build: string
  record?: CheckRunRecord
  url?: string
  skipped?: string
}

export async function run(): Promise<void> {
  const command = core.getInput('command').trim().toLowerCase()
  const state = STATES[command]
  if (!state) throw new UserError(`command "${command}" is not a transition: use queued, building or built.`)
  // Every input first: a bad one must write nothing to GitHub or the store.
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const inputs = readTransitionInputs(state, common, ctx.runUrl)
  const app = readAppInputs()

  const session = await openSession({ ctx, inputs: common, app })
  await report(session, inputs)
}

async function report(session: Session, inputs: TransitionInputs): Promise<void> {
  const { ctx, key, inputs: common } = session
  const now = new Date().toISOString()
  const read = await readSuite(session, key, { expect: inputs.state === 'queued' ? [] : inputs.builds })
  const data = read.data

  const transition: Transition = {
    state: inputs.state,
    generation: ctx.runAttempt,
    at: now,
    details_url: inputs.detailsUrl,
    reporter: { run_id: ctx.runId || 1, run_attempt: ctx.runAttempt, job: ctx.job || 'job', job_url: ctx.runUrl },
    ...(inputs.conclusion ? { conclusion: inputs.conclusion } : {}),
  }
  const plan = planTransition(data, inputs.builds, transition, (build) => renderName(common.nameTemplate, common.suite, build))
  for (const w of plan.warnings) core.warning(w)

  // Aggregate mode: past aggregate-above builds only the CONCLUSION run reports the suite.
  const buildCount = new Set([...Object.keys(data.check_runs), ...inputs.builds]).size
  const decision = decideAggregate({
    buildCount,
    aggregateAbove: common.aggregateAbove,
    rateLimitRemaining: session.rateLimitRemaining(),
    alreadyAggregate: data.aggregate !== undefined,
  })
  const aggregate = decision.aggregate && common.conclusionCheck
  if (decision.aggregate && !common.conclusionCheck) {
    core.warning(`Aggregate mode would apply (${decision.reason}), but conclusion-check is false: every build keeps its own check run.`)
  }
  const switched = aggregate && data.aggregate === undefined ? { since: now, reason: decision.reason ?? 'aggregate mode' } : undefined
  if (switched) core.notice(`Aggregate mode: ${switched.reason}. Only the "${common.conclusionName}" check run reports this suite.`)

  const writes: WriteOperation[] = []
  const local: CheckRunRecord[] = []
  const localBuilds: string[] = []
  const skipped = new Map<string, string>()
  for (const op of plan.operations) {
    if (op.op === 'skip') skipped.set(op.build, op.reason)
    else if (aggregate && !buildGetsCheckRun(true, recordOf(data, op.build))) {
      local.push({ ...op.record, state_synced: true }) // nothing to send: the CONCLUSION run counts it
      localBuilds.push(op.build)
    } else writes.push(op)
  }

  // The suite as it will be once this step's writes land: what the CONCLUSION run shows.
  const planned: ServiceData = { ...emptyServiceData(key), check_runs: {} }
  for (const op of writes) setOwn(planned.check_runs, op.build, op.record)
  local.forEach((r, i) => setOwn(planned.check_runs, localBuilds[i]!, r))
  if (switched) planned.aggregate = switched
  const after = mergeServiceData(data, planned)
  const conclusion = planConclusionRun(session, after, { final: false, mayOpen: inputs.state === 'queued', aggregate, now })

  const sent = await sendWrites(session, data, writes, inputs, conclusion, now)

  // This step's fragment: the builds it touched (and records rebuilt from GitHub for them).
  const fragment: ServiceData = emptyServiceData(key)
  const outcomes: BuildOutcome[] = []
  for (const build of inputs.builds) {
    const applied = sent.builds.find((a) => a.build === build)
    const localIndex = localBuilds.indexOf(build)
    const record = applied?.record ?? (localIndex >= 0 ? local[localIndex] : recordOf(data, build))
    if (applied || localIndex >= 0 || (record && read.rebuilt.includes(build))) setOwn(fragment.check_runs, build, record!)
    outcomes.push({ build, record, url: applied?.url, skipped: skipped.get(build) })
  }
  if (switched) fragment.aggregate = switched
  if (sent.conclusion) fragment.conclusion_run = sent.conclusion.record
  if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
  if (!aggregate && !switched) {
    // The installation's remaining budget, known only now: switch later steps if it ran low.
    const late = decideAggregate({ buildCount, aggregateAbove: common.aggregateAbove, rateLimitRemaining: session.rateLimitRemaining(), alreadyAggregate: false })
    if (late.aggregate && common.conclusionCheck) {
      fragment.aggregate = { since: now, reason: late.reason ?? 'low rate limit' }
      core.warning(`Switching the suite to aggregate mode for its next steps: ${late.reason}.`)
    }
  }
  const saved = Object.keys(fragment.check_runs).length > 0 || fragment.aggregate || fragment.conclusion_run || fragment.repository_node_id
    ? await writeSuite(session, key, fragment)
    : { saved: true }

  // Outputs and the step summary.
  const runUrl = (id: number | undefined) => (id === undefined ? null : `${ctx.serverUrl}/${ctx.repository}/runs/${id}`)
  const checkRuns: Record<string, { id: number | null; url: string | null; state: BuildState | null; synced: boolean }> = {}
  for (const o of outcomes) {
    setOwn(checkRuns, o.build, {
      id: o.record?.check_run_id ?? null,
      url: o.url ?? runUrl(o.record?.check_run_id),
      state: o.record?.state ?? null,
      synced: o.record?.state_synced ?? true,
    })
  }
  const unsynced =
    outcomes.filter((o) => o.record && !o.record.state_synced && !o.skipped).length +
    (sent.conclusion && !sent.conclusion.record.state_synced ? 1 : 0)
  core.setOutput('check-runs', JSON.stringify(checkRuns))
  core.setOutput('unsynced', String(unsynced))
  await writeStepSummary(session, inputs.state, outcomes, aggregate, runUrl(sent.conclusion?.record.check_run_id ?? after.conclusion_run?.check_run_id))
  core.info(
    `${inputs.state}: ${inputs.builds.length} build(s), ${sent.builds.length} check run write(s)` +
      `${sent.conclusion ? `, CONCLUSION ${sent.conclusion.record.state}` : ''}, ${skipped.size} skipped, ${unsynced} unsynced; ` +
      `${session.requestCount()} request(s) with the installation token.`,
  )

  const problems: string[] = []
  if (unsynced > 0) problems.push(`${unsynced} transition(s) may not have reached GitHub (reconcile re-sends them)`)
  if (!saved.saved) problems.push('the state could not be saved')
  if (problems.length > 0 && common.failOnUnsynced) {
    throw new UserError(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`)
  }
}

async function writeStepSummary(
  session: Session,
  state: BuildState,
  outcomes: BuildOutcome[],
  aggregate: boolean,
  conclusionUrl: string | null,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const { inputs } = session
  const rows = outcomes.map((o) => {
    const shown = o.record ? titleFor(o.record) : '—'
    const url = safeUrl(o.record?.check_run_id !== undefined ? `${session.ctx.serverUrl}/${session.ctx.repository}/runs/${o.record.check_run_id}` : (aggregate ? conclusionUrl ?? undefined : undefined))
    const link = url ? `[${o.record?.check_run_id !== undefined ? 'check run' : 'CONCLUSION'}](${url})` : '—'
    const note = o.skipped ? ` (skipped: ${escapeMarkdown(o.skipped)})` : o.record && !o.record.state_synced ? ' (may not have reached GitHub)' : ''
    return `| ${escapeMarkdown(o.build)} | ${shown}${note} | ${link} |`
  })
  const lines = [
    `### ${escapeMarkdown(inputs.suite)}: ${state}`,
    '',
    ...(aggregate ? [`Aggregate mode: the builds are counted in the ${escapeMarkdown(inputs.conclusionName)} check run.`, ''] : []),
    '| Build | State | Link |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ]
  try {
    await core.summary.addRaw(lines.join('\n')).write()
  } catch (error) {
    core.warning(`Could not write the step summary: ${error instanceof Error ? error.message : String(error)}`)
  }
}
