// The emulator's HTTP pipeline: route -> faults -> authentication -> validation -> rate limits -> handler.
import { liveEmulators } from '../live.ts'
import http from 'node:http'
import crypto from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type {
  EmulatedApp, EmulatedCheckRun, Fault, GitHubEmulator, Installation, RecordedRequest, RequestAuth, RouteContext, RouteHandler,
} from './types.ts'
import { World, grants } from './world.ts'
import { verifyAppJwt, messages as jwtMessages } from './jwt.ts'
import { RateLimits, secondaryMessage } from './limits.ts'
import { Router } from './router.ts'
import { findOperation, validateRequest } from './openapi.ts'
import { analyzeGraphql, type GraphqlAnalysis } from './graphql.ts'
import { registerLeakable } from '../../secrets-registry.ts'

const docs = 'https://docs.github.com/rest'
export const errorBody = (status: number, message: string, extra: object = {}) =>
  ({ message, documentation_url: docs, status: String(status), ...extra })

interface Pending { status: number; body: Buffer; headers: Record<string, string> }

export class Emulator implements GitHubEmulator {
  url = ''
  ghesApiUrl = ''
  app!: EmulatedApp
  requests: RecordedRequest[] = []
  readonly world = new World()
  get violations(): string[] { return this.world.violations }
  readonly limits = new RateLimits()
  readonly router = new Router()
  private server: http.Server
  private faultList: Fault[] = []
  /** handlers added by the emulator itself (graphql is separate: it needs the document before auth) */
  graphqlHandler?: (ctx: RouteContext, analysis: GraphqlAnalysis) => Promise<void>

  faults = {
    add: (f: Fault): void => { this.faultList.push({ times: 1, ...f }) },
    clear: (): void => { this.faultList = [] },
  }

