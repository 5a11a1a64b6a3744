// The contract every StateStore keeps (docs/design.md "Stores"), as a reusable suite, and the harness
// that runs the artifact and cache stores in-process against the local emulators: the real
// @actions/artifact and @actions/cache read their environment at call time.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'
import { describe, expect, it } from 'vitest'
import type { SuiteKey } from '../src/checks/types.ts'
import { createGitHubClient } from '../src/github/client.ts'
import { StoreError } from '../src/store/errors.ts'
import { buildTag, parseFragmentName, fragmentSuiteHash } from '../src/store/naming.ts'
import type { RestTarget } from '../src/store/rest.ts'
import type { FragmentRef, StateStore, WriterId } from '../src/store/store.ts'
import { mountActionsStorage } from './emulator/github-actions-storage.ts'
import { startGitHubEmulator, type GitHubEmulator } from './emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator, type RuntimeEnvOptions } from './emulator/runtime/index.ts'

export const OWNER = 'octo-org'
export const REPO = 'repo-a'

/** A suite nobody else uses: tests share emulators without seeing each other's fragments. */
export const newSuite = (suite = 'ci'): SuiteKey => ({
  repository: `${OWNER}/${REPO}`,
  head_sha: randomBytes(20).toString('hex'),
  suite,
})

let stepCounter = 0
export const writer = (over: Partial<WriterId> = {}): WriterId => ({
  run_id: 100,
  run_attempt: 1,
  job: 'build',
  step: `step${++stepCounter}`,
  ...over,
})

export function describeStoreContract(name: string, makeStore: () => StateStore): void {
  describe(`StateStore contract: ${name}`, () => {
    it('reads nothing for a suite that has no fragments', async () => {
      expect(await makeStore().readFragments(newSuite())).toEqual([])
    })

    it('reads back what it wrote, text unchanged', async () => {
      const store = makeStore()
      const key = newSuite()
      const text = JSON.stringify({ version: 1, check_runs: { a: { state: 'queued', note: 'ünïcode ✓' } } })
      const ref = await store.writeFragment(key, text, writer())
      expect(ref.id).not.toBe('')
      expect(ref.suite_hash).toBe(fragmentSuiteHash(key))
      const read = await store.readFragments(key)
      expect(read.map((f) => [f.id, f.text, f.suite_hash])).toEqual([[ref.id, text, fragmentSuiteHash(key)]])
    })

    it("never shows another suite's fragments", async () => {
      const store = makeStore()
      const mine = newSuite('ci')
      const sameShaOtherSuite = { ...mine, suite: 'nightly' }
      const otherSha = newSuite('ci')
      await store.writeFragment(mine, 'mine', writer())
      await store.writeFragment(sameShaOtherSuite, 'other suite', writer())
      await store.writeFragment(otherSha, 'other sha', writer())
      expect((await store.readFragments(mine)).map((f) => f.text)).toEqual(['mine'])
      expect((await store.readFragments(sameShaOtherSuite)).map((f) => f.text)).toEqual(['other suite'])
    })

    it('keeps every writer of a suite: concurrent writers never overwrite each other', async () => {
      const store = makeStore()
      const key = newSuite()
      const writers = [writer({ job: 'linux' }), writer({ job: 'windows' }), writer({ job: 'linux', run_attempt: 2 })]
      await Promise.all(writers.map((w, i) => store.writeFragment(key, `writer ${i}`, w)))
      const texts = (await store.readFragments(key)).map((f) => f.text).sort()
      expect(texts).toEqual(['writer 0', 'writer 1', 'writer 2'])
    })

    it('refuses a second fragment under the same writer id, keeping the first', async () => {
      const store = makeStore()
      const key = newSuite()
      const w = writer()
      await store.writeFragment(key, 'first', w)
      const second = await store.writeFragment(key, 'second', w).then(() => undefined, (e: unknown) => e)
      expect(second).toBeInstanceOf(StoreError)
      expect((second as StoreError).code).toBe('duplicate')
      expect((await store.readFragments(key)).map((f) => f.text)).toEqual(['first'])
    })

    it('a filtered read downloads the untagged fragments and those tagged with its builds, and lists them all', async () => {
      const store = makeStore()
      const key = newSuite()
      const odd = 'tests / py3.12: "slow" ✓'
      const untagged = await store.writeFragment(key, 'matrix', writer())
      const a = await store.writeFragment(key, 'a building', writer({ job: 'a' }), { build: 'a', state: 'building', generation: 1 })
      const b = await store.writeFragment(key, 'b built', writer({ job: 'b' }), { build: 'b', state: 'built', generation: 2 })
      const o = await store.writeFragment(key, 'odd queued', writer({ job: 'odd' }), { build: odd, state: 'queued', generation: 1 })
      expect(untagged.tag).toBeUndefined()
      expect(b).toMatchObject({ suite_hash: fragmentSuiteHash(key), tag: buildTag('b'), state: 'built', generation: 2 })
      expect(parseFragmentName(o.name ?? o.id)).toMatchObject({ suite_hash: fragmentSuiteHash(key), tag: buildTag(odd), state: 'queued', generation: 1 })

      const read = async (builds?: string[]) => {
        let listed: FragmentRef[] | undefined
        const texts = (await store.readFragments(key, { ...(builds ? { builds } : {}), listed: (refs) => { listed = refs } })).map((f) => f.text).sort()
        return { texts, listed: listed! }
      }
      const onlyA = await read(['a'])
      expect(onlyA.texts).toEqual(['a building', 'matrix'])
      // Every fragment of the suite is listed, downloaded or not, with what its name says.
      expect(onlyA.listed.map((r) => r.id).sort()).toEqual([untagged.id, a.id, b.id, o.id].sort())
      const listedB = onlyA.listed.find((r) => r.id === b.id)!
      expect(listedB).toMatchObject({ suite_hash: fragmentSuiteHash(key), tag: buildTag('b'), state: 'built', generation: 2 })
      expect(onlyA.listed.find((r) => r.id === untagged.id)!.tag).toBeUndefined()
      expect((await read([])).texts).toEqual(['matrix'])
      expect((await read([odd, 'b', 'not-reported'])).texts).toEqual(['b built', 'matrix', 'odd queued'])
      expect((await read()).texts).toEqual(['a building', 'b built', 'matrix', 'odd queued'])
      expect((await store.readFragments(key)).map((f) => f.text).sort()).toEqual(['a building', 'b built', 'matrix', 'odd queued'])
      // Fragments the caller holds are listed, never downloaded again, with or without builds.
      let listedHeld: FragmentRef[] | undefined
      const held = await store.readFragments(key, { held: new Set([untagged.id, b.id]), listed: (refs) => { listedHeld = refs } })
      expect(held.map((f) => f.text).sort()).toEqual(['a building', 'odd queued'])
      expect(listedHeld!.map((r) => r.id).sort()).toEqual([untagged.id, a.id, b.id, o.id].sort())
      expect((await store.readFragments(key, { builds: ['a'], held: new Set([a.id]) })).map((f) => f.text)).toEqual(['matrix'])
      // Another suite's build of the same id is never read.
      await store.writeFragment(newSuite(), 'elsewhere', writer({ job: 'a' }), { build: 'a', state: 'built', generation: 1 })
      expect((await read(['a'])).texts).toEqual(['a building', 'matrix'])
      const all = (await store.listAllFragments()).find((r) => r.id === a.id)
      expect(all).toMatchObject({ tag: buildTag('a'), state: 'building', generation: 1 })
    })

    it('lists, reads and deletes fragments of every suite', async () => {
      const store = makeStore()
      const a = newSuite()
      const b = newSuite()
      const refA = await store.writeFragment(a, 'in a', writer())
      const refB = await store.writeFragment(b, 'in b', writer())
      const listed = await store.listAllFragments()
      const mine = listed.filter((r) => r.id === refA.id || r.id === refB.id)
      expect(mine.map((r) => r.suite_hash).sort()).toEqual([fragmentSuiteHash(a), fragmentSuiteHash(b)].sort())
      for (const r of mine) expect(Number.isNaN(Date.parse(r.created_at ?? ''))).toBe(false)
      const read = await Promise.all(mine.map((r) => store.readFragment(r)))
      expect(read.map((f) => f.text).sort()).toEqual(['in a', 'in b'])

      await store.deleteFragments(mine)
      expect(await store.readFragments(a)).toEqual([])
      expect(await store.readFragments(b)).toEqual([])
      const after = (await store.listAllFragments()).map((r) => r.id)
      expect(after).not.toContain(refA.id)
      expect(after).not.toContain(refB.id)
      await store.deleteFragments(mine) // deleting what is gone is not an error
    })
  })
}

