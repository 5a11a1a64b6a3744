// The cache store's calls to cache service v2 (github.com and GHE.com; the runner sets
// ACTIONS_CACHE_SERVICE_V2), made with @actions/cache's own Twirp client (its retries, error
// texts and RateLimitError for a 429) instead of its saveCache / restoreCache, whose module loads
// the Azure storage SDK and which spawn tar and zstd: most of a step's CPU. A fragment is a few
// hundred bytes, so the archive is made and read in memory:
// - a save is a tar of the fragment's one file (modern-tar) compressed with Node's zstd: the
//   archive @actions/cache makes on a runner with zstd (`tar --posix` piped through `zstd -T0`,
//   internal/tar.ts), under the same version, so the toolkit can restore it too; then
//   CreateCacheEntry, one Put Blob, FinalizeCacheEntryUpload;
// - a restore asks for the listed entry's own version (the REST listing names it), so an entry
//   restores whatever compression its writer had, zstd or gzip.
// The package exports only its root, so its client comes by file path (as in results-client.ts).
import zlib from 'node:zlib'
import { packTar, unpackTar } from 'modern-tar'
import { internalCacheTwirpClient } from '../../node_modules/@actions/cache/lib/internal/shared/cacheTwirpClient.js'
import { blobCall } from './blob.ts'
import type { Compression } from './cache-entry.ts'

/** What a save the service refused comes to; the store turns each into its StoreError. */
export class CacheSaveRefused extends Error {
  readonly reason: 'write-denied' | 'duplicate' | 'rate-limited' | 'failed'
  constructor(reason: CacheSaveRefused['reason'], message: string) {
    super(message)
    this.name = 'CacheSaveRefused' // how cache.ts tells it, without loading this module
    this.reason = reason
  }
}

// The service's answer to a write from a read-only token starts with this (@actions/cache
// cache.ts CACHE_WRITE_DENIED_PREFIX); its client reports a 429 as "Rate limited: Failed
// request: (429) …" and a 409 (key and version taken in this scope) as "… (409) …".
const WRITE_DENIED = 'cache write denied:'
const RATE_LIMITED = /Rate limited|\(429\)/
const CONFLICT = /\(409\)/

/**
 * An archive's largest decompressed size: a bound of our own (no GitHub limit applies to a
 * download) against an entry whose few compressed bytes unpack to gigabytes; any job of the
 * repository may save any key in its scope. A fragment of 1,000 builds is under 1 MiB.
 */
const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024

export class CacheServiceClient {
  readonly #twirp = internalCacheTwirpClient()

  /** Saves `text` as the file `file` (relative, with `/`) of the new entry `key` at `version` (a zstd-without-long version). */
  async save(key: string, version: string, file: string, text: string): Promise<void> {
    const body = new TextEncoder().encode(text)
    const tar = await packTar([{ header: { name: file, size: body.byteLength, type: 'file', mode: 0o644, mtime: new Date() }, body }])
    const archive = zlib.zstdCompressSync(tar)
    const created = await this.#twirp.CreateCacheEntry({ key, version }).catch((e: unknown) => {
      const message = (e as Error).message ?? String(e)
      throw new CacheSaveRefused(RATE_LIMITED.test(message) ? 'rate-limited' : CONFLICT.test(message) ? 'duplicate' : 'failed', message)
    })
    if (!created.ok) {
      throw new CacheSaveRefused(created.message.startsWith(WRITE_DENIED) ? 'write-denied' : 'failed', created.message || 'CreateCacheEntry: the service answered not ok')
    }
    await blobCall('PUT', created.signedUploadUrl, archive, { 'x-ms-blob-type': 'BlockBlob' })
    const finalized = await this.#twirp.FinalizeCacheEntryUpload({ key, version, sizeBytes: String(archive.byteLength) })
    if (!finalized.ok) throw new CacheSaveRefused('failed', finalized.message || 'FinalizeCacheEntryUpload: the service answered not ok')
  }

  /**
   * The text of the file `file` in entry `key` at `version` (compressed with `compression`), or
   * undefined when the service has no such entry in this run's readable scopes.
   */
  async restore(key: string, version: string, compression: Compression, file: string): Promise<string | undefined> {
    const found = await this.#twirp.GetCacheEntryDownloadURL({ key, restoreKeys: [], version })
    // The lookup also matches keys that start with `key`: only the exact key is this fragment.
    if (!found.ok || found.matchedKey !== key) return undefined
    const reply = await blobCall('GET', found.signedDownloadUrl)
    const archive = new Uint8Array(await reply.arrayBuffer())
    const entries = await unpackTar(decompress(archive, compression))
    const entry = entries.find((e) => e.header.type === 'file' && normalName(e.header.name) === file)
    if (!entry) throw new Error(`the archive of cache entry ${key} does not hold ${file}`)
    return new TextDecoder().decode(entry.data)
  }
}

function decompress(archive: Uint8Array, compression: Compression): Uint8Array {
  const limit = { maxOutputLength: MAX_ARCHIVE_BYTES }
  if (compression === 'gzip') return zlib.gunzipSync(archive, limit)
  // `zstd --long=30` (the toolkit's 'zstd') may use a window up to 2^30: allow it.
  return zlib.zstdDecompressSync(archive, { ...limit, params: { [zlib.constants.ZSTD_d_windowLogMax]: 31 } })
}

/** A member's name as tar tools on any runner may write it (`./` first, `\` on Windows). */
function normalName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '')
}
