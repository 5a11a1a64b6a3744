// Check-run rules shared by REST and GraphQL: creation, updates (annotations append), GitHub's limits.
import type { EmulatedCheckRun } from './types.ts'
import type { Repository, World } from './world.ts'

/** A create/update in REST's shape (GraphQL input is converted to it). */
export interface CheckRunInput {
  name?: string
  head_sha?: string
  details_url?: string | null
  external_id?: string | null
  status?: string
  conclusion?: string | null
  started_at?: string | null
  completed_at?: string | null
  output?: { title?: string | null; summary?: string | null; text?: string | null; annotations?: Annotation[]; images?: object[] }
  actions?: { label: string; description: string; identifier: string }[]
}
export interface Annotation {
  path: string; start_line: number; end_line: number; start_column?: number; end_column?: number
  annotation_level: string; message: string; title?: string; raw_details?: string
}
export type Outcome = { ok: true; run: EmulatedCheckRun } | { ok: false; status: number; message: string }

const MAX_TEXT = 65535
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')

function checkLimits(input: CheckRunInput): string | undefined {
  const o = input.output
  if (o) {
    for (const field of ['summary', 'text'] as const) {
      const v = o[field]
      if (typeof v === 'string' && bytes(v) > MAX_TEXT) return `Invalid request.\n\nOnly ${MAX_TEXT} bytes are allowed in output.${field}; ${bytes(v)} were supplied.`
    }
    if ((o.annotations?.length ?? 0) > 50) return `Invalid request.\n\nOnly 50 annotations are allowed per request; ${o.annotations!.length} were supplied.`
    for (const a of o.annotations ?? []) {
      if (a.title && a.title.length > 255) return 'Invalid request.\n\nAn annotation title is limited to 255 characters.'
      if (bytes(a.message) > 64 * 1024) return 'Invalid request.\n\nAn annotation message is limited to 64 kilobytes.'
      if (a.raw_details && bytes(a.raw_details) > 64 * 1024) return 'Invalid request.\n\nAn annotation raw_details is limited to 64 kilobytes.'
      if (a.start_line > a.end_line) return 'Invalid request.\n\nAn annotation start_line must not be after its end_line.'
    }
  }
  if ((input.actions?.length ?? 0) > 3) return 'Invalid request.\n\nOnly 3 actions are allowed.'
  for (const a of input.actions ?? []) {
    if (a.label.length > 20 || a.identifier.length > 20 || (a.description ?? '').length > 40) {
      return 'Invalid request.\n\nAn action label and identifier are limited to 20 characters, its description to 40.'
    }
  }
  return undefined
}

function applyFields(world: World, run: EmulatedCheckRun, input: CheckRunInput): void {
  const now = world.iso()
  if (input.name !== undefined) run.name = input.name
  if (input.details_url !== undefined) run.details_url = input.details_url
  if (input.external_id !== undefined) run.external_id = input.external_id
  if (input.started_at !== undefined) run.started_at = input.started_at
  if (input.conclusion !== undefined && input.conclusion !== null) {
    run.conclusion = input.conclusion
    run.status = 'completed'
  } else if (input.status !== undefined) {
    run.status = input.status as EmulatedCheckRun['status']
    if (run.status !== 'completed') run.conclusion = null
  }
  if (run.status === 'completed') run.completed_at = input.completed_at ?? run.completed_at ?? now
  else if (input.completed_at !== undefined) run.completed_at = input.completed_at
  if (input.output) {
    const o = input.output
    if (o.title !== undefined) run.output.title = o.title
    if (o.summary !== undefined) run.output.summary = o.summary
    if (o.text !== undefined) run.output.text = o.text
    for (const a of o.annotations ?? []) run.annotations.push({ ...a, blob_href: `http://github.localhost/${run.repository}/blob/${run.head_sha}/${a.path}` })
    run.output.annotations_count = run.annotations.length
  }
  if (input.actions) run.actions = input.actions
  run.updated_at = now
}

