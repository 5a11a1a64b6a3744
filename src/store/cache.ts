// `cache`: the same fragments as cache entries under never-reused keys
// `github-app-ci-<suite hash>-<run>-<attempt>-<job>-<step>`. What the service's answers mean is reported:
// - a prefix lookup returns only the newest entry, so keys are listed through the REST API
//   (`actions: read`) and each is restored by its exact key;
// - a duplicate key and a write denied to read-only tokens (check_run, fork pull_request and
//   pull_request_target runs; saveCache answers -1 for both): a StoreError says which;
// - a listed key that does not restore (restoreCache answers "miss" when the download fails) is a
//   StoreError, not an empty read;
// - entries are scoped to the ref that wrote them: those this run cannot read are explained;
// - a save refused for GitHub's 200 new entries a minute per repository (429) is said in a
//   warning and tried once more later.
// Each fragment is archived as its own path `.github-app-ci-store/<key>.json` (cache-entry.ts),
// so the cache version, a hash of that path, is the same on every runner; `enableCrossOsArchive`
// lets Windows and Linux jobs share entries.
// Two ways to the service, by the one @actions/cache picks (internal/config.ts
// getCacheServiceVersion):
// - cache service v2 (github.com): cache-service.ts, the toolkit's Twirp client with archives made
//   in memory, no Azure SDK, no tar or zstd processes;
// - the legacy service (GHES): cache-toolkit.ts, @actions/cache's saveCache / restoreCache.
// Either is imported only when this store is used, to keep the action fast to start.
import type { SuiteKey } from '../checks/types.ts'
import { retryBaseMs } from '../github/client.ts'
import { realClock } from '../github/clock.ts'
import { firstRequestSent } from '../github/http-fetch.ts'
import { describeCause, requireRuntime, StoreError } from './errors.ts'
import { downloadSelector, fragmentName, FRAGMENT_PREFIX, isFragmentName, nameFields, suitePrefix } from './naming.ts'
import { mapLimit, READS_AT_ONCE } from './parallel.ts'
import { listAll, listUntil, statusOf, type RestTarget } from './rest.ts'
import { cacheScopes } from './runtime-token.ts'
import { getCacheServiceVersion } from '../../node_modules/@actions/cache/lib/internal/config.js'
import type { CacheSaveRefused, CacheServiceClient } from './cache-service.ts'
import type { ToolkitCacheWay } from './cache-toolkit.ts'
import { cacheVersions, checkEntryKey, compressionOf, entryFile, INDEX_KEY_PREFIX, type Compression } from './cache-entry.ts'
import type { Fragment, FragmentFilter, FragmentRef, FragmentTag, RecentListing, StateStore, WriterId } from './store.ts'
import { toolkitCall } from '../log-context.ts'

export interface CacheStoreOptions {
  /** Needed to read: the REST API lists the keys (`actions: read`; deletes need `actions: write`). */
  rest?: RestTarget
  /** Where explanations go that are not failures (e.g. fragments in scopes this run cannot read). */
  warn?: (message: string) => void
}

interface CacheEntry {
  id: number
  key: string
  ref: string
  created_at: string
  /** @actions/cache's version of the entry: a hash of its paths and compression. */
  version?: string
}

/** The way to the cache service this runner has (see the top of this file). */
type CacheWay = { direct: CacheServiceClient } | { toolkit: ToolkitCacheWay }

/** Tries of a restore whose entry exists: the toolkit does not retry a failed blob download. */
const RESTORE_ATTEMPTS = 2

/** Units (retryBaseMs, a second in production) to wait before saving again after a 429. */
const RATE_LIMIT_BACKOFF = 30
const SCOPE_RULE =
  'GitHub scopes a cache entry to the ref that saved it; a run reads only its own ref and the default ' +
  'branch (a pull request run also its base branch), so entries saved by other branches or pull requests ' +
  'are invisible to it.'

export class CacheStore implements StateStore {
  readonly description = 'cache'
  /** GitHub evicts entries not accessed in 7 days; a DELETE is a content-creating GitHub request. */
  readonly selfClearing = true
  readonly #options: CacheStoreOptions
  #way?: Promise<CacheWay>
  /** Each listed key's version (the REST listing names it): what a direct restore asks for. */
  readonly #listedVersion = new Map<string, string>()

