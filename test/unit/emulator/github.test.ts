// The GitHub emulator, through real clients: @octokit/auth-app and @actions/github's Octokit.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createAppAuth } from '@octokit/auth-app'
import { getOctokit } from '@actions/github'
import { request } from '@octokit/request' // the plain client @octokit/auth-app itself depends on
import { SignJWT, importPKCS8 } from 'jose'
import { startGitHubEmulator, type GitHubEmulator } from '../../emulator/github/index.ts'

let gh: GitHubEmulator
const sha = 'c0ffee'.padEnd(40, '0')
const repo = { owner: 'octo-org', repo: 'repo-a' }

beforeAll(async () => { gh = await startGitHubEmulator() })
afterAll(async () => { await gh.close() })

const orgInstallation = () => gh.installations().find((i) => i.account === 'octo-org' && i.appId === gh.app.id)!
const appAuth = (app = gh.app) => createAppAuth({
  appId: app.id, privateKey: app.privateKeyPkcs8,
  request: request.defaults({ baseUrl: gh.url }),
})
async function installationClient(opts: { repositoryNames?: string[]; permissions?: Record<string, string>; installationId?: number; app?: GitHubEmulator['app']; baseUrl?: string } = {}) {
  const { token } = await appAuth(opts.app)({
    type: 'installation', installationId: opts.installationId ?? orgInstallation().id,
    repositoryNames: opts.repositoryNames, permissions: opts.permissions,
  }) as { token: string }
  return { token, octokit: getOctokit(token, { baseUrl: opts.baseUrl ?? gh.url }) }
}
async function jwt(claims: { iat?: number; exp?: number; iss?: string | number }, app = gh.app) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({}).setProtectedHeader({ alg: 'RS256' })
    .setIssuedAt(claims.iat ?? now - 60).setExpirationTime(claims.exp ?? now + 540).setIssuer(String(claims.iss ?? app.id))
    .sign(await importPKCS8(app.privateKeyPkcs8, 'RS256'))
}
const statusOf = async (p: Promise<unknown>) => p.then((r) => (r as { status?: number })?.status ?? 200, (e: { status?: number }) => e.status ?? -1)
const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure') }, (e: { status: number; message: string; response?: { headers: Record<string, string>; data: any } }) => e)

test('auth-app mints a token the checks API accepts; rate-limit headers count down; secrets are recorded', async () => {
  const { token, octokit } = await installationClient()
  expect(token).toMatch(/^ghs_\d+_[\w-]+\.[\w-]+\.[\w-]+$/) // GitHub's stateless format (world.ts issueToken)
  const created = await octokit.rest.checks.create({ ...repo, name: 'build', head_sha: sha })
  expect(created.status).toBe(201)
  const list = await octokit.rest.checks.listForRef({ ...repo, ref: sha })
  expect(list.data.check_runs.map((r) => r.id)).toContain(created.data.id)
  expect(Number(list.headers['x-ratelimit-remaining'])).toBe(Number(created.headers['x-ratelimit-remaining']) - 1)
  expect(list.headers['x-ratelimit-limit']).toBe('5000')
  expect(list.headers['x-ratelimit-resource']).toBe('core')
  expect(gh.issuedSecrets()).toContain(token)
  expect(gh.issuedSecrets().some((s) => s.split('.').length === 3)).toBe(true)
  expect(gh.requests.some((r) => r.operationId === 'apps/create-installation-access-token' && r.auth === 'jwt' && r.status === 201)).toBe(true)
  expect(gh.violations).toEqual([])
})

