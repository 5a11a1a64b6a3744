// Apps, installations, installation tokens, users and repositories.
import type { Emulator } from './server.ts'
import { errorBody } from './server.ts'
import type { Installation, RouteContext } from './types.ts'
import { grants, type Repository } from './world.ts'
import { messages as jwtMessages } from './jwt.ts'

export function accountJson(e: Emulator, login: string) {
  const a = e.world.accounts.get(login.toLowerCase())
  if (!a) return undefined
  return {
    login: a.login, id: a.id, node_id: a.node_id, type: a.type, site_admin: false,
    avatar_url: `https://avatars.githubusercontent.com/u/${a.id}?v=4`, gravatar_id: '',
    url: `${e.url}/users/${encodeURIComponent(a.login)}`, html_url: `http://github.localhost/${a.login}`,
  }
}

export function repoJson(e: Emulator, r: Repository) {
  return {
    id: r.id, node_id: r.node_id, name: r.name, full_name: r.full_name, private: true,
    owner: accountJson(e, r.owner), default_branch: r.default_branch,
    html_url: `http://github.localhost/${r.full_name}`, url: `${e.url}/repos/${r.full_name}`,
  }
}

function installationJson(e: Emulator, i: Installation, baseUrl: string) {
  const app = e.world.apps.find((a) => a.id === i.appId)!
  const acc = accountJson(e, i.account)
  return {
    id: i.id, client_id: app.clientId, account: acc, repository_selection: i.repositorySelection,
    access_tokens_url: `${baseUrl}/app/installations/${i.id}/access_tokens`,
    repositories_url: `${baseUrl}/installation/repositories`,
    html_url: `http://github.localhost/organizations/${i.account}/settings/installations/${i.id}`,
    app_id: app.id, app_slug: app.slug, target_id: acc?.id, target_type: i.accountType,
    permissions: i.permissions, events: [], created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
    single_file_name: null, has_multiple_single_files: false, single_file_paths: [], suspended_by: null, suspended_at: null,
  }
}

const notFound = (ctx: RouteContext) => ctx.reply(404, errorBody(404, 'Not Found'))

/** App endpoints take a JWT; GitHub answers anything else with this 401. */
function requireJwt(ctx: RouteContext): number | undefined {
  if (ctx.auth.kind === 'jwt') return ctx.auth.appId!
  ctx.reply(401, errorBody(401, jwtMessages.undecodable))
  return undefined
}

