// command: token, run from the real dist/ (test/runner.ts) against the GitHub emulator.
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createAppAuth } from '../../src/auth/app-auth.ts'
import { readAppInputs } from '../../src/auth/inputs.ts'
import { createGitHubClient, retryBaseMs } from '../../src/github/client.ts'
import { startGitHubEmulator, type GitHubEmulator, type RecordedRequest } from '../emulator/github/index.ts'
import { runAction, type RunActionOptions, type RunActionResult } from '../runner.ts'

let gh: GitHubEmulator
const results: RunActionResult[] = []

beforeAll(async () => {
  gh = await startGitHubEmulator()
})
afterAll(async () => {
  // The secret scan: no token or JWT the emulator saw was ever printed, except to mask it.
  const secrets = gh.issuedSecrets()
  expect(secrets.length).toBeGreaterThan(0)
  for (const r of results) {
    const text = `${r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n')}\n${r.stderr}`
    for (const s of secrets) expect(text.includes(s), 'a secret reached the log').toBe(false)
    for (const s of secrets) expect(Object.entries(r.outputs).some(([k, v]) => k !== 'token' && v.includes(s))).toBe(false)
  }
  expect(gh.violations).toEqual([])
  await gh.close()
})
beforeEach(() => {
  gh.faults.clear()
  gh.setClockOffset(0)
})

type Opts = Partial<Omit<RunActionOptions, 'inputs'>> & { inputs?: Record<string, string> }