test('lookups: repository, org and user installations, the bot user, the repository', async () => {
  const octokit = getOctokit(await jwt({}), { baseUrl: gh.url })
  expect((await octokit.rest.apps.getRepoInstallation(repo)).data.id).toBe(orgInstallation().id)
  expect((await octokit.rest.apps.getOrgInstallation({ org: 'octo-org' })).data.id).toBe(orgInstallation().id)
  expect((await octokit.rest.apps.getAuthenticated()).data!.slug).toBe('ci-app')
  const missing = await errorOf(octokit.rest.apps.getUserInstallation({ username: 'octocat' }))
  expect(missing.status).toBe(404)
  expect(missing.response!.data.message).toBe('Not Found')
  const bot = await octokit.rest.users.getByUsername({ username: 'ci-app[bot]' })
  expect(bot.data.id).toBe(gh.app.botUserId)
  const inst = gh.install(gh.app, 'octocat', { repositories: ['hello-world'] })
  expect((await octokit.rest.apps.getUserInstallation({ username: 'octocat' })).data.id).toBe(inst.id)
  const { octokit: user } = await installationClient({ installationId: inst.id })
  expect((await user.rest.repos.get({ owner: 'octocat', repo: 'hello-world' })).data.full_name).toBe('octocat/hello-world')
  expect(gh.violations).toEqual([])
})

test('JWT claim rules: iat in the future, exp too far, bad signature; Date comes from the emulator clock', async () => {
  gh.setClockOffset(-3600) // the emulator runs an hour behind: our "now" is its future
  try {
    const octokit = getOctokit(await jwt({}), { baseUrl: gh.url })
    const e = await errorOf(octokit.rest.apps.getAuthenticated())
    expect(e.status).toBe(401)
    expect(e.response!.data.message).toBe("'Issued at' claim ('iat') must be an Integer representing a time in the past")
    const skew = (Date.parse(e.response!.headers.date!) - Date.now()) / 1000
    expect(skew).toBeGreaterThan(-3700)
    expect(skew).toBeLessThan(-3500)
  } finally {
    gh.setClockOffset(0)
  }
  const now = Math.floor(Date.now() / 1000)
  const far = await errorOf(getOctokit(await jwt({ iat: now - 10, exp: now + 900 }), { baseUrl: gh.url }).rest.apps.getAuthenticated())
  expect(far.response!.data.message).toBe("'Expiration time' claim ('exp') is too far in the future")
  const other = gh.addApp({ slug: 'other-app' })
  const forged = await jwt({ iss: gh.app.id }, other) // signed with another app's key
  const bad = await errorOf(getOctokit(forged, { baseUrl: gh.url }).rest.apps.getAuthenticated())
  expect(bad.status).toBe(401)
  expect(bad.response!.data.message).toBe('A JSON web token could not be decoded')
  // the client id is an accepted issuer
  expect((await getOctokit(await jwt({ iss: gh.app.clientId }), { baseUrl: gh.url }).rest.apps.getAuthenticated()).status).toBe(200)
})

test('token scope: repositories and permissions are enforced; asking for more than granted is a 422', async () => {
  const { octokit } = await installationClient({ repositoryNames: ['repo-a'], permissions: { checks: 'read' } })
  const write = await errorOf(octokit.rest.checks.create({ ...repo, name: 'x', head_sha: sha }))
  expect(write.status).toBe(403)
  expect(write.response!.data.message).toBe('Resource not accessible by integration')
  expect((await octokit.rest.checks.listForRef({ ...repo, ref: sha })).status).toBe(200)
  expect(await statusOf(octokit.rest.checks.listForRef({ owner: 'octo-org', repo: 'repo-b', ref: sha }))).toBe(403)

  const app = getOctokit(await jwt({}), { baseUrl: gh.url })
  const tooMuch = await errorOf(app.rest.apps.createInstallationAccessToken({ installation_id: orgInstallation().id, permissions: { administration: 'write' } }))
  expect(tooMuch.status).toBe(422)
  expect(tooMuch.response!.data.message).toBe('The permissions requested are not granted to this installation.')
  expect(tooMuch.response!.data.errors[0].field).toBe('administration')
  const notThere = await errorOf(app.rest.apps.createInstallationAccessToken({ installation_id: orgInstallation().id, repositories: ['nope'] }))
  expect(notThere.status).toBe(422)
  const ok = await app.rest.apps.createInstallationAccessToken({ installation_id: orgInstallation().id, repositories: ['repo-b'] })
  expect(ok.data.repository_selection).toBe('selected')
  expect(ok.data.repositories!.map((r) => r.full_name)).toEqual(['octo-org/repo-b'])
  expect(Date.parse(ok.data.expires_at) - Date.now()).toBeGreaterThan(3500_000)
})

