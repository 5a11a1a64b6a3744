// The bad-input catalog: one row per mistake a user can make, each run through the real dist/
// against its own GitHub emulator. Every row checks the exit code, the one-line error the user
// sees, and that nothing was written: no write request to GitHub (no POST/PATCH/PUT/DELETE, so
// no access token either) and the `file:` store directory byte-for-byte as before.
// The state-document rows run both ways: with fail-on-corrupt-state they fail (the session mints
// its token before it reads the store, so that one POST is allowed, but no check run is touched);
// without it they warn, set the fragment aside (left as it was) and rebuild from GitHub.
import { sealWith } from '../sealed.ts'
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { rootCertificates } from 'node:tls'
import { afterAll, describe, expect, test } from 'vitest'
import { fragmentName } from '../../src/store/naming.ts'
import { MAX_INPUT_FILE_BYTES } from '../../src/commands/transition-inputs.ts'
import { startGitHubEmulator, type GitHubEmulator, type RecordedRequest } from '../emulator/github/index.ts'
import { runAction, type RunActionResult } from '../runner.ts'
import { registerPrivateKey } from '../secrets-registry.ts'

const SHA = 'f1d2d2f924e986ac86fdf7b36c94bcdf32beec15' // the runner's default GITHUB_SHA
const KEY = { repository: 'octo-org/repo-a', head_sha: SHA, suite: 'ci' } // the runner's defaults
const STORE_DIR = 'state'

// Key fixtures: private ones go into the secret scan's registry like the emulator's app keys.
const pkcs8 = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) => k.export({ type: 'pkcs8', format: 'pem' }).toString()
const ecKey = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)
const edKey = pkcs8(generateKeyPairSync('ed25519').privateKey)
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
for (const k of [ecKey, edKey, rsa1024]) registerPrivateKey(k)
const certificate = rootCertificates[0]!

type Files = Record<string, string | Buffer | 'dir'>
interface Row {
  name: string
  /** merged over the base inputs of `kind`; undefined removes an input */
  inputs: (gh: GitHubEmulator) => Record<string, string | undefined>
  kind: 'token' | 'transition'
  error: RegExp
  files?: Files
  /** a state fragment placed in the store before the run */
  fragment?: string | Buffer
  /** the state rows' way round: exit 0, this warning, fragment left in place, a check run created */
  warns?: RegExp
  /** a failing state row may mint the session's token (and revoke it), nothing else */
  mintsToken?: boolean
}

const pkcs1 = (gh: GitHubEmulator) => gh.app.privateKeyPkcs1
const pemLines = (gh: GitHubEmulator) => pkcs1(gh).trim().split('\n')

function validDocument(state = 'built'): object {
  return {
    version: 1, ...KEY,
    check_runs: { linux: { name: 'ci / linux', state, generation: 1, check_run_id: 5, node_id: 'CR_x', state_synced: true, conclusion: 'success', updated_at: '2026-01-01T00:00:00.000Z' } },
  }
}
const STATE_DOCUMENTS: { name: string; text: string | Buffer; warns: RegExp }[] = [
  { name: 'corrupt (a record in a state that does not exist)', text: JSON.stringify(validDocument('exploded')), warns: /set aside.*check_runs\["linux"\]\.state/ },
  { name: 'truncated', text: JSON.stringify(validDocument()).slice(0, 90), warns: /set aside.*not valid JSON/ },
  { name: 'from a newer version', text: JSON.stringify({ ...validDocument(), version: 99 }), warns: /set aside.*newer github-app-ci.*upgrade/ },
  // random bytes: whichever check trips first (bracket depth or JSON syntax) depends on the draw
  { name: '10 MiB of junk', text: randomBytes(7.5 * 1024 * 1024).toString('latin1'), warns: /set aside .*: state document(: nested more than 64 levels deep| is not valid JSON)/ },
]

