// The client's pacing and retries (src/github/throttle.ts, retry.ts, wired in client.ts) against
// a local server: writes and GraphQL 1 s apart, reads not; concurrency limits; rate limits
// waited for as GitHub's replies ask; and no timer at all around a request that need not wait
// (@octokit/plugin-throttling and plugin-retry took about 16 setTimeout(0) turns per request).
// Each test's client and the server's record share a fresh virtual clock (test/virtual-clock.ts):
// the production waits (1 s spacing, retry-after seconds of 1000 ms, backoff) are kept exactly,
// in no real time, and no test waits for an earlier one's spacing to pass.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createGitHubClient } from '../../../src/github/client.ts'
import { realClock, type Clock } from '../../../src/github/clock.ts'
import { VirtualClock } from '../../virtual-clock.ts'

/** at: on the test's clock; realAt: performance.now(), for what the server itself holds back. */
interface Seen { method: string; path: string; at: number; realAt: number; inFlight: number }
type Reply = { status: number; headers?: Record<string, string>; body: unknown; holdMs?: number }

const seen: Seen[] = []
/** Replies to give, per "METHOD /path", in order; then 200 {"ok":true} ({"data":{"ok":true}} for GraphQL). */
const script = new Map<string, Reply[]>()
let inFlight = 0
let server: http.Server
let url = ''
const BASE_MS = 1000 // one second of retry-after, as in production (GITHUB_APP_CI_RETRY_BASE_MS unset)
let clock: VirtualClock