test('revoking a token makes it stop working', async () => {
  const { token, octokit } = await installationClient()
  expect((await octokit.request('DELETE /installation/token')).status).toBe(204)
  expect(gh.revokedTokens()).toContain(token)
  const e = await errorOf(octokit.rest.checks.listForRef({ ...repo, ref: sha }))
  expect(e.status).toBe(401)
  expect(e.response!.data.message).toBe('Bad credentials')
})

test('check runs over REST: updates, annotations append, only the creating app may change a run, filters, pages', async () => {
  const head = '1'.repeat(40)
  const { octokit } = await installationClient()
  const ann = (n: number) => Array.from({ length: n }, (_, i) => ({ path: 'a.ts', start_line: i + 1, end_line: i + 1, annotation_level: 'warning' as const, message: `m${i}` }))
  const run = (await octokit.rest.checks.create({ ...repo, name: 'lint', head_sha: head, status: 'in_progress', external_id: 'ext-1', output: { title: 't', summary: 's', annotations: ann(2) } })).data
  const done = (await octokit.rest.checks.update({ ...repo, check_run_id: run.id, conclusion: 'failure', output: { title: 't', summary: 's2', annotations: ann(3) } })).data
  expect(done.status).toBe('completed')
  expect(done.output.annotations_count).toBe(5)
  expect((await octokit.rest.checks.listAnnotations({ ...repo, check_run_id: run.id })).data).toHaveLength(5)
  const fiftyOne = await errorOf(octokit.rest.checks.update({ ...repo, check_run_id: run.id, output: { title: 't', summary: 's', annotations: ann(51) } }))
  expect(fiftyOne.status).toBe(422)
  gh.violations.length = 0

  const other = gh.addApp({ slug: 'intruder' })
  gh.install(other, 'octo-org')
  const otherInstallation = gh.installations().find((i) => i.appId === other.id)!
  const { octokit: intruder } = await installationClient({ app: other, installationId: otherInstallation.id })
  expect(await statusOf(intruder.rest.checks.update({ ...repo, check_run_id: run.id, status: 'queued' }))).toBe(403)
  await intruder.rest.checks.create({ ...repo, name: 'lint', head_sha: head })

  for (let i = 0; i < 4; i++) await octokit.rest.checks.create({ ...repo, name: `matrix-${i}`, head_sha: head })
  await octokit.rest.checks.create({ ...repo, name: 'matrix-0', head_sha: head }) // a newer run of the same name
  const mine = await octokit.rest.checks.listForRef({ ...repo, ref: head, app_id: gh.app.id })
  expect(mine.data.total_count).toBe(5) // latest per name: lint + matrix-0..3
  const all = await octokit.rest.checks.listForRef({ ...repo, ref: head, filter: 'all' })
  expect(all.data.total_count).toBe(7)
  expect((await octokit.rest.checks.listForRef({ ...repo, ref: head, check_name: 'lint', filter: 'all' })).data.total_count).toBe(2)
  expect((await octokit.rest.checks.listForRef({ ...repo, ref: head, status: 'completed' })).data.total_count).toBe(1)
  const page1 = await octokit.rest.checks.listForRef({ ...repo, ref: head, filter: 'all', per_page: 3 })
  expect(page1.data.check_runs).toHaveLength(3)
  expect(page1.headers.link).toMatch(/page=2>; rel="next"/)
  const paged = await octokit.paginate(octokit.rest.checks.listForRef, { ...repo, ref: head, filter: 'all', per_page: 3 })
  expect(paged).toHaveLength(7)
  expect(gh.checkRuns('octo-org/repo-a').find((r) => r.id === run.id)!.external_id).toBe('ext-1')
  expect(gh.violations).toEqual([])
})

