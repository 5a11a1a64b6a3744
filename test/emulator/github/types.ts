// Public types of the GitHub emulator.

export type PermissionLevel = 'read' | 'write' | 'admin'

export interface EmulatedApp {
  id: number
  slug: string
  name: string
  /** like 'Iv23li…' */
  clientId: string
  /** PEM, RSA (2048 bits unless addApp asked otherwise) */
  privateKeyPkcs1: string
  privateKeyPkcs8: string
  /** user id of '<slug>[bot]' */
  botUserId: number
  /** what the app may request */
  permissions: Record<string, PermissionLevel>
}

export interface Installation {
  id: number
  appId: number
  account: string
  accountType: 'Organization' | 'User'
  repositorySelection: 'all' | 'selected'
  /** repository names (without owner) when the selection is 'selected' */
  repositories: string[]
  permissions: Record<string, string>
}

export interface EmulatedCheckRun {
  id: number
  node_id: string
  app_id: number
  /** 'owner/repo' */
  repository: string
  head_sha: string
  name: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: string | null
  external_id: string | null
  details_url: string | null
  started_at: string | null
  completed_at: string | null
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number }
  annotations: object[]
  actions: object[]
  created_at: string
  updated_at: string
}

export interface RecordedRequest {
  method: string
  path: string
  operationId?: string
  /** 0 when the emulator destroyed the socket without a reply */
  status: number
  auth: 'jwt' | 'installation' | 'none' | 'invalid'
  installationId?: number
  /** mutation field names, e.g. ['createCheckRun','createCheckRun'] */
  graphqlOperations?: string[]
  /** sent to the GitHub Enterprise Server paths (/api/v3/…, /api/graphql) */
  ghes?: boolean
  at: number
}

export type FaultKind =
  | 'status'
  | 'reset'
  | 'drop-after-write'
  | 'delay'
  | 'secondary-rate-limit'
  | 'rate-limit-429'
  | 'clock-skew'
  /** GraphQL's primary rate limit: 200 with a RATE_LIMITED error, remaining 0, reset in retryAfterSeconds (default 60) */
  | 'graphql-rate-limited'

export interface Fault {
  /** REST operationId (e.g. 'checks/create'), 'graphql' (any GraphQL request),
   *  or 'graphql:createCheckRun' / 'graphql:updateCheckRun' (a request holding that mutation) */
  match: string
  /** how many matching requests it hits (default 1) */
  times?: number
  kind: FaultKind
  /** for 'status' (e.g. 500, 502) */
  status?: number
  /** for 'rate-limit-429' / 'secondary-rate-limit' (default 60) */
  retryAfterSeconds?: number
  /** for 'delay' (the request is then served normally) */
  delayMs?: number
  /** for 'delay': hold the request until this settles instead (a test orders two steps' requests) */
  until?: Promise<unknown>
}

export interface RequestAuth {
  kind: 'jwt' | 'installation' | 'none' | 'invalid'
  installationId?: number
  appId?: number
  /** the token's scope, for installation tokens */
  permissions?: Record<string, string>
  /** repository names the token is limited to (undefined: all of the installation's) */
  repositories?: string[]
}

export interface RouteContext {
  method: string
  /** the path without the '/api/v3' prefix and without the query string */
  path: string
  /** values of the pattern's {placeholders}, URL-decoded */
  params: Record<string, string>
  query: Record<string, string>
  /** the parsed JSON body (undefined when there is none or it is not JSON) */
  body: unknown
  rawBody: Buffer
  /** the API root the request used: the emulator's url, or its ghesApiUrl for '/api/v3/…' requests */
  baseUrl: string
  headers: Record<string, string | string[] | undefined>
  auth: RequestAuth
  /** Sends the reply: a JSON value, or a Buffer/string sent as it is. Rate-limit headers are added. */
  reply(status: number, json: unknown, headers?: Record<string, string>): void
  /** Checks that the request's installation token may use `repository` ('o/r') with `permission` at `level`;
   *  when not, replies (401/403 like GitHub) and returns false. */
  authorize(repository: string, permission: string, level: 'read' | 'write'): boolean
}

/** A handler for route(): it must call ctx.reply exactly once. */
export type RouteHandler = (ctx: RouteContext) => void | Promise<void>

export interface GitHubEmulator {
  /** 'http://127.0.0.1:PORT': REST root like https://api.github.com; GraphQL at url+'/graphql' */
  url: string
  /** url+'/api/v3': GHES layout; GraphQL then at url+'/api/graphql' */
  ghesApiUrl: string
  /** the default app, installed on 'octo-org' (all repositories) */
  app: EmulatedApp
  addApp(opts?: Partial<Pick<EmulatedApp, 'slug' | 'name' | 'permissions'>> & { keyBits?: number }): EmulatedApp
  addRepository(fullName: string, opts?: { ownerType?: 'Organization' | 'User' }): { id: number; node_id: string }
  install(app: EmulatedApp, account: string, opts?: { repositories?: string[] | 'all'; permissions?: Record<string, string> }): Installation
  installations(): Installation[]
  checkRuns(repository?: string): EmulatedCheckRun[]
  requests: RecordedRequest[]
  /** requests rejected by OpenAPI / GraphQL-schema validation (tests assert it stays empty) */
  violations: string[]
  /** every installation token issued and every JWT received (for the secret scan) */
  issuedSecrets(): string[]
  revokedTokens(): string[]
  faults: { add(f: Fault): void; clear(): void }
  /** the emulator's clock = real clock + offset */
  setClockOffset(seconds: number): void
  /** default GitHub's 80 / 500 */
  setSecondaryLimits(l: { perMinute: number; perHour: number }): void
  /** sets the primary rate limit's remaining count of an installation (e.g. to test low-budget behaviour) */
  setRateLimitRemaining(installationId: number, remaining: number, resource?: 'core' | 'graphql'): void
  /** Declares a repository's commits: check runs of other shas are then refused (check-run-limits.ts). */
  setCommits(repository: string, shas: string[]): void
  route(method: string, pattern: string, handler: RouteHandler): void
  close(): Promise<void>
}
