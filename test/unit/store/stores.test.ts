// The three stores keep one contract; the artifact and cache stores also survive a flaky results
// service with many concurrent writers.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArtifactStore } from '../../../src/store/artifact.ts'
import { CacheStore } from '../../../src/store/cache.ts'
import { FileStore } from '../../../src/store/file.ts'
import { openStore } from '../../../src/store/index.ts'
import type { RestTarget } from '../../../src/store/rest.ts'
import type { StateStore } from '../../../src/store/store.ts'
import { UserError } from '../../../src/errors.ts'
import { describeStoreContract, newSuite, startStoreHarness, writer, type StoreHarness } from '../../store-contract.ts'

let h: StoreHarness
let rest: RestTarget
const fileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-store-'))

beforeAll(async () => {
  h = await startStoreHarness()
  rest = await h.rest()
})
afterAll(async () => {
  expect(h.github.violations).toEqual([])
  await h.close()
  fs.rmSync(fileDir, { recursive: true, force: true })
})

describeStoreContract('file', () => new FileStore(fileDir))
describeStoreContract('artifact (this run, runtime API only)', () => new ArtifactStore({ retentionDays: 1 }))
describeStoreContract('artifact (across runs, REST API)', () => new ArtifactStore({ retentionDays: 1, rest }))
describeStoreContract('cache', () => new CacheStore({ rest }))
// GHES has only the legacy cache service, which @actions/cache itself serves (src/store/cache.ts).
describe('on GHES', () => {
  beforeAll(() => { process.env.GITHUB_SERVER_URL = 'https://ghes.example.com'; h.enterJob({ ghes: true }) })
  afterAll(() => { delete process.env.GITHUB_SERVER_URL; h.enterJob({}) })
  describeStoreContract('cache (legacy service, through @actions/cache)', () => new CacheStore({ rest }))
})

describe('32 concurrent writers while 10% of Twirp calls fail once', () => {
  const cases: [string, () => StateStore][] = [
    ['artifact', () => new ArtifactStore({ retentionDays: 1 })],
    ['cache', () => new CacheStore({ rest })],
    ['file', () => new FileStore(fileDir)],
  ]
  for (const [name, make] of cases) {
    it(`${name}: every fragment is readable afterwards`, async () => {
      const store = make()
      const key = newSuite()
      const before = h.runtime.calls.length
      h.runtime.faults.add({ match: 'twirp', every: 10, status: 500 })
      try {
        const texts = Array.from({ length: 32 }, (_, i) => JSON.stringify({ writer: i }))
        await Promise.all(texts.map((t, i) => store.writeFragment(key, t, writer({ job: `job${i}` }))))
        const read = await store.readFragments(key)
        expect(read.map((f) => f.text).sort()).toEqual([...texts].sort())
        if (name !== 'file') {
          const failed = h.runtime.calls.slice(before).filter((c) => c.status === 500)
          expect(failed.length).toBeGreaterThan(0)
        }
        if (name === 'cache') expect(fs.existsSync(path.join(h.workspace, '.github-app-ci-store'))).toBe(false)
      } finally {
        h.runtime.faults.clear()
      }
    })
  }
})

describe('cache store', () => {
  it('restores a fragment again when its download fails (restoreCache reports that as a miss)', async () => {
    const store = new CacheStore({ rest })
    const key = newSuite()
    const texts = ['{"a":1}', '{"b":2}']
    for (const [i, t] of texts.entries()) await store.writeFragment(key, t, writer({ job: `job${i}` }))
    const before = h.runtime.calls.length
    h.runtime.faults.add({ match: 'blob:get', times: 1 })
    try {
      expect((await store.readFragments(key)).map((f) => f.text).sort()).toEqual(texts)
    } finally {
      h.runtime.faults.clear()
    }
    expect(h.runtime.calls.slice(before).filter((c) => c.method === 'Get Blob').map((c) => c.status).sort()).toEqual([200, 200, 500])
  })
})

