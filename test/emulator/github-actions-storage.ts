// The REST half of artifacts and caches on the GitHub emulator, backed by the runtime emulator's
// data: what `actions: read` / `actions: write` tokens see through api.github.com.
import { createHash } from 'node:crypto'
import type { GitHubEmulator, RouteContext } from './github/index.ts'
import type { ArtifactRecord, CacheRecord, RuntimeEmulator } from './runtime/index.ts'

const docs = 'https://docs.github.com/rest/actions'

function error(ctx: RouteContext, status: number, message: string): void {
  ctx.reply(status, { message, documentation_url: docs, status: String(status) })
}

/** A stable number for a repository, where the runtime side knows only its name. */
function repositoryId(fullName: string): number {
  return createHash('sha256').update(fullName).digest().readUInt32BE(0) % 1_000_000_000
}

function page<T>(ctx: RouteContext, items: T[]): { total_count: number; items: T[] } {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30) || 30, 1), 100)
  const p = Math.max(Number(ctx.query.page ?? 1) || 1, 1)
  return { total_count: items.length, items: items.slice((p - 1) * perPage, p * perPage) }
}

function artifactJson(ctx: RouteContext, a: ArtifactRecord) {
  const url = `${ctx.baseUrl}/repos/${a.repository}/actions/artifacts/${a.id}`
  const repoId = repositoryId(a.repository)
  return {
    id: a.id,
    node_id: Buffer.from(`010:Artifact${a.id}`).toString('base64'),
    name: a.name,
    size_in_bytes: a.size,
    url,
    archive_download_url: `${url}/zip`,
    expired: false,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    expires_at: a.expiresAt?.toISOString() ?? null,
    ...(a.digest ? { digest: a.digest } : {}),
    workflow_run: {
      id: a.run.runId,
      repository_id: repoId,
      // a fork's pull request run: the run is the base repository's, its head repository the fork
      head_repository_id: a.run.headRepository ? repositoryId(a.run.headRepository) : repoId,
      head_branch: a.run.headBranch,
      head_sha: a.run.headSha,
    },
  }
}

function cacheJson(e: CacheRecord) {
  return {
    id: e.id,
    ref: e.scope,
    key: e.key,
    version: e.version,
    last_accessed_at: e.lastAccessedAt.toISOString(),
    created_at: e.createdAt.toISOString(),
    size_in_bytes: e.size,
  }
}

const newestFirst = (a: ArtifactRecord, b: ArtifactRecord) => b.id - a.id

export function mountActionsStorage(github: GitHubEmulator, runtime: RuntimeEmulator): void {
  const repoOf = (ctx: RouteContext) => `${ctx.params.owner}/${ctx.params.repo}`
  const allowed = (ctx: RouteContext, level: 'read' | 'write') => ctx.authorize(repoOf(ctx), 'actions', level)
  const artifact = (ctx: RouteContext) =>
    runtime.artifacts(repoOf(ctx)).find((a) => String(a.id) === ctx.params.artifact_id)
  const listArtifacts = (ctx: RouteContext, list: ArtifactRecord[]) => {
    const named = ctx.query.name ? list.filter((a) => a.name === ctx.query.name) : list
    const { total_count, items } = page(ctx, named.sort(newestFirst))
    ctx.reply(200, { total_count, artifacts: items.map((a) => artifactJson(ctx, a)) })
  }

  github.route('GET', '/repos/{owner}/{repo}/actions/artifacts', (ctx) => {
    if (allowed(ctx, 'read')) listArtifacts(ctx, runtime.artifacts(repoOf(ctx)))
  })
  github.route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', (ctx) => {
    if (!allowed(ctx, 'read')) return
    listArtifacts(ctx, runtime.artifacts(repoOf(ctx)).filter((a) => String(a.runId) === ctx.params.run_id))
  })
  github.route('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}', (ctx) => {
    if (!allowed(ctx, 'read')) return
    const a = artifact(ctx)
    if (a) ctx.reply(200, artifactJson(ctx, a))
    else error(ctx, 404, 'Not Found')
  })
  github.route('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', (ctx) => {
    if (!allowed(ctx, 'read')) return
    const a = artifact(ctx)
    const location = a && ctx.params.archive_format === 'zip' ? runtime.artifactDownloadUrl(a.id) : undefined
    if (location) ctx.reply(302, '', { location })
    else error(ctx, 404, 'Not Found')
  })
  github.route('DELETE', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}', (ctx) => {
    if (!allowed(ctx, 'write')) return
    const a = artifact(ctx)
    if (a && runtime.deleteArtifact(a.id)) ctx.reply(204, undefined)
    else error(ctx, 404, 'Not Found')
  })

  github.route('GET', '/repos/{owner}/{repo}/actions/caches', (ctx) => {
    if (!allowed(ctx, 'read')) return
    const { key, ref } = ctx.query
    const sort = (ctx.query.sort ?? 'last_accessed_at') as 'created_at' | 'last_accessed_at' | 'size_in_bytes'
    const sign = ctx.query.direction === 'asc' ? 1 : -1
    const value = (e: CacheRecord) =>
      sort === 'size_in_bytes' ? e.size : sort === 'created_at' ? e.createdAt.getTime() : e.lastAccessedAt.getTime()
    const list = runtime
      .cacheEntries(repoOf(ctx))
      .filter((e) => (!key || e.key.startsWith(key)) && (!ref || e.scope === ref))
      .sort((a, b) => sign * (value(a) - value(b)) || sign * (a.id - b.id))
    const { total_count, items } = page(ctx, list)
    ctx.reply(200, { total_count, actions_caches: items.map(cacheJson) })
  })
  github.route('DELETE', '/repos/{owner}/{repo}/actions/caches', (ctx) => {
    if (!allowed(ctx, 'write')) return
    const gone = runtime.deleteCache(ctx.query.key ?? '', ctx.query.ref || undefined, repoOf(ctx))
    if (gone.length === 0) return error(ctx, 404, 'Not Found')
    ctx.reply(200, { total_count: gone.length, actions_caches: gone.map(cacheJson) })
  })
  github.route('DELETE', '/repos/{owner}/{repo}/actions/caches/{cache_id}', (ctx) => {
    if (!allowed(ctx, 'write')) return
    const e = runtime.cacheEntries(repoOf(ctx)).find((x) => String(x.id) === ctx.params.cache_id)
    if (e && runtime.deleteCacheEntry(e.id)) ctx.reply(204, undefined)
    else error(ctx, 404, 'Not Found')
  })
}
