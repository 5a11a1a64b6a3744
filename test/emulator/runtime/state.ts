// What the runtime emulator holds: runs (who a token belongs to), artifacts, cache entries, blobs.

export interface RunInfo {
  /** owner/repo */
  repository: string
  runId: number
  headBranch: string
  headSha: string
  /** A fork's full name when the run is a fork's pull request run (see RuntimeEnvOptions). */
  headRepository?: string
}

export interface ArtifactRecord {
  id: number
  repository: string
  runId: number
  runBackendId: string
  jobBackendId: string
  name: string
  blobPath: string
  size: number
  digest?: string
  createdAt: Date
  updatedAt: Date
  expiresAt?: Date
  committed: boolean
  run: RunInfo
}

export interface CacheRecord {
  id: number
  repository: string
  key: string
  version: string
  /** The ref whose scope holds the entry (refs/heads/main, refs/pull/1/merge). */
  scope: string
  blobPath: string
  size: number
  createdAt: Date
  lastAccessedAt: Date
  committed: boolean
}

export class RuntimeState {
  readonly runs = new Map<string, RunInfo>() // run backend id -> run
  readonly artifacts: ArtifactRecord[] = []
  readonly caches: CacheRecord[] = []
  readonly blobs = new Map<string, Buffer>() // committed blob path -> bytes
  readonly blocks = new Map<string, Map<string, Buffer>>() // staged blocks per blob path
  #nextId = 1000

  nextId(): number {
    return this.#nextId++
  }

  isExpired(a: ArtifactRecord, now = Date.now()): boolean {
    return a.expiresAt !== undefined && a.expiresAt.getTime() <= now
  }
}
