// check_run.rerequested webhook payloads as GitHub sends them to the app, built from
// @octokit/webhooks-examples (GitHub's documented example deliveries) with the fields of one
// emulated check run put in; and the repository_dispatch event a relay makes of one (docs/relay.md).
import { createRequire } from 'node:module'
import { sign } from '@octokit/webhooks-methods'
import type { EmulatedCheckRun } from './emulator/github/index.ts'

const require = createRequire(import.meta.url)
const definitions = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[]
const rerequestedExample = definitions.find((d) => d.name === 'check_run')!.examples.find((e) => e.action === 'rerequested')!

/** What a payload says about its check run; any of it may be forged. */
export interface CheckRunClaim {
  id: number
  name: string
  head_sha: string
  external_id: string | null
  details_url: string | null
  status?: string
  conclusion?: string | null
  app_id: number
}

export const claimOf = (run: EmulatedCheckRun): CheckRunClaim => ({
  id: run.id, name: run.name, head_sha: run.head_sha, external_id: run.external_id ?? '', details_url: run.details_url ?? null,
  status: run.status, conclusion: run.conclusion, app_id: run.app_id,
})

/** The webhook payload (the example delivery, with this check run, repository and installation). */
export function rerequestedPayload(claim: CheckRunClaim, o: { repository: string; installationId: number }): Record<string, any> {
  const payload = structuredClone(rerequestedExample)
  const [owner, name] = o.repository.split('/')
  const cr = payload.check_run
  Object.assign(cr, {
    id: claim.id, name: claim.name, head_sha: claim.head_sha, external_id: claim.external_id, details_url: claim.details_url,
    status: claim.status ?? cr.status, conclusion: claim.conclusion ?? cr.conclusion,
    url: `https://api.github.com/repos/${o.repository}/check-runs/${claim.id}`,
    html_url: `https://github.com/${o.repository}/runs/${claim.id}`,
  })
  cr.app.id = claim.app_id
  cr.check_suite.head_sha = claim.head_sha
  cr.check_suite.app.id = claim.app_id
  Object.assign(payload.repository, { name, full_name: o.repository })
  payload.repository.owner.login = owner
  payload.installation.id = o.installationId
  return payload
}

/** The repository_dispatch event a relay sends with `client_payload` (the runner's event file). */
export const dispatched = (clientPayload: unknown) => ({
  name: 'repository_dispatch',
  payload: { action: 'check_run_rerequested', client_payload: clientPayload },
})

/** The signed relay envelope: the raw body as GitHub delivered it and its X-Hub-Signature-256. */
export async function envelope(body: string, secret: string, o: { signature?: string } = {}) {
  return { event: 'check_run', delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958', body, signature: o.signature ?? (await sign(secret, body)) }
}
