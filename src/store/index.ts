// `store:` input -> a StateStore: `artifact` (default) | `cache` | `file:<directory>`.
import { UserError } from '../errors.ts'
import { ArtifactStore } from './artifact.ts'
import { CacheStore } from './cache.ts'
import { FileStore } from './file.ts'
import type { RestTarget } from './rest.ts'
import type { StateStore } from './store.ts'

export { StoreError, type StoreErrorCode } from './errors.ts'
export type { RestTarget } from './rest.ts'
export type { StateStore, Fragment, FragmentFilter, FragmentRef, FragmentTag, WriterId } from './store.ts'

export interface StoreContext {
  /** state-retention-days: how long fragment artifacts live. */
  retentionDays?: number
  /** The REST API for cross-run work (artifact reconcile) and key listing (cache, needed to read). */
  rest?: RestTarget
  /** Explanations that are not failures (core.warning in the action). */
  warn?: (message: string) => void
}

const VALID = '"artifact" (the default), "cache" or "file:<directory>"'

export function openStore(spec: string, ctx: StoreContext = {}): StateStore {
  const s = spec.trim()
  const scheme = s.toLowerCase()
  if (scheme === '' || scheme === 'artifact') return new ArtifactStore({ retentionDays: ctx.retentionDays, rest: ctx.rest, warn: ctx.warn })
  if (scheme === 'cache') return new CacheStore({ rest: ctx.rest, warn: ctx.warn })
  if (scheme.startsWith('file:')) {
    const dir = s.slice('file:'.length).trim()
    if (!dir) throw new UserError(`store: "${spec}" names no directory: write file:<directory>, e.g. file:/tmp/ci-state.`)
    return new FileStore(dir)
  }
  throw new UserError(`store: "${spec}" is not a store: use ${VALID}.`)
}