beforeAll(async () => {
  delete process.env.GITHUB_APP_CI_RETRY_BASE_MS
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    inFlight++
    seen.push({ method: req.method ?? '', path, at: Number(req.headers['x-sent-at']), realAt: performance.now(), inFlight })
    req.resume()
    req.on('end', () => {
      const reply = script.get(`${req.method} ${path}`)?.shift() ?? { status: 200, body: path === '/graphql' ? { data: { ok: true } } : { ok: true } }
      const send = () => {
        inFlight--
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        res.end(JSON.stringify(reply.body))
      }
      if (reply.holdMs === undefined) send()
      else setTimeout(send, reply.holdMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => {
  seen.length = 0
  script.clear()
  clock = new VirtualClock()
})

function client(on: Clock = clock) {
  const github = createGitHubClient({ token: 'ghs_test', apiUrl: url, clock: on })
  // Each attempt carries the clock's time as it goes out, innermost (fetch runs after every hook):
  // the server's own arrival time would lag by the loopback trip, while the clock may move on.
  // The hooks inside see this one's options object, not a copy: o.request is replaced on it.
  github.hook.wrap('request', (request, o) => {
    const fetch = o.request!.fetch as (u: string, init: { headers?: Record<string, string> }) => Promise<unknown>
    o.request = { ...o.request, fetch: (u: string, init: { headers?: Record<string, string> }) => fetch(u, { ...init, headers: { ...init.headers, 'x-sent-at': String(on.now()) } }) }
    return request(o)
  })
  return github
}
/** The requests in the order the client sent them. */
const sent = () => [...seen].sort((a, b) => a.at - b.at)
/** Writes start 1 s apart in the client, exactly, on the virtual clock. */
const SPACED = 1000
const gaps = (list: Seen[]) => list.slice(1).map((s, i) => s.at - list[i]!.at)

// GitHub's secondary-limit reply: 403 (or 429) with this message and retry-after
// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
const secondary = (retryAfter?: number): Reply => ({
  status: 403,
  headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
  body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
})

describe('spacing', () => {
  test('writes start at least 1 s apart, in order; reads at once beside them', async () => {
    const github = client()
    const t0 = clock.now()
    await Promise.all([
      ...[1, 2, 3].map((n) => github.request('PATCH /repos/{owner}/{repo}/check-runs/{id}', { owner: 'o', repo: 'r', id: n, status: 'completed' })),
      ...[1, 2, 3, 4].map(() => github.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })),
    ])
    const writes = sent().filter((s) => s.method === 'PATCH')
    const reads = sent().filter((s) => s.method === 'GET')
    expect(writes.map((w) => w.path)).toEqual(['/repos/o/r/check-runs/1', '/repos/o/r/check-runs/2', '/repos/o/r/check-runs/3'])
    for (const gap of gaps(writes)) expect(gap).toBeGreaterThanOrEqual(SPACED)
    // the first write and every read go out at once, not behind a scheduler
    expect(writes[0]!.at - t0).toBeLessThan(500)
    for (const r of reads) expect(r.at - t0).toBeLessThan(500)
  })

  test('GraphQL requests are spaced like writes, with the writes', async () => {
    const github = client()
    await Promise.all([
      github.graphql('query { viewer { login } }'),
      github.request('POST /repos/{owner}/{repo}/check-runs', { owner: 'o', repo: 'r', name: 'x', head_sha: 'a'.repeat(40) }),
      github.graphql('query { viewer { login } }'),
    ])
    expect(sent().map((s) => `${s.method} ${s.path}`)).toEqual(['POST /graphql', 'POST /repos/o/r/check-runs', 'POST /graphql'])
    for (const gap of gaps(sent())) expect(gap).toBeGreaterThanOrEqual(SPACED)
  })

  test('token requests are not spaced as writes but go one at a time', async () => {
    const github = client()
    script.set('POST /app/installations/7/access_tokens', [
      { status: 201, body: { token: 'ghs_1' }, holdMs: 150 },
      { status: 201, body: { token: 'ghs_2' }, holdMs: 150 },
    ])
    const t0 = clock.now()
    await Promise.all([1, 2].map(() => github.request('POST /app/installations/{id}/access_tokens', { id: 7 })))
    expect(seen.map((s) => s.inFlight)).toEqual([1, 1])
    expect(seen[1]!.realAt - seen[0]!.realAt).toBeGreaterThanOrEqual(140) // after the first reply (held 150 ms of real time)
    expect(seen[1]!.at - t0).toBe(0) // not 1 s behind it
  })

  test('at most 10 requests at once', async () => {
    const github = client()
    script.set('GET /slow', Array.from({ length: 15 }, () => ({ status: 200, body: {}, holdMs: 100 })))
    await Promise.all(Array.from({ length: 15 }, () => github.request('GET /slow')))
    expect(seen).toHaveLength(15)
    expect(Math.max(...seen.map((s) => s.inFlight))).toBe(10)
  })

  test('a request that need not wait sets no timer before or after it', async () => {
    // The real clock, which no other test of this file uses: no spacing of an earlier write to wait out.
    const github = client(realClock)
    const original = globalThis.setTimeout
    let timers = 0
    globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
      timers++
      return original(...args)
    }) as typeof setTimeout
    try {
      // the server (same process) replies at once: a timer it set would be counted too
      for (let i = 0; i < 5; i++) await github.request('GET /repos/{owner}/{repo}', { owner: 'o', repo: 'r' })
      await github.request('DELETE /installation/token')
    } finally {
      globalThis.setTimeout = original
    }
    expect(timers).toBe(0)
  })
})