  constructor() {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`emulator crashed on ${req.method} ${req.url}: ${error instanceof Error ? error.stack : String(error)}`)
        if (!res.headersSent) { res.writeHead(500, { 'content-type': 'application/json' }); res.end(JSON.stringify(errorBody(500, 'Emulator error'))) }
      })
    })
    this.server.keepAliveTimeout = 5_000
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
    this.ghesApiUrl = `${this.url}/api/v3`
  }

  close(): Promise<void> {
    liveEmulators.delete(this)
    return new Promise((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
  }

  // ---- the world, as the API contract exposes it ----
  addApp(opts?: Parameters<GitHubEmulator['addApp']>[0]): EmulatedApp { return publicApp(this.world.addApp(opts)) }
  addRepository(fullName: string, opts?: { ownerType?: 'Organization' | 'User' }) {
    const r = this.world.addRepository(fullName, opts?.ownerType)
    return { id: r.id, node_id: r.node_id }
  }
  install(app: EmulatedApp, account: string, opts?: Parameters<GitHubEmulator['install']>[2]): Installation { return this.world.install(app, account, opts) }
  installations(): Installation[] { return [...this.world.installationList] }
  checkRuns(repository?: string): EmulatedCheckRun[] {
    return this.world.checkRunList.filter((r) => !repository || r.repository.toLowerCase() === repository.toLowerCase())
  }
  issuedSecrets(): string[] { return [...this.world.tokens.keys(), ...this.world.jwtsSeen] }
  revokedTokens(): string[] { return [...this.world.tokens.values()].filter((t) => t.revoked).map((t) => t.token) }
  setClockOffset(seconds: number): void { this.world.clockOffsetMs = seconds * 1000 }
  setSecondaryLimits(l: { perMinute: number; perHour: number }): void { this.limits.secondary = { ...l } }
  setRateLimitRemaining(installationId: number, remaining: number, only?: 'core' | 'graphql'): void {
    for (const resource of only ? [only] : ['core', 'graphql']) this.limits.setRemaining(`inst:${installationId}`, resource, remaining, this.world.now())
  }
  route(method: string, pattern: string, handler: RouteHandler): void { this.router.add(method, pattern, handler) }
  setCommits(repository: string, shas: string[]): void { this.world.commits.set(repository.toLowerCase(), new Set(shas.map((s) => s.toLowerCase()))) }

  // ---- the pipeline ----
  private takeFault(opId: string | undefined, analysis: GraphqlAnalysis | undefined): Fault | undefined {
    const f = this.faultList.find((f) => (f.times ?? 1) > 0 && (
      (opId !== undefined && f.match === opId) ||
      (analysis && (f.match === 'graphql' || (f.match.startsWith('graphql:') && analysis.mutations.includes(f.match.slice(8)))))
    ))
    if (f) f.times = (f.times ?? 1) - 1
    return f
  }

  private async authenticate(header: string | undefined): Promise<{ auth: RequestAuth; error?: string }> {
    const m = /^(?:bearer|token)\s+(\S+)$/i.exec(header ?? '')
    if (!header) return { auth: { kind: 'none' } }
    if (!m) return { auth: { kind: 'invalid' }, error: 'Bad credentials' }
    const credential = m[1]!
    if (credential.startsWith('ghs_')) {
      const t = this.world.tokens.get(credential)
      if (!t || t.revoked || t.expiresAt <= this.world.now()) return { auth: { kind: 'invalid' }, error: 'Bad credentials' }
      return { auth: { kind: 'installation', installationId: t.installationId, appId: t.appId, permissions: t.permissions, repositories: t.repositories } }
    }
    if (credential.split('.').length === 3) {
      this.world.jwtsSeen.add(credential)
      const v = await verifyAppJwt(this.world, credential)
      if (!v.ok) return { auth: { kind: 'invalid' }, error: v.message }
      return { auth: { kind: 'jwt', appId: v.appId } }
    }
    return { auth: { kind: 'invalid' }, error: 'Bad credentials' }
  }

  /** Repository access of an installation token, as GitHub enforces it. */
  authorizeRepo(auth: RequestAuth, repository: string, permission: string, level: 'read' | 'write'): { status: number; message: string } | undefined {
    const repo = this.world.repositories.get(repository.toLowerCase())
    if (auth.kind === 'none') return { status: 401, message: 'Requires authentication' }
    if (!repo) return { status: 404, message: 'Not Found' }
    if (auth.kind !== 'installation') return { status: 403, message: 'Resource not accessible by integration' }
    const inst = this.world.installationList.find((i) => i.id === auth.installationId)
    const covered = inst && this.world.installationRepos(inst).some((r) => r.id === repo.id) &&
      (!auth.repositories || auth.repositories.some((n) => n.toLowerCase() === repo.name.toLowerCase()))
    const allowed = (permission === 'metadata' && level === 'read') || grants(auth.permissions?.[permission], level)
    if (!covered || !allowed) return { status: 403, message: 'Resource not accessible by integration' }
    return undefined
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const rawBody = Buffer.concat(chunks)
    const method = (req.method ?? 'GET').toUpperCase()
    const u = new URL(req.url ?? '/', 'http://x')
    let path = u.pathname.replace(/\/+$/, '') || '/'
    const ghes = path.startsWith('/api/v3/') || path === '/api/v3'
    if (ghes) path = path.slice(7) || '/'
    if (path === '/api/graphql') path = '/graphql'
    const baseUrl = ghes ? this.ghesApiUrl : this.url
    const query = Object.fromEntries(u.searchParams)
    const record: RecordedRequest = { method, path, status: 0, auth: 'none', at: this.world.now(), ...(ghes || u.pathname === '/api/graphql' ? { ghes: true } : {}) }
    this.requests.push(record)

    let body: unknown
    const pending: { reply?: Pending } = {}
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      if (pending.reply) { this.violations.push(`handler replied twice to ${method} ${path}`); return }
      const isRaw = Buffer.isBuffer(json) || typeof json === 'string'
      const data = isRaw ? Buffer.from(json as string | Buffer) : Buffer.from(status === 204 || json === undefined ? '' : JSON.stringify(json))
      pending.reply = { status, body: data, headers: { ...(isRaw || status === 204 ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers } }
    }

    // the route, or GraphQL
    const isGraphql = path === '/graphql' && method === 'POST'
    const custom = isGraphql ? undefined : this.router.find(method, path)
    const found = isGraphql ? undefined : findOperation(method, path)
    if (found) record.operationId = found.op.operationId

    if (rawBody.length > 0) {
      try { body = JSON.parse(rawBody.toString('utf8')) } catch { body = undefined }
    }
    const analysis = isGraphql ? analyzeGraphql(body) : undefined
    if (analysis) record.graphqlOperations = analysis.mutations
    // For the secret scan (test/setup/secret-scan.ts): every check-run write as received, so every
    // field (name, details_url, external_id, output, annotations, actions) is searched for secrets.
    if (rawBody.length > 0 && ((/\/check-runs(\/|$)/.test(path) && method !== 'GET') || (analysis?.mutations.length ?? 0) > 0)) {
      registerLeakable(`GitHub emulator: ${method} ${path} body`, rawBody.toString('utf8'))
    }

    const fault = this.takeFault(found?.op.operationId, analysis)
    if (fault?.kind === 'reset') { req.socket.destroy(); return }
    if (fault?.kind === 'delay') await (fault.until ?? new Promise((r) => setTimeout(r, fault.delayMs ?? 1000)))

    const { auth, error: authError } = await this.authenticate(req.headers.authorization)
    record.auth = auth.kind
    record.installationId = auth.installationId
    const rateKey = auth.kind === 'installation' ? `inst:${auth.installationId}` : auth.kind === 'jwt' ? `app:${auth.appId}` : 'none'
    const resource = isGraphql ? 'graphql' : 'core'
    const now = this.world.now()
    const bucket = this.limits.bucket(rateKey, resource, now)

    const ctx: RouteContext = {
      method, path, params: custom?.params ?? found?.params ?? {}, query, body, rawBody, headers: req.headers, auth, reply, baseUrl,
      authorize: (repository, permission, level) => {
        const denied = this.authorizeRepo(auth, repository, permission, level)
        if (denied) reply(denied.status, errorBody(denied.status, denied.message))
        return !denied
      },
    }

    await this.serve(ctx, { fault, authError, isGraphql, analysis, custom, found, rawBody, bucket, reply, pending })
    if (!pending.reply) {
      this.violations.push(`no handler replied to ${method} ${path}`)
      reply(500, errorBody(500, 'Emulator handler did not reply'))
    }
    const out = pending.reply!
    record.status = out.status
    if (fault?.kind === 'drop-after-write') { req.socket.destroy(); return }
    const headers: Record<string, string> = {
      date: new Date(this.world.now()).toUTCString(),
      'x-github-request-id': crypto.randomBytes(8).toString('hex').toUpperCase(),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      ...this.limits.headers(bucket, resource),
      ...out.headers,
    }
    res.writeHead(out.status, headers)
    res.end(out.body)
  }

  private async serve(ctx: RouteContext, s: {
    fault?: Fault; authError?: string; isGraphql: boolean; analysis?: GraphqlAnalysis
    custom?: { handler: RouteHandler; params: Record<string, string> }
    found?: ReturnType<typeof findOperation>; rawBody: Buffer; bucket: { limit: number; used: number }
    reply: RouteContext['reply']; pending: { reply?: Pending }
  }): Promise<void> {
    const { method, path, auth, reply } = ctx
    const f = s.fault
    if (f?.kind === 'status') { reply(f.status ?? 500, errorBody(f.status ?? 500, http.STATUS_CODES[f.status ?? 500] ?? 'Error')); return }
    if (f?.kind === 'secondary-rate-limit') { reply(403, errorBody(403, secondaryMessage), { 'retry-after': String(f.retryAfterSeconds ?? 60) }); return }
    if (f?.kind === 'rate-limit-429') { reply(429, errorBody(429, 'Too Many Requests'), { 'retry-after': String(f.retryAfterSeconds ?? 60) }); return }
    if (f?.kind === 'clock-skew') { reply(401, errorBody(401, jwtMessages.iatFuture)); return }
    if (f?.kind === 'graphql-rate-limited' && s.isGraphql) {
      const reset = Math.floor(this.world.now() / 1000) + (f.retryAfterSeconds ?? 60)
      reply(200, graphqlRateLimited(auth), { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }); return
    }

    if (s.authError) { reply(401, errorBody(401, s.authError)); return }
    if (s.rawBody.length > 0 && ctx.body === undefined && (s.isGraphql || s.found?.op.body)) {
      this.violations.push(`${method} ${path}: body is not JSON`)
      reply(400, errorBody(400, 'Problems parsing JSON')); return
    }
    if (s.isGraphql) {
      if (auth.kind === 'none') { reply(401, { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql' }); return }
      if (s.analysis!.errors) {
        this.violations.push(...s.analysis!.errors.map((e) => `GraphQL: ${e}`))
        reply(200, { errors: s.analysis!.errors.map((message) => ({ message })) }); return
      }
    } else if (s.found) {
      const problems = validateRequest(s.found.op, s.found.params, ctx.query, ctx.body)
      if (problems.length > 0) {
        this.violations.push(...problems.map((p) => `${method} ${path} (${s.found!.op.operationId}): ${p}`))
        reply(422, errorBody(422, `Invalid request.\n\n${problems.join('\n')}`)); return
      }
    } else if (!s.custom) {
      this.violations.push(`${method} ${path}: no REST operation of GitHub's OpenAPI description matches`)
      reply(404, errorBody(404, 'Not Found')); return
    }

    // primary rate limit: REST answers 403; GraphQL answers 200 with a RATE_LIMITED error and
    // x-ratelimit-remaining 0 ("the response status will still be 200, but you will receive an
    // error message": https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api#exceeding-the-rate-limit;
    // the error's type RATE_LIMITED is what @octokit/plugin-throttling recognises).
    if (s.bucket.used >= s.bucket.limit) {
      if (s.isGraphql) { reply(200, graphqlRateLimited(auth)); return }
      const who = auth.kind === 'installation' ? `installation ID ${auth.installationId}` : auth.kind === 'jwt' ? `app ID ${auth.appId}` : '127.0.0.1'
      reply(403, errorBody(403, `API rate limit exceeded for ${who}.`)); return
    }
    s.bucket.used++
    // secondary limits: content-creating requests of an installation
    if (auth.kind === 'installation') {
      const count = s.isGraphql ? s.analysis!.mutations.length : ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method) ? 1 : 0
      if (count > 0) {
        const taken = this.limits.takeCreations(auth.installationId!, count, this.world.now())
        if (!taken.ok) { reply(403, errorBody(403, secondaryMessage), { 'retry-after': String(taken.retryAfter) }); return }
      }
    }

    if (s.isGraphql) { await this.graphqlHandler!(ctx, s.analysis!); return }
    if (!s.custom) { reply(404, errorBody(404, 'Not Found')); return }
    await s.custom.handler(ctx)
  }
}

function graphqlRateLimited(auth: RequestAuth) {
  const who = auth.kind === 'installation' ? `installation ID ${auth.installationId}` : auth.kind === 'jwt' ? `app ID ${auth.appId}` : '127.0.0.1'
  return { errors: [{ type: 'RATE_LIMITED', code: 'graphql_rate_limit', message: `API rate limit already exceeded for ${who}.` }] }
}

export function publicApp(a: EmulatedApp): EmulatedApp {
  const { id, slug, name, clientId, privateKeyPkcs1, privateKeyPkcs8, botUserId, permissions } = a
  return { id, slug, name, clientId, privateKeyPkcs1, privateKeyPkcs8, botUserId, permissions }
}