/** Runs main (and post, unless `post: false`), returning the requests main made. */
async function run(opts: Opts = {}, post = true) {
  const appInputs: Record<string, string> = opts.inputs && ('app-id' in opts.inputs || 'client-id' in opts.inputs)
    ? {}
    : { 'app-id': String(gh.app.id) }
  const common = {
    ...opts,
    inputs: { 'private-key': gh.app.privateKeyPkcs1, ...appInputs, ...opts.inputs },
    env: { GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10', ...opts.env },
  }
  const before = gh.requests.length
  const main = await runAction({ ...common, entry: 'main' })
  results.push(main)
  const requests = gh.requests.slice(before)
  let postResult: RunActionResult | undefined
  if (post && main.exitCode === 0) {
    postResult = await runAction({ ...common, entry: 'post', state: main.state })
    results.push(postResult)
  }
  return { main, post: postResult, requests }
}

const summary = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${decodeURIComponent(r.path)} ${r.status}`)

async function reach(token: string, repository: string, apiUrl = gh.url): Promise<number> {
  const r = await fetch(`${apiUrl}/repos/${repository}`, { headers: { authorization: `token ${token}` } })
  await r.arrayBuffer()
  return r.status
}

function expectSucceeded(r: RunActionResult) {
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0)
  expect(r.errors).toEqual([])
}

describe('minting', () => {
  test('default: the current repository only; 3 requests; every output; token masked first; post revokes', async () => {
    const { main, requests } = await run({}, false)
    expectSucceeded(main)
    expect(summary(requests)).toEqual([
      'GET /repos/octo-org/repo-a/installation 200',
      'POST /app/installations/' + gh.installations()[0]!.id + '/access_tokens 201',
      'GET /users/ci-app[bot] 200',
    ])
    const token = main.outputs.token!
    expect(token).toMatch(/^ghs_/)
    const installationId = gh.installations().find((i) => i.account === 'octo-org' && i.appId === gh.app.id)!.id
    expect(main.outputs).toEqual({
      token,
      'installation-id': String(installationId),
      'app-slug': 'ci-app',
      'expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
      'bot-username': 'ci-app[bot]',
      'bot-committer-email': `${gh.app.botUserId}+ci-app[bot]@users.noreply.github.com`,
    })
    expect(Date.parse(main.outputs['expires-at']!)).toBeGreaterThan(Date.now() + 50 * 60_000)
    // Masked, before any other output of the step.
    expect(main.masks).toContain(token)
    const lines = main.stdout.split('\n')
    expect(lines.findIndex((l) => l === `::add-mask::${token}`)).toBeGreaterThanOrEqual(0)
    expect(lines.filter((l) => l.includes(token))).toEqual([`::add-mask::${token}`])
    // Scoped to the current repository.
    expect(await reach(token, 'octo-org/repo-a')).toBe(200)
    expect(await reach(token, 'octo-org/repo-b')).toBe(403)
    // Post: revoked. The state holds what post needs; the token only as the runner requires.
    expect(main.state).toEqual({ token, 'api-url': gh.url, 'expires-at': main.outputs['expires-at'] })
    const post = await runAction({ inputs: {}, env: { GITHUB_API_URL: 'http://127.0.0.1:9' }, entry: 'post', state: main.state })
    results.push(post)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain('Installation token revoked.')
    expect(gh.revokedTokens()).toContain(token)
    expect(await reach(token, 'octo-org/repo-a')).toBe(401)
  })

  test('installation-id: exactly one POST, no lookup; the slug comes from one GET beside it', async () => {
    const installationId = gh.installations()[0]!.id
    const { main, requests } = await run({ inputs: { 'installation-id': String(installationId) } }, false)
    expectSucceeded(main)
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1)
    expect(requests.filter((r) => /\/installation$/.test(r.path))).toEqual([])
    expect(summary(requests).sort()).toEqual([
      `GET /app/installations/${installationId} 200`,
      'GET /users/ci-app[bot] 200',
      `POST /app/installations/${installationId}/access_tokens 201`,
    ])
    expect(main.outputs['app-slug']).toBe('ci-app')
    expect(main.outputs['installation-id']).toBe(String(installationId))
    expect(main.outputs['bot-committer-email']).toBe(`${gh.app.botUserId}+ci-app[bot]@users.noreply.github.com`)
    // installation-id names the installation: no repositories given → all of them.
    expect(await reach(main.outputs.token!, 'octo-org/repo-a')).toBe(200)
    expect(await reach(main.outputs.token!, 'octo-org/repo-b')).toBe(200)
  })

  test('client-id as the JWT issuer', async () => {
    const { main } = await run({ inputs: { 'client-id': gh.app.clientId } }, false)
    expectSucceeded(main)
    expect(main.outputs['app-slug']).toBe('ci-app')
  })

  test('owner, an organization: GET /orgs/{owner}/installation; all its repositories', async () => {
    const { main, requests } = await run({ inputs: { owner: 'octo-org' } }, false)
    expectSucceeded(main)
    expect(summary(requests)[0]).toBe('GET /orgs/octo-org/installation 200')
    expect(requests).toHaveLength(3)
    expect(await reach(main.outputs.token!, 'octo-org/repo-a')).toBe(200)
    expect(await reach(main.outputs.token!, 'octo-org/repo-b')).toBe(200)
  })

  test('owner, a user: falls back to GET /users/{owner}/installation, or goes there first when the event says User', async () => {
    const installation = gh.install(gh.app, 'octocat')
    const { main, requests } = await run({ inputs: { owner: 'octocat' } }, false)
    expectSucceeded(main)
    expect(summary(requests).slice(0, 2)).toEqual(['GET /orgs/octocat/installation 404', 'GET /users/octocat/installation 200'])
    expect(requests).toHaveLength(4)
    expect(main.outputs['installation-id']).toBe(String(installation.id))
    expect(await reach(main.outputs.token!, 'octocat/hello-world')).toBe(200)

    const known = await run(
      {
        inputs: { owner: 'octocat' },
        env: { GITHUB_REPOSITORY: 'octocat/hello-world' },
        event: { name: 'push', payload: { repository: { full_name: 'octocat/hello-world', owner: { login: 'octocat', type: 'User' } } } },
      },
      false,
    )
    expectSucceeded(known.main)
    expect(summary(known.requests)[0]).toBe('GET /users/octocat/installation 200')
    expect(known.requests).toHaveLength(3)
  })

  test('repositories: names or owner/name; the token reaches only those', async () => {
    gh.addRepository('octo-org/repo-c')
    const { main, requests } = await run({ inputs: { repositories: 'repo-b,\n octo-org/repo-c' } }, false)
    expectSucceeded(main)
    expect(summary(requests)[0]).toBe('GET /repos/octo-org/repo-b/installation 200')
    const token = main.outputs.token!
    expect(await reach(token, 'octo-org/repo-b')).toBe(200)
    expect(await reach(token, 'octo-org/repo-c')).toBe(200)
    expect(await reach(token, 'octo-org/repo-a')).toBe(403)
  })

  test('permission inputs narrow the token', async () => {
    const headSha = 'a'.repeat(40)
    const create = async (token: string) => {
      const r = await fetch(`${gh.url}/repos/octo-org/repo-a/check-runs`, {
        method: 'POST',
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'probe', head_sha: headSha }),
      })
      await r.arrayBuffer()
      return r.status
    }
    const narrow = await run({ inputs: { 'permission-checks': 'read', 'permission-pull-requests': 'read' } }, false)
    expectSucceeded(narrow.main)
    expect(await create(narrow.main.outputs.token!)).toBe(403)
    const full = await run({ inputs: {} }, false)
    expect(await create(full.main.outputs.token!)).toBe(201)
    const write = await run({ inputs: { 'permission-checks': 'write' } }, false)
    expect(await create(write.main.outputs.token!)).toBe(201)
  })

  test('GitHub Enterprise Server URL layout (/api/v3), the post step too', async () => {
    const ghes = { env: { GITHUB_API_URL: gh.ghesApiUrl }, inputs: { 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs8 } }
    const { main, requests } = await run(ghes, false)
    expectSucceeded(main)
    expect(requests).toHaveLength(3)
    expect(main.outputs['app-slug']).toBe('ci-app')
    expect(await reach(main.outputs.token!, 'octo-org/repo-a', gh.ghesApiUrl)).toBe(200)
    const post = await runAction({ ...ghes, entry: 'post', state: main.state })
    results.push(post)
    expect(post.stdout).toContain('Installation token revoked.')
    expect(gh.revokedTokens()).toContain(main.outputs.token)
    // github-api-url wins over GITHUB_API_URL.
    const given = await run({ inputs: { 'github-api-url': `${gh.ghesApiUrl}/` }, env: { GITHUB_API_URL: 'http://127.0.0.1:9' } }, false)
    expectSucceeded(given.main)
  })
})

describe('faults GitHub can throw', () => {
  test('clock skew: GitHub\'s clock 10 minutes behind → one 401, then the JWT re-signed with the Date offset', async () => {
    gh.setClockOffset(-600)
    const { main, requests } = await run({}, false)
    expectSucceeded(main)
    expect(summary(requests)).toEqual([
      'GET /repos/octo-org/repo-a/installation 401',
      'GET /repos/octo-org/repo-a/installation 200',
      expect.stringMatching(/^POST \/app\/installations\/\d+\/access_tokens 201$/),
      'GET /users/ci-app[bot] 200',
    ])
    expect(main.stdout).toMatch(/GitHub's clock is 60[01] s behind/)
  })

  test('clock skew ahead, with installation-id: both parallel calls recover', async () => {
    gh.setClockOffset(900)
    const installationId = gh.installations()[0]!.id
    const { main, requests } = await run({ inputs: { 'installation-id': String(installationId) } }, false)
    expectSucceeded(main)
    expect(requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1)
    expect(requests.filter((r) => r.method === 'POST' && r.status === 201)).toHaveLength(1)
  })

  test('a 500 on the token request is retried once', async () => {
    gh.faults.add({ match: 'apps/create-installation-access-token', kind: 'status', status: 500 })
    const { main, requests } = await run({}, false)
    expectSucceeded(main)
    expect(summary(requests.filter((r) => r.method === 'POST')).map((s) => s.split(' ').at(-1))).toEqual(['500', '201'])
  })

  test('a dropped connection on the lookup is retried', async () => {
    gh.faults.add({ match: 'apps/get-repo-installation', kind: 'reset' })
    const { main, requests } = await run({}, false)
    expectSucceeded(main)
    expect(requests[0]!.status).toBe(0)
  })
})

describe('what users get wrong: one clear message each', () => {
  test('the app is not installed on the repository / the account', async () => {
    gh.addRepository('lonely/solo', { ownerType: 'User' })
    const lonely = await run({ env: { GITHUB_REPOSITORY: 'lonely/solo', GITHUB_REPOSITORY_OWNER: 'lonely' } }, false)
    expect(lonely.main.exitCode).toBe(1)
    expect(lonely.main.errors).toEqual([expect.stringMatching(/^The app is not installed on lonely\/solo \(or the repository does not exist\)/)])

    const owner = await run({ inputs: { owner: 'nobody-here' } }, false)
    expect(owner.main.errors).toEqual([expect.stringMatching(/^The app is not installed on nobody-here \(no installation on that organization or user\)/)])
    expect(summary(owner.requests)).toEqual(['GET /orgs/nobody-here/installation 404', 'GET /users/nobody-here/installation 404'])

    const id = await run({ inputs: { 'installation-id': '999999' } }, false)
    expect(id.main.errors.join()).toMatch(/installation 999999/)
  })

  test('a permission the app lacks: the 422 is explained by name, without extra requests', async () => {
    const { main, requests } = await run({ inputs: { 'permission-issues': 'write', 'permission-checks': 'write' } }, false)
    expect(main.exitCode).toBe(1)
    expect(main.errors).toEqual([expect.stringMatching(/^The installation does not grant issues: write \(it grants none\)\. Lower or remove permission-issues/)])
    expect(main.errors[0]).not.toMatch(/checks/)
    expect(summary(requests).map((s) => s.split(' ').at(-1))).toEqual(['200', '422'])
    expect(main.outputs).toEqual({})

    const byId = await run({ inputs: { 'installation-id': String(gh.installations()[0]!.id), 'permission-contents': 'write' } }, false)
    expect(byId.main.errors).toEqual([expect.stringMatching(/^The installation does not grant contents: write \(it grants read\)/)])
  })

  test('a repository the installation cannot reach', async () => {
    gh.addRepository('octo-org/private-x')
    const other = gh.addApp({ slug: 'picky-app' })
    gh.install(other, 'octo-org', { repositories: ['repo-a'] })
    const { main } = await run({
      inputs: { 'app-id': String(other.id), 'private-key': other.privateKeyPkcs8, repositories: 'repo-a, repo-b' },
    }, false)
    expect(main.errors).toEqual([expect.stringMatching(/^GitHub refused the repositories \(repo-a, repo-b\)/)])
  })

  test('app-id and client-id of different apps', async () => {
    const other = gh.addApp({ slug: 'other-app' })
    const { main } = await run({ inputs: { 'app-id': String(other.id), 'client-id': gh.app.clientId } }, false)
    expect(main.errors).toEqual([`app-id ${other.id} and client-id ${gh.app.clientId} belong to different apps (client-id's app has id ${gh.app.id}). Pass only one of them.`])
    expect(main.masks).toEqual([]) // checked before any token was minted
    // With installation-id the check comes after the token, which is then revoked at once.
    const revoked = gh.revokedTokens().length
    const byId = await run({ inputs: { 'app-id': String(other.id), 'client-id': gh.app.clientId, 'installation-id': String(gh.installations()[0]!.id) } }, false)
    expect(byId.main.errors).toEqual(main.errors)
    expect(byId.main.outputs).toEqual({})
    expect(gh.revokedTokens().length).toBe(revoked + 1)
  })

  test('a key of another app: GitHub refuses the JWT, and the message says what to check', async () => {
    const other = gh.addApp({ slug: 'third-app' })
    const { main } = await run({ inputs: { 'app-id': String(gh.app.id), 'private-key': other.privateKeyPkcs1 } }, false)
    expect(main.errors).toEqual([expect.stringMatching(/^GitHub refused the app's JWT \(401: A JSON web token could not be decoded\)\. Check that app-id\/client-id and private-key belong to the same app/)])
  })

  test('a bad key fails before any request, without printing it', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const { main, requests } = await run({ inputs: { 'private-key': ec } }, false)
    expect(main.errors).toEqual([expect.stringMatching(/^private-key is an EC key/)])
    expect(requests).toEqual([])
    expect(main.stdout + main.stderr).not.toContain(ec.split('\n')[1]!.slice(0, 20))
  })

  test('skip-token-revoke: true keeps the token alive after the post step, and out of the state', async () => {
    const { main, post } = await run({ inputs: { 'skip-token-revoke': 'true' } })
    expectSucceeded(main)
    expect(main.state).toEqual({})
    expect(post!.exitCode).toBe(0)
    expect(gh.revokedTokens()).not.toContain(main.outputs.token)
    expect(await reach(main.outputs.token!, 'octo-org/repo-a')).toBe(200)
    const bad = await run({ inputs: { 'skip-token-revoke': 'yes please' } }, false)
    expect(bad.main.errors).toEqual(['skip-token-revoke must be true or false, got "yes please".'])
  })
})