test('an invalid REST body is a 422 and a recorded violation', async () => {
  const { octokit } = await installationClient()
  const route: string = 'POST /repos/{owner}/{repo}/check-runs' // untyped: the body is wrong on purpose
  const e = await errorOf(octokit.request(route, { ...repo, name: 'x', head_sha: sha, status: 'bogus' }))
  expect(e.status).toBe(422)
  expect(e.response!.data.message).toMatch(/^Invalid request\./)
  expect(gh.violations.some((v) => v.includes('checks/create') && v.includes('status'))).toBe(true)
  gh.violations.length = 0
})

test('GraphQL: aliased createCheckRun ×3 in one request, updateCheckRun, and an unknown field is a violation', async () => {
  const { octokit } = await installationClient()
  const head = '2'.repeat(40)
  const { repository } = await octokit.graphql<{ repository: { id: string; databaseId: number } }>(
    'query($o: String!, $n: String!) { repository(owner: $o, name: $n) { id databaseId } }', { o: 'octo-org', n: 'repo-a' })
  const fields = [0, 1, 2].map((i) => `cr${i}: createCheckRun(input: { repositoryId: $repo, headSha: "${head}", name: "b${i}", externalId: "e${i}", status: QUEUED }) { checkRun { id databaseId url status conclusion externalId name } }`)
  const created = await octokit.graphql<Record<string, { checkRun: { id: string; databaseId: number; status: string } }>>(
    `mutation($repo: ID!) { ${fields.join('\n')} }`, { repo: repository.id })
  expect(Object.keys(created)).toEqual(['cr0', 'cr1', 'cr2'])
  expect(created.cr0!.checkRun.status).toBe('QUEUED')
  expect(gh.checkRuns('octo-org/repo-a').filter((r) => r.head_sha === head)).toHaveLength(3)
  expect(gh.requests.at(-1)!.graphqlOperations).toEqual(['createCheckRun', 'createCheckRun', 'createCheckRun'])

  const updated = await octokit.graphql<{ u: { checkRun: { status: string; conclusion: string; databaseId: number } } }>(
    'mutation($input: UpdateCheckRunInput!) { u: updateCheckRun(input: $input) { checkRun { status conclusion databaseId } } }',
    { input: { repositoryId: repository.id, checkRunId: created.cr1!.checkRun.id, conclusion: 'SUCCESS', output: { title: 'ok', summary: 'fine', annotations: [{ path: 'x', location: { startLine: 1, endLine: 1 }, annotationLevel: 'NOTICE', message: 'hi' }] } } })
  expect(updated.u.checkRun).toEqual({ status: 'COMPLETED', conclusion: 'SUCCESS', databaseId: created.cr1!.checkRun.databaseId })
  const rest = await octokit.rest.checks.get({ ...repo, check_run_id: created.cr1!.checkRun.databaseId })
  expect(rest.data.conclusion).toBe('success')
  expect(rest.data.output.annotations_count).toBe(1)
  const node = await octokit.graphql<{ node: { databaseId: number } }>('query($id: ID!) { node(id: $id) { ... on CheckRun { databaseId } } }', { id: created.cr2!.checkRun.id })
  expect(node.node.databaseId).toBe(created.cr2!.checkRun.databaseId)
  expect(gh.violations).toEqual([])

  const bad = await errorOf(octokit.graphql('query { repository(owner: "octo-org", name: "repo-a") { id bogusField } }'))
  expect(bad.message).toMatch(/bogusField/)
  expect(gh.violations.some((v) => v.includes('bogusField'))).toBe(true)
  gh.violations.length = 0
})

test('GHES layout: REST under /api/v3 and GraphQL under /api/graphql', async () => {
  const { octokit } = await installationClient({ baseUrl: gh.ghesApiUrl })
  expect((await octokit.rest.checks.listForRef({ ...repo, ref: sha })).status).toBe(200)
  const r = await octokit.graphql<{ rateLimit: { remaining: number } }>('{ rateLimit { cost remaining resetAt } }')
  expect(r.rateLimit.remaining).toBeGreaterThan(0)
  expect(gh.requests.at(-1)!.path).toBe('/graphql')
  expect(gh.violations).toEqual([])
})