describe('rate limits', () => {
  test('a secondary limit is retried after its retry-after', async () => {
    const github = client()
    script.set('GET /repos/o/r', [secondary(3)])
    await expect(github.request('GET /repos/o/r')).resolves.toMatchObject({ status: 200 })
    expect(seen).toHaveLength(2)
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(3 * BASE_MS - 2)
  })

  test('a secondary limit without retry-after waits 60 s (as the plugin did), a 429 one too', async () => {
    const github = client()
    script.set('GET /repos/o/r', [secondary(), { ...secondary(), status: 429 }])
    await expect(github.request('GET /repos/o/r')).resolves.toMatchObject({ status: 200 })
    expect(seen).toHaveLength(3)
    for (const gap of gaps(seen)) expect(gap).toBeGreaterThanOrEqual(60 * BASE_MS - 2)
  })

  test('at most 2 retries; a retry-after over 60 s is not waited for', async () => {
    const github = client()
    script.set('GET /repos/o/r', [secondary(1), secondary(1), secondary(1)])
    await expect(github.request('GET /repos/o/r')).rejects.toMatchObject({ status: 403 })
    expect(seen).toHaveLength(3)
    seen.length = 0
    script.set('GET /repos/o/r', [secondary(120)])
    await expect(github.request('GET /repos/o/r')).rejects.toMatchObject({ status: 403 })
    expect(seen).toHaveLength(1)
  })

  test('a retried write keeps the 1 s spacing', async () => {
    const github = client()
    script.set('PATCH /repos/o/r/check-runs/1', [secondary(1)])
    await github.request('PATCH /repos/o/r/check-runs/1', { status: 'completed' })
    expect(seen).toHaveLength(2)
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(SPACED)
  })

  test('the primary limit (x-ratelimit-remaining: 0) is waited for until x-ratelimit-reset', async () => {
    const github = client()
    // GitHub: 403 or 429 with x-ratelimit-remaining 0; x-ratelimit-reset in epoch seconds
    // (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit)
    const reset = Math.floor(clock.now() / 1000) + 2
    script.set('GET /repos/o/r', [{ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { message: 'API rate limit exceeded for installation ID 7.' } }])
    await expect(github.request('GET /repos/o/r')).resolves.toMatchObject({ status: 200 })
    expect(seen).toHaveLength(2)
    // (reset - now) rounded up, plus one second, in units of BASE_MS
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(2 * BASE_MS - 2)
  })

  test('a GraphQL reply with a RATE_LIMITED error is retried', async () => {
    const github = client()
    const reset = Math.floor(clock.now() / 1000) + 1
    // GitHub answers 200 with errors[].type RATE_LIMITED
    // (https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#exceeding-the-rate-limit)
    script.set('POST /graphql', [{ status: 200, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, body: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] } }])
    await expect(github.graphql('query { viewer { login } }')).resolves.toEqual({ ok: true })
    expect(seen).toHaveLength(2)
  })
})

describe('retries', () => {
  test('a 5xx is retried 3 times, after 1, 4 and 9 units', async () => {
    const github = client()
    script.set('GET /flaky', [500, 502, 503, 504].map((status) => ({ status, body: { message: 'no' } })))
    await expect(github.request('GET /flaky')).rejects.toMatchObject({ status: 504 })
    expect(seen).toHaveLength(4)
    const g = gaps(seen)
    for (const [i, units] of [1, 4, 9].entries()) expect(g[i]).toBeGreaterThanOrEqual(units * BASE_MS - 2)
  })

  test('a 4xx is not retried, nor a request with request.retries 0', async () => {
    const github = client()
    script.set('GET /gone', [{ status: 404, body: { message: 'Not Found' } }])
    await expect(github.request('GET /gone')).rejects.toMatchObject({ status: 404 })
    script.set('GET /flaky', [{ status: 500, body: { message: 'no' } }])
    await expect(github.request('GET /flaky', { request: { retries: 0 } })).rejects.toMatchObject({ status: 500 })
    expect(seen).toHaveLength(2)
  })

  test("GitHub's transient GraphQL error is retried as a 500", async () => {
    const github = client()
    // The message GitHub's GraphQL API gives for a transient failure (the one @octokit/plugin-retry,
    // src/wrap-request.ts, retries; no GitHub docs page names it).
    script.set('POST /graphql', [{ status: 200, body: { data: null, errors: [{ message: 'Something went wrong while executing your query. Please try again later.' }] } }])
    await expect(github.graphql('query { viewer { login } }')).resolves.toEqual({ ok: true })
    expect(seen).toHaveLength(2)
  })
})