const rows: Row[] = [
  // ---- which command, which app ----
  { kind: 'token', name: 'unknown command', inputs: () => ({ command: 'deploy' }), error: /^Unknown command "deploy": use one of token, queued, building, built/ },
  { kind: 'token', name: 'missing app-id and client-id', inputs: () => ({ 'app-id': undefined }), error: /^Give app-id or client-id: .*settings page/ },
  { kind: 'token', name: 'missing private-key', inputs: () => ({ 'private-key': undefined }), error: /^private-key is empty\. Pass the app's private key from a secret/ },
  { kind: 'token', name: 'app-id and client-id of different apps', inputs: (gh) => ({ 'app-id': String(gh.app.id + 999), 'client-id': gh.app.clientId }), error: /^app-id \d+ and client-id Iv23\w+ belong to different apps .*Pass only one of them/ },
  { kind: 'token', name: 'non-numeric app-id', inputs: () => ({ 'app-id': 'my-app' }), error: /^app-id must be the app's numeric ID .*not "my-app"/ },
  { kind: 'token', name: 'a client id given as app-id', inputs: (gh) => ({ 'app-id': gh.app.clientId }), error: /^app-id "Iv23\w+" is a client ID: pass it as client-id instead/ },
  { kind: 'token', name: 'a numeric client-id', inputs: () => ({ 'app-id': undefined, 'client-id': '12345' }), error: /^client-id "12345" is numeric, like an app ID: pass it as app-id instead/ },
  // ---- the key ----
  { kind: 'token', name: 'key: EC, not RSA', inputs: () => ({ 'private-key': ecKey }), error: /^private-key is an EC key \(prime256v1\); GitHub Apps sign with RSA keys\. Generate a new private key/ },
  { kind: 'token', name: 'key: Ed25519, not RSA', inputs: () => ({ 'private-key': edKey }), error: /^private-key is an ED25519 key; GitHub Apps sign with RSA keys/ },
  { kind: 'token', name: 'key: RSA 1024 bits', inputs: () => ({ 'private-key': rsa1024 }), error: /^private-key is a 1024-bit RSA key; GitHub requires at least 2048 bits/ },
  { kind: 'token', name: 'key: the public key', inputs: (gh) => ({ 'private-key': createPublicKey(pkcs1(gh)).export({ type: 'spki', format: 'pem' }).toString() }), error: /^private-key holds a public key; the app needs its private key/ },
  { kind: 'token', name: 'key: a certificate', inputs: () => ({ 'private-key': certificate }), error: /^private-key holds a certificate, not a private key/ },
  { kind: 'token', name: 'key: empty (a secret that is "")', inputs: () => ({ 'private-key': '""' }), error: /^private-key is empty\./ },
  { kind: 'token', name: 'key: truncated (no END line)', inputs: (gh) => ({ 'private-key': pemLines(gh).slice(0, 10).join('\n') }), error: /^private-key is truncated: it has a "-----BEGIN RSA PRIVATE KEY-----" line but no "-----END RSA PRIVATE KEY-----" line/ },
  { kind: 'token', name: 'key: truncated body between BEGIN and END', inputs: (gh) => ({ 'private-key': [...pemLines(gh).slice(0, 10), pemLines(gh).at(-1)!].join('\n') }), error: /^private-key is damaged or truncated: its BEGIN and END lines are there but the key between them cannot be read/ },
  { kind: 'token', name: 'key: not PEM at all', inputs: () => ({ 'private-key': 'hunter2' }), error: /^private-key is not a PEM key: it should start with "-----BEGIN RSA PRIVATE KEY-----"/ },
  { kind: 'token', name: 'key: base64 of the PEM file', inputs: (gh) => ({ 'private-key': Buffer.from(pkcs1(gh)).toString('base64') }), error: /^private-key is not a PEM key: .*It looks base64-encoded: store the decoded \.pem text instead/ },
  // ---- installation, repositories, permissions ----
  { kind: 'token', name: 'installation-id not a number', inputs: () => ({ 'installation-id': 'octo-org' }), error: /^installation-id must be a number \(the end of the installation's settings URL\), not "octo-org"/ },
  { kind: 'token', name: 'repositories of two owners', inputs: () => ({ repositories: 'octo-org/repo-a, octocat/hello-world' }), error: /^repositories: "octocat\/hello-world" belongs to octocat, but "octo-org" was named before\. One token covers one installation/ },
  { kind: 'token', name: 'repositories of another owner than owner', inputs: () => ({ owner: 'octo-org', repositories: 'octocat/hello-world' }), error: /^repositories: "octocat\/hello-world" belongs to octocat, but owner is octo-org/ },
  { kind: 'token', name: 'repositories: not a repository', inputs: () => ({ repositories: 'octo-org/repo-a/extra' }), error: /^repositories: "octo-org\/repo-a\/extra" is not a repository; give names/ },
  { kind: 'token', name: 'owner given as owner/repo', inputs: () => ({ owner: 'octo-org/repo-a' }), error: /^owner is an account, not a repository: use owner: octo-org and repositories: repo-a\./ },
  { kind: 'token', name: 'unknown permission name', inputs: () => ({ 'permission-superpowers': 'write' }), error: /^Unknown input permission-superpowers: GitHub has no app permission "superpowers"/ },
  { kind: 'token', name: 'unknown permission level', inputs: () => ({ 'permission-contents': 'admin' }), error: /^permission-contents: "admin" is not a level GitHub offers for contents; use "read" or "write"/ },
  { kind: 'token', name: 'skip-token-revoke not a boolean', inputs: () => ({ 'skip-token-revoke': 'yes' }), error: /^skip-token-revoke must be true or false, got "yes"/ },
  { kind: 'token', name: 'github-api-url: the web site', inputs: () => ({ 'github-api-url': 'https://github.com' }), error: /^github-api-url "https:\/\/github\.com" is the web site; the REST API is at https:\/\/api\.github\.com/ },
  { kind: 'token', name: 'github-api-url: not a URL', inputs: () => ({ 'github-api-url': 'api.github.com' }), error: /^github-api-url "api\.github\.com" is not a URL/ },

  // ---- builds ----
  { kind: 'transition', name: 'builds empty', inputs: () => ({ builds: ' ' }), error: /^builds is empty: give one build id, a comma- or newline-separated list, or a JSON array/ },
  { kind: 'transition', name: 'builds: only separators', inputs: () => ({ builds: ', ,\n' }), error: /^builds lists no build id: give at least one/ },
  { kind: 'transition', name: 'builds duplicated', inputs: () => ({ builds: 'linux, windows, linux' }), error: /^build id "linux" is listed twice in builds: list each build once/ },
  { kind: 'transition', name: 'builds: an id too long', inputs: () => ({ builds: 'x'.repeat(101) }), error: /^build id "x{56}\.\.\. has 101 characters; use at most 100/ },
  { kind: 'transition', name: 'builds: check run name too long', inputs: () => ({ builds: 'linux', 'name-template': `${'n'.repeat(250)} {build}` }), error: /^check run name .* has 256 characters; shorten the suite, name-template or build id/ },
  { kind: 'transition', name: 'builds with a control character', inputs: () => ({ builds: 'linux\u0007bell' }), error: /^build id "linux\\u0007bell" .*: use a plain one-line name/ },
  { kind: 'transition', name: 'builds: malformed JSON', inputs: () => ({ builds: '["linux", "windows"' }), error: /^builds starts with "\[" but is not a valid JSON array/ },
  { kind: 'transition', name: 'builds: JSON with a number', inputs: () => ({ builds: '["linux", 3]' }), error: /^builds\[1\] must be a string, got 3/ },
  // ---- conclusion, head-sha, suite, other inputs of the transitions ----
  { kind: 'transition', name: 'conclusion unknown on built', inputs: () => ({ command: 'built', conclusion: 'passed' }), error: /^conclusion "passed" is not valid: use one of success, failure/ },
  { kind: 'transition', name: 'conclusion missing on built', inputs: () => ({ command: 'built', conclusion: undefined }), error: /^conclusion is required for built: give one of success, failure.*job\.status/ },
  { kind: 'transition', name: 'conclusion stale on built', inputs: () => ({ command: 'built', conclusion: 'stale' }), error: /^conclusion "stale" can only be set by GitHub/ },
  { kind: 'transition', name: 'head-sha too short', inputs: () => ({ 'head-sha': SHA.slice(0, 7) }), error: /^head-sha "f1d2d2f" is not a commit sha: give the full 40-character hex sha/ },
  { kind: 'transition', name: 'head-sha not hex', inputs: () => ({ 'head-sha': 'g'.repeat(40) }), error: /^head-sha "g{40}" is not a commit sha/ },
  { kind: 'transition', name: 'head-sha a branch name', inputs: () => ({ command: 'building', 'head-sha': 'refs/heads/main' }), error: /^head-sha "refs\/heads\/main" is not a commit sha/ },
  { kind: 'transition', name: 'name-template without {build}', inputs: () => ({ 'name-template': '{suite}' }), error: /^name-template "\{suite\}" has no \{build\}/ },
  { kind: 'transition', name: 'fail-on-unsynced not a boolean', inputs: () => ({ 'fail-on-unsynced': 'always' }), error: /^fail-on-unsynced must be true or false, got "always"/ },
  { kind: 'transition', name: 'details-url not http(s)', inputs: () => ({ 'details-url': 'javascript:alert(1)' }), error: /^details-url "javascript:alert\(1\)" must be an http\(s\) URL/ },
  { kind: 'transition', name: 'state-retention-days not a number', inputs: () => ({ 'state-retention-days': 'a week' }), error: /^state-retention-days must be a whole number of at least 1, not "a week"/ },
  // ---- files ----
  { kind: 'transition', name: 'summary-file missing', inputs: () => ({ command: 'built', conclusion: 'success', 'summary-file': 'out/summary.md' }), error: /^summary-file: out\/summary\.md does not exist \(looked for .*\)\. Check the path; relative paths start at the workspace/ },
  { kind: 'transition', name: 'summary-file unreadable (a directory)', files: { out: 'dir' }, inputs: () => ({ command: 'built', conclusion: 'success', 'summary-file': 'out' }), error: /^summary-file: out is not a file/ },
  { kind: 'transition', name: 'summary-file over 1 MiB', files: { 'summary.md': 'x'.repeat(MAX_INPUT_FILE_BYTES + 1) }, inputs: () => ({ command: 'built', conclusion: 'success', 'summary-file': 'summary.md' }), error: /^summary-file: summary\.md has 1048577 bytes; at most 1048576 \(1 MiB\) are read/ },
  { kind: 'transition', name: 'annotations-file missing', inputs: () => ({ command: 'built', conclusion: 'failure', 'annotations-file': 'lint.json' }), error: /^annotations-file: lint\.json does not exist/ },
  { kind: 'transition', name: 'annotations-file unreadable (a directory)', files: { 'lint.json': 'dir' }, inputs: () => ({ command: 'built', conclusion: 'failure', 'annotations-file': 'lint.json' }), error: /^annotations-file: lint\.json is not a file/ },
  { kind: 'transition', name: 'annotations-file not JSON', files: { 'lint.json': 'src/a.ts:3: unused variable' }, inputs: () => ({ command: 'built', conclusion: 'failure', 'annotations-file': 'lint.json' }), error: /^annotations-file is not valid JSON: give a JSON array of GitHub annotation objects/ },
  { kind: 'transition', name: 'annotations-file over 1 MiB', files: { 'lint.json': `[${' '.repeat(MAX_INPUT_FILE_BYTES)}]` }, inputs: () => ({ command: 'built', conclusion: 'failure', 'annotations-file': 'lint.json' }), error: /^annotations-file: lint\.json has 1048578 bytes; at most 1048576 \(1 MiB\)/ },
  { kind: 'transition', name: 'annotations-file: an annotation without a line', files: { 'lint.json': JSON.stringify([{ path: 'a.ts', annotation_level: 'warning', message: 'm' }]) }, inputs: () => ({ command: 'built', conclusion: 'failure', 'annotations-file': 'lint.json' }), error: /^annotations-file\[0\]\.start_line must be a positive integer, got undefined/ },
  // ---- store ----
  { kind: 'transition', name: 'store: unknown scheme', inputs: () => ({ store: 's3://bucket/state' }), error: /^store: "s3:\/\/bucket\/state" is not a store: use "auto" \(the default\), "artifact", "cache", "file:<directory>" or "none"/ },
  { kind: 'transition', name: 'store: file: without a directory', inputs: () => ({ store: 'file:' }), error: /^store: "file:" names no directory: write file:<directory>/ },
  { kind: 'transition', name: 'fail-on-corrupt-state not a boolean', inputs: () => ({ 'fail-on-corrupt-state': 'strict' }), error: /^fail-on-corrupt-state must be true or false, got "strict"/ },
  // ---- state documents, both ways ----
  ...STATE_DOCUMENTS.flatMap(({ name, text, warns }): Row[] => [
    { kind: 'transition', name: `state ${name}, fail-on-corrupt-state: true`, fragment: text, mintsToken: true, inputs: () => ({ 'fail-on-corrupt-state': 'true' }), error: /^State fragment (?:file |artifact |cache entry )?github-app-ci-[\w-]+ (?:\(id \d+\) )?(?:of run \d+ \(attempt \d+\) )?is unusable and was set aside .*fail-on-corrupt-state is true, so the step stops here; delete the fragment or set it to false/ },
    { kind: 'transition', name: `state ${name}, fail-on-corrupt-state: false`, fragment: text, inputs: () => ({}), error: /^$/, warns },
  ]),
]

const emulators: GitHubEmulator[] = []
const temps: string[] = []
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()))
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true })
})