test('secondary limits: REST writes and each GraphQL mutation count; past the limit a 403 with retry-after', async () => {
  const fresh = await startGitHubEmulator()
  try {
    fresh.setSecondaryLimits({ perMinute: 3, perHour: 100 })
    const auth = createAppAuth({ appId: fresh.app.id, privateKey: fresh.app.privateKeyPkcs1, request: request.defaults({ baseUrl: fresh.url }) })
    const inst = fresh.installations()[0]!
    const { token } = await auth({ type: 'installation', installationId: inst.id }) as { token: string }
    const octokit = getOctokit(token, { baseUrl: fresh.url })
    await octokit.rest.checks.create({ ...repo, name: 'a', head_sha: sha })
    await octokit.rest.checks.create({ ...repo, name: 'b', head_sha: sha })
    const id = (await octokit.rest.repos.get(repo)).data.node_id
    const two = `mutation($r: ID!) { a: createCheckRun(input: {repositoryId: $r, headSha: "${sha}", name: "c"}) { checkRun { id } } b: createCheckRun(input: {repositoryId: $r, headSha: "${sha}", name: "d"}) { checkRun { id } } }`
    const e = await errorOf(octokit.graphql(two, { r: id }))
    expect(e.status).toBe(403)
    expect(e.response!.data.message).toMatch(/secondary rate limit/)
    expect(Number(e.response!.headers['retry-after'])).toBeGreaterThan(0)
    expect(await statusOf(octokit.rest.checks.create({ ...repo, name: 'c', head_sha: sha }))).toBe(201) // one more still fits
    expect(await statusOf(octokit.rest.checks.create({ ...repo, name: 'd', head_sha: sha }))).toBe(403)
    expect(await statusOf(octokit.rest.checks.listForRef({ ...repo, ref: sha }))).toBe(200) // reads do not count
    expect(fresh.checkRuns()).toHaveLength(3)
  } finally {
    await fresh.close()
  }
})

test('faults: status, reset, drop-after-write, delay, secondary-rate-limit, 429, clock-skew, per mutation', async () => {
  const { octokit, token } = await installationClient()
  const create = (name: string) => octokit.rest.checks.create({ ...repo, name, head_sha: sha })
  const count = () => gh.checkRuns().filter((r) => r.head_sha === sha).length

  gh.faults.add({ match: 'checks/create', kind: 'status', status: 502 })
  expect(await statusOf(create('f1'))).toBe(502)
  expect(await statusOf(create('f1'))).toBe(201) // times defaults to 1

  gh.faults.add({ match: 'checks/list-for-ref', kind: 'reset' })
  await expect(fetch(`${gh.url}/repos/octo-org/repo-a/commits/${sha}/check-runs`, { headers: { authorization: `token ${token}` } })).rejects.toThrow()

  const before = count()
  gh.faults.add({ match: 'checks/create', kind: 'drop-after-write' })
  await expect(create('dropped')).rejects.toThrow()
  expect(count()).toBe(before + 1) // the write happened; the reply was lost

  gh.faults.add({ match: 'checks/create', kind: 'delay', delayMs: 300 })
  const t = performance.now()
  expect(await statusOf(create('slow'))).toBe(201)
  expect(performance.now() - t).toBeGreaterThanOrEqual(290)

  gh.faults.add({ match: 'checks/create', kind: 'secondary-rate-limit', retryAfterSeconds: 7 })
  const sec = await errorOf(create('x'))
  expect([sec.status, sec.response!.headers['retry-after']]).toEqual([403, '7'])

  gh.faults.add({ match: 'checks/list-for-ref', kind: 'rate-limit-429', retryAfterSeconds: 3, times: 2 })
  for (let i = 0; i < 2; i++) {
    const r = await errorOf(octokit.rest.checks.listForRef({ ...repo, ref: sha }))
    expect([r.status, r.response!.headers['retry-after']]).toEqual([429, '3'])
  }
  expect(await statusOf(octokit.rest.checks.listForRef({ ...repo, ref: sha }))).toBe(200)

  gh.faults.add({ match: 'apps/create-installation-access-token', kind: 'clock-skew' })
  const skew = await errorOf(installationClient())
  expect(skew.status).toBe(401)
  expect(skew.message).toMatch(/Issued at/)
  await installationClient() // once only

  gh.faults.add({ match: 'graphql:updateCheckRun', kind: 'status', status: 500 })
  const q = '{ rateLimit { remaining } }'
  expect((await octokit.graphql<{ rateLimit: { remaining: number } }>(q)).rateLimit.remaining).toBeGreaterThan(0) // not a mutation it names
  const id = gh.checkRuns()[0]!
  const repoId = (await octokit.rest.repos.get(repo)).data.node_id
  const upd = `mutation($r: ID!, $c: ID!) { updateCheckRun(input: {repositoryId: $r, checkRunId: $c, status: IN_PROGRESS}) { checkRun { id } } }`
  expect(await statusOf(octokit.graphql(upd, { r: repoId, c: id.node_id }))).toBe(500)
  gh.faults.clear()
  expect(gh.violations).toEqual([])
})