export function registerAppRoutes(e: Emulator): void {
  const w = e.world
  const r = (m: string, p: string, h: (ctx: RouteContext) => void) => e.router.add(m, p, h)

  r('GET', '/app', (ctx) => {
    const appId = requireJwt(ctx); if (appId === undefined) return
    const app = w.apps.find((a) => a.id === appId)!
    const owner = w.accounts.get('octo-org')
    ctx.reply(200, {
      id: app.id, slug: app.slug, node_id: `A_kwDO${app.id}`, client_id: app.clientId, name: app.name,
      owner: owner ? accountJson(e, owner.login) : null, description: '', external_url: 'http://github.localhost',
      html_url: `http://github.localhost/apps/${app.slug}`, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
      permissions: app.permissions, events: [], installations_count: w.installationList.filter((i) => i.appId === app.id).length,
    })
  })

  r('GET', '/app/installations', (ctx) => {
    const appId = requireJwt(ctx); if (appId === undefined) return
    ctx.reply(200, w.installationList.filter((i) => i.appId === appId).map((i) => installationJson(e, i, ctx.baseUrl)))
  })

  r('GET', '/app/installations/{installation_id}', (ctx) => {
    const appId = requireJwt(ctx); if (appId === undefined) return
    const i = w.installationList.find((i) => i.id === Number(ctx.params.installation_id) && i.appId === appId)
    if (!i) return notFound(ctx)
    ctx.reply(200, installationJson(e, i, ctx.baseUrl))
  })

  r('GET', '/repos/{owner}/{repo}/installation', (ctx) => {
    const appId = requireJwt(ctx); if (appId === undefined) return
    const repo = w.repositories.get(`${ctx.params.owner}/${ctx.params.repo}`.toLowerCase())
    const i = repo && w.installationFor(appId, repo.owner)
    if (!repo || !i || !w.installationRepos(i).some((x) => x.id === repo.id)) return notFound(ctx)
    ctx.reply(200, installationJson(e, i, ctx.baseUrl))
  })

  for (const [pattern, param, type] of [['/orgs/{org}/installation', 'org', 'Organization'], ['/users/{username}/installation', 'username', undefined]] as const) {
    r('GET', pattern, (ctx) => {
      const appId = requireJwt(ctx); if (appId === undefined) return
      const i = w.installationFor(appId, ctx.params[param]!)
      if (!i || (type && i.accountType !== type)) return notFound(ctx)
      ctx.reply(200, installationJson(e, i, ctx.baseUrl))
    })
  }

  r('POST', '/app/installations/{installation_id}/access_tokens', (ctx) => {
    const appId = requireJwt(ctx); if (appId === undefined) return
    const inst = w.installationList.find((i) => i.id === Number(ctx.params.installation_id) && i.appId === appId)
    if (!inst) return notFound(ctx)
    const body = (ctx.body ?? {}) as { repositories?: string[]; repository_ids?: number[]; permissions?: Record<string, string> }
    const available = w.installationRepos(inst)
    let scoped: Repository[] | undefined
    if (body.repositories?.length || body.repository_ids?.length) {
      scoped = []
      for (const name of body.repositories ?? []) {
        const found = available.find((x) => x.name.toLowerCase() === name.toLowerCase())
        if (!found) return ctx.reply(422, errorBody(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.'))
        scoped.push(found)
      }
      for (const id of body.repository_ids ?? []) {
        const found = available.find((x) => x.id === id)
        if (!found) return ctx.reply(422, errorBody(422, 'There is at least one repository that does not exist or is not accessible to the parent installation.'))
        if (!scoped.includes(found)) scoped.push(found)
      }
    }
    let permissions = { ...inst.permissions }
    if (body.permissions && Object.keys(body.permissions).length > 0) {
      const denied = Object.entries(body.permissions).filter(([k, v]) => !grants(inst.permissions[k], v))
      if (denied.length > 0) {
        return ctx.reply(422, errorBody(422, 'The permissions requested are not granted to this installation.', {
          errors: denied.map(([k, v]) => ({ resource: 'Permission', field: k, code: 'not_granted', message: `${k}: ${v} is not granted to this installation` })),
        }))
      }
      permissions = { ...body.permissions }
    }
    // X-GitHub-Stateless-S2S-Token: "enabled" / "disabled" force a format; any other value is ignored (world.ts issueToken).
    const asked = String(ctx.headers['x-github-stateless-s2s-token'] ?? '').toLowerCase()
    const token = w.issueToken(inst, permissions, scoped?.map((x) => x.name), asked === 'disabled' ? 'stateful' : 'stateless')
    ctx.reply(201, {
      token: token.token,
      expires_at: w.iso(token.expiresAt),
      permissions,
      repository_selection: scoped || inst.repositorySelection === 'selected' ? 'selected' : 'all',
      ...(scoped ? { repositories: scoped.map((x) => repoJson(e, x)) } : {}),
    })
  })

  r('DELETE', '/installation/token', (ctx) => {
    if (ctx.auth.kind !== 'installation') return ctx.reply(401, errorBody(401, 'Bad credentials'))
    const t = w.tokens.get(/\s(\S+)$/.exec(String(ctx.headers.authorization))![1]!)
    if (t) t.revoked = true
    ctx.reply(204, undefined)
  })

  r('GET', '/installation/repositories', (ctx) => {
    if (ctx.auth.kind !== 'installation') return ctx.reply(403, errorBody(403, 'Resource not accessible by integration'))
    const inst = w.installationList.find((i) => i.id === ctx.auth.installationId)!
    const repos = w.installationRepos(inst).filter((x) => !ctx.auth.repositories || ctx.auth.repositories.includes(x.name))
    ctx.reply(200, { total_count: repos.length, repository_selection: inst.repositorySelection, repositories: repos.map((x) => repoJson(e, x)) })
  })

  r('GET', '/users/{username}', (ctx) => {
    const json = accountJson(e, ctx.params.username!)
    if (!json) return notFound(ctx)
    ctx.reply(200, { ...json, name: null, company: null, blog: '', location: null, email: null, bio: null, public_repos: 0, followers: 0, following: 0, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' })
  })

  r('GET', '/repos/{owner}/{repo}', (ctx) => {
    const full = `${ctx.params.owner}/${ctx.params.repo}`
    if (!ctx.authorize(full, 'metadata', 'read')) return
    ctx.reply(200, repoJson(e, w.repositories.get(full.toLowerCase())!))
  })
}
