// Retries of failed requests as an Octokit plugin: what @octokit/plugin-retry (MIT, Octokit
// contributors; version 8, src/index.ts, src/wrap-request.ts, src/error-request.ts) does, as a
// loop on Octokit's request hook. The plugin runs every request through a fresh Bottleneck
// limiter, which alone takes 4 setTimeout(0) turns per request that nothing waits for.
//
// Kept: a RequestError (HTTP status, or 500 for a network error or timeout) whose status is at
// least 400 and not in `doNotRetry` is retried up to `retries` times (`request.retries` of one
// request overrides it), after n² × retryAfterBaseValue ms for the n-th failure; a GraphQL reply
// whose first error is "Something went wrong while executing your query" (GitHub's transient
// failure) counts as a 500.
import { RequestError } from '@octokit/request-error'
import type { Octokit } from '@octokit/core'
import { realClock, type Clock } from './clock.ts'

export interface RetryOptions {
  enabled?: boolean
  retries?: number
  retryAfterBaseValue?: number
  doNotRetry?: number[]
  /** What the backoff is timed with (the real clock; tests pass another). */
  clock?: Clock
}

interface Options { request?: { retries?: number; [k: string]: unknown }; [k: string]: unknown }

function transientGraphQLError(response: unknown): string | undefined {
  const errors = (response as { data?: { errors?: unknown } } | undefined)?.data?.errors
  if (!Array.isArray(errors) || errors.length === 0) return undefined
  const message = (errors[0] as { message?: unknown } | null)?.message
  return typeof message === 'string' && /Something went wrong while executing your query/.test(message) ? message : undefined
}

export function retry(octokit: Octokit, octokitOptions: object) {
  const given = (octokitOptions as { retry?: RetryOptions }).retry ?? {}
  if (given.enabled === false) return {}
  const retries = given.retries ?? 3
  const base = given.retryAfterBaseValue ?? 1000
  const doNotRetry = given.doNotRetry ?? [400, 401, 403, 404, 410, 422, 451]
  const clock = given.clock ?? realClock
  octokit.hook.wrap('request', async (request, options) => {
    const o = options as unknown as Options
    for (let failures = 0; ; ) {
      try {
        const response = await request(options)
        const message = transientGraphQLError(response)
        if (message !== undefined) {
          throw new RequestError(message, 500, { request: options as never, response: response as never })
        }
        return response
      } catch (error) {
        const status = (error as { status?: unknown }).status
        const isRequestError = (error as { request?: unknown }).request !== undefined
        if (!isRequestError || typeof status !== 'number' || status < 400 || doNotRetry.includes(status)) throw error
        const allowed = o.request?.retries ?? retries
        if (failures >= allowed) throw error
        failures++
        await clock.sleep(failures * failures * base)
      }
    }
  })
  return {}
}