test('route(): added endpoints get authentication, validation, faults and rate-limit headers; unknown paths are violations', async () => {
  const fresh = await startGitHubEmulator()
  try {
    fresh.route('GET', '/repos/{owner}/{repo}/actions/caches', (ctx) => {
      if (!ctx.authorize(`${ctx.params.owner}/${ctx.params.repo}`, 'actions', 'read')) return
      ctx.reply(200, { total_count: 0, actions_caches: [], seen: { page: ctx.query.page, installation: ctx.auth.installationId } })
    })
    const auth = createAppAuth({ appId: fresh.app.id, privateKey: fresh.app.privateKeyPkcs1, request: request.defaults({ baseUrl: fresh.url }) })
    const inst = fresh.installations()[0]!
    const { token } = await auth({ type: 'installation', installationId: inst.id }) as { token: string }
    const octokit = getOctokit(token, { baseUrl: fresh.url })
    const ok = await octokit.request('GET /repos/{owner}/{repo}/actions/caches', { ...repo, page: 2 })
    expect((ok.data as unknown as { seen: unknown }).seen).toEqual({ page: '2', installation: inst.id })
    expect(ok.headers['x-ratelimit-remaining']).toBeDefined()
    expect(fresh.requests.at(-1)!.operationId).toBe('actions/get-actions-cache-list')
    const bad = await errorOf(octokit.request('GET /repos/{owner}/{repo}/actions/caches', { ...repo, sort: 'bogus' as 'size_in_bytes' }))
    expect(bad.status).toBe(422)
    expect(fresh.violations).toHaveLength(1)
    fresh.faults.add({ match: 'actions/get-actions-cache-list', kind: 'status', status: 503 })
    expect(await statusOf(octokit.request('GET /repos/{owner}/{repo}/actions/caches', repo))).toBe(503)
    expect(await statusOf(octokit.request('GET /no/such/endpoint'))).toBe(404)
    expect(fresh.violations).toHaveLength(2)
    expect(await statusOf(getOctokit('ghp_unknown', { baseUrl: fresh.url }).request('GET /repos/{owner}/{repo}/actions/caches', repo))).toBe(401)

    fresh.setRateLimitRemaining(inst.id, 0)
    const limited = await errorOf(octokit.rest.checks.listForRef({ ...repo, ref: sha }))
    expect(limited.status).toBe(403)
    expect(limited.response!.headers['x-ratelimit-remaining']).toBe('0')
    expect(limited.response!.data.message).toMatch(/API rate limit exceeded/)
  } finally {
    await fresh.close()
  }
})
