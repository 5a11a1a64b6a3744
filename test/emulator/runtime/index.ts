// Actions runtime emulator: the results service's Twirp JSON endpoints that @actions/artifact and
// @actions/cache (cache service v2) call, and the Azure-Blob data plane behind the signed URLs
// they get, on 127.0.0.1. Tokens come from runtimeEnv(), shaped as the runner issues them.
import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { artifactService, type Caller } from './artifacts.ts'
import { handleBlob } from './blob.ts'
import { CACHE_CREATES_PER_MINUTE, cacheService } from './cache.ts'
import { CACHE_V1_PREFIX, handleCacheV1 } from './cache-v1.ts'
import { FaultTable, type RuntimeFault } from './faults.ts'
import { UrlSigner } from './signing.ts'
import { RuntimeState, type ArtifactRecord, type CacheRecord, type RunInfo } from './state.ts'
import { decodeRuntimeToken, encodeRuntimeToken, type CacheScope } from './token.ts'
import { registerBlobSource } from '../../secrets-registry.ts'
import { sendJson, sendTwirpError, TwirpError, twirpStatus, type TwirpMethod } from './twirp.ts'

export type { ArtifactRecord, CacheRecord, RuntimeFault, CacheScope }

export interface RuntimeEnvOptions {
  runId: number
  /** The job (GITHUB_JOB); each call makes a new job backend id unless the same job asks again. */
  jobId: string
  /** The run's ref: the cache scope it writes (refs/heads/x, refs/pull/1/merge). */
  ref: string
  /** Read-only cache access, as check_run, fork and pull_request_target runs get. */
  readOnly?: boolean
  /** owner/repo (default octo-org/repo-a). */
  repository?: string
  /** Further scopes this job may read (default: the default branch, refs/heads/main). */
  readScopes?: string[]
  headSha?: string
  /**
   * A GitHub Enterprise Server job: the legacy cache service at ACTIONS_CACHE_URL (what
   * @actions/cache uses there) and no results service (ACTIONS_RESULTS_URL unset: artifacts v4
   * and cache v2 are github.com services; GitHub's docs list neither for GHES, we found no page
   * saying which variables its runner sets, so this shape is our reading of the toolkit's config.ts).
   */
  ghes?: boolean
  /**
   * The repository the run's head commit comes from (default: the repository itself). A pull
   * request from a fork runs in the base repository (its artifacts are listed there) with the
   * fork as head repository: GitHub's list-artifacts reply then has a `workflow_run.head_repository_id`
   * that differs from its `repository_id` (the `artifact` schema of @octokit/openapi; "Events that
   * trigger workflows", pull_request: workflows from forks run with a read-only GITHUB_TOKEN and
   * no secrets, https://docs.github.com/en/actions/reference/events-that-trigger-workflows#pull_request).
   */
  headRepository?: string
}

export interface RuntimeCall {
  /** 'Blob' for the data plane, whose methods are Put Blob, Put Block, Put Block List, Get Blob. */
  service: 'ArtifactService' | 'CacheService' | 'CacheServiceV1' | 'Blob'
  method: string
  status: number
}

function blobMethod(req: http.IncomingMessage, url: URL): string {
  if (req.method === 'HEAD') return 'Get Blob Properties'
  if (req.method === 'GET') return 'Get Blob'
  const comp = url.searchParams.get('comp')
  return comp === 'block' ? 'Put Block' : comp === 'blocklist' ? 'Put Block List' : 'Put Blob'
}

export interface RuntimeEmulator {
  /** ACTIONS_RESULTS_URL (with a trailing slash, as the runner sets it). */
  url: string
  runtimeEnv(o: RuntimeEnvOptions): Record<string, string>
  /** Every finalized, unexpired artifact; of one repository if given. */
  artifacts(repository?: string): ArtifactRecord[]
  /** Every committed cache entry; of one repository if given. */
  cacheEntries(repository?: string): CacheRecord[]
  deleteArtifact(id: number): boolean
  /** Deletes the entries with this key (in one ref if given); returns them. */
  deleteCache(key: string, ref?: string, repository?: string): CacheRecord[]
  deleteCacheEntry(id: number): CacheRecord | undefined
  /** The bytes the client uploaded for an artifact (a zip). */
  artifactZip(id: number): Buffer | undefined
  /** A signed, expiring read URL of the artifact's zip (what GitHub's download redirect points to). */
  artifactDownloadUrl(id: number): string | undefined
  faults: { add(f: RuntimeFault): void; clear(): void }
  /** New cache entries a repository may create a minute (default 200, cache.ts). */
  setCacheCreateLimit(perMinute: number): void
  /** Lifetime of signed URLs (default 10 minutes); short values test expiry. */
  setSignedUrlTtl(ms: number): void
  calls: RuntimeCall[]
  close(): Promise<void>
}

