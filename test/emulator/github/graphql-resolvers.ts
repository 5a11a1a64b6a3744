// Resolvers for the GraphQL fields the action uses: createCheckRun / updateCheckRun (many per request
// through aliases), node, nodes, repository, rateLimit. They share the REST store and rules.
import { execute, GraphQLError } from 'graphql'
import type { Emulator } from './server.ts'
import type { EmulatedCheckRun, RouteContext } from './types.ts'
import type { Repository } from './world.ts'
import { githubSchema, type GraphqlAnalysis } from './graphql.ts'
import { createCheckRun, updateCheckRun, type CheckRunInput } from './checks-store.ts'
import { missingCommit, pruneSameName } from './check-run-limits.ts'

const upper = (s: string | null | undefined) => (s ? s.toUpperCase() : null)
const lower = (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : undefined)

const gqlError = (type: string, message: string) => new GraphQLError(message, { extensions: { type } })

interface GqlInput {
  repositoryId: string; checkRunId?: string; name?: string; headSha?: string; detailsUrl?: string; externalId?: string
  status?: string; conclusion?: string; startedAt?: string; completedAt?: string
  output?: { title: string; summary: string; text?: string; images?: object[]
    annotations?: { path: string; location: { startLine: number; endLine: number; startColumn?: number; endColumn?: number }
      annotationLevel: string; message: string; title?: string; rawDetails?: string }[] }
  actions?: { label: string; description: string; identifier: string }[]
}

function toRestInput(i: GqlInput): CheckRunInput {
  const out: CheckRunInput = {}
  if (i.name !== undefined) out.name = i.name
  if (i.headSha !== undefined) out.head_sha = i.headSha
  if (i.detailsUrl !== undefined) out.details_url = i.detailsUrl
  if (i.externalId !== undefined) out.external_id = i.externalId
  if (i.status !== undefined) out.status = lower(i.status)
  if (i.conclusion !== undefined) out.conclusion = lower(i.conclusion)
  if (i.startedAt !== undefined) out.started_at = i.startedAt
  if (i.completedAt !== undefined) out.completed_at = i.completedAt
  if (i.actions !== undefined) out.actions = i.actions
  if (i.output) {
    out.output = {
      title: i.output.title, summary: i.output.summary, text: i.output.text, images: i.output.images,
      annotations: i.output.annotations?.map((a) => ({
        path: a.path, start_line: a.location.startLine, end_line: a.location.endLine,
        start_column: a.location.startColumn, end_column: a.location.endColumn,
        annotation_level: a.annotationLevel.toLowerCase(), message: a.message, title: a.title, raw_details: a.rawDetails,
      })),
    }
  }
  return out
}