export function createCheckRun(world: World, appId: number, repo: Repository, input: CheckRunInput): Outcome {
  if (!input.name) return { ok: false, status: 422, message: 'Invalid request.\n\n"name" wasn\'t supplied.' }
  if (!input.head_sha || !/^[0-9a-f]{40}$/i.test(input.head_sha)) return { ok: false, status: 422, message: `No commit found for SHA: ${input.head_sha ?? ''}` }
  if (input.status === 'completed' && !input.conclusion) return { ok: false, status: 422, message: 'Invalid request.\n\n"conclusion" wasn\'t supplied.' }
  const limit = checkLimits(input)
  if (limit) return { ok: false, status: 422, message: limit }
  const now = world.iso()
  const run: EmulatedCheckRun = {
    ...world.newCheckRunIds(), app_id: appId, repository: repo.full_name, head_sha: input.head_sha.toLowerCase(),
    name: input.name, status: 'queued', conclusion: null, external_id: null, details_url: null,
    started_at: now, completed_at: null,
    output: { title: null, summary: null, text: null, annotations_count: 0 }, annotations: [], actions: [],
    created_at: now, updated_at: now,
  }
  applyFields(world, run, { ...input, status: input.status ?? 'queued' })
  world.checkRunList.push(run)
  return { ok: true, run }
}

/**
 * A completed check run is final: GitHub keeps its status, conclusion, started_at and
 * completed_at, answers an update asking to change them 200 with the run as it is, and still
 * applies the rest (output, name, details link, external id, annotations, actions). Sources:
 * brep's mod/mod-ci-github-gq.cxx, gq_mutate_check_runs ("GitHub won't allow us to change a built
 * check run to any other state", and it accepts a reply whose status is still completed, marking
 * the build unsynced); GitHub staff at https://github.com/orgs/community/discussions/24761
 * ("Once a check run transitions from the in_progress state to completed state, it's not possible
 * to modify its status nor its conclusion further", quoted in taskcluster/taskcluster#5085);
 * Mergifyio/mergify#1989 and lyft/atlantis#265 create a new run for this reason. No docs page
 * says so, nor whether the times are kept too: keeping them is our assumption. An update that
 * asks for such a change is recorded in `world.violations` (the action must create a new run,
 * src/checks/rules.ts), which test/setup/emulator-violations.ts turns into a failed test.
 */
function finalFieldsProblem(run: EmulatedCheckRun, input: CheckRunInput): string[] {
  if (run.status !== 'completed') return []
  const asked: string[] = []
  const conclusion = input.conclusion === undefined || input.conclusion === null ? undefined : input.conclusion
  if (input.status !== undefined && input.status !== 'completed') asked.push(`status ${run.status} -> ${input.status}`)
  if (conclusion !== undefined && conclusion !== run.conclusion) asked.push(`conclusion ${run.conclusion} -> ${conclusion}`)
  if (input.started_at !== undefined && input.started_at !== null && !sameInstant(input.started_at, run.started_at)) asked.push(`started_at ${run.started_at} -> ${input.started_at}`)
  if (input.completed_at !== undefined && input.completed_at !== null && !sameInstant(input.completed_at, run.completed_at)) asked.push(`completed_at ${run.completed_at} -> ${input.completed_at}`)
  return asked
}

function sameInstant(a: string, b: string | null): boolean {
  return b !== null && Date.parse(a) === Date.parse(b)
}

export function updateCheckRun(world: World, appId: number, run: EmulatedCheckRun, input: CheckRunInput): Outcome {
  if (run.app_id !== appId) {
    return { ok: false, status: 403, message: `Invalid app_id \`${appId}\` - check run can only be modified by the GitHub App that created it.` }
  }
  if (input.status === 'completed' && !input.conclusion && !run.conclusion) {
    return { ok: false, status: 422, message: 'Invalid request.\n\n"conclusion" wasn\'t supplied.' }
  }
  const limit = checkLimits(input)
  if (limit) return { ok: false, status: 422, message: limit }
  if (run.status === 'completed') {
    const asked = finalFieldsProblem(run, input)
    if (asked.length > 0) {
      world.violations.push(`update of completed check run ${run.id} ("${run.name}") asked to change ${asked.join(', ')}: GitHub keeps a completed run as it is`)
    }
    const { status: _s, conclusion: _c, started_at: _st, completed_at: _ct, ...rest } = input
    applyFields(world, run, rest)
    return { ok: true, run }
  }
  applyFields(world, run, input)
  return { ok: true, run }
}
