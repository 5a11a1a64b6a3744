// The inputs every check command reads (action.yml), read and checked before any request so that a
// bad input writes nothing anywhere. Reads through a passed getInput (no other I/O but the store
// spec's server check, src/store/index.ts resolveStoreSpec).
import * as core from '@actions/core'
import { parseBoolean } from '../boolean.ts'
import { defaultHeadSha, parseHeadSha, DEFAULT_NAME_TEMPLATE } from '../checks/inputs.ts'
import type { ConclusionSettings } from '../checks/conclusion-run.ts'
import type { RecordPolicy } from '../checks/record-policy.ts'
import type { RunContext } from '../context.ts'
import { UserError } from '../errors.ts'
import { resolveStoreSpec } from '../store/index.ts'

export type GetInput = (name: string) => string
const defaultGetInput: GetInput = (name) => core.getInput(name)

/** The inputs every check command reads (action.yml). */
export interface CommonInputs {
  suite: string
  headSha: string
  store: string
  retentionDays: number
  nameTemplate: string
  failOnUnsynced: boolean
  failOnCorruptState: boolean
  conclusionCheck: boolean
  conclusionName: string
  warningAs: 'success' | 'failure'
  aggregateAbove: number
  aggregateIntervalSeconds: number
}

// C0, DEL, C1 and line separators break names and logs (as the service data's parser says).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

function count(getInput: GetInput, name: string, fallback: number, min: number): number {
  const text = getInput(name).trim()
  if (text === '') return fallback
  if (!/^[0-9]+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UserError(`${name} must be a whole number of at least ${min}, not "${text}".`)
  }
  return Number(text)
}

/** Reads and checks the common inputs; no I/O beyond the environment. */
export function readCommonInputs(ctx: RunContext, getInput: GetInput = defaultGetInput): CommonInputs {
  const suite = getInput('suite').trim() || ctx.workflow.trim()
  if (!suite) throw new UserError('suite is empty and GITHUB_WORKFLOW is not set: give suite, e.g. suite: ci.')
  if (CONTROL.test(suite)) throw new UserError('suite must be one line without control characters.')
  const headShaText = getInput('head-sha').trim()
  const headSha = headShaText ? parseHeadSha(headShaText) : defaultHeadSha(ctx.eventName, ctx.payload, ctx.sha)
  const nameTemplate = getInput('name-template') || DEFAULT_NAME_TEMPLATE
  if (!nameTemplate.includes('{build}')) {
    throw new UserError(`name-template "${nameTemplate}" has no {build}: every build's check run needs its own name.`)
  }
  const conclusionName = (getInput('conclusion-name') || '{suite} / CONCLUSION').replace(/\{suite\}/g, suite)
  if (conclusionName.trim() === '' || CONTROL.test(conclusionName)) {
    throw new UserError('conclusion-name must be a one-line name, e.g. "{suite} / CONCLUSION".')
  }
  const warningAs = (getInput('warning-as').trim().toLowerCase() || 'success') as CommonInputs['warningAs']
  if (warningAs !== 'success' && warningAs !== 'failure') {
    throw new UserError(`warning-as must be success or failure, not "${getInput('warning-as').trim()}".`)
  }
  return {
    suite,
    headSha,
    store: resolveStoreSpec(getInput('store')), // auto: artifact, or cache on GitHub Enterprise Server
    retentionDays: count(getInput, 'state-retention-days', 7, 1),
    nameTemplate,
    failOnUnsynced: parseBoolean(getInput('fail-on-unsynced'), 'fail-on-unsynced', false),
    failOnCorruptState: parseBoolean(getInput('fail-on-corrupt-state'), 'fail-on-corrupt-state', false),
    conclusionCheck: parseBoolean(getInput('conclusion-check'), 'conclusion-check', true),
    conclusionName,
    warningAs,
    aggregateAbove: count(getInput, 'aggregate-above', 100, 0),
    aggregateIntervalSeconds: count(getInput, 'aggregate-interval', 30, 0),
  }
}

/** What records read from the state must match (src/checks/record-policy.ts): this step's inputs. */
export function recordPolicy(ctx: Pick<RunContext, 'repository' | 'serverUrl'>, inputs: Pick<CommonInputs, 'nameTemplate'>, getInput: GetInput = defaultGetInput): RecordPolicy {
  const detailsUrl = getInput('details-url').trim()
  return {
    repository: ctx.repository,
    nameTemplate: inputs.nameTemplate,
    serverUrl: ctx.serverUrl,
    ...(detailsUrl ? { detailsUrl } : {}),
  }
}

/** What planning the CONCLUSION run takes of the step's inputs (src/checks/conclusion-run.ts). */
export function conclusionSettings(ctx: Pick<RunContext, 'runUrl' | 'serverUrl'>, inputs: CommonInputs): ConclusionSettings {
  return {
    warningAs: inputs.warningAs,
    conclusionCheck: inputs.conclusionCheck,
    conclusionName: inputs.conclusionName,
    aggregateIntervalSeconds: inputs.aggregateIntervalSeconds,
    runUrl: ctx.runUrl,
    serverUrl: ctx.serverUrl,
  }
}
