// GitHub's request pacing as an Octokit plugin: what @octokit/plugin-throttling (MIT, Octokit
// contributors) does, on Octokit's request hook, without its scheduler. Bottleneck takes about a
// dozen setTimeout(0) turns around every request even when nothing has to wait (about 1 ms each,
// more on a busy runner); here a request that need not wait starts in the same turn.
//
// Kept from the plugin (its src/index.ts and src/wrap-request.ts, version 11):
// - writes (not GET/HEAD) and GraphQL requests start at least 1 s apart, process-wide: GitHub asks
//   to "wait at least one second between each request" that creates content
//   (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api);
//   writes that notify (issues, comments, ...) 3 s apart, searches 2 s apart;
// - at most 10 requests at once, and one token request (POST .../access_tokens and the other
//   auth routes) at a time;
// - a 403/429 (or any failed GraphQL request but a 401) saying "secondary rate" is retried after
//   its retry-after (60 s if absent), one with x-ratelimit-remaining: 0 or a GraphQL
//   RATE_LIMITED error after x-ratelimit-reset, each only when onSecondaryRateLimit /
//   onRateLimit answer true; a GraphQL reply with a RATE_LIMITED error counts as failed;
// - a retry skips the concurrency limit and goes before waiting requests (the plugin gives it
//   weight 0 and priority 0), but keeps the spacing.
// Not kept: clustering over Redis (the plugin's `connection`; unused here).
import type { Octokit } from '@octokit/core'
import { realClock, type Clock } from './clock.ts'

export type LimitHandler = (
  retryAfter: number,
  options: { method?: string; url?: string },
  octokit: Octokit,
  retryCount: number,
) => boolean | Promise<boolean>

export interface ThrottleOptions {
  enabled?: boolean
  onRateLimit: LimitHandler
  onSecondaryRateLimit: LimitHandler
  /** Milliseconds per second of retry-after (1000; tests make it small). */
  retryAfterBaseValue?: number
  /** Seconds to wait on a secondary limit that names no retry-after (60). */
  fallbackSecondaryRateRetryAfter?: number
  /** What the waits are timed with (the real clock; tests pass another). */
  clock?: Clock
}

type Request = (options: RequestOptions) => Promise<Response>
interface RequestOptions { method?: string; url?: string; [k: string]: unknown }
interface Response { data?: { errors?: Array<{ type?: string }> } | unknown; [k: string]: unknown }

/** Starts of one kind at least `minTime` ms apart, in order (retries first). */
class Spacing {
  #next = 0
  #waiting: Array<{ retry: boolean; go: () => void }> = []
  #armed = false
  readonly minTime: number
  readonly #clock: Clock
  constructor(minTime: number, clock: Clock) {
    this.minTime = minTime
    this.#clock = clock
  }

  /** undefined when the start may happen now (and is counted): the caller need not await. */
  take(retry: boolean): Promise<void> | undefined {
    const now = this.#clock.now()
    if (this.#waiting.length === 0 && now >= this.#next) {
      this.#next = now + this.minTime
      return undefined
    }
    return new Promise((go) => {
      const at = retry ? this.#waiting.findIndex((w) => !w.retry) : -1
      this.#waiting.splice(at === -1 ? this.#waiting.length : at, 0, { retry, go })
      this.#arm()
    })
  }

  #arm(): void {
    if (this.#armed || this.#waiting.length === 0) return
    this.#armed = true
    void this.#clock.sleep(Math.max(0, this.#next - this.#clock.now())).then(() => {
      this.#armed = false
      this.#next = this.#clock.now() + this.minTime
      this.#waiting.shift()!.go()
      this.#arm()
    })
  }
}

/** At most `max` at once; a retry (weight 0 in the plugin) does not count. */
class Concurrency {
  #running = 0
  #waiting: Array<() => void> = []
  readonly max: number
  constructor(max: number) {
    this.max = max
  }

  /** undefined when a slot was taken now. */
  take(): Promise<void> | undefined {
    if (this.#running < this.max) {
      this.#running++
      return undefined
    }
    return new Promise((go) => this.#waiting.push(go))
  }

  release(): void {
    const next = this.#waiting.shift()
    if (next) next() // the slot passes on
    else this.#running--
  }
}

// Process-wide, as the plugin's groups are: every client of the process shares them (every
// client on one clock: a test's own clock gets groups of its own).
const newLimits = (clock: Clock) => ({
  global: new Concurrency(10),
  auth: new Concurrency(1),
  write: new Spacing(1000, clock),
  notifications: new Spacing(3000, clock),
  search: new Spacing(2000, clock),
})
type Limits = ReturnType<typeof newLimits>
const limitsByClock = new WeakMap<Clock, Limits>()
function limitsOf(clock: Clock): Limits {
  let limits = limitsByClock.get(clock)
  if (!limits) limitsByClock.set(clock, (limits = newLimits(clock)))
  return limits
}

// The plugin's generated list (src/generated/triggers-notification-paths.ts): writes that notify.
const NOTIFYING = [
  '/orgs/{org}/invitations',
  '/orgs/{org}/invitations/{invitation_id}',
  '/orgs/{org}/teams/{team_slug}/discussions',
  '/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments',
  '/repos/{owner}/{repo}/collaborators/{username}',
  '/repos/{owner}/{repo}/commits/{commit_sha}/comments',
  '/repos/{owner}/{repo}/issues',
  '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  '/repos/{owner}/{repo}/issues/{issue_number}/sub_issue',
  '/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority',
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/pulls/{pull_number}/comments',
  '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
  '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
  '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  '/repos/{owner}/{repo}/releases',
  '/teams/{team_id}/discussions',
  '/teams/{team_id}/discussions/{discussion_number}/comments',
]
const notifies = new RegExp(
  `^(?:${NOTIFYING.map((p) => `(?:${p.split('/').map((c) => (c.startsWith('{') ? '(?:.+?)' : c)).join('/')})`).join('|')})[^/]*$`,
  'i',
)

/** Token-minting routes (the plugin's isAuthRequest): one at a time, not spaced as writes. */
function isAuthRequest(method: string, pathname: string): boolean {
  return (
    (method === 'PATCH' && /^\/applications\/[^/]+\/token\/scoped$/.test(pathname)) ||
    (method === 'POST' &&
      (/^\/applications\/[^/]+\/token$/.test(pathname) ||
        /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) ||
        pathname === '/login/oauth/access_token'))
  )
}

