// Counts a client's requests and keeps the rate limit GitHub's last reply reported, for the log,
// the step's report and aggregate mode's budget (src/checks/aggregate.ts decideAggregate).
import type { GitHubClient } from './client.ts'

export interface RequestCount {
  /** How many requests the client made (retries included: each is a request to GitHub). */
  requestCount(): number
  /** `x-ratelimit-remaining` of GitHub's last reply (or error reply), when it sent one. */
  rateLimitRemaining(): number | undefined
}

/** Wraps `client`'s requests with a counting hook; the counts start at zero. */
export function countRequests(client: Pick<GitHubClient, 'hook'>): RequestCount {
  let remaining: number | undefined
  let requests = 0
  client.hook.wrap('request', async (request, o) => {
    requests++
    try {
      const response = await request(o)
      remaining = headerNumber(response.headers['x-ratelimit-remaining']) ?? remaining
      return response
    } catch (error) {
      const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers
      remaining = headerNumber(headers?.['x-ratelimit-remaining']) ?? remaining
      throw error
    }
  })
  return { requestCount: () => requests, rateLimitRemaining: () => remaining }
}

function headerNumber(value: unknown): number | undefined {
  const n = Number(Array.isArray(value) ? value[0] : value)
  return value === undefined || value === null || value === '' || !Number.isFinite(n) ? undefined : n
}
