// Check runs over REST.
import type { Emulator } from './server.ts'
import { errorBody } from './server.ts'
import type { EmulatedCheckRun, RouteContext } from './types.ts'
import { createCheckRun, updateCheckRun, type CheckRunInput } from './checks-store.ts'
import { missingCommit, pruneSameName } from './check-run-limits.ts'
import { accountJson } from './apps.ts'

export function checkRunJson(e: Emulator, run: EmulatedCheckRun, baseUrl: string) {
  const app = e.world.apps.find((a) => a.id === run.app_id)
  const url = `${baseUrl}/repos/${run.repository}/check-runs/${run.id}`
  return {
    id: run.id, node_id: run.node_id, head_sha: run.head_sha, external_id: run.external_id ?? '',
    url, html_url: `http://github.localhost/${run.repository}/runs/${run.id}`, details_url: run.details_url,
    status: run.status, conclusion: run.conclusion, started_at: run.started_at, completed_at: run.completed_at,
    output: { ...run.output, annotations_url: `${url}/annotations` }, name: run.name,
    check_suite: { id: 1 }, app: app && {
      id: app.id, slug: app.slug, node_id: `A_kwDO${app.id}`, client_id: app.clientId, name: app.name,
      owner: accountJson(e, 'octo-org'), description: '', external_url: 'http://github.localhost', html_url: `http://github.localhost/apps/${app.slug}`,
      created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z', permissions: app.permissions, events: [],
    },
    pull_requests: [],
  }
}

/** per_page (default 30, at most 100), page, and GitHub's Link header. */
export function paginate<T>(ctx: RouteContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30) || 30))
  const page = Math.max(1, Number(ctx.query.page ?? 1) || 1)
  const last = Math.max(1, Math.ceil(items.length / perPage))
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(p) })
    return `<${ctx.baseUrl}${ctx.path}?${q}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
  return { page: items.slice((page - 1) * perPage, page * perPage), headers: links.length ? { link: links.join(', ') } : {} }
}

export function registerCheckRoutes(e: Emulator): void {
  const w = e.world
  const full = (ctx: RouteContext) => `${ctx.params.owner}/${ctx.params.repo}`
  const findRun = (ctx: RouteContext) =>
    w.checkRunList.find((r) => r.id === Number(ctx.params.check_run_id) && r.repository.toLowerCase() === full(ctx).toLowerCase())
  const fail = (ctx: RouteContext, status: number, message: string) => ctx.reply(status, errorBody(status, message))

  e.router.add('POST', '/repos/{owner}/{repo}/check-runs', (ctx) => {
    if (!ctx.authorize(full(ctx), 'checks', 'write')) return
    const repo = w.repositories.get(full(ctx).toLowerCase())!
    const missing = missingCommit(w, repo.full_name, (ctx.body as CheckRunInput | undefined)?.head_sha)
    if (missing) return fail(ctx, 422, missing)
    const out = createCheckRun(w, ctx.auth.appId!, repo, ctx.body as CheckRunInput)
    if (!out.ok) return fail(ctx, out.status, out.message)
    pruneSameName(w, out.run)
    ctx.reply(201, checkRunJson(e, out.run, ctx.baseUrl))
  })

  e.router.add('PATCH', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
    if (!ctx.authorize(full(ctx), 'checks', 'write')) return
    const run = findRun(ctx)
    if (!run) return fail(ctx, 404, 'Not Found')
    const out = updateCheckRun(w, ctx.auth.appId!, run, (ctx.body ?? {}) as CheckRunInput)
    if (!out.ok) return fail(ctx, out.status, out.message)
    ctx.reply(200, checkRunJson(e, out.run, ctx.baseUrl))
  })

  e.router.add('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}', (ctx) => {
    if (!ctx.authorize(full(ctx), 'checks', 'read')) return
    const run = findRun(ctx)
    if (!run) return fail(ctx, 404, 'Not Found')
    ctx.reply(200, checkRunJson(e, run, ctx.baseUrl))
  })

  e.router.add('GET', '/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations', (ctx) => {
    if (!ctx.authorize(full(ctx), 'checks', 'read')) return
    const run = findRun(ctx)
    if (!run) return fail(ctx, 404, 'Not Found')
    const { page, headers } = paginate(ctx, run.annotations)
    ctx.reply(200, page, headers)
  })

  e.router.add('GET', '/repos/{owner}/{repo}/commits/{ref+}/check-runs', (ctx) => {
    if (!ctx.authorize(full(ctx), 'checks', 'read')) return
    const missing = /^[0-9a-f]{40}$/i.test(ctx.params.ref!) ? missingCommit(w, full(ctx), ctx.params.ref) : undefined
    if (missing) return fail(ctx, 422, missing)
    const q = ctx.query
    let runs = w.checkRunList
      .filter((r) => r.repository.toLowerCase() === full(ctx).toLowerCase() && r.head_sha === ctx.params.ref!.toLowerCase())
      .filter((r) => (!q.check_name || r.name === q.check_name) && (!q.status || r.status === q.status) && (!q.app_id || r.app_id === Number(q.app_id)))
      .sort((a, b) => b.id - a.id) // newest first
    if ((q.filter ?? 'latest') === 'latest') {
      const seen = new Set<string>()
      runs = runs.filter((r) => { const k = `${r.app_id}\u0000${r.name}`; if (seen.has(k)) return false; seen.add(k); return true })
    }
    const { page, headers } = paginate(ctx, runs)
    ctx.reply(200, { total_count: runs.length, check_runs: page.map((r) => checkRunJson(e, r, ctx.baseUrl)) }, headers)
  })
}