/** GitHub's GraphQL endpoint: /graphql, or /api/graphql on GHES (which the plugin does not see as GraphQL). */
const isGraphQLPath = (pathname: string) => /^(?:\/api)?\/graphql(?:\/|$)/.test(pathname)

interface Kind { pathname: string; isAuth: boolean; isGraphQL: boolean }

function kindOf(options: RequestOptions): Kind {
  const method = (options.method ?? 'GET').toUpperCase()
  const { pathname } = new URL(options.url ?? '/', 'http://github.test')
  return { pathname, isAuth: isAuthRequest(method, pathname), isGraphQL: isGraphQLPath(pathname) }
}

async function attempt(request: Request, options: RequestOptions, kind: Kind, retry: boolean, limits: Limits): Promise<Response> {
  const method = (options.method ?? 'GET').toUpperCase()
  const isWrite = !kind.isAuth && method !== 'GET' && method !== 'HEAD'
  let wait: Promise<void> | undefined
  if (isWrite || kind.isGraphQL) if ((wait = limits.write.take(retry))) await wait
  if (isWrite && notifies.test(kind.pathname)) if ((wait = limits.notifications.take(retry))) await wait
  if (method === 'GET' && kind.pathname.startsWith('/search/')) if ((wait = limits.search.take(retry))) await wait
  const slots = kind.isAuth ? limits.auth : limits.global
  if (!retry) if ((wait = slots.take())) await wait
  let response: Response
  try {
    response = await request(options)
  } finally {
    if (!retry) slots.release()
  }
  const errors = kind.isGraphQL ? (response.data as { errors?: unknown } | undefined)?.errors : undefined
  if (Array.isArray(errors) && errors.some((e: { type?: unknown } | null) => e?.type === 'RATE_LIMITED')) {
    throw Object.assign(new Error('GraphQL Rate Limit Exceeded'), { response, data: response.data })
  }
  return response
}

interface LimitError {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined>; data?: { errors?: Array<{ type?: string }> } }
}

/** The wait before retrying a rate-limited request, or undefined to give up (the plugin's "failed" handler). */
async function retryDelay(
  state: Required<Omit<ThrottleOptions, 'enabled' | 'clock'>> & { clock: Clock },
  error: LimitError,
  kind: Kind,
  options: RequestOptions,
  octokit: Octokit,
  retryCount: number,
): Promise<number | undefined> {
  if (!((kind.isGraphQL && error.status !== 401) || error.status === 403 || error.status === 429)) return undefined
  const headers = error.response?.headers ?? {}
  let retryAfter: number
  let handler: LimitHandler
  if (/\bsecondary rate\b/i.test(error.message ?? '')) {
    retryAfter = Number(headers['retry-after']) || state.fallbackSecondaryRateRetryAfter
    handler = state.onSecondaryRateLimit
  } else if (
    headers['x-ratelimit-remaining'] === '0' ||
    (error.response?.data?.errors ?? []).some((e) => e?.type === 'RATE_LIMITED')
  ) {
    const reset = new Date(~~Number(headers['x-ratelimit-reset']) * 1000).getTime()
    // One second more, to retry after the reset (as the plugin does).
    retryAfter = Math.max(Math.ceil((reset - state.clock.now()) / 1000) + 1, 0)
    handler = state.onRateLimit
  } else return undefined
  let wanted: boolean
  try {
    wanted = await handler(retryAfter, options, octokit, retryCount)
  } catch (handlerError) {
    octokit.log.warn('Error in throttling limit handler', { error: handlerError })
    return undefined
  }
  return wanted ? retryAfter * state.retryAfterBaseValue : undefined
}

export function throttle(octokit: Octokit, octokitOptions: object) {
  const given = (octokitOptions as { throttle?: ThrottleOptions }).throttle
  if (given?.enabled === false) return {}
  if (typeof given?.onRateLimit !== 'function' || typeof given.onSecondaryRateLimit !== 'function') {
    throw new Error('throttle: onRateLimit and onSecondaryRateLimit are required')
  }
  const state = {
    onRateLimit: given.onRateLimit,
    onSecondaryRateLimit: given.onSecondaryRateLimit,
    retryAfterBaseValue: given.retryAfterBaseValue ?? 1000,
    fallbackSecondaryRateRetryAfter: given.fallbackSecondaryRateRetryAfter ?? 60,
    clock: given.clock ?? realClock,
  }
  const limits = limitsOf(state.clock)
  octokit.hook.wrap('request', async (request, options) => {
    const o = options as unknown as RequestOptions
    const kind = kindOf(o)
    for (let retryCount = 0; ; retryCount++) {
      try {
        return (await attempt(request as unknown as Request, o, kind, retryCount > 0, limits)) as never
      } catch (error) {
        const delay = await retryDelay(state, error as LimitError, kind, o, octokit, retryCount)
        if (delay === undefined) throw error
        await state.clock.sleep(delay)
      }
    }
  })
  return {}
}
