// What a cache store entry is, for both ways to the cache service (cache.ts): its key, the one
// file it archives, and the version @actions/cache gives it.
import { createHash } from 'node:crypto'
import path from 'node:path'
import { StoreError } from './errors.ts'
import { isFragmentName } from './naming.ts'

export type Compression = 'zstd-without-long' | 'zstd' | 'gzip'

/** The directory of the archived files, relative to the working directory (the workspace in a job). */
export const ENTRY_DIR = '.github-app-ci-store'
/** Reconcile's index entries: `<prefix><run>-<attempt>-<random>` (no suite hash, so never a fragment). */
export const INDEX_KEY_PREFIX = 'github-app-ci-index-'

/** The file an entry archives, relative, with `/` on every OS: part of the entry's version. */
export const entryFile = (cacheKey: string): string => `${ENTRY_DIR}/${cacheKey}.json`

/**
 * Refuses a key that is neither a fragment's nor an index's, or whose file would not sit directly
 * inside ENTRY_DIR: keys are listed from the repository's cache, where any run may have saved any
 * key (`github-app-ci-…-/../../x` would otherwise have a restore delete and overwrite a file
 * outside it).
 */
export function checkEntryKey(cacheKey: string): void {
  const dir = path.resolve(ENTRY_DIR)
  if (!(isFragmentName(cacheKey) || isIndexKey(cacheKey)) || path.dirname(path.resolve(dir, `${cacheKey}.json`)) !== dir) {
    throw new StoreError('cache', 'failed', `cache key ${JSON.stringify(cacheKey.slice(0, 200))} is not a fragment name; it was not used.`)
  }
}

/** Reconcile's index entries: INDEX_KEY_PREFIX then the writer's run, attempt, job and step (plain characters only). */
function isIndexKey(cacheKey: string): boolean {
  return cacheKey.startsWith(INDEX_KEY_PREFIX) && /^[A-Za-z0-9._-]{1,512}$/.test(cacheKey) && !cacheKey.includes('..')
}

/**
 * The version @actions/cache gives a fragment's entry, per compression it may pick (zstd when the
 * runner has it, else gzip): a hash of the paths, the compression and the toolkit's salt
 * (cacheUtils.ts getCacheVersion; with enableCrossOsArchive no OS enters it). The service finds
 * an entry only under the version asked for. test/action/platforms.test.ts checks this against
 * the toolkit's own function.
 */
export function cacheVersions(cacheKey: string): Record<Compression, string> {
  const version = (compression: string) => createHash('sha256').update([entryFile(cacheKey), compression, '1.0'].join('|')).digest('hex')
  return { 'zstd-without-long': version('zstd-without-long'), zstd: version('zstd'), gzip: version('gzip') }
}

/** Which compression `version` stands for among an entry's `versions` (cacheVersions), if any. */
export function compressionOf(versions: Record<Compression, string>, version: string | undefined): Compression | undefined {
  return (Object.keys(versions) as Compression[]).find((c) => versions[c] === version)
}