export function registerGraphql(e: Emulator): void {
  const w = e.world
  const repoNode = (r: Repository) => ({
    __typename: 'Repository', id: r.node_id, databaseId: r.id, name: r.name, nameWithOwner: r.full_name,
    url: `http://github.localhost/${r.full_name}`, owner: { __typename: 'Organization', login: r.owner },
  })
  const runNode = (run: EmulatedCheckRun) => ({
    __typename: 'CheckRun', id: run.node_id, databaseId: run.id, name: run.name,
    url: `http://github.localhost/${run.repository}/runs/${run.id}`, permalink: `http://github.localhost/${run.repository}/runs/${run.id}`,
    status: upper(run.status), conclusion: upper(run.conclusion), externalId: run.external_id, detailsUrl: run.details_url,
    startedAt: run.started_at, completedAt: run.completed_at, title: run.output.title, summary: run.output.summary, text: run.output.text,
    repository: () => repoNode(w.repositories.get(run.repository.toLowerCase())!),
  })

  /** The repository a mutation names, after checking the token's access like GitHub does. */
  const repoFor = (ctx: RouteContext, repositoryId: string, level: 'read' | 'write'): Repository => {
    const node = w.nodes.get(repositoryId)
    const repo = node?.kind === 'Repository' ? w.repoById(node.id) : undefined
    if (!repo) throw gqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${repositoryId}'`)
    const denied = e.authorizeRepo(ctx.auth, repo.full_name, 'checks', level)
    if (denied) throw gqlError('FORBIDDEN', 'Resource not accessible by integration')
    return repo
  }

  const rootFor = (ctx: RouteContext) => ({
    createCheckRun: ({ input }: { input: GqlInput }) => {
      const repo = repoFor(ctx, input.repositoryId, 'write')
      const missing = missingCommit(w, repo.full_name, input.headSha)
      if (missing) throw gqlError('UNPROCESSABLE', missing)
      const out = createCheckRun(w, ctx.auth.appId!, repo, toRestInput(input))
      if (!out.ok) throw gqlError(out.status === 403 ? 'FORBIDDEN' : 'UNPROCESSABLE', out.message)
      pruneSameName(w, out.run)
      return { clientMutationId: (input as { clientMutationId?: string }).clientMutationId ?? null, checkRun: runNode(out.run) }
    },
    updateCheckRun: ({ input }: { input: GqlInput }) => {
      const repo = repoFor(ctx, input.repositoryId, 'write')
      const node = w.nodes.get(input.checkRunId!)
      const run = node?.kind === 'CheckRun' ? w.checkRunList.find((r) => r.id === node.id && r.repository === repo.full_name) : undefined
      if (!run) throw gqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${input.checkRunId}'`)
      const out = updateCheckRun(w, ctx.auth.appId!, run, toRestInput(input))
      if (!out.ok) throw gqlError(out.status === 403 ? 'FORBIDDEN' : 'UNPROCESSABLE', out.message)
      return { clientMutationId: (input as { clientMutationId?: string }).clientMutationId ?? null, checkRun: runNode(out.run) }
    },
    node: ({ id }: { id: string }) => resolveNode(ctx, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => resolveNode(ctx, id)),
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const repo = w.repositories.get(`${owner}/${name}`.toLowerCase())
      if (!repo || e.authorizeRepo(ctx.auth, repo.full_name, 'metadata', 'read')) {
        throw gqlError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`)
      }
      return repoNode(repo)
    },
    rateLimit: () => {
      const key = ctx.auth.kind === 'installation' ? `inst:${ctx.auth.installationId}` : `app:${ctx.auth.appId}`
      const b = e.limits.bucket(key, 'graphql', w.now())
      return { cost: 1, limit: b.limit, remaining: b.limit - b.used, used: b.used, nodeCount: 0, resetAt: w.iso(b.resetAt) }
    },
  })

  const resolveNode = (ctx: RouteContext, id: string) => {
    const node = w.nodes.get(id)
    if (node?.kind === 'Repository') {
      const repo = w.repoById(node.id)!
      if (!e.authorizeRepo(ctx.auth, repo.full_name, 'metadata', 'read')) return repoNode(repo)
    }
    if (node?.kind === 'CheckRun') {
      const run = w.checkRunList.find((r) => r.id === node.id)!
      if (!e.authorizeRepo(ctx.auth, run.repository, 'checks', 'read')) return runNode(run)
    }
    throw gqlError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`)
  }

  e.graphqlHandler = async (ctx: RouteContext, a: GraphqlAnalysis) => {
    if (ctx.auth.kind !== 'installation') {
      ctx.reply(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/graphql' })
      return
    }
    const result = await execute({
      schema: githubSchema(), document: a.document!, rootValue: rootFor(ctx),
      variableValues: a.variables, operationName: a.operationName,
    })
    if (result.data === undefined && result.errors?.length) {
      // variables that do not fit the schema, or no operation: the request itself is invalid
      e.violations.push(...result.errors.map((err) => `GraphQL: ${err.message}`))
    }
    const body: Record<string, unknown> = {}
    if (result.data !== undefined) body.data = result.data
    if (result.errors?.length) {
      body.errors = result.errors.map((err) => ({
        ...(err.extensions?.type ? { type: err.extensions.type } : {}),
        ...(err.path ? { path: err.path } : {}),
        ...(err.locations ? { locations: err.locations } : {}),
        message: err.message,
      }))
    }
    ctx.reply(200, body)
  }
}
