// The secret scan can fail: each test leaks a real secret (a token the emulator issued, a JWT it
// received, a slice of an app key) into a place the scan covers, checks that the scan names the
// place without repeating the secret, and leaves nothing queued, so the suite itself stays green.
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArtifactStore } from '../../src/store/artifact.ts'
import { CacheStore } from '../../src/store/cache.ts'
import { runAction } from '../runner.ts'
import { findLeaks, KEY_SLICE, registerLeakable, scan, scanPending, secretCounts } from '../secrets-registry.ts'
import { newSuite, startStoreHarness, writer, type StoreHarness } from '../store-contract.ts'

let h: StoreHarness
let token: string
const temps: string[] = []

beforeAll(async () => {
  h = await startStoreHarness()
  await h.rest()
  token = mintedToken()
})
afterAll(async () => {
  await h.close()
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true })
})

/** The newest token the emulator issued (h.rest() minted one through the app's JWT). */
function mintedToken(): string {
  const tokens = h.github.issuedSecrets().filter((s) => s.startsWith('ghs_'))
  expect(tokens.length).toBeGreaterThan(0)
  return tokens.at(-1)!
}

const body = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'))

describe('scan() on text', () => {
  it('finds an installation token and a JWT, and never repeats them in its message', () => {
    const jwt = h.github.issuedSecrets().find((s) => !s.startsWith('ghs_') && s.split('.').length === 3)!
    expect(jwt).toBeDefined()
    for (const [secret, kind] of [[token, /an installation token/], [jwt, /a JWT/]] as const) {
      let message = ''
      try { scan('a log line', `Authorization: token ${secret} (oops)`) } catch (e) { message = (e as Error).message }
      expect(message).toMatch(kind)
      expect(message).toMatch(/^Secret scan: a log line contains/)
      expect(message).not.toContain(secret)
    }
  })

  // (slices of the modulus are left out: the public key holds them too, and it is no secret)
  it("finds any PEM line or any 40-character slice of the private part of the app's key, PKCS#1 or PKCS#8", () => {
    for (const pem of [h.github.app.privateKeyPkcs1, h.github.app.privateKeyPkcs8]) {
      const lines = body(pem)
      expect(() => scan("an error message", `bad key line: ${lines[10]}`)).toThrow(/a private key's body/)
      const joined = lines.join('')
      for (const at of [400, 777, 1200, joined.length - KEY_SLICE - 4]) {
        expect(() => scan('an output', `x=${joined.slice(at, at + KEY_SLICE)}`)).toThrow(/private key/)
      }
      expect(() => scan('a state file', JSON.stringify({ key: pem }))).toThrow(/private key/)
    }
  })

  it('does not cry wolf: the public key, another key, a shorter slice and ordinary logs pass', () => {
    const pub = createPublicKey(h.github.app.privateKeyPkcs1)
    expect(findLeaks(pub.export({ type: 'spki', format: 'pem' }).toString())).toEqual([])
    expect(findLeaks(pub.export({ type: 'pkcs1', format: 'pem' }).toString())).toEqual([])
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
    expect(findLeaks(other)).toEqual([])
    expect(findLeaks(body(h.github.app.privateKeyPkcs1).join('').slice(100, 100 + KEY_SLICE - 1))).toEqual([])
    expect(findLeaks(`::add-mask::***\nMinted a token for octo-org/repo-a (${token.slice(0, 4)}…)`)).toEqual([])
    expect(secretCounts().values).toBeGreaterThanOrEqual(2)
    expect(secretCounts().keys).toBeGreaterThanOrEqual(2)
  })
})

describe('the scan covers what the action leaves behind', () => {
  it("the runner registers logs, outputs but `token`, the step summary and a `file:` store; masks don't count", async () => {
    const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'leak-'))
    temps.push(workdir)
    const script = path.join(workdir, 'leak.mjs')
    fs.writeFileSync(script, `
      import fs from 'node:fs'
      const t = process.env['INPUT_LEAK']
      console.log('::add-mask::' + t)
      fs.appendFileSync(process.env.GITHUB_OUTPUT, 'token=' + t + '\\nrepeat=' + t + '\\n')
      fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, 'token: ' + t)
      fs.mkdirSync('state', { recursive: true })
      fs.writeFileSync('state/fragment.json', JSON.stringify({ token: t }))
      console.error('debug: ' + t)
    `)
    await scanPending() // start from an empty queue
    const r = await runAction({ script, workdir, inputs: { leak: token, store: 'file:state' } })
    expect(r.exitCode).toBe(0)
    const problems = await scanPending()
    const places = problems.map((p) => p.replace(/ contains .*/, ''))
    expect(places).toEqual(expect.arrayContaining([
      'main step (token) stderr', 'main step (token) output repeat', 'main step (token) step summary',
      'main step (token) workspace/state/fragment.json',
    ]))
    expect(places.some((p) => /stdout|output token$/.test(p))).toBe(false) // the mask line and `token` are allowed
    expect(problems.join('\n')).not.toContain(token)
  })

  it('finds a token in an artifact and in a cache entry of the runtime emulator', async () => {
    const key = newSuite('leaky')
    const text = JSON.stringify({ version: 1, note: `token ${token}` })
    await scanPending()
    await new ArtifactStore({ retentionDays: 1 }).writeFragment(key, text, writer({ job: 'leak-a' }))
    await new CacheStore({ rest: await h.rest() }).writeFragment(key, text, writer({ job: 'leak-c' }))
    const problems = await scanPending()
    expect(problems.some((p) => /^artifact github-app-ci-\w+.* contains an installation token/.test(p))).toBe(true)
    expect(problems.some((p) => /^cache entry github-app-ci-\w+.* contains an installation token/.test(p))).toBe(true)
    expect(await scanPending()).toEqual([]) // each stored blob is read once
  })

  it('finds a secret in any field of a check run the GitHub emulator received (REST and GraphQL)', async () => {
    const rest = await h.rest({ checks: 'write' })
    const jwt = h.github.issuedSecrets().find((s) => !s.startsWith('ghs_') && s.split('.').length === 3)! // a stateless ghs_ token holds dots too
    const keyLine = body(h.github.app.privateKeyPkcs1)[12]!
    await scanPending()
    const { data } = await rest.octokit.request('POST /repos/{owner}/{repo}/check-runs', {
      owner: 'octo-org', repo: 'repo-a', name: 'leaky', head_sha: 'a'.repeat(40),
      details_url: `https://example.com/?t=${token}`,
    }) as { data: { id: number; node_id: string } }
    await rest.octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: 'octo-org', repo: 'repo-a', check_run_id: data.id, output: { title: 't', summary: `key ${keyLine}` },
    })
    await rest.octokit.request('POST /graphql', {
      query: 'mutation($id: ID!, $repo: ID!, $text: String!) { updateCheckRun(input: { checkRunId: $id, repositoryId: $repo, externalId: $text }) { checkRun { id } } }',
      variables: { id: data.node_id, repo: 'R_x', text: jwt },
    }).catch(() => undefined) // whatever GitHub answers, the body was received
    const problems = await scanPending()
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^GitHub emulator: POST \/repos\/octo-org\/repo-a\/check-runs body contains an installation token/),
      expect.stringMatching(/^GitHub emulator: PATCH \/repos\/octo-org\/repo-a\/check-runs\/\d+ body contains a private key's body/),
      expect.stringMatching(/^GitHub emulator: POST \/graphql body contains a JWT/),
    ]))
    expect(problems.join('\n')).not.toContain(token)
  })

  it('a leak registered and left queued would fail the test (scanPending reports it)', async () => {
    registerLeakable('a deliberately leaking step', `echo ${token}`)
    expect(await scanPending()).toEqual([expect.stringMatching(/^a deliberately leaking step contains an installation token/)])
  })
})