export interface StoreHarness {
  github: GitHubEmulator
  runtime: RuntimeEmulator
  /** A workspace that is also the working directory (the cache store archives relative paths). */
  workspace: string
  /** REST access as an installation token with these permissions (default actions: write). */
  rest(permissions?: Record<string, string>): Promise<RestTarget>
  /** Makes this process a job of a run: sets the runtime variables the toolkit reads. */
  enterJob(o: Partial<RuntimeEnvOptions>): void
  close(): Promise<void>
}

export async function startStoreHarness(): Promise<StoreHarness> {
  const [github, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
  mountActionsStorage(github, runtime)
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'store-ws-'))
  fs.mkdirSync(path.join(workspace, '_temp'))
  const cwd = process.cwd()
  process.chdir(workspace)
  // the cache client falls back to its retired v1 protocol when GITHUB_SERVER_URL is a custom host
  delete process.env.GITHUB_SERVER_URL
  delete process.env.ACTIONS_CACHE_URL
  delete process.env.ACTIONS_CACHE_MODE
  Object.assign(process.env, {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: path.join(workspace, '_temp'),
    GITHUB_APP_CI_RETRY_BASE_MS: '10',
  })
  const installationId = github.installations().find((i) => i.account === OWNER && i.appId === github.app.id)!.id
  const auth = createAppAuth({
    appId: github.app.id,
    privateKey: github.app.privateKeyPkcs8,
    request: request.defaults({ baseUrl: github.url }),
  })
  const harness: StoreHarness = {
    github,
    runtime,
    workspace,
    async rest(permissions = { actions: 'write' }) {
      const { token } = await auth({ type: 'installation', installationId, permissions, refresh: true })
      return { octokit: createGitHubClient({ token, apiUrl: github.url }), owner: OWNER, repo: REPO }
    },
    enterJob(o) {
      Object.assign(process.env, runtime.runtimeEnv({ runId: 100, jobId: 'build', ref: 'refs/heads/main', ...o }))
    },
    async close() {
      process.chdir(cwd)
      await Promise.all([github.close(), runtime.close()])
      fs.rmSync(workspace, { recursive: true, force: true })
    },
  }
  harness.enterJob({})
  return harness
}