  constructor(options: CacheStoreOptions = {}) {
    this.#options = options
  }

  async writeFragment(key: SuiteKey, text: string, writer: WriterId, tag?: FragmentTag): Promise<FragmentRef> {
    const cacheKey = fragmentName(key, writer, tag)
    await this.#saveEntry(cacheKey, text, `fragment ${cacheKey}`)
    return { id: cacheKey, name: cacheKey, ...nameFields(cacheKey), created_at: new Date().toISOString() }
  }

  /** Saves `text` as the entry `cacheKey` (a new key: entries are never overwritten). */
  async #saveEntry(cacheKey: string, text: string, what: string): Promise<void> {
    this.#checkWritable()
    checkEntryKey(cacheKey)
    const way = await this.#cache().catch((e: unknown) => { throw this.#failed(`cannot save ${what}`, e) })
    if ('direct' in way) return this.#saveDirect(way.direct, cacheKey, text, what)
    // The legacy service's limits on new entries are not documented: a refusal for one is a failed save.
    const id = await way.toolkit.save(cacheKey, text).catch((e: unknown) => { throw this.#failed(`cannot save ${what}`, e) })
    if (id === -1) throw await this.#whySaveFailed(cacheKey)
  }

  /** One save; one refused by the 429 of GitHub's 200 new entries a minute is said in a warning and tried once more after RATE_LIMIT_BACKOFF seconds. */
  async #saveDirect(client: CacheServiceClient, cacheKey: string, text: string, what: string): Promise<void> {
    const version = cacheVersions(cacheKey)['zstd-without-long']
    for (let attempt = 1; ; attempt++) {
      try {
        return await toolkitCall(() => client.save(cacheKey, version, entryFile(cacheKey), text))
      } catch (e) {
        if (!isRefused(e)) throw this.#failed(`cannot save ${what}`, e)
        if (e.reason === 'write-denied') throw this.#readOnly(cacheKey)
        if (e.reason === 'duplicate') throw this.#duplicate(cacheKey)
        if (e.reason !== 'rate-limited') throw new StoreError(this.description, 'failed', `the cache service refused ${what}: ${e.message}`, { cause: e })
        if (attempt >= 2) {
          throw new StoreError(
            this.description, 'failed',
            `the cache service still answered 429 (too many requests) to saving ${cacheKey} after waiting ${RATE_LIMIT_BACKOFF} s: ` +
              'GitHub lets a repository create 200 cache entries a minute. Run fewer jobs at once, or use store: artifact.',
          )
        }
      }
      this.#options.warn?.(
        `cache store: the cache service answered 429 (too many requests) to saving ${cacheKey}: GitHub lets a repository create ` +
          `200 cache entries a minute. Waiting ${RATE_LIMIT_BACKOFF} s before one more try.`,
      )
      await realClock.sleep(RATE_LIMIT_BACKOFF * retryBaseMs())
    }
  }

  async readFragments(key: SuiteKey, filter?: FragmentFilter): Promise<Fragment[]> {
    const entries = this.#newestPerKey(await this.#list(suitePrefix(key)))
    const readable = this.#readableScopes()
    const visible = readable ? entries.filter((e) => readable.has(e.ref)) : entries
    const hidden = entries.filter((e) => !visible.includes(e))
    if (hidden.length > 0) {
      const refs = [...new Set(hidden.map((e) => e.ref))].join(', ')
      this.#options.warn?.(
        `cache store: ${hidden.length} fragment(s) of this suite were saved in ${refs}, which this run cannot read. ` +
          `${SCOPE_RULE} Their builds are taken from GitHub's check runs instead.`,
      )
    }
    const refs = visible.map(toRef)
    filter?.listed?.(refs)
    return mapLimit(refs.filter(downloadSelector(filter)), (r) => this.#restore(r), READS_AT_ONCE)
  }

  async listAllFragments(): Promise<FragmentRef[]> {
    return this.#newestPerKey(await this.#list(FRAGMENT_PREFIX)).map(toRef)
  }

  async listRecentFragments(since?: string): Promise<RecentListing> {
    const rest = this.#rest('list fragments')
    const before = since === undefined ? undefined : Date.parse(since)
    try {
      const { items, unread } = await listUntil<CacheEntry>(
        rest, 'GET /repos/{owner}/{repo}/actions/caches', 'actions_caches',
        { key: FRAGMENT_PREFIX, sort: 'created_at', direction: 'desc' },
        (e) => before !== undefined && Date.parse(e.created_at) < before,
      )
      const refs = this.#newestPerKey(items).filter((e) => isFragmentName(e.key)).map(toRef)
      return { refs, complete: before === undefined && unread === 0, unread }
    } catch (e) {
      throw this.#failed(`cannot list cache entries of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e)
    }
  }

  async readIndex(): Promise<string | undefined> {
    if (!this.#options.rest) return undefined
    const rest = this.#options.rest
    let entries: CacheEntry[]
    try {
      const { data } = await rest.octokit.request('GET /repos/{owner}/{repo}/actions/caches', {
        owner: rest.owner, repo: rest.repo, key: INDEX_KEY_PREFIX, sort: 'created_at', direction: 'desc', per_page: 10,
      })
      entries = (data as { actions_caches: CacheEntry[] }).actions_caches
    } catch (e) {
      throw this.#failed(`cannot list cache entries of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e)
    }
    const readable = this.#readableScopes()
    const newest = entries.find((e) => !readable || readable.has(e.ref))
    if (typeof newest?.version === 'string') this.#listedVersion.set(newest.key, newest.version)
    return newest && (await this.#restore(toRef(newest))).text
  }

  async writeIndex(text: string, writer: WriterId): Promise<void> {
    const key = `${INDEX_KEY_PREFIX}${writer.run_id}-${writer.run_attempt}-${writer.step.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}`
    await this.#saveEntry(key, text, `reconcile's index ${key}`)
  }

  async readFragment(ref: FragmentRef): Promise<Fragment> {
    return this.#restore(ref)
  }

  async deleteFragments(refs: FragmentRef[]): Promise<void> {
    const rest = this.#rest('delete fragments')
    await mapLimit(refs, async (ref) => {
      try {
        await rest.octokit.request('DELETE /repos/{owner}/{repo}/actions/caches{?key,ref}', {
          owner: rest.owner, repo: rest.repo, key: ref.id,
        })
      } catch (e) {
        if (statusOf(e) === 404) return // already gone: deleting is idempotent
        throw this.#failed(`cannot delete cache entry ${ref.id} (the token needs actions: write)`, e)
      }
    })
  }

  warmUp(): void {
    // Once the step's first GitHub request is on its way: loading the toolkit blocks the event
    // loop, which then overlaps that request's round trip instead of delaying its start.
    void firstRequestSent().then(() => this.#load().catch(() => {})) // a load failure is reported by the first real use
  }

  #load(): Promise<CacheWay> {
    return (this.#way ??= getCacheServiceVersion() === 'v2'
      ? import('./cache-service.ts').then(({ CacheServiceClient }) => ({ direct: new CacheServiceClient() }))
      : import('./cache-toolkit.ts').then(({ ToolkitCacheWay }) => ({ toolkit: new ToolkitCacheWay() })))
  }

  #cache(): Promise<CacheWay> {
    requireRuntime(this.description)
    return this.#load()
  }

  #rest(what: string): RestTarget {
    const { rest } = this.#options
    if (!rest) {
      throw new StoreError(
        this.description, 'needs-api',
        `cannot ${what} without the REST API: a prefix restore returns only the newest entry, so the cache ` +
          'store lists keys through the API. Give the step a token with actions: read (actions: write to delete).',
      )
    }
    return rest
  }

  async #list(prefix: string): Promise<CacheEntry[]> {
    const rest = this.#rest('list fragments')
    try {
      // Only keys of the whole fragment-name grammar: any run may save any key into its scope.
      const all = await listAll<CacheEntry>(rest, 'GET /repos/{owner}/{repo}/actions/caches', 'actions_caches', { key: prefix })
      return all.filter((e) => typeof e.key === 'string' && isFragmentName(e.key))
    } catch (e) {
      throw this.#failed(`cannot list cache entries of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e)
    }
  }

  /** One entry per key: the same key may exist in several refs; prefer a readable, newer one. */
  #newestPerKey(entries: CacheEntry[]): CacheEntry[] {
    const readable = this.#readableScopes()
    const rank = (e: CacheEntry) => [readable?.has(e.ref) ? 1 : 0, Date.parse(e.created_at)] as const
    const best = new Map<string, CacheEntry>()
    for (const e of entries) {
      const had = best.get(e.key)
      const [r1, t1] = rank(e)
      const [r0, t0] = had ? rank(had) : [-1, 0]
      if (r1 > r0 || (r1 === r0 && t1 > t0)) best.set(e.key, e)
    }
    for (const e of best.values()) if (typeof e.version === 'string') this.#listedVersion.set(e.key, e.version)
    return [...best.values()].sort((a, b) => a.key.localeCompare(b.key))
  }

  #readableScopes(): Set<string> | undefined {
    const scopes = cacheScopes()
    return scopes && new Set(scopes.filter((s) => s.read).map((s) => s.scope))
  }

  #checkWritable(): void {
    const mode = (process.env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase()
    if (mode === 'read' || mode === 'none') {
      throw new StoreError(
        this.description, 'write-denied',
        `the runner's cache-mode is "${mode}", which does not permit saving; this run cannot record state ` +
          'in the cache. Use store: artifact for this workflow.',
      )
    }
  }

  /** saveCache answered -1: tell a read-only token from a duplicate key from a failed save. */
  async #whySaveFailed(cacheKey: string): Promise<StoreError> {
    const scopes = cacheScopes()
    if (scopes && !scopes.some((s) => s.write)) return this.#readOnly(cacheKey)
    const existing = this.#options.rest
      ? await this.#list(cacheKey).then((l) => l.some((e) => e.key === cacheKey), () => false)
      : false
    if (existing) return this.#duplicate(cacheKey)
    return new StoreError(
      this.description, 'failed',
      `saveCache returned -1 for fragment ${cacheKey}: the cache service refused or failed the save ` +
        '(the warning above has its reason; a key another job is still creating gives the same answer).',
    )
  }

  #readOnly(cacheKey: string): StoreError {
    const event = process.env.GITHUB_EVENT_NAME ? ` (event: ${process.env.GITHUB_EVENT_NAME})` : ''
    return new StoreError(
      this.description, 'write-denied',
      `the cache service refused fragment ${cacheKey}: this run's cache token is read-only${event}. GitHub gives ` +
        'check_run, fork pull_request and pull_request_target runs read-only cache access, so they cannot ' +
        'record state in the cache. Use store: artifact for such workflows.',
    )
  }

  #duplicate(cacheKey: string): StoreError {
    return new StoreError(this.description, 'duplicate', `a cache entry with key ${cacheKey} already exists; cache keys are immutable.`)
  }

  async #restore(ref: FragmentRef): Promise<Fragment> {
    for (let attempt = 1; ; attempt++) {
      const text = await this.#restoreOnce(ref.id)
      if (text !== undefined) return { ...ref, text }
      const why = await this.#whyMissed(ref.id)
      // restoreCache answers a failed download (or tar) as a miss: an entry that exists gets one more try.
      if (!why.retry || attempt >= RESTORE_ATTEMPTS) throw why.error
      await realClock.sleep(retryBaseMs())
    }
  }

  /** The fragment's text, or undefined when the service has no entry for it. */
  async #restoreOnce(cacheKey: string): Promise<string | undefined> {
    checkEntryKey(cacheKey)
    const way = await this.#cache().catch((e: unknown) => { throw this.#failed(`cannot restore fragment ${cacheKey}`, e, 'restore-failed') })
    if ('direct' in way) return this.#restoreDirect(way.direct, cacheKey)
    return way.toolkit.restore(cacheKey).catch((e: unknown) => { throw this.#failed(`cannot restore fragment ${cacheKey}`, e, 'restore-failed') })
  }

  /**
   * A direct restore asks for the version the listing named; a key not listed (or listed by an
   * older reply without versions) is asked for under each compression a writer may have used.
   */
  async #restoreDirect(client: CacheServiceClient, cacheKey: string): Promise<string | undefined> {
    const versions = cacheVersions(cacheKey)
    const listed = this.#listedVersion.get(cacheKey)
    const listedAs = compressionOf(versions, listed)
    const tries = listed === undefined ? (Object.keys(versions) as Compression[]) : listedAs ? [listedAs] : []
    if (tries.length === 0) {
      throw new StoreError(this.description, 'restore-failed', `cache entry ${cacheKey} has version ${listed}, which no archive of github-app-ci has; it was not used.`)
    }
    // A failed download (a signed URL refused, blob storage down after its own retries) gets
    // one more try with a fresh URL, as a restoreCache miss of a listed entry does.
    for (let attempt = 1; ; attempt++) {
      try {
        for (const compression of tries) {
          const text = await toolkitCall(() => client.restore(cacheKey, versions[compression], compression, entryFile(cacheKey)))
          if (text !== undefined) return text
        }
        return undefined
      } catch (e) {
        if (attempt >= RESTORE_ATTEMPTS) throw this.#failed(`cannot restore fragment ${cacheKey} (${attempt} tries)`, e, 'restore-failed')
        await realClock.sleep(retryBaseMs())
      }
    }
  }

  /**
   * A listed key that does not restore: out of this run's scopes, deleted, or a failed download
   * (`retry`: the entry is there, the download may work next time).
   */
  async #whyMissed(cacheKey: string): Promise<{ error: StoreError; retry: boolean }> {
    const readable = this.#readableScopes()
    const entries = this.#options.rest ? await this.#list(cacheKey).catch(() => []) : []
    const same = entries.filter((e) => e.key === cacheKey)
    if (this.#options.rest && same.length === 0) {
      return { retry: false, error: new StoreError(this.description, 'gone', `cache entry ${cacheKey} no longer exists (deleted or evicted).`) }
    }
    if (readable && same.length > 0 && !same.some((e) => readable.has(e.ref))) {
      return {
        retry: false,
        error: new StoreError(
          this.description, 'not-visible',
          `cache entry ${cacheKey} was saved in ${same.map((e) => e.ref).join(', ')}, which this run cannot read. ${SCOPE_RULE}`,
        ),
      }
    }
    // Saved by a runner that compressed otherwise (zstd or not): the toolkit's restore looks under
    // the version of its own runner's compression.
    const versions = cacheVersions(cacheKey)
    const saved = same.map((e) => compressionOf(versions, e.version)).find(Boolean)
    const way = this.#way && (await this.#way)
    const toolkit = way && 'toolkit' in way ? way.toolkit : undefined
    const why = toolkit && saved && saved !== (await toolkit.compression())
      ? `it was saved with ${saved === 'gzip' ? 'gzip (a runner without zstd)' : 'zstd'} compression, and @actions/cache ` +
        'finds an entry only from a runner that compresses the same way: install zstd on every runner of this suite ' +
        '(GitHub-hosted runners have it) or use store: artifact'
      : toolkit ? 'restoreCache reports a failed download as a miss (the warnings above have its reasons)'
        : 'the cache service found no entry of its version in this run\'s readable scopes'
    return {
      retry: true,
      error: new StoreError(this.description, 'restore-failed', `cache entry ${cacheKey} exists but did not restore (${RESTORE_ATTEMPTS} tries): ${why}.`),
    }
  }

  #failed(what: string, e: unknown, code: 'failed' | 'restore-failed' = 'failed'): StoreError {
    if (e instanceof StoreError) return e
    return new StoreError(this.description, code, `${what}: ${describeCause(e)}`, { cause: e })
  }
}

/** cache-service.ts's refusal, told by name: that module loads only when the direct way is used. */
function isRefused(e: unknown): e is CacheSaveRefused {
  return e instanceof Error && e.name === 'CacheSaveRefused'
}

function toRef(e: CacheEntry): FragmentRef {
  return { id: e.key, name: e.key, ...nameFields(e.key), created_at: e.created_at }
}
