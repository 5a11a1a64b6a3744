// The pure checks behind the inputs-and-provenance attack rows (test/action/attacks/): the whole
// fragment-name grammar, an artifact's provenance, the record policy, an update's target, and the
// client's secret guard. docs/inputs-and-provenance.md says what each is for.
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { updateTarget } from '../../../src/checks/planned-write.ts'
import { linkAllowed, recordProblem } from '../../../src/checks/record-policy.ts'
import { externalId, parseServiceData, serializeServiceData } from '../../../src/checks/service-data.ts'
import type { ServiceData } from '../../../src/checks/types.ts'
import { heldSecretIn, holdPrivateKey, holdSecret, refuseSecrets, SecretInRequestError } from '../../../src/github/secret-guard.ts'
import { provenanceProblem } from '../../../src/store/artifact.ts'
import { fragmentName, isFragmentName, runIdOf } from '../../../src/store/naming.ts'

const key = { repository: 'octo-org/repo-a', head_sha: 'a'.repeat(40), suite: 'ci' }
const writer = { run_id: 4242, run_attempt: 3, job: 'build', step: 'app-1234abcd' }

describe('fragment names', () => {
  test('every name fragmentName writes is a whole fragment name, with its run id', () => {
    const names = [
      fragmentName(key, writer),
      fragmentName(key, { ...writer, job: 'j'.repeat(300), step: 'weird step/../x y' }),
      fragmentName(key, writer, { build: 'tests / py3.12 "slow"', state: 'built', generation: 12 }),
    ]
    for (const n of names) {
      expect(isFragmentName(n), n).toBe(true)
      expect(runIdOf(n)).toBe(4242)
    }
  })

  test('anything else is not: traversal, separators, spaces, a missing part', () => {
    for (const n of [
      'github-app-ci-0123456789abcdef-/../../x',
      `${fragmentName(key, writer)}/../x`,
      'github-app-ci-0123456789abcdef-12-1-a b',
      'github-app-ci-0123456789abcdef-12-1-',
      'github-app-ci-0123456789ABCDEF-12-1-job-step',
      'github-app-ci-0123456789abcdef-x-1-job-step',
      'other-0123456789abcdef-12-1-job-step',
    ]) expect(isFragmentName(n), n).toBe(false)
  })
})

describe("an artifact's provenance (GitHub's list-artifacts workflow_run)", () => {
  const name = fragmentName(key, writer)
  test("this repository's run that the name names: fine", () => {
    expect(provenanceProblem(name, { id: 4242, repository_id: 7, head_repository_id: 7 })).toBeUndefined()
  })
  test("a fork's run, an unnamed run, another run's name, a malformed name: skipped", () => {
    expect(provenanceProblem(name, { id: 4242, repository_id: 7, head_repository_id: 8 })).toBe("a fork's run")
    expect(provenanceProblem(name, { id: 4242, repository_id: 7 })).toBe("a fork's run")
    expect(provenanceProblem(name, null)).toBe('GitHub names no run for it')
    expect(provenanceProblem(name, { id: 99, repository_id: 7, head_repository_id: 7 })).toBe('its name says run 4242')
    expect(provenanceProblem('github-app-ci-0123456789abcdef-/../x', { id: 1, repository_id: 7, head_repository_id: 7 })).toBe('not a fragment name')
  })
})