const PREFIX = '/twirp/github.actions.results.api.v1.'

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export async function startRuntimeEmulator(): Promise<RuntimeEmulator> {
  let base = ''
  let ttlMs = 10 * 60_000
  const state = new RuntimeState()
  const cacheLimit = { perMinute: CACHE_CREATES_PER_MINUTE }
  const signer = new UrlSigner(() => base, () => ttlMs)
  const faults = new FaultTable()
  const contentTypes = new Map<string, string>()
  const issued = new Set<string>()
  const backendIds = new Map<string, string>() // `${repository}#${runId}` or `…#job` -> backend id
  const calls: RuntimeCall[] = []
  // for the secret scan (test/setup/secret-scan.ts): the stored artifacts and cache entries
  registerBlobSource(() => [
    ...state.artifacts.filter((a) => a.committed).map((a) => ({ where: `artifact ${a.name}`, bytes: state.blobs.get(a.blobPath) })),
    ...state.caches.filter((c) => c.committed).map((c) => ({ where: `cache entry ${c.key}`, bytes: state.blobs.get(c.blobPath) })),
  ])
  const services: Record<string, Record<string, TwirpMethod<Caller>>> = {
    ArtifactService: artifactService(state, signer),
    CacheService: cacheService(state, signer, cacheLimit),
  }
  const backendId = (k: string) => backendIds.get(k) ?? (backendIds.set(k, randomUUID()), backendIds.get(k)!)

  async function twirp(req: http.IncomingMessage, res: http.ServerResponse, path: string, body: Buffer) {
    const [service = '', method = ''] = path.slice(PREFIX.length).split('/')
    const record = (status: number) => calls.push({ service: service as RuntimeCall['service'], method, status })
    const impl = services[service]?.[method]
    if (req.method !== 'POST' || !impl) {
      record(404)
      return sendTwirpError(res, 'bad_route', `no handler for ${req.method} ${path}`)
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
    const claims = issued.has(token) ? decodeRuntimeToken(token) : undefined
    const run = claims && state.runs.get(claims.runBackendId)
    if (!claims || !run) {
      record(401)
      return sendTwirpError(res, 'unauthenticated', 'the runtime token is missing or was not issued for a run')
    }
    if (claims.exp * 1000 <= Date.now()) {
      record(401)
      return sendTwirpError(res, 'unauthenticated', 'the runtime token has expired')
    }
    const injected = faults.take(['twirp', method, `${service}/${method}`], `${path}\n${body.toString('utf8')}`)
    if (injected) {
      record(injected)
      return sendTwirpError(res, 'internal', 'injected fault', injected)
    }
    let json: Record<string, unknown>
    try {
      json = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}
    } catch {
      record(400)
      return sendTwirpError(res, 'invalid_argument', 'the body is not JSON')
    }
    try {
      const out = impl({ claims, run }, json)
      record(200)
      sendJson(res, out)
    } catch (e) {
      if (!(e instanceof TwirpError)) throw e
      record(twirpStatus[e.code])
      sendTwirpError(res, e.code, e.message)
    }
  }

  function cacheV1(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) {
    const method = `${req.method} ${url.pathname.slice(CACHE_V1_PREFIX.length).replace(/\d+$/, '{id}')}`
    const record = (status: number) => calls.push({ service: 'CacheServiceV1', method, status })
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
    const claims = issued.has(token) ? decodeRuntimeToken(token) : undefined
    const run = claims && state.runs.get(claims.runBackendId)
    const deny = (status: number, message: string) => {
      record(status)
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message }))
    }
    if (!claims || !run) return deny(401, 'the runtime token is missing or was not issued for a run')
    if (claims.exp * 1000 <= Date.now()) return deny(401, 'the runtime token has expired')
    const injected = faults.take(['CacheServiceV1', `CacheServiceV1/${method}`], `${method}\n${body.toString('utf8')}`)
    if (injected) return deny(injected, 'injected fault')
    record(handleCacheV1(state, signer, { claims, run }, req, url, body, res))
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base)
      const body = await readBody(req)
      if (url.pathname.startsWith(PREFIX)) return twirp(req, res, url.pathname, body)
      if (url.pathname.startsWith(CACHE_V1_PREFIX)) return cacheV1(req, res, url, body)
      if (url.pathname.startsWith('/devstoreaccount1/')) {
        const status = handleBlob(state, signer, faults, contentTypes, req, url, body, res)
        return void calls.push({ service: 'Blob', method: blobMethod(req, url), status })
      }
      res.writeHead(404)
      res.end()
    })().catch((err: unknown) => {
      if (!res.headersSent) sendTwirpError(res, 'internal', String(err))
      else res.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const live = (a: ArtifactRecord) => a.committed && !state.isExpired(a)

  return {
    url: `${base}/`,
    runtimeEnv(o) {
      const repository = o.repository ?? 'octo-org/repo-a'
      const runBackendId = backendId(`${repository}#${o.runId}`)
      const run: RunInfo = {
        repository,
        runId: o.runId,
        headBranch: o.ref.replace(/^refs\/heads\//, ''),
        headSha: o.headSha ?? '0'.repeat(40),
        ...(o.headRepository ? { headRepository: o.headRepository } : {}),
      }
      state.runs.set(runBackendId, run)
      const scopes: CacheScope[] = [
        { Scope: o.ref, Permission: o.readOnly ? 1 : 3 },
        ...(o.readScopes ?? ['refs/heads/main']).filter((s) => s !== o.ref).map((Scope) => ({ Scope, Permission: 1 })),
      ]
      const token = encodeRuntimeToken({
        runBackendId,
        jobBackendId: backendId(`${repository}#${o.runId}#${o.jobId}`),
        scopes,
        exp: Math.floor(Date.now() / 1000) + 6 * 3600,
      })
      issued.add(token)
      const env: Record<string, string> = o.ghes
        ? { ACTIONS_CACHE_URL: `${base}/`, ACTIONS_RUNTIME_URL: `${base}/`, ACTIONS_RUNTIME_TOKEN: token }
        : { ACTIONS_RESULTS_URL: `${base}/`, ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RUNTIME_TOKEN: token }
      return env
    },
    artifacts: (repository) => state.artifacts.filter((a) => live(a) && (!repository || a.repository === repository)),
    cacheEntries: (repository) => state.caches.filter((e) => e.committed && (!repository || e.repository === repository)),
    deleteArtifact(id) {
      const i = state.artifacts.findIndex((a) => a.id === id && live(a))
      if (i < 0) return false
      state.blobs.delete(state.artifacts[i]!.blobPath)
      state.artifacts.splice(i, 1)
      return true
    },
    deleteCache(key, ref, repository) {
      const gone = state.caches.filter(
        (e) => e.committed && e.key === key && (!ref || e.scope === ref) && (!repository || e.repository === repository),
      )
      for (const e of gone) {
        state.caches.splice(state.caches.indexOf(e), 1)
        state.blobs.delete(e.blobPath)
      }
      return gone
    },
    deleteCacheEntry(id) {
      const e = state.caches.find((x) => x.id === id && x.committed)
      if (!e) return undefined
      state.caches.splice(state.caches.indexOf(e), 1)
      state.blobs.delete(e.blobPath)
      return e
    },
    artifactZip(id) {
      const a = state.artifacts.find((x) => x.id === id && x.committed)
      return a && state.blobs.get(a.blobPath)
    },
    artifactDownloadUrl(id) {
      const a = state.artifacts.find((x) => x.id === id && live(x))
      return a && signer.sign(a.blobPath, 'r')
    },
    faults: { add: (f) => faults.add(f), clear: () => faults.clear() },
    setCacheCreateLimit(perMinute) {
      cacheLimit.perMinute = perMinute
    },
    setSignedUrlTtl(ms) {
      ttlMs = ms
    },
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
