// The legacy cache service (cache service v1, `{ACTIONS_CACHE_URL}_apis/artifactcache/…`), which
// @actions/cache uses on GitHub Enterprise Server: its config.ts answers getCacheServiceVersion()
// 'v1' whenever isGhes() ("Cache service v2 is not supported on GHES"). The routes and replies are
// the client's (actions/toolkit packages/cache/src/internal/cacheHttpClient.ts); the server side
// follows nektos/act pkg/artifactcache/handler.go and terricain/actions-cache-server ARCHITECTURE.md:
//   GET   cache?keys=k1,k2&version=v  -> 200 { cacheKey, scope, cacheVersion, creationTime, archiveLocation } | 204 (miss)
//   GET   caches?key=k                -> 200 { totalCount, artifactCaches } (the client's debug listing)
//   POST  caches { key, version }     -> 200 { cacheId }; 409 while or once that key+version+scope exists
//   PATCH caches/{id} (Content-Range: bytes s-e/*) -> 204, a chunk at its offset
//   POST  caches/{id} { size }        -> 204, committed when the chunks add up to `size`
// Entries share the v2 emulator's records and rules: scoped to the ref the token may write,
// looked up in the token's readable scopes in order, exact key first, then prefixes.
// The read-only reply's 403 with a "cache write denied:" message is what the client turns into
// CacheWriteDeniedError (cache.ts saveCacheV1); GitHub's exact v1 status for it is not documented.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { UrlSigner } from './signing.ts'
import type { CacheRecord, RuntimeState } from './state.ts'
import { canRead, canWrite, type RuntimeClaims } from './token.ts'
import type { RunInfo } from './state.ts'

export const CACHE_V1_PREFIX = '/_apis/artifactcache/'

const newestFirst = (a: CacheRecord, b: CacheRecord) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id

function json(res: ServerResponse, status: number, body?: unknown): number {
  const data = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) })
  res.end(data)
  return status
}

/** Chunks of entries being uploaded: cache id -> (offset -> bytes). */
const chunks = new WeakMap<RuntimeState, Map<number, Map<number, Buffer>>>()

export function handleCacheV1(
  state: RuntimeState, signer: UrlSigner, caller: { claims: RuntimeClaims; run: RunInfo },
  req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse,
): number {
  const resource = url.pathname.slice(CACHE_V1_PREFIX.length)
  const method = req.method ?? 'GET'
  const repo = caller.run.repository
  const writeScope = caller.claims.scopes.find(canWrite)?.Scope
  const staged = chunks.get(state) ?? chunks.set(state, new Map()).get(state)!

  if (method === 'GET' && resource === 'cache') {
    const readable = caller.claims.scopes.filter(canRead).map((s) => s.Scope)
    if (readable.length === 0) return json(res, 403, { message: 'cache read denied: the token of this run has no readable cache scope' })
    const keys = (url.searchParams.get('keys') ?? '').split(',').filter(Boolean)
    const version = url.searchParams.get('version') ?? ''
    for (const scope of readable) {
      const inScope = state.caches
        .filter((e) => e.committed && e.repository === repo && e.scope === scope && e.version === version)
        .sort(newestFirst)
      const hit = inScope.find((e) => e.key === keys[0]) ?? keys.map((k) => inScope.find((e) => e.key.startsWith(k))).find(Boolean)
      if (hit) {
        hit.lastAccessedAt = new Date()
        return json(res, 200, {
          cacheKey: hit.key, scope: hit.scope, cacheVersion: hit.version,
          creationTime: hit.createdAt.toISOString(), archiveLocation: signer.sign(hit.blobPath, 'r'),
        })
      }
    }
    return json(res, 204)
  }
  if (method === 'GET' && resource === 'caches') {
    const key = url.searchParams.get('key') ?? ''
    const found = state.caches.filter((e) => e.committed && e.repository === repo && e.key === key)
    return json(res, 200, {
      totalCount: found.length,
      artifactCaches: found.map((e) => ({ cacheKey: e.key, cacheVersion: e.version, scope: e.scope, creationTime: e.createdAt.toISOString() })),
    })
  }
  let parsed: Record<string, unknown> = {}
  try {
    parsed = method === 'POST' && body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}
  } catch {
    return json(res, 400, { message: 'the body is not JSON' })
  }
  if (method === 'POST' && resource === 'caches') {
    if (!writeScope) return json(res, 403, { message: 'cache write denied: the token of this run has read-only cache access' })
    const key = String(parsed.key ?? '')
    const version = String(parsed.version ?? '')
    if (!key || !version) return json(res, 400, { message: 'key and version are required' })
    const existing = state.caches.find((e) => e.repository === repo && e.key === key && e.version === version && e.scope === writeScope)
    if (existing) return json(res, 409, { message: `Cache already exists. Scope: ${writeScope}, Key: ${key}, Version: ${version}` })
    const id = state.nextId()
    const now = new Date()
    state.caches.push({
      id, repository: repo, key, version, scope: writeScope, blobPath: `/devstoreaccount1/actions-cache/${id}.tar`,
      size: 0, createdAt: now, lastAccessedAt: now, committed: false,
    })
    staged.set(id, new Map())
    return json(res, 200, { cacheId: id })
  }
  const idMatch = /^caches\/(\d+)$/.exec(resource)
  const entry = idMatch ? state.caches.find((e) => e.id === Number(idMatch[1]) && e.repository === repo) : undefined
  if (idMatch && (!entry || entry.committed || !staged.has(entry.id))) return json(res, 404, { message: `Cache ${idMatch[1]} not found or already committed` })
  if (entry && method === 'PATCH') {
    const range = /^bytes (\d+)-(\d+)\/\*$/.exec(String(req.headers['content-range'] ?? ''))
    if (!range || Number(range[2]) - Number(range[1]) + 1 !== body.length) return json(res, 400, { message: 'bad Content-Range' })
    staged.get(entry.id)!.set(Number(range[1]), body)
    return json(res, 204)
  }
  if (entry && method === 'POST') {
    const parts = [...staged.get(entry.id)!.entries()].sort((a, b) => a[0] - b[0])
    let offset = 0
    for (const [start, bytes] of parts) {
      if (start !== offset) return json(res, 400, { message: 'the uploaded chunks leave a gap' })
      offset += bytes.length
    }
    if (offset !== Number(parsed.size)) return json(res, 400, { message: `Size mismatch: uploaded ${offset}, committed ${String(parsed.size)}` })
    state.blobs.set(entry.blobPath, Buffer.concat(parts.map(([, b]) => b)))
    staged.delete(entry.id)
    entry.committed = true
    entry.size = offset
    entry.createdAt = entry.lastAccessedAt = new Date()
    return json(res, 204)
  }
  return json(res, 404, { message: `no handler for ${method} ${url.pathname}` })
}