function baseInputs(kind: Row['kind'], gh: GitHubEmulator): Record<string, string> {
  const app = { 'app-id': String(gh.app.id), 'private-key': pkcs1(gh) }
  return kind === 'token' ? { command: 'token', ...app } : { command: 'queued', ...app, builds: 'linux', store: `file:${STORE_DIR}` }
}

/** Every file under `dir` with a hash of its bytes. */
function snapshot(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {}
  return Object.fromEntries(
    fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((f) => {
      const p = path.join(dir, f)
      return [f, fs.statSync(p).isDirectory() ? 'dir' : createHash('sha256').update(fs.readFileSync(p)).digest('hex')]
    }),
  )
}

const WRITE = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
const show = (requests: RecordedRequest[]) => requests.map((r) => `${r.method} ${r.path}${r.graphqlOperations?.length ? ` ${r.graphqlOperations.join(',')}` : ''} ${r.status}`)
const isTokenLifecycle = (r: RecordedRequest) =>
  (r.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(r.path)) || (r.method === 'DELETE' && r.path === '/installation/token')

async function runRow(row: Row): Promise<{ result: RunActionResult; requests: RecordedRequest[]; before: Record<string, string>; after: Record<string, string>; gh: GitHubEmulator }> {
  const gh = await startGitHubEmulator()
  emulators.push(gh)
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'))
  temps.push(workdir)
  for (const [name, content] of Object.entries(row.files ?? {})) {
    const p = path.join(workdir, name)
    if (content === 'dir') fs.mkdirSync(p, { recursive: true })
    else fs.writeFileSync(p, content)
  }
  const storeDir = path.join(workdir, STORE_DIR)
  if (row.fragment !== undefined) {
    fs.mkdirSync(storeDir, { recursive: true })
    const name = fragmentName(KEY, { run_id: 900, run_attempt: 1, job: 'earlier', step: 'seeded' })
    // Written by a holder of the app's key (an earlier step), so it is corrupt, not forged.
    fs.writeFileSync(path.join(storeDir, `${name}.json`), sealWith(gh.app.privateKeyPkcs1, KEY, typeof row.fragment === 'string' ? row.fragment : row.fragment.toString('latin1')))
  }
  const inputs = { ...baseInputs(row.kind, gh), ...row.inputs(gh) }
  const before = snapshot(storeDir)
  const result = await runAction({ inputs, workdir, env: { GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10' } })
  return { result, requests: [...gh.requests], before, after: snapshot(storeDir), gh }
}

describe.concurrent('bad inputs', () => {
  test('the catalog has at least 40 rows, each named once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40)
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length)
  })

  test.for(rows.filter((r) => !r.warns))('$name', async (row) => {
    const { result, requests, before, after, gh } = await runRow(row)
    const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}\nrequests: ${show(requests).join('; ')}`
    expect(result.exitCode, context).toBe(1)
    // exactly one error, on one line, saying what to fix
    expect(result.errors, context).toHaveLength(1)
    expect(result.errors[0]).not.toMatch(/[\r\n]/)
    expect(result.errors[0]).toMatch(row.error)
    // nothing written: GitHub, then the store
    const writes = requests.filter((r) => WRITE.has(r.method))
    if (row.mintsToken) {
      expect(show(writes.filter((r) => !isTokenLifecycle(r))), context).toEqual([])
      expect(writes.filter((r) => r.method === 'POST').length, context).toBeLessThanOrEqual(1) // one token, no retry storm
    } else {
      expect(show(writes), context).toEqual([])
    }
    expect(gh.checkRuns()).toEqual([])
    expect(after).toEqual(before)
    expect(gh.violations).toEqual([])
  })

  test.for(rows.filter((r) => r.warns))('$name', async (row) => {
    const { result, before, after, gh } = await runRow(row)
    const context = `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`
    expect(result.exitCode, context).toBe(0)
    expect(result.errors, context).toEqual([])
    expect(result.warnings.some((w) => row.warns!.test(w) && !/[\r\n]/.test(w)), context).toBe(true)
    // rebuilt and reported: the check run exists; the bad fragment is left as it was, a new one is added
    expect(gh.checkRuns().map((r) => [r.name, r.status])).toContainEqual(['ci / linux', 'queued'])
    for (const [file, hash] of Object.entries(before)) expect(after[file]).toBe(hash)
    expect(Object.keys(after).length).toBe(Object.keys(before).length + 1)
    expect(gh.violations).toEqual([])
  })
})
