/**
 * What a parsed state document must also be before its records are used: records are checked,
 * not trusted, since a fragment is only as trustworthy as whoever could upload it. A record's
 * name is what the name template gives for (suite, build); its details_url and its reporter's
 * job link point at this GitHub (https under the server URL) or at the host the details-url
 * input names; the document is this repository's. Pure: no I/O; the caller passes the inputs.
 */
import { CorruptStateError } from './service-data.ts'
import { renderName } from './inputs.ts'
import type { ServiceData } from './types.ts'

export interface RecordPolicy {
  /** owner/repo of the run reading the state. */
  repository: string
  /** The name-template input: a build's check run is named renderName(template, suite, build). */
  nameTemplate: string
  /** GITHUB_SERVER_URL: links must lie under it. */
  serverUrl: string
  /** The details-url input, when given: links to its host are allowed too. */
  detailsUrl?: string
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url)
  } catch {
    return undefined
  }
}

/**
 * Whether a link from the state may be sent to GitHub or followed: https (or the server URL's own
 * scheme, for a server reached over http) under the server URL, or the details-url input's scheme
 * and host; never with credentials in it.
 */
export function linkAllowed(link: string, policy: Pick<RecordPolicy, 'serverUrl' | 'detailsUrl'>): boolean {
  const url = parse(link)
  if (!url || url.username !== '' || url.password !== '') return false
  const server = parse(policy.serverUrl)
  if (server && url.protocol === (server.protocol === 'http:' ? 'http:' : 'https:') && url.host === server.host) {
    const base = server.pathname.replace(/\/+$/, '')
    if (base === '' || url.pathname === base || url.pathname.startsWith(`${base}/`)) return true
  }
  const input = policy.detailsUrl ? parse(policy.detailsUrl) : undefined
  return !!input && url.protocol === input.protocol && url.host === input.host
}

const short = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s)

/** Why the document's records cannot be used under `policy`, or undefined. */
export function recordProblem(data: ServiceData, policy: RecordPolicy): string | undefined {
  if (data.repository.toLowerCase() !== policy.repository.toLowerCase()) {
    return `it is about repository ${short(data.repository)}, not ${policy.repository}`
  }
  for (const [build, record] of Object.entries(data.check_runs)) {
    const expected = renderName(policy.nameTemplate, data.suite, build)
    if (record.name !== expected) {
      return `build ${short(build)} is named ${short(record.name)}, not ${short(expected)} (name-template)`
    }
    if (record.details_url !== undefined && !linkAllowed(record.details_url, policy)) {
      return `build ${short(build)} links ${short(record.details_url)}, which is not under the server URL or the details-url input's host`
    }
    const job = record.reporter?.job_url
    if (job !== undefined && !linkAllowed(job, policy)) {
      return `build ${short(build)}'s job link ${short(job)} is not under the server URL`
    }
  }
  return undefined
}

/** Throws CorruptStateError (set aside like any unusable fragment) when recordProblem finds one. */
export function checkRecords(data: ServiceData, policy: RecordPolicy): void {
  const problem = recordProblem(data, policy)
  if (problem) throw new CorruptStateError(`its records are not to be trusted: ${problem}`, 'shape')
}