describe('inputs (read directly)', () => {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  const read = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = { GITHUB_REPOSITORY: 'o/r', GITHUB_REPOSITORY_OWNER: 'o' }) =>
    readAppInputs((name) => ({ 'private-key': key, 'app-id': '1', ...inputs })[name] ?? '', env)
  const fails = (inputs: Record<string, string>, env?: NodeJS.ProcessEnv) => {
    try {
      read(inputs, env)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error('expected an error')
  }

  test('scoping defaults like create-github-app-token', () => {
    expect(read({})).toMatchObject({ owner: 'o', repositories: ['r'], issuer: '1', appId: 1 })
    expect(read({ owner: 'x' })).toMatchObject({ owner: 'x', repositories: [] })
    expect(read({ repositories: 'a\nb, a' })).toMatchObject({ owner: 'o', repositories: ['a', 'b'] })
    expect(read({ repositories: 'x/a' })).toMatchObject({ owner: 'x', repositories: ['a'] })
    expect(read({ 'installation-id': '5' })).toMatchObject({ installationId: 5, owner: undefined, repositories: [] })
    expect(read({ 'client-id': 'Iv23liXYZ' })).toMatchObject({ issuer: 'Iv23liXYZ', appId: 1, clientId: 'Iv23liXYZ' })
    expect(read({ 'permission-pull-requests': 'Write', 'permission-checks': 'read' }).permissions).toEqual({ checks: 'read', pull_requests: 'write' })
    expect(read({}, { GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'https://HOST/api/v3/' }).apiUrl).toBe('https://HOST/api/v3')
  })

  test.each([
    [{ 'app-id': '' }, /^Give app-id or client-id/],
    [{ 'app-id': 'Iv23liABC' }, /^app-id "Iv23liABC" is a client ID: pass it as client-id instead\./],
    [{ 'app-id': '12a' }, /^app-id must be the app's numeric ID/],
    [{ 'app-id': '', 'client-id': '123' }, /^client-id "123" is numeric, like an app ID/],
    [{ 'installation-id': 'abc' }, /^installation-id must be a number/],
    [{ owner: 'octo-org/repo-a' }, /^owner is an account, not a repository: use owner: octo-org and repositories: repo-a\./],
    [{ owner: 'x', repositories: 'y/a' }, /^repositories: "y\/a" belongs to y, but owner is x\./],
    [{ repositories: 'x/a, y/b' }, /^repositories: "y\/b" belongs to y, but "x" was named before\./],
    [{ repositories: 'a/b/c' }, /^repositories: "a\/b\/c" is not a repository/],
    [{ 'permission-checks': 'admin' }, /^permission-checks: "admin" is not a level GitHub offers for checks; use "read" or "write"/],
    [{ 'github-api-url': 'https://github.com' }, /the REST API is at https:\/\/api\.github\.com/],
    [{ 'github-api-url': 'not a url' }, /is not a URL/],
  ])('%o', (inputs, message) => {
    expect(fails(inputs)).toMatch(message)
  })

  test('an unknown permission input, and no repository to default to', () => {
    expect(fails({}, { GITHUB_REPOSITORY: 'o/r', 'INPUT_PERMISSION-PULL-REQUEST': 'write' })).toMatch(
      /^Unknown input permission-pull-request: GitHub has no app permission "pull_request"/,
    )
    expect(fails({}, {})).toMatch(/^Say which installation: set owner \(or installation-id\)/)
  })
})

describe('the GitHub client and the app token source (in-process, against the emulator)', () => {
  const appInputs = () => readAppInputs(
    (name) => ({ 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs8, owner: 'octo-org' })[name] ?? '',
    { GITHUB_API_URL: gh.url },
  )
  let saved: string | undefined
  beforeAll(() => {
    saved = process.env.GITHUB_APP_CI_RETRY_BASE_MS
    process.env.GITHUB_APP_CI_RETRY_BASE_MS = '10'
  })
  afterAll(() => {
    if (saved === undefined) delete process.env.GITHUB_APP_CI_RETRY_BASE_MS
    else process.env.GITHUB_APP_CI_RETRY_BASE_MS = saved
  })

  test('retryBaseMs: 1 s unless the environment lowers it', () => {
    expect(retryBaseMs({})).toBe(1000)
    expect(retryBaseMs({ GITHUB_APP_CI_RETRY_BASE_MS: '5' })).toBe(5)
  })

  test('createAppAuth: one token until 5 minutes before expiry, then a new one', async () => {
    let offsetMs = 0
    const masked: string[] = []
    const auth = await createAppAuth(appInputs(), { now: () => Date.now() + offsetMs, mask: (t) => masked.push(t) })
    expect(auth.appSlug).toBe('ci-app')
    expect(auth.account).toBe('octo-org')
    const first = await auth.getToken()
    expect(await auth.getToken()).toBe(first)
    offsetMs = 54 * 60_000 // 6 minutes left: still good
    expect(await auth.getToken()).toBe(first)
    offsetMs = 56 * 60_000 // 4 minutes left: renewed, once, even when asked twice at once
    const [a, b] = await Promise.all([auth.getToken(), auth.getToken()])
    expect(a).toBe(b)
    expect(a).not.toBe(first)
    expect(masked).toEqual([first, a])
  })

  test('a token source is asked on every request', async () => {
    const auth = await createAppAuth(appInputs(), { mask: () => undefined })
    let asked = 0
    const client = createGitHubClient({ token: async () => (asked++, auth.getToken()), apiUrl: gh.url })
    await client.request('GET /repos/{owner}/{repo}', { owner: 'octo-org', repo: 'repo-a' })
    await client.rest.repos.get({ owner: 'octo-org', repo: 'repo-b' })
    expect(asked).toBe(2)
  })

  test('5xx: retried up to 3 times; a timed-out attempt counts as one', async () => {
    const token = await (await createAppAuth(appInputs(), { mask: () => undefined })).getToken()
    const client = createGitHubClient({ token, apiUrl: gh.url, requestTimeoutMs: 500 })
    const get = () => client.rest.repos.get({ owner: 'octo-org', repo: 'repo-a' })
    const count = async (call: () => Promise<unknown>) => {
      const before = gh.requests.length
      const outcome = await call().then(() => 'ok', (e: { status?: number }) => e.status)
      return { outcome, requests: gh.requests.length - before }
    }
    gh.faults.add({ match: 'repos/get', kind: 'status', status: 502, times: 2 })
    expect(await count(get)).toEqual({ outcome: 'ok', requests: 3 })
    gh.faults.add({ match: 'repos/get', kind: 'status', status: 500, times: 5 })
    expect(await count(get)).toEqual({ outcome: 500, requests: 4 })
    gh.faults.clear()
    gh.faults.add({ match: 'repos/get', kind: 'delay', delayMs: 2_000 })
    expect(await count(get)).toEqual({ outcome: 'ok', requests: 2 })
  })

  test('rate limits: a short retry-after is waited for, at most twice; a long one gives up at once', async () => {
    const token = await (await createAppAuth(appInputs(), { mask: () => undefined })).getToken()
    const client = createGitHubClient({ token, apiUrl: gh.url })
    const get = async () => {
      const before = gh.requests.length
      const outcome = await client.rest.repos.get({ owner: 'octo-org', repo: 'repo-a' }).then(() => 'ok', (e: { status?: number }) => e.status)
      return { outcome, requests: gh.requests.length - before }
    }
    gh.faults.add({ match: 'repos/get', kind: 'secondary-rate-limit', retryAfterSeconds: 1 })
    expect(await get()).toEqual({ outcome: 'ok', requests: 2 })
    gh.faults.add({ match: 'repos/get', kind: 'rate-limit-429', retryAfterSeconds: 2, times: 5 })
    expect(await get()).toEqual({ outcome: 429, requests: 3 })
    gh.faults.clear()
    gh.faults.add({ match: 'repos/get', kind: 'secondary-rate-limit', retryAfterSeconds: 120 })
    expect(await get()).toEqual({ outcome: 403, requests: 1 })
  })
})
