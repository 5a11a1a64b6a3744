// GitHub's rules the emulator models (each cited where it is modelled), and what the action does
// when it meets them: installation tokens in the stateless format, JWT exp at most 10 minutes
// ahead, GraphQL's primary rate limit as a 200 with RATE_LIMITED, check runs on a commit the
// repository does not have, 1,000 same-name check runs per suite. The real dist/ through the runner.
import { randomBytes } from 'node:crypto'
import { getOctokit } from '@actions/github'
import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'
import { importPKCS8, SignJWT } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { messages as jwtMessages } from '../emulator/github/jwt.ts'
import { SAME_NAME_LIMIT } from '../emulator/github/check-run-limits.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import { startHarness } from './harness.ts'

const { gh, results } = await startHarness()
const sha = () => randomBytes(20).toString('hex')

const installation = () => gh.installations().find((i) => i.account === 'octo-org' && i.appId === gh.app.id)!
async function installationToken(headers: Record<string, string> = {}): Promise<string> {
  const auth = createAppAuth({ appId: gh.app.id, privateKey: gh.app.privateKeyPkcs8, request: request.defaults({ baseUrl: gh.url, headers }) })
  return ((await auth({ type: 'installation', installationId: installation().id })) as { token: string }).token
}

async function step(command: string, inputs: Record<string, string>, env: Record<string, string> = {}, entry: 'main' | 'post' = 'main', state?: Record<string, string>) {
  const r = await runAction({
    inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: 'file:' + '/tmp/fidelity-' + process.pid, ...inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', GITHUB_APP_CI_MUTATIONS_PER_MINUTE: '100000', ...env },
    entry,
    state,
    timeoutMs: 60_000,
  })
  results.push(r)
  return r
}

describe('installation tokens in GitHub\'s stateless format', () => {
  test('the emulator issues ghs_<app id>_<JWT> (about 520 characters); the old 40-character one on request', async () => {
    const token = await installationToken()
    expect(token).toMatch(new RegExp(`^ghs_${gh.app.id}_[\\w-]+\\.[\\w-]+\\.[\\w-]+$`))
    expect(token.length).toBeGreaterThan(480)
    expect(await installationToken({ 'x-github-stateless-s2s-token': 'disabled' })).toMatch(/^ghs_[A-Za-z0-9]{36}$/)
  })

  test('the token command: masked before anything else, never in a log, revoked by the post step', async () => {
    const main = await step('token', {})
    expect(main.exitCode).toBe(0)
    const token = main.outputs.token!
    expect(token).toMatch(/^ghs_\d+_/)
    expect(token.length).toBeGreaterThan(480)
    const lines = main.stdout.split('\n')
    expect(lines[lines.findIndex((l) => l.includes(token))]).toBe(`::add-mask::${token}`) // its first appearance is its mask
    const logs = (r: RunActionResult) => r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n') + r.stderr + r.summary
    expect(logs(main)).not.toContain(token)
    // Not even a piece of it: its JWT part, or the part after the app id.
    for (const part of token.split(/[._]/).filter((p) => p.length > 20)) expect(logs(main)).not.toContain(part)
    const post = await step('token', {}, {}, 'post', main.state)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain('Installation token revoked.')
    expect(logs(post)).not.toContain(token)
    expect(gh.revokedTokens()).toContain(token)
    // (the suite-wide secret scan, test/setup/secret-scan.ts, also checks every log and file these steps left)
  }, 60_000)
})

describe('app JWTs', () => {
  const sign = async (iat: number, exp: number) =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuedAt(iat).setExpirationTime(exp).setIssuer(String(gh.app.id))
      .sign(await importPKCS8(gh.app.privateKeyPkcs8, 'RS256'))
  const appRequest = async (jwt: string) => fetch(`${gh.url}/app`, { headers: { authorization: `Bearer ${jwt}`, accept: 'application/vnd.github+json' } })

  test('exp at most 10 minutes from now: 10 is accepted, 11 refused with GitHub\'s message', async () => {
    const now = Math.floor(Date.now() / 1000)
    expect((await appRequest(await sign(now - 1, now + 595))).status).toBe(200)
    const refused = await appRequest(await sign(now, now + 660))
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { message: string }).message).toBe(jwtMessages.expTooFar)
  })

  test('the action\'s own JWT passes even when the runner\'s clock is 5 minutes behind GitHub\'s', async () => {
    gh.setClockOffset(-300) // GitHub's clock 5 min behind: the action's exp is then 14 min ahead of it
    try {
      const r = await step('token', { 'skip-token-revoke': 'true' })
      expect(r.exitCode).toBe(0)
      expect(r.stdout).toMatch(/clock/i)
    } finally {
      gh.setClockOffset(0)
    }
  }, 60_000)
})

