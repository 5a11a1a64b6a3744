// The real @actions/artifact and @actions/cache clients against the runtime emulator, and the
// artifacts/caches REST endpoints on the GitHub emulator: GitHub's rules, reproduced.
import fs from 'node:fs'
import path from 'node:path'
import * as cache from '@actions/cache'
import { DefaultArtifactClient } from '@actions/artifact'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CacheStore } from '../../../src/store/cache.ts'
import { StoreError } from '../../../src/store/errors.ts'
import type { RestTarget } from '../../../src/store/rest.ts'
import { newSuite, OWNER, REPO, startStoreHarness, writer, type StoreHarness } from '../../store-contract.ts'

let h: StoreHarness
let rest: RestTarget
let n = 0

beforeAll(async () => {
  h = await startStoreHarness()
  rest = await h.rest()
})
afterEach(() => {
  h.runtime.faults.clear()
  h.runtime.setSignedUrlTtl(10 * 60_000)
  h.enterJob({})
})
afterAll(async () => {
  expect(h.github.violations).toEqual([])
  await h.close()
})

/** A file in the workspace (cache paths are relative to it) with this content. */
function put(content: string): string {
  const rel = `cached-${++n}.txt`
  fs.writeFileSync(path.join(h.workspace, rel), content)
  return rel
}
const read = (rel: string) => fs.readFileSync(path.join(h.workspace, rel), 'utf8')

async function upload(name: string, content = name): Promise<number> {
  const dir = fs.mkdtempSync(path.join(h.workspace, 'up-'))
  fs.writeFileSync(path.join(dir, 'f.txt'), content)
  const { id } = await new DefaultArtifactClient().uploadArtifact(name, [path.join(dir, 'f.txt')], dir)
  return id!
}

describe('artifacts (ArtifactService + blob storage)', () => {
  it('rejects a second artifact of the same name in a run with 409; another run may use the name', async () => {
    h.enterJob({ runId: 300 })
    await upload('report')
    await expect(upload('report')).rejects.toThrow(/409/)
    expect(h.runtime.calls.filter((c) => c.method === 'CreateArtifact').at(-1)?.status).toBe(409)
    h.enterJob({ runId: 301 })
    await expect(upload('report')).resolves.toBeGreaterThan(0)
  })

  it("lists only the artifacts of the token's run, and downloads the uploaded zip", async () => {
    h.enterJob({ runId: 310, jobId: 'a' })
    const id = await upload('only-in-310', 'hello')
    h.enterJob({ runId: 310, jobId: 'b' }) // another job of the same run sees it
    const client = new DefaultArtifactClient()
    expect((await client.listArtifacts()).artifacts.map((a) => a.name)).toContain('only-in-310')
    const dir = path.join(h.workspace, 'dl-310')
    await client.downloadArtifact(id, { path: dir })
    expect(fs.readFileSync(path.join(dir, 'f.txt'), 'utf8')).toBe('hello')
    expect(h.runtime.artifactZip(id)!.subarray(0, 2).toString()).toBe('PK')
    h.enterJob({ runId: 311 })
    expect((await client.listArtifacts()).artifacts.map((a) => a.name)).not.toContain('only-in-310')
  })

  it('retries a Twirp method that fails with 5xx', async () => {
    h.enterJob({ runId: 320 })
    h.runtime.faults.add({ match: 'CreateArtifact', status: 503, times: 1 })
    await expect(upload('flaky')).resolves.toBeGreaterThan(0)
    const creates = h.runtime.calls.filter((c) => c.method === 'CreateArtifact').slice(-2)
    expect(creates.map((c) => c.status)).toEqual([503, 200])
  })

  it('refuses tokens it did not issue', async () => {
    const token = process.env.ACTIONS_RUNTIME_TOKEN!
    process.env.ACTIONS_RUNTIME_TOKEN = token.replace(/\.[^.]*\.$/, (p) => `.${Buffer.from(JSON.stringify({ scp: 'Actions.Results:x:y' })).toString('base64url')}.`)
    try {
      await expect(new DefaultArtifactClient().listArtifacts()).rejects.toThrow(/401/)
    } finally {
      process.env.ACTIONS_RUNTIME_TOKEN = token
    }
  })
})