describe('file store', () => {
  it('keeps every fragment when 8 processes write to one directory at once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-store-procs-'))
    const key = newSuite()
    const fileTs = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../src/store/file.ts')
    const script = `
      import { FileStore } from ${JSON.stringify(fileTs)}
      const [dir, key, p] = process.argv.slice(1)
      const store = new FileStore(dir)
      await Promise.all([0, 1, 2, 3].map((i) =>
        store.writeFragment(JSON.parse(key), 'p' + p + 'w' + i + ' '.repeat(50_000), { run_id: 1, run_attempt: 1, job: 'p' + p, step: 's' + i })))`
    const codes = await Promise.all(
      Array.from({ length: 8 }, (_, p) => new Promise<number | null>((resolve) => {
        spawn(process.execPath, ['--input-type=module', '-e', script, dir, JSON.stringify(key), String(p)], { stdio: 'inherit' })
          .on('exit', resolve)
      })),
    )
    expect(codes).toEqual(Array(8).fill(0))
    const read = await new FileStore(dir).readFragments(key)
    expect(read.map((f) => f.text.trim()).sort()).toEqual(
      Array.from({ length: 32 }, (_, i) => `p${Math.floor(i / 4)}w${i % 4}`).sort(),
    )
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

describe('artifact store', () => {
  it('says it needs a GitHub Actions job when the runtime is missing', async () => {
    const token = process.env.ACTIONS_RUNTIME_TOKEN
    delete process.env.ACTIONS_RUNTIME_TOKEN
    try {
      await expect(new ArtifactStore().readFragments(newSuite())).rejects.toMatchObject({
        name: 'StoreError', message: /only inside a GitHub Actions job.*file:<directory>/,
      })
    } finally {
      process.env.ACTIONS_RUNTIME_TOKEN = token
    }
  })

  it('uploads with the retention of state-retention-days', async () => {
    const ref = await new ArtifactStore({ retentionDays: 3 }).writeFragment(newSuite(), 'x', writer())
    const a = h.runtime.artifacts().find((x) => String(x.id) === ref.id)!
    const days = (a.expiresAt!.getTime() - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(2.9)
    expect(days).toBeLessThan(3.1)
  })

  it('writes a fragment with one Put Blob and reads each listed one without listing it again', async () => {
    const store = new ArtifactStore({ retentionDays: 1 })
    const key = newSuite()
    const before = h.runtime.calls.length
    await store.writeFragment(key, '{"a":1}', writer({ job: 'one' }))
    await store.writeFragment(key, '{"b":2}', writer({ job: 'two' }))
    const written = h.runtime.calls.slice(before).map((c) => c.method)
    expect(written).toEqual(['CreateArtifact', 'Put Blob', 'FinalizeArtifact', 'CreateArtifact', 'Put Blob', 'FinalizeArtifact'])
    const listedAt = h.runtime.calls.length
    expect((await new ArtifactStore().readFragments(key)).map((f) => f.text).sort()).toEqual(['{"a":1}', '{"b":2}'])
    const read = h.runtime.calls.slice(listedAt).map((c) => c.method)
    expect(read.filter((m) => m === 'ListArtifacts')).toHaveLength(1)
    expect(read.filter((m) => m === 'GetSignedArtifactURL')).toHaveLength(2)
  })

  it('sends a Put Blob or Get Blob again after a 500, and reports a 403 at once', async () => {
    const base = process.env.GITHUB_APP_CI_RETRY_BASE_MS
    process.env.GITHUB_APP_CI_RETRY_BASE_MS = '10'
    const store = new ArtifactStore({ retentionDays: 1 })
    const key = newSuite()
    try {
      const before = h.runtime.calls.length
      h.runtime.faults.add({ match: 'blob:put', times: 1 })
      await store.writeFragment(key, '{"a":1}', writer({ job: 'retried' }))
      h.runtime.faults.add({ match: 'blob:get', times: 1 })
      expect((await store.readFragments(key)).map((f) => f.text)).toEqual(['{"a":1}'])
      const blob = h.runtime.calls.slice(before).filter((c) => c.service === 'Blob').map((c) => `${c.method} ${c.status}`)
      expect(blob).toEqual(['Put Blob 500', 'Put Blob 201', 'Get Blob 500', 'Get Blob 200'])
      h.runtime.faults.add({ match: 'blob:get', status: 403, times: 1 })
      await expect(store.readFragments(key)).rejects.toMatchObject({ name: 'StoreError', code: 'restore-failed', message: /403/ })
    } finally {
      h.runtime.faults.clear()
      if (base === undefined) delete process.env.GITHUB_APP_CI_RETRY_BASE_MS
      else process.env.GITHUB_APP_CI_RETRY_BASE_MS = base
    }
  })

  it("reads other runs' fragments only through the REST API", async () => {
    const key = newSuite()
    h.enterJob({ runId: 201 })
    const ref = await new ArtifactStore().writeFragment(key, 'from run 201', writer({ run_id: 201 }))
    h.enterJob({ runId: 202 })
    expect(await new ArtifactStore().readFragments(key)).toEqual([])
    const viaRest = new ArtifactStore({ rest })
    const listed = (await viaRest.listAllFragments()).find((r) => r.id === ref.id)!
    expect((await viaRest.readFragment(listed)).text).toBe('from run 201')
    h.enterJob({})
  })

  it('reports a REST token without actions: read', async () => {
    const store = new ArtifactStore({ rest: await h.rest({ checks: 'write' }) })
    await expect(store.listAllFragments()).rejects.toMatchObject({ name: 'StoreError', code: 'failed', message: /actions: read/ })
  })
})

describe('openStore', () => {
  it('opens each store by its spec', () => {
    expect(openStore('artifact')).toBeInstanceOf(ArtifactStore)
    expect(openStore('')).toBeInstanceOf(ArtifactStore)
    expect(openStore(' Cache ')).toBeInstanceOf(CacheStore)
    const file = openStore(`file:${fileDir}`)
    expect(file).toBeInstanceOf(FileStore)
    expect(file.description).toBe(`file:${fileDir}`)
  })

  it('names the valid stores when the spec is unknown', () => {
    expect(() => openStore('s3://bucket')).toThrow(UserError)
    expect(() => openStore('s3://bucket')).toThrow(/"artifact".*"cache".*"file:<directory>"/)
    expect(() => openStore('file:')).toThrow(/names no directory/)
  })
})


// src/store/cache-service.ts bounds what an archive may unpack to: any job of the repository may
// save an entry under a fragment's key, and a few KB of zstd can hold gigabytes.
describe('cache store: an archive that unpacks past 64 MiB', () => {
  it('is refused, not unpacked', async () => {
    const store = new CacheStore({ rest })
    const key = newSuite()
    await store.writeFragment(key, ' '.repeat(65 * 1024 * 1024), writer({ job: 'bomb' }))
    const [entry] = h.runtime.cacheEntries().filter((e) => e.key.includes('-bomb-'))
    expect(entry!.size).toBeLessThan(64 * 1024) // what was uploaded: a few KB
    await expect(store.readFragments(key)).rejects.toMatchObject({ code: 'restore-failed', message: /cannot restore fragment .*\(2 tries\): .*(maxOutputLength|larger than|Cannot create)/i })
  })
})

// GitHub's 200 new cache entries a minute per repository (test/emulator/runtime/cache.ts), lowered here.
describe('cache store: the 429 of too many new entries a minute', () => {
  const base = process.env.GITHUB_APP_CI_RETRY_BASE_MS
  beforeAll(() => { process.env.GITHUB_APP_CI_RETRY_BASE_MS = '10' }) // the 30 s back-off in 300 ms
  afterAll(() => {
    h.runtime.setCacheCreateLimit(200)
    if (base === undefined) delete process.env.GITHUB_APP_CI_RETRY_BASE_MS
    else process.env.GITHUB_APP_CI_RETRY_BASE_MS = base
  })

  it('is said in a warning, backed off, and saved on the second try', async () => {
    const warnings: string[] = []
    const store = new CacheStore({ rest, warn: (m) => { warnings.push(m); h.runtime.setCacheCreateLimit(1000) } })
    const key = newSuite()
    h.runtime.setCacheCreateLimit(0)
    await store.writeFragment(key, '{"a":1}', writer({ job: 'limited' }))
    expect(warnings).toEqual([expect.stringMatching(/^cache store: the cache service answered 429 \(too many requests\) to saving \S+: GitHub lets a repository create 200 cache entries a minute\. Waiting 30 s before one more try\.$/)])
    expect((await store.readFragments(key)).map((f) => f.text)).toEqual(['{"a":1}'])
  })

  it('still limited after the back-off: a StoreError that says why and what to do', async () => {
    const warnings: string[] = []
    const store = new CacheStore({ rest, warn: (m) => warnings.push(m) })
    h.runtime.setCacheCreateLimit(0)
    await expect(store.writeFragment(newSuite(), '{"a":1}', writer({ job: 'limited-twice' }))).rejects.toMatchObject({
      name: 'StoreError', message: expect.stringMatching(/still answered 429 .* after waiting 30 s: GitHub lets a repository create 200 cache entries a minute\. Run fewer jobs at once, or use store: artifact\./),
    })
    expect(warnings).toHaveLength(1)
  })
})

// Reconcile's listing and index (src/reconcile/pass-index.ts) on each store that supports it.
describe('the listing since a time, the index, and fragments gone since they were listed', () => {
  const cases: [string, () => StateStore][] = [
    ['file', () => new FileStore(path.join(fileDir, 'index-case'))],
    ['artifact (REST)', () => new ArtifactStore({ retentionDays: 1, rest })],
    ['cache', () => new CacheStore({ rest })],
  ]
  for (const [name, make] of cases) {
    it(`${name}`, async () => {
      const store = make()
      const key = newSuite()
      const ref = await store.writeFragment(key, 'fragment', writer({ job: `index-${name.length}` }))
      const all = await store.listRecentFragments()
      expect(all.refs.map((r) => r.id)).toContain(ref.id)
      expect(all.unread).toBe(0)
      if (store.selfClearing) {
        // Newest first, stopping at what is older than `since`: nothing here is newer than an hour from now.
        const none = await store.listRecentFragments(new Date(Date.now() + 3_600_000).toISOString())
        expect(none).toEqual({ refs: [], complete: false, unread: 0 })
        expect(all.complete).toBe(true)
      }
      expect(await store.readIndex()).toBeUndefined()
      await store.writeIndex('{"version":1,"suites":{}}', writer({ job: 'reconcile', step: 'index-a' }))
      expect(await store.readIndex()).toBe('{"version":1,"suites":{}}')
      await store.deleteFragments([ref])
      await expect(store.readFragment(ref)).rejects.toMatchObject({ name: 'StoreError', code: 'gone' })
    })
  }
})
