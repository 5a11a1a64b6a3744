// Errors a store reports instead of swallowing: each message says what happened and what to do.
// Never put a token, signed URL or other secret in a message (see scrubSecrets).
import { errorText } from '../errors.ts'

export type StoreErrorCode =
  /** The run's token may not write this store (read-only cache token, cache-mode read/none). */
  | 'write-denied'
  /** A fragment with this name or key already exists (names are meant never to repeat). */
  | 'duplicate'
  /** The store exists but an operation failed (network, service error, toolkit error). */
  | 'failed'
  /** A fragment the listing shows could not be read back (the toolkit reports this as a miss). */
  | 'restore-failed'
  /** A fragment exists but this run cannot see it (cache entries are scoped to their ref). */
  | 'not-visible'
  /** The fragment is gone (deleted, expired or evicted since it was listed). */
  | 'gone'
  /** The operation needs the REST API (a token with actions: read / write), which was not given. */
  | 'needs-api'

export class StoreError extends Error {
  readonly code: StoreErrorCode
  /** The store's description, e.g. "cache" or "file:/tmp/state". */
  readonly store: string

  constructor(store: string, code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${store} store: ${message}`, options)
    this.name = 'StoreError'
    this.code = code
    this.store = store
  }
}

/** Removes signatures of signed URLs from a message the toolkit produced. */
export function scrubSecrets(message: string): string {
  return message.replace(/([?&](?:sig|token|code)=)[^&\s"']+/gi, '$1***').replace(/\bBearer\s+\S+/g, 'Bearer ***')
}

export function describeCause(e: unknown): string {
  return scrubSecrets(errorText(e))
}

/** The artifact and cache stores talk to the job's Actions runtime; outside a job there is none. */
export function requireRuntime(store: string): void {
  // The cache's legacy service (GitHub Enterprise Server) is at ACTIONS_CACHE_URL, where the
  // results service (ACTIONS_RESULTS_URL) may not exist (the toolkit's cache config.ts takes either).
  const url = store === 'cache' ? process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL : process.env.ACTIONS_RESULTS_URL
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !url) {
    const names = store === 'cache' ? 'ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL are' : 'ACTIONS_RESULTS_URL is'
    throw new StoreError(
      store, 'failed',
      `the Actions runtime is not available (ACTIONS_RUNTIME_TOKEN is not set or ${names} not set): this ` +
        'store works only inside a GitHub Actions job. Use store: file:<directory> elsewhere.',
    )
  }
}
