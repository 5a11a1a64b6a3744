// The one GitHub client every command uses: @actions/github's Octokit (REST methods, paginate)
// over http-fetch.ts (the runner's proxy settings) plus bounded retries and rate-limit handling
// (retry.ts, throttle.ts: the Octokit plugins' behaviour without their Bottleneck scheduler).
import * as core from '@actions/core'
import { GitHub, getUserAgentWithOrchestrationId } from '@actions/github/lib/utils'
import type { Octokit } from '@octokit/core'
import type { OctokitOptions } from '@octokit/core/types'
import { realClock, setClockOf, type Clock } from './clock.ts'
import { httpFetch } from './http-fetch.ts'
import { networkCause } from './request-error.ts'

export { describeRequestError, networkCause } from './request-error.ts'
import { retry } from './retry.ts'
import { throttle } from './throttle.ts'
import { refuseSecrets } from './secret-guard.ts'

/** A fixed token, or a function returning a fresh one per request (app JWTs, refreshed installation tokens). */
export type TokenSource = string | (() => Promise<string>)

export interface GitHubClientOptions {
  token: TokenSource
  /** REST root: https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server. */
  apiUrl: string
  /** Retries of a 5xx reply or network error (default 3). */
  retries?: number
  /** How long one attempt may take before it counts as a network error (default: requestTimeoutMs()). */
  requestTimeoutMs?: number
  /** What the client's waits (spacing, rate limits, retries, the mutation budget) are timed with:
   *  the real clock; tests pass another so that those waits take no real time. */
  clock?: Clock
}

/** Rate-limit waits longer than this are not waited for: the step gives up with a message instead. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60
/** Rate-limit retries per request. */
export const MAX_RATE_LIMIT_RETRIES = 2

/**
 * Milliseconds per unit of retry wait: backoff after the n-th failure is n² units, and a
 * rate limit's `retry-after` is counted in these units. 1000 in production; tests set
 * GITHUB_APP_CI_RETRY_BASE_MS (e.g. 10) so that retries do not make them slow.
 */
export function retryBaseMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.GITHUB_APP_CI_RETRY_BASE_MS)
  return Number.isFinite(value) && value >= 0 && env.GITHUB_APP_CI_RETRY_BASE_MS !== '' && env.GITHUB_APP_CI_RETRY_BASE_MS !== undefined
    ? value
    : 1000
}

/**
 * How long one attempt may take: 60 s in production; tests set GITHUB_APP_CI_REQUEST_TIMEOUT_MS
 * (e.g. 2000) so that a hung request is given up on quickly.
 */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.GITHUB_APP_CI_REQUEST_TIMEOUT_MS
  const value = Number(text)
  return text !== undefined && text !== '' && Number.isFinite(value) && value > 0 ? value : 60_000
}

/** An app JWT goes as `Bearer`; other tokens as `token`, whatever their shape or length. */
function authorization(token: string): string {
  return /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(token) ? `bearer ${token}` : `token ${token}`
}

type Hook = (
  request: ((options: Record<string, unknown>) => Promise<unknown>) & {
    endpoint: { merge(route: unknown, parameters?: unknown): Record<string, unknown> & { headers: Record<string, string> } }
  },
  route: unknown,
  parameters?: unknown,
) => Promise<unknown>

/** An Octokit auth strategy that asks the token source on every request. */
function tokenSourceAuth({ source }: { source: () => Promise<string> }) {
  const hook: Hook = async (request, route, parameters) => {
    const endpoint = request.endpoint.merge(route, parameters)
    endpoint.headers.authorization = authorization(await source())
    return request(endpoint)
  }
  return Object.assign(async () => ({ type: 'token', token: await source() }), { hook })
}

/**
 * Gives each attempt (not each request: retries wrap this) its own deadline; a timed-out
 * attempt becomes a status-500 RequestError, which the retry plugin retries.
 */
function attemptTimeout(octokit: Octokit, options: OctokitOptions & { requestTimeoutMs?: number }) {
  const ms = options.requestTimeoutMs ?? requestTimeoutMs()
  const callerSignals = new WeakMap<object, AbortSignal | undefined>()
  // Every hook of one request gets the same options object, across retries too, so the signal
  // goes on it; but o.request may be the client's shared defaults: replace it, never mutate it.
  octokit.hook.wrap('request', (request, o) => {
    if (!callerSignals.has(o)) callerSignals.set(o, o.request?.signal as AbortSignal | undefined)
    const given = callerSignals.get(o)
    const deadline = AbortSignal.timeout(ms)
    o.request = { ...o.request, signal: given ? AbortSignal.any([given, deadline]) : deadline }
    return request(o)
  })
  return {}
}

/**
 * A 429 that the throttle plugin (throttle.ts) does not take for a rate limit (no "secondary rate" message,
 * no x-ratelimit-remaining: 0) but that carries retry-after: waited for on the same terms.
 */