describe('record policy', () => {
  const policy = { repository: 'octo-org/repo-a', nameTemplate: '{suite} / {build}', serverUrl: 'https://github.com' }
  const doc = (over: Record<string, unknown> = {}): ServiceData => parseServiceData(JSON.stringify({
    version: 1, ...key,
    check_runs: { linux: { name: 'ci / linux', state: 'queued', generation: 1, state_synced: true, updated_at: '2026-01-01T00:00:00Z', ...over } },
  }))

  test('links: https under the server URL, or the details-url input host; nothing else', () => {
    expect(linkAllowed('https://github.com/octo-org/repo-a/actions/runs/1/job/2', policy)).toBe(true)
    expect(linkAllowed('http://github.com/octo-org/repo-a', policy)).toBe(false)
    expect(linkAllowed('https://github.com.evil.example/x', policy)).toBe(false)
    expect(linkAllowed('https://user:pw@github.com/x', policy)).toBe(false)
    expect(linkAllowed('javascript:alert(1)', policy)).toBe(false)
    expect(linkAllowed('https://ci.example.com/job/7', policy)).toBe(false)
    expect(linkAllowed('https://ci.example.com/job/7', { ...policy, detailsUrl: 'https://ci.example.com/job/1' })).toBe(true)
    // GHES under a path, and an emulated server over http
    expect(linkAllowed('https://ghe.example/gh/o/r', { serverUrl: 'https://ghe.example/gh' })).toBe(true)
    expect(linkAllowed('https://ghe.example/ghx/o/r', { serverUrl: 'https://ghe.example/gh' })).toBe(false)
    expect(linkAllowed('http://github.localhost/o/r', { serverUrl: 'http://github.localhost' })).toBe(true)
  })

  test("names, links and the repository of a document", () => {
    expect(recordProblem(doc(), policy)).toBeUndefined()
    expect(recordProblem(doc({ name: 'release / approved' }), policy)).toMatch(/is named "release \/ approved", not "ci \/ linux"/)
    expect(recordProblem(doc(), { ...policy, nameTemplate: '{build} ({suite})' })).toMatch(/not "linux \(ci\)"/)
    expect(recordProblem(doc({ details_url: 'https://evil.example/' }), policy)).toMatch(/links "https:\/\/evil\.example\/"/)
    expect(recordProblem(doc({ reporter: { run_id: 1, run_attempt: 1, job: 'b', job_url: 'https://evil.example/j' } }), policy)).toMatch(/job link/)
    expect(recordProblem(doc(), { ...policy, repository: 'octo-org/other' })).toMatch(/is about repository "octo-org\/repo-a"/)
  })

  test('control characters anywhere in a record are a parse error', () => {
    for (const over of [{ name: 'ci / linux\u0007' }, { node_id: 'N\n1' }, { details_url: 'https://github.com/x\r\n' }, { reporter: { run_id: 1, run_attempt: 1, job: 'b\u0085' } }]) {
      expect(() => doc(over), JSON.stringify(over)).toThrow(/without control characters/)
    }
    expect(serializeServiceData(doc())).toContain('"ci / linux"')
  })
})

describe('an update by a stored id', () => {
  const mine = externalId(key, 'linux', 2)
  const runs = [
    { id: 10, node_id: 'CR_10', name: 'ci / linux', external_id: externalId(key, 'linux', 1), status: 'completed' as const, conclusion: 'failure' as const, html_url: null },
    { id: 11, node_id: 'CR_11', name: 'nightly / linux', external_id: externalId({ ...key, suite: 'nightly' }, 'linux', 1), status: 'queued' as const, conclusion: null, html_url: null },
  ]
  test("goes to the listed run of that id when it is this build's (any generation), with GitHub's node id", () => {
    expect(updateTarget(10, mine, runs)?.node_id).toBe('CR_10')
  })
  test("never to another suite's or build's run, nor to a run not on the commit", () => {
    expect(updateTarget(11, mine, runs)).toBeUndefined()
    expect(updateTarget(10, externalId(key, 'windows', 2), runs)).toBeUndefined()
    expect(updateTarget(12, mine, runs)).toBeUndefined()
  })
})

describe("the client's secret guard", () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  holdPrivateKey(privateKey)
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const token = `ghs_${'A1b2C3'.repeat(6)}xy`
  holdSecret(token)

  test('finds the key (PEM in a JSON body, a 32-character slice, either form), a token, a JWT', () => {
    expect(heldSecretIn(JSON.stringify({ output: { summary: `env:\nINPUT_PRIVATE-KEY=${pkcs1}` } }))).toMatch(/private key/)
    const line = pkcs8.split('\n')[9]!
    expect(heldSecretIn(`x ${line.slice(10, 42)} y`)).toMatch(/private key/)
    expect(heldSecretIn(JSON.stringify({ details_url: `https://x/?t=${token}` }))).toMatch(/installation token/)
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl'
    holdSecret(jwt)
    expect(heldSecretIn(`{"external_id":"${jwt}"}`)).toMatch(/JWT/)
  })

  test('passes ordinary bodies, the public key, another key and a 31-character slice', () => {
    expect(heldSecretIn(JSON.stringify({ name: 'ci / linux', output: { summary: 'all good', text: 'x'.repeat(70_000) } }))).toBeUndefined()
    // this key's own public key: the modulus is in the private key too, but it is no secret
    const pub = createPublicKey(privateKey)
    expect(heldSecretIn(pub.export({ type: 'spki', format: 'pem' }).toString())).toBeUndefined()
    expect(heldSecretIn(pub.export({ type: 'pkcs1', format: 'pem' }).toString())).toBeUndefined()
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
    expect(heldSecretIn(other)).toBeUndefined()
    expect(heldSecretIn(pkcs1.split('\n')[5]!.slice(0, 31))).toBeUndefined()
  })

  test('refuseSecrets throws an error that never holds the secret', () => {
    let error: unknown
    try { refuseSecrets('POST /graphql', `{"summary":"${token}"}`) } catch (e) { error = e }
    expect(error).toBeInstanceOf(SecretInRequestError)
    expect((error as Error).message).toMatch(/^Refused to send POST \/graphql: it would carry an installation token this action holds\. Nothing was sent/)
    expect((error as Error).message).not.toContain(token)
  })
})
