// Faults on demand: a Twirp method (or a blob operation) answers with an error instead of working.

export interface RuntimeFault {
  /**
   * What to hit: a Twirp method ('CreateArtifact', 'CacheService/CreateCacheEntry'), 'twirp' for
   * every Twirp call, or a blob operation: 'blob:get' (Get Blob, also HEAD), 'blob:put' (Put Blob,
   * Put Block, Put Block List).
   */
  match: string
  /** Answer status (default 500). */
  status?: number
  /** Fail this many matching calls, then stop (default 1; ignored when `every` is set). */
  times?: number
  /**
   * Fail every n-th distinct matching call, forever (every: 10 -> 10% of calls); a retry of a
   * failed call (same method and body) is served, so each call fails at most once.
   */
  every?: number
}

interface Armed extends RuntimeFault {
  seen: number
  left: number
  failed: Set<string>
}

export class FaultTable {
  readonly #armed: Armed[] = []

  add(f: RuntimeFault): void {
    this.#armed.push({ ...f, seen: 0, left: f.times ?? 1, failed: new Set() })
  }

  clear(): void {
    this.#armed.length = 0
  }

  /** The status to fail this call with, or undefined to serve it. `call` identifies a retry. */
  take(names: string[], call = ''): number | undefined {
    for (const f of this.#armed) {
      if (!names.includes(f.match)) continue
      if (f.every) {
        if (f.failed.has(call)) continue
        if (++f.seen % f.every !== 0) continue
        f.failed.add(call)
        return f.status ?? 500
      }
      if (f.left-- > 0) return f.status ?? 500
    }
    return undefined
  }
}