function plainTooManyRequests(octokit: Octokit, options: object) {
  const clock = (options as { clock?: Clock }).clock ?? realClock
  octokit.hook.wrap('request', async (request, o) => {
    for (let retries = 0; ; retries++) {
      try {
        return await request(o)
      } catch (error) {
        const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } }
        const headers = e.response?.headers ?? {}
        const retryAfter = Number(headers['retry-after'])
        const throttled = /\bsecondary rate\b/i.test(e.message ?? '') || headers['x-ratelimit-remaining'] === '0'
        if (e.status !== 429 || throttled || !Number.isFinite(retryAfter)) throw error
        if (!onLimit('request')(retryAfter, o, octokit, retries)) throw error
        await clock.sleep(retryAfter * retryBaseMs())
      }
    }
  })
  return {}
}

/**
 * With step debug logging on (RUNNER_DEBUG=1): one ::debug:: line per attempt, with the route
 * template (never its values, headers or body: no token, key or state can be in it), the
 * status (or the network error), the time taken and the rate limit left.
 */
function requestLog(octokit: Octokit) {
  octokit.hook.wrap('request', async (request, o) => {
    if (!core.isDebug()) return request(o)
    const started = performance.now()
    const line = (outcome: string, headers?: Record<string, unknown>) => {
      const left = headers?.['x-ratelimit-remaining']
      core.debug(
        `GitHub ${routeOf(o as { method?: string; url?: string })} → ${outcome} in ${Math.round(performance.now() - started)} ms` +
          (left === undefined ? '' : `, rate limit remaining ${String(left)}`),
      )
    }
    try {
      const response = await request(o)
      line(String(response.status), response.headers as Record<string, unknown>)
      return response
    } catch (error) {
      const e = error as { response?: { status?: number; headers?: Record<string, unknown> } }
      line(e.response ? String(e.response.status) : `no reply (${networkCause(error)})`, e.response?.headers)
      throw error
    }
  })
  return {}
}

/**
 * Refuses a request whose parameters or body hold a secret this process holds (secret-guard.ts),
 * before any attempt: registered last, so it wraps the retries and nothing is retried or sent.
 * The Authorization header is added further in, by the auth hook, and is not looked at.
 */
function secretGuard(octokit: Octokit) {
  octokit.hook.wrap('request', async (request, o) => {
    const { headers: _headers, request: _request, ...rest } = o as Record<string, unknown>
    refuseSecrets(describe(o as { method?: string; url?: string }), JSON.stringify(rest))
    return request(o)
  })
  return {}
}

// Order matters: a plugin's hook wraps those registered before it, so the timeout is per attempt,
// the log sees every attempt, and the secret guard (registered last) refuses before any attempt.
const Client = GitHub.plugin(attemptTimeout, requestLog, retry, throttle, plainTooManyRequests, secretGuard)
export type GitHubClient = InstanceType<typeof Client>

/**
 * A request as its route template. Octokit's paginate asks for the next pages (and its first) by
 * full URL, values and query included: those are turned back into a template.
 */
function routeOf(options: { method?: string; url?: string }): string {
  const url = options.url ?? ''
  if (!/^https?:\/\//.test(url)) return describe(options)
  const path = new URL(url).pathname
    .replace(/\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')
    .replace(/\/[0-9a-f]{40}(?=\/|$)/gi, '/{sha}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}')
  return `${options.method ?? 'GET'} ${path.replace(/^\/api\/v3(?=\/)/, '')}`
}

function describe(options: { method?: string; url?: string }): string {
  return `${options.method ?? 'GET'} ${options.url ?? ''}`
}

function onLimit(kind: string) {
  return (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
    const what = kind === 'request' ? 'GitHub\'s request limit (429)' : `GitHub's ${kind} rate limit`
    if (retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS && retryCount < MAX_RATE_LIMIT_RETRIES) {
      core.info(`${what} hit on ${describe(options)}: retrying in ${retryAfter} s.`)
      return true
    }
    core.warning(
      `${what} hit on ${describe(options)}: ` +
        (retryCount >= MAX_RATE_LIMIT_RETRIES
          ? `still limited after ${retryCount} retries; giving up.`
          : `GitHub asks to wait ${retryAfter} s, more than the ${MAX_RATE_LIMIT_WAIT_SECONDS} s this action waits; giving up.`) +
        ' Spread the work over more time, or run fewer jobs at once.',
    )
    return false
  }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const base = retryBaseMs()
  const clock = options.clock ?? realClock
  const source = typeof options.token === 'string' ? ((token: string) => async () => token)(options.token) : options.token
  const client = new Client({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    userAgent: getUserAgentWithOrchestrationId('github-app-ci'),
    authStrategy: tokenSourceAuth,
    auth: { source },
    requestTimeoutMs: options.requestTimeoutMs,
    clock,
    // Not Node's fetch (see http-fetch.ts); this replaces @actions/github's proxy-aware default.
    request: { fetch: httpFetch },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: base,
      // 429 is throttle.ts's to handle, with GitHub's retry-after.
      doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      clock,
    },
    throttle: {
      retryAfterBaseValue: base,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      clock,
    },
  } as ConstructorParameters<typeof Client>[0])
  setClockOf(client, clock)
  return client
}

/** GitHub's own message from a failed request (its reply's `message`), without Octokit's additions. */
export function githubMessage(error: unknown): string {
  const e = error as { message?: string; response?: { data?: unknown } }
  const data = e.response?.data as { message?: unknown } | undefined
  if (data && typeof data.message === 'string') return data.message
  const network = networkCause(error)
  if (network) return `${network}: ${e.message ?? String(error)}`
  return e.message ?? String(error)
}