describe('signed blob URLs', () => {
  it('checks the signature and the expiry', async () => {
    h.enterJob({ runId: 330 })
    const id = await upload('signed', 'secret bytes')
    const url = h.runtime.artifactDownloadUrl(id)!
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(h.runtime.artifactZip(id))
    const tampered = url.replace(/sig=[^&]+/, 'sig=AAAA')
    expect((await fetch(tampered)).status).toBe(403)
    const otherBlob = url.replace(/\/\d+\.zip\?/, '/1.zip?')
    expect((await fetch(otherBlob)).status).toBe(403)
    const put = await fetch(url, { method: 'PUT', body: 'x', headers: { 'x-ms-blob-type': 'BlockBlob' } })
    expect(put.status).toBe(403) // a read URL cannot write
    h.runtime.setSignedUrlTtl(1)
    const short = h.runtime.artifactDownloadUrl(id)!
    await new Promise((r) => setTimeout(r, 5))
    const expired = await fetch(short)
    expect(expired.status).toBe(403)
    expect(expired.headers.get('x-ms-error-code')).toBe('AuthenticationFailed')
  })

  it('serves byte ranges as Azure does', async () => {
    h.enterJob({ runId: 331 })
    const id = await upload('ranged', 'abcdefghij')
    const zip = h.runtime.artifactZip(id)!
    const res = await fetch(h.runtime.artifactDownloadUrl(id)!, { headers: { 'x-ms-range': 'bytes=2-5' } })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes 2-5/${zip.length}`)
    expect(Buffer.from(await res.arrayBuffer())).toEqual(zip.subarray(2, 6))
  })
})

describe('caches (CacheService v2)', () => {
  it('keeps cache keys immutable: saving an existing key returns -1 and keeps the first content', async () => {
    const rel = put('first')
    expect(await cache.saveCache([rel], `immutable-${n}`)).toBeGreaterThan(0)
    fs.writeFileSync(path.join(h.workspace, rel), 'second')
    expect(await cache.saveCache([rel], `immutable-${n}`)).toBe(-1)
    expect(h.runtime.calls.filter((c) => c.method === 'CreateCacheEntry').at(-1)?.status).toBe(409)
    fs.rmSync(path.join(h.workspace, rel))
    expect(await cache.restoreCache([rel], `immutable-${n}`)).toBe(`immutable-${n}`)
    expect(read(rel)).toBe('first')
  })

  it('answers a prefix match with the newest entry', async () => {
    const rel = put('')
    for (const i of [1, 2, 3]) {
      fs.writeFileSync(path.join(h.workspace, rel), `v${i}`)
      expect(await cache.saveCache([rel], `prefix-${n}-${i}`)).toBeGreaterThan(0)
    }
    fs.rmSync(path.join(h.workspace, rel))
    expect(await cache.restoreCache([rel], `absent-${n}`, [`prefix-${n}-`])).toBe(`prefix-${n}-3`)
    expect(read(rel)).toBe('v3')
    expect(await cache.restoreCache([rel], `prefix-${n}-1`)).toBe(`prefix-${n}-1`) // exact beats newest
    expect(read(rel)).toBe('v1')
    expect(await cache.restoreCache([`${rel}.other`], `prefix-${n}-1`)).toBeUndefined() // other paths, other version
  })

  it('scopes an entry to its ref; every ref also reads the default branch', async () => {
    const rel = put('feature')
    h.enterJob({ ref: 'refs/heads/feature' })
    expect(await cache.saveCache([rel], `scoped-${n}`)).toBeGreaterThan(0)
    h.enterJob({ ref: 'refs/heads/other' })
    expect(await cache.restoreCache([rel], `scoped-${n}`)).toBeUndefined()
    h.enterJob({ ref: 'refs/heads/main' })
    expect(await cache.restoreCache([rel], `scoped-${n}`)).toBeUndefined()
    h.enterJob({ ref: 'refs/heads/feature' })
    expect(await cache.restoreCache([rel], `scoped-${n}`)).toBe(`scoped-${n}`)

    h.enterJob({ ref: 'refs/heads/main' })
    expect(await cache.saveCache([rel], `from-main-${n}`)).toBeGreaterThan(0)
    h.enterJob({ ref: 'refs/pull/7/merge' })
    expect(await cache.restoreCache([rel], `from-main-${n}`)).toBe(`from-main-${n}`)
  })

  it('gives read-only tokens no writes: saveCache returns -1 and the cache store says why', async () => {
    h.enterJob({ ref: 'refs/pull/8/merge', readOnly: true })
    const before = h.runtime.cacheEntries().length
    expect(await cache.saveCache([put('x')], `readonly-${n}`)).toBe(-1)
    expect(h.runtime.cacheEntries().length).toBe(before)
    process.env.GITHUB_EVENT_NAME = 'pull_request_target'
    try {
      const error = await new CacheStore({ rest }).writeFragment(newSuite(), '{}', writer()).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreError)
      expect(error).toMatchObject({ code: 'write-denied', message: /read-only.*pull_request_target.*store: artifact/s })
    } finally {
      delete process.env.GITHUB_EVENT_NAME
    }
  })

  it("honours the runner's cache-mode", async () => {
    process.env.ACTIONS_CACHE_MODE = 'read'
    try {
      await expect(new CacheStore({ rest }).writeFragment(newSuite(), '{}', writer())).rejects.toMatchObject({ code: 'write-denied' })
    } finally {
      delete process.env.ACTIONS_CACHE_MODE
    }
  })
})

describe('cache store reports what a lookup or a download does not say', () => {
  it('on GHES (@actions/cache): a download that fails on both tries, which restoreCache calls a miss, is a restore-failed StoreError', async () => {
    process.env.GITHUB_SERVER_URL = 'https://ghes.example.com'
    h.enterJob({ ghes: true })
    try {
      const store = new CacheStore({ rest })
      const key = newSuite()
      await store.writeFragment(key, 'kept', writer())
      h.runtime.faults.add({ match: 'blob:get', status: 403, times: 2 })
      await expect(store.readFragments(key)).rejects.toMatchObject({ code: 'restore-failed', message: /\(2 tries\): restoreCache reports a failed download as a miss/ })
      expect((await store.readFragments(key)).map((f) => f.text)).toEqual(['kept'])
    } finally {
      delete process.env.GITHUB_SERVER_URL
      h.enterJob({})
    }
  })

  it('a download that fails on both tries is a restore-failed StoreError', async () => {
    const store = new CacheStore({ rest })
    const key = newSuite()
    await store.writeFragment(key, 'kept', writer())
    h.runtime.faults.add({ match: 'blob:get', status: 403, times: 2 })
    const mark = h.runtime.calls.length
    await expect(store.readFragments(key)).rejects.toMatchObject({ code: 'restore-failed', message: /\(2 tries\): blob storage answered 403/ })
    expect(h.runtime.calls.slice(mark).filter((c) => c.service === 'Blob').map((c) => c.status)).toEqual([403, 403])
    expect((await store.readFragments(key)).map((f) => f.text)).toEqual(['kept'])
  })

  it('explains fragments saved in a scope this run cannot read', async () => {
    const key = newSuite()
    h.enterJob({ ref: 'refs/pull/9/merge' })
    const ref = await new CacheStore({ rest }).writeFragment(key, 'from the PR', writer())
    h.enterJob({ ref: 'refs/heads/main' })
    const warnings: string[] = []
    const store = new CacheStore({ rest, warn: (m) => warnings.push(m) })
    expect(await store.readFragments(key)).toEqual([])
    expect(warnings.join('\n')).toMatch(/1 fragment\(s\).*refs\/pull\/9\/merge.*cannot read/)
    await expect(store.readFragment(ref)).rejects.toMatchObject({ code: 'not-visible', message: /refs\/pull\/9\/merge/ })
  })

  it('needs the REST API to read, and says so', async () => {
    await expect(new CacheStore().readFragments(newSuite())).rejects.toMatchObject({ code: 'needs-api', message: /actions: read/ })
  })

  it('tells a duplicate key from other failures', async () => {
    const store = new CacheStore({ rest })
    const w = writer()
    const key = newSuite()
    await store.writeFragment(key, 'one', w)
    await expect(store.writeFragment(key, 'two', w)).rejects.toMatchObject({ code: 'duplicate', message: /immutable/ })
  })
})

describe('REST: /repos/{owner}/{repo}/actions/artifacts and /caches', () => {
  const req = (route: string, params: Record<string, unknown> = {}) =>
    rest.octokit.request(route, { owner: OWNER, repo: REPO, ...params })

  it('lists (name filter, pages), gets, downloads through a redirect and deletes artifacts', async () => {
    h.enterJob({ runId: 400 })
    const ids = [await upload('rest-a', 'A'), await upload('rest-b', 'B')]
    const named = (await req('GET /repos/{owner}/{repo}/actions/artifacts', { name: 'rest-b' })).data as any
    expect(named.total_count).toBe(1)
    expect(named.artifacts[0]).toMatchObject({ id: ids[1], name: 'rest-b', expired: false, workflow_run: { id: 400 } })
    const page2 = (await req('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', { run_id: 400, per_page: 1, page: 2 })).data as any
    expect(page2.total_count).toBe(2)
    expect(page2.artifacts.map((a: any) => a.id)).toEqual([ids[0]]) // newest first
    expect(((await req('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { artifact_id: ids[0] })).data as any).name).toBe('rest-a')

    const zip = await req('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
      artifact_id: ids[0], archive_format: 'zip', request: { redirect: 'manual' },
    })
    expect(zip.status).toBe(302)
    const blob = await fetch(String(zip.headers.location))
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(h.runtime.artifactZip(ids[0]!))

    expect((await req('DELETE /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { artifact_id: ids[0] })).status).toBe(204)
    await expect(req('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { artifact_id: ids[0] })).rejects.toMatchObject({ status: 404 })
  })

  it('lists caches by key prefix and ref, and deletes by key and by id', async () => {
    const rel = put('c')
    h.enterJob({ ref: 'refs/heads/main' })
    await cache.saveCache([rel], `rest-cache-${n}-1`)
    h.enterJob({ ref: 'refs/heads/topic' })
    await cache.saveCache([rel], `rest-cache-${n}-2`)
    const list = async (q: Record<string, unknown>) =>
      ((await req('GET /repos/{owner}/{repo}/actions/caches', q)).data as any).actions_caches.map((c: any) => `${c.key}@${c.ref}`).sort()
    expect(await list({ key: `rest-cache-${n}-` })).toEqual([`rest-cache-${n}-1@refs/heads/main`, `rest-cache-${n}-2@refs/heads/topic`])
    expect(await list({ key: `rest-cache-${n}-`, ref: 'refs/heads/topic' })).toEqual([`rest-cache-${n}-2@refs/heads/topic`])

    const del = await req('DELETE /repos/{owner}/{repo}/actions/caches{?key,ref}', { key: `rest-cache-${n}-1` })
    expect((del.data as any).total_count).toBe(1)
    const id = h.runtime.cacheEntries().find((e) => e.key === `rest-cache-${n}-2`)!.id
    expect((await req('DELETE /repos/{owner}/{repo}/actions/caches/{cache_id}', { cache_id: id })).status).toBe(204)
    expect(await list({ key: `rest-cache-${n}-` })).toEqual([])
  })

  it('needs actions: read to list and actions: write to delete', async () => {
    const readOnly = await h.rest({ actions: 'read' })
    const none = await h.rest({ checks: 'write' })
    const q = { owner: OWNER, repo: REPO }
    await expect(none.octokit.request('GET /repos/{owner}/{repo}/actions/caches', q)).rejects.toMatchObject({ status: 403 })
    await expect(readOnly.octokit.request('GET /repos/{owner}/{repo}/actions/caches', q)).resolves.toMatchObject({ status: 200 })
    await expect(
      readOnly.octokit.request('DELETE /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', { ...q, artifact_id: 1 }),
    ).rejects.toMatchObject({ status: 403 })
  })
})
