// command: conclude — run after every build job (needs: [...], if: always()): completes the
// suite's CONCLUSION check run from the merged state, counting builds that never reported their
// end as failed, and outputs the conclusion. Requests: the token's two, one GraphQL request
// (none when the run is already complete), a listing only when the state is lost.
import * as core from '@actions/core'
import { readAppInputs } from '../auth/inputs.ts'
import { emptyServiceData } from '../checks/service-data.ts'
import { readRunContext } from '../context.ts'
import { UserError } from '../errors.ts'
import { planConclusionRun } from '../checks/conclusion-run.ts'
import { readSuite } from '../state/read.ts'
import { writeSuite } from '../state/write.ts'
import { readCommonInputs } from './common-inputs.ts'
import { openSession } from './session.ts'
import { sendWrites } from './suite-writes.ts'

export async function run(): Promise<void> {
  const ctx = readRunContext()
  const common = readCommonInputs(ctx)
  const app = readAppInputs()
  const session = await openSession({ ctx, inputs: common, app })
  const now = new Date().toISOString()
  // The builds GitHub shows count too (one listing): the required check must not pass over a
  // build whose state was lost.
  const read = await readSuite(session, session.key, { checkGitHub: true })
  const data = read.data
  const aggregate = data.aggregate !== undefined
  const plan = planConclusionRun(session.conclusion, data, { final: true, mayOpen: true, aggregate, now })
  const sent = await sendWrites(session, data, [], {}, plan, now)

  const fragment = emptyServiceData(session.key)
  if (sent.conclusion) fragment.conclusion_run = sent.conclusion.record
  if (sent.lookedUpRepositoryNodeId) fragment.repository_node_id = sent.lookedUpRepositoryNodeId
  const saved = sent.conclusion ? await writeSuite(session, session.key, fragment) : { saved: true }

  const { result } = plan
  const conclusion = result.conclusion ?? 'failure'
  core.setOutput('conclusion', conclusion)
  const unsynced = sent.conclusion && !sent.conclusion.record.state_synced ? 1 : 0
  core.setOutput('unsynced', String(unsynced))
  const record = sent.conclusion?.record ?? data.conclusion_run
  if (record?.check_run_id !== undefined) {
    core.setOutput('check-runs', JSON.stringify({
      [common.conclusionName]: {
        id: record.check_run_id,
        url: `${ctx.serverUrl}/${ctx.repository}/runs/${record.check_run_id}`,
        state: record.state,
        synced: record.state_synced,
      },
    }))
  }
  core.info(
    `Suite "${common.suite}": ${conclusion} — ${result.total} build(s), ${result.failed.length} failed, ` +
      `${result.unfinished.length} never finished.` +
      (common.conclusionCheck ? (sent.conclusion ? ` ${common.conclusionName} completed.` : ` ${common.conclusionName} was already complete.`) : ''),
  )
  if (process.env.GITHUB_STEP_SUMMARY && plan.output) {
    await core.summary.addRaw(`### ${plan.output.title}\n\n${plan.output.summary}\n`).write().catch(() => undefined)
  }
  const problems: string[] = []
  if (unsynced) problems.push('the CONCLUSION check run may not have reached GitHub')
  if (!saved.saved) problems.push('the state could not be saved')
  if (problems.length > 0 && common.failOnUnsynced) {
    throw new UserError(`${problems.join('; ')}. fail-on-unsynced is true, so the step fails.`)
  }
}
