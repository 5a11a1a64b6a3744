// `store:` input -> a StateStore: `auto` (default) | `artifact` | `cache` | `file:<directory>` | `none`
// (mirror's default: its state is on GitHub).
// `auto` is `artifact` on github.com and GHE.com, and `cache` on GitHub Enterprise Server, where
// @actions/artifact v2+ refuses every call (GHESNotSupportedError) and @actions/cache works (its
// legacy cache service, which the toolkit picks there by itself).
import { UserError } from '../errors.ts'
import { ArtifactStore } from './artifact.ts'
import { CacheStore } from './cache.ts'
import { FileStore } from './file.ts'
import { NoStore } from './none.ts'
import type { RestTarget } from './rest.ts'
import type { StateStore } from './store.ts'

export { StoreError, type StoreErrorCode } from './errors.ts'
export type { RestTarget } from './rest.ts'
export type { StateStore, Fragment, FragmentFilter, FragmentRef, FragmentTag, RecentListing, WriterId } from './store.ts'

export interface StoreContext {
  /** state-retention-days: how long fragment artifacts live. */
  retentionDays?: number
  /** The REST API for cross-run work (artifact reconcile) and key listing (cache, needed to read). */
  rest?: RestTarget
  /** Explanations that are not failures (core.warning in the action). */
  warn?: (message: string) => void
}

const VALID = '"auto" (the default), "artifact", "cache", "file:<directory>" or "none"'

/**
 * GitHub Enterprise Server, by the toolkit's own rule (@actions/artifact and @actions/cache
 * config.ts isGhes): GITHUB_SERVER_URL's host is neither github.com nor *.ghe.com (GitHub
 * Enterprise Cloud with data residency) nor *.localhost (GitHub's own development hosts).
 */
export function isGhes(serverUrl = process.env.GITHUB_SERVER_URL): boolean {
  let host: string
  try {
    host = new URL(serverUrl || 'https://github.com').hostname.trimEnd().toUpperCase()
  } catch {
    return false // not a URL: the toolkit would throw on it too; the default host rules then
  }
  return host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST')
}

/**
 * The store a `store:` input means here: `auto` (or empty) picks the one that works on this
 * GitHub. `artifact` on GHES is refused with what to use instead, before any request.
 */
export function resolveStoreSpec(spec: string, serverUrl = process.env.GITHUB_SERVER_URL): string {
  const s = spec.trim()
  const scheme = s.toLowerCase()
  const ghes = isGhes(serverUrl)
  if (scheme === '' || scheme === 'auto') return ghes ? 'cache' : 'artifact'
  if (scheme === 'artifact' && ghes) {
    throw new UserError(
      `store: artifact does not work on GitHub Enterprise Server (${serverUrl}): @actions/artifact v2 and later ` +
        'refuse it (GHESNotSupportedError, as upload-artifact@v4 does). Use store: cache (what store: auto, the ' +
        'default, picks there), or store: file:<directory> for jobs that share a disk.',
    )
  }
  return s
}

export function openStore(spec: string, ctx: StoreContext = {}): StateStore {
  const s = spec.trim()
  const scheme = s.toLowerCase()
  if (scheme === '' || scheme === 'auto') return openStore(resolveStoreSpec(s), ctx)
  if (scheme === 'artifact') return new ArtifactStore({ retentionDays: ctx.retentionDays, rest: ctx.rest, warn: ctx.warn })
  if (scheme === 'cache') return new CacheStore({ rest: ctx.rest, warn: ctx.warn })
  if (scheme === 'none') return new NoStore() // command: mirror's default (its state is on GitHub)
  if (scheme.startsWith('file:')) {
    const dir = s.slice('file:'.length).trim()
    if (!dir) throw new UserError(`store: "${spec}" names no directory: write file:<directory>, e.g. file:/tmp/ci-state.`)
    return new FileStore(dir)
  }
  throw new UserError(`store: "${spec}" is not a store: use ${VALID}.`)
}