describe("GraphQL's primary rate limit: 200 with a RATE_LIMITED error", () => {
  test('the emulator answers it as GitHub does', async () => {
    const token = await installationToken()
    gh.setRateLimitRemaining(installation().id, 0, 'graphql')
    try {
      const reply = await fetch(`${gh.url}/graphql`, { method: 'POST', headers: { authorization: `token ${token}` }, body: JSON.stringify({ query: '{ rateLimit { remaining } }' }) })
      expect(reply.status).toBe(200)
      expect(reply.headers.get('x-ratelimit-remaining')).toBe('0')
      expect(((await reply.json()) as { errors: { type: string }[] }).errors[0]!.type).toBe('RATE_LIMITED')
    } finally {
      gh.setRateLimitRemaining(installation().id, 5000, 'graphql')
    }
  })

  test('a short one is waited for and the step goes on', async () => {
    const head = sha()
    gh.faults.add({ match: 'graphql:createCheckRun', kind: 'graphql-rate-limited', retryAfterSeconds: 1 })
    const r = await step('queued', { builds: 'linux' }, { GITHUB_SHA: head })
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/GitHub's primary rate limit hit on POST \S*\/graphql: retrying in \d+ s/)
    expect(r.outputs.unsynced).toBe('0')
    expect(gh.checkRuns().filter((c) => c.head_sha === head).map((c) => c.name).sort()).toEqual(['ci / CONCLUSION', 'ci / linux'])
  }, 60_000)

  test('a long one is not waited for: a warning says so, the records are left unsynced for reconcile', async () => {
    const head = sha()
    gh.setRateLimitRemaining(installation().id, 0, 'graphql')
    try {
      const r = await step('queued', { builds: 'linux' }, { GITHUB_SHA: head })
      expect(r.exitCode).toBe(0)
      expect(r.warnings.join('\n')).toMatch(/GitHub's primary rate limit hit on POST \S*\/graphql: GitHub asks to wait \d+ s, more than the 60 s this action waits; giving up/)
      expect(r.outputs.unsynced).toBe('2')
      expect(gh.checkRuns().filter((c) => c.head_sha === head)).toEqual([])
    } finally {
      gh.setRateLimitRemaining(installation().id, 5000, 'graphql')
    }
  }, 60_000)
})

describe('check runs on a commit the repository does not have', () => {
  const repo = 'octo-org/repo-b'
  const good = sha()
  beforeAll(() => gh.setCommits(repo, [good]))

  test('REST answers 422 No commit found for SHA, to a create and to a listing', async () => {
    const octokit = getOctokit(await installationToken(), { baseUrl: gh.url })
    const bad = sha()
    await expect(octokit.rest.checks.create({ owner: 'octo-org', repo: 'repo-b', name: 'x', head_sha: bad })).rejects.toMatchObject({ status: 422, message: expect.stringContaining(`No commit found for SHA: ${bad}`) })
    await expect(octokit.rest.checks.listForRef({ owner: 'octo-org', repo: 'repo-b', ref: bad })).rejects.toMatchObject({ status: 422 })
    expect((await octokit.rest.checks.create({ owner: 'octo-org', repo: 'repo-b', name: 'x', head_sha: good })).status).toBe(201)
  })

  test('the action fails with an error naming head-sha', async () => {
    const bad = sha()
    const r = await step('queued', { builds: 'linux', 'head-sha': bad }, { GITHUB_REPOSITORY: repo, GITHUB_SHA: good })
    expect(r.exitCode).toBe(1)
    expect(r.errors).toEqual([expect.stringContaining(`head-sha ${bad} is not a commit of ${repo}: GitHub answered "No commit found for SHA"`)])
    const ok = await step('queued', { builds: 'linux' }, { GITHUB_REPOSITORY: repo, GITHUB_SHA: good })
    expect(ok.exitCode).toBe(0)
    expect(ok.outputs.unsynced).toBe('0')
  }, 60_000)
})

test(`a check suite keeps ${SAME_NAME_LIMIT} check runs of one name; older ones are deleted`, async () => {
  const octokit = getOctokit(await installationToken(), { baseUrl: gh.url })
  const head = sha()
  const create = (name: string) => octokit.rest.checks.create({ owner: 'octo-org', repo: 'repo-a', name, head_sha: head }).then((r) => r.data.id)
  const ids: number[] = []
  for (let i = 0; i < SAME_NAME_LIMIT + 2; i += 50) ids.push(...(await Promise.all(Array.from({ length: Math.min(50, SAME_NAME_LIMIT + 2 - i) }, () => create('build')))))
  const other = await create('other')
  const kept = gh.checkRuns('octo-org/repo-a').filter((r) => r.head_sha === head)
  expect(kept.filter((r) => r.name === 'build')).toHaveLength(SAME_NAME_LIMIT)
  const oldest = [...ids].sort((a, b) => a - b).slice(0, 2)
  expect(kept.some((r) => oldest.includes(r.id))).toBe(false)
  expect(kept.some((r) => r.id === other)).toBe(true)
}, 120_000)
