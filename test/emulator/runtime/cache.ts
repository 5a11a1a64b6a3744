// CacheService (cache service v2) with GitHub's rules: an entry lives in the scope (ref) the
// caller may write, keys are immutable within a scope (409), lookups search the caller's readable
// scopes in order (own ref, then the default/base branch): exact key, then the newest entry
// whose key starts with the key, then each restore key as a prefix.
import type { UrlSigner } from './signing.ts'
import type { CacheRecord, RuntimeState } from './state.ts'
import { canRead, canWrite } from './token.ts'
import type { Caller } from './artifacts.ts'
import { str, TwirpError, type TwirpMethod } from './twirp.ts'

const newestFirst = (a: CacheRecord, b: CacheRecord) =>
  b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id

/**
 * New cache entries a repository may create a minute: 200, answered 429 past it
 * ("Cache uploads: 200 uploads per minute per repository" in
 * https://docs.github.com/en/actions/reference/limits). Whether GitHub's 429 carries retry-after:
 * no source found; none is sent, so @actions/cache (cacheTwirpClient.js: a RateLimitError, its
 * warning only with retry-after) reports it at debug level, then as "another job may be creating
 * this cache" at info level. Tests lower the limit (RuntimeEmulator.setCacheCreateLimit).
 */
export const CACHE_CREATES_PER_MINUTE = 200

export function cacheService(state: RuntimeState, signer: UrlSigner, limit: { perMinute: number } = { perMinute: CACHE_CREATES_PER_MINUTE }): Record<string, TwirpMethod<Caller>> {
  const writeScope = (caller: Caller) => caller.claims.scopes.find(canWrite)?.Scope
  const creates = new Map<string, number[]>() // repository -> times of accepted CreateCacheEntry

  return {
    CreateCacheEntry(caller, body) {
      const scope = writeScope(caller)
      // The real service answers ok:false with this stable prefix; the toolkit then raises
      // CacheWriteDeniedError, logs a warning and saveCache returns -1.
      if (!scope) return { ok: false, message: 'cache write denied: the token of this run has read-only cache access' }
      const key = str(body.key)
      const version = str(body.version)
      if (!key || !version) throw new TwirpError('invalid_argument', 'key and version are required')
      const existing = state.caches.find(
        (e) => e.repository === caller.run.repository && e.key === key && e.version === version && e.scope === scope,
      )
      if (existing) {
        throw new TwirpError(
          'already_exists',
          existing.committed
            ? 'cache entry with the same key, version, and scope already exists'
            : 'cache entry is being created by another job',
        )
      }
      const recent = (creates.get(caller.run.repository) ?? []).filter((t) => t > Date.now() - 60_000)
      creates.set(caller.run.repository, recent)
      if (recent.length >= limit.perMinute) throw new TwirpError('resource_exhausted', 'Too Many Requests: cache entry creation rate limit exceeded')
      recent.push(Date.now())
      const id = state.nextId()
      const now = new Date()
      const blobPath = `/devstoreaccount1/actions-cache/${id}.tar`
      state.caches.push({
        id, repository: caller.run.repository, key, version, scope, blobPath,
        size: 0, createdAt: now, lastAccessedAt: now, committed: false,
      })
      return { ok: true, signed_upload_url: signer.sign(blobPath, 'rw') }
    },

    FinalizeCacheEntryUpload(caller, body) {
      const scope = writeScope(caller)
      const e = state.caches.find(
        (x) => x.repository === caller.run.repository && x.key === str(body.key) &&
          x.version === str(body.version) && x.scope === scope && !x.committed,
      )
      if (!e) throw new TwirpError('not_found', 'cache entry not found')
      const blob = state.blobs.get(e.blobPath)
      if (!blob) throw new TwirpError('failed_precondition', 'the cache blob was not uploaded')
      e.committed = true
      e.size = blob.length
      e.createdAt = e.lastAccessedAt = new Date()
      return { ok: true, entry_id: String(e.id) }
    },

    GetCacheEntryDownloadURL(caller, body) {
      const readable = caller.claims.scopes.filter(canRead).map((s) => s.Scope)
      if (readable.length === 0) {
        throw new TwirpError('permission_denied', 'cache read denied: the token of this run has no readable cache scope')
      }
      const key = str(body.key)
      const restoreKeys = Array.isArray(body.restore_keys) ? body.restore_keys.map(str) : []
      const version = str(body.version)
      for (const scope of readable) {
        const inScope = state.caches
          .filter((e) => e.committed && e.repository === caller.run.repository && e.scope === scope && e.version === version)
          .sort(newestFirst)
        const hit =
          inScope.find((e) => e.key === key) ??
          [key, ...restoreKeys].map((k) => inScope.find((e) => e.key.startsWith(k))).find(Boolean)
        if (hit) {
          hit.lastAccessedAt = new Date()
          return { ok: true, signed_download_url: signer.sign(hit.blobPath, 'r'), matched_key: hit.key }
        }
      }
      return { ok: false }
    },
  }
}
