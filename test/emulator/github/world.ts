// The emulator's state: accounts, repositories, apps, installations, tokens, check runs, clock.
import crypto from 'node:crypto'
import type { EmulatedApp, EmulatedCheckRun, Installation, PermissionLevel } from './types.ts'
import { defaultAppKey, generateAppKey } from './keys.ts'

export interface Account { login: string; id: number; node_id: string; type: 'Organization' | 'User' | 'Bot' }
export interface Repository { id: number; node_id: string; owner: string; name: string; full_name: string; default_branch: string }
export interface Token {
  token: string; installationId: number; appId: number; expiresAt: number
  permissions: Record<string, string>; repositories?: string[]; revoked: boolean
}

const levels: Record<string, number> = { read: 1, write: 2, admin: 3 }
/** Whether `have` grants `want` (write implies read, admin implies both). */
export const grants = (have: string | undefined, want: string): boolean =>
  !!have && (levels[have] ?? 0) >= (levels[want] ?? 99)

const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const randomAlnum = (n: number): string =>
  Array.from(crypto.randomBytes(n), (b) => alnum[b % alnum.length]).join('')

/** Opaque node ids in GitHub's new style (`CR_kwDO…`), mapped back through World.nodes. */
const nodeId = (prefix: string, kind: string, id: number): string =>
  `${prefix}_kwDO${Buffer.from(`${kind}:${id}`).toString('base64url')}`

export class World {
  clockOffsetMs = 0
  /** The time GitHub keeps (Date.now; a test that times its client with a virtual clock passes that clock's). */
  time: () => number = Date.now
  private nextId = 1000
  accounts = new Map<string, Account>() // by lower-case login
  repositories = new Map<string, Repository>() // by lower-case full name
  apps: (EmulatedApp & { publicKey: crypto.KeyObject })[] = []
  installationList: Installation[] = []
  tokens = new Map<string, Token>()
  /** Commits of repositories a test declared (lower-case name -> shas); see check-run-limits.ts. */
  commits = new Map<string, Set<string>>()
  jwtsSeen = new Set<string>()
  checkRunList: EmulatedCheckRun[] = []
  nodes = new Map<string, { kind: 'CheckRun' | 'Repository'; id: number }>()
  /** Requests GitHub would refuse or ignore (the server's and the check-run rules'): a test expects none. */
  violations: string[] = []

  now(): number { return this.time() + this.clockOffsetMs }
  iso(ms = this.now()): string { return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') }
  id(): number { return this.nextId++ }

  addAccount(login: string, type: Account['type']): Account {
    const existing = this.accounts.get(login.toLowerCase())
    if (existing) return existing
    const id = this.id()
    const a = { login, id, node_id: nodeId(type === 'Organization' ? 'O' : 'U', 'account', id), type }
    this.accounts.set(login.toLowerCase(), a)
    return a
  }

  addRepository(fullName: string, ownerType: 'Organization' | 'User' = 'Organization'): Repository {
    const [owner, name] = fullName.split('/')
    if (!owner || !name) throw new Error(`addRepository: "${fullName}" is not owner/name`)
    const existing = this.repositories.get(fullName.toLowerCase())
    if (existing) return existing
    const acc = this.addAccount(owner, ownerType)
    const id = this.id()
    const node_id = nodeId('R', 'repo', id)
    const repo = { id, node_id, owner: acc.login, name, full_name: `${acc.login}/${name}`, default_branch: 'main' }
    this.repositories.set(fullName.toLowerCase(), repo)
    this.nodes.set(node_id, { kind: 'Repository', id })
    return repo
  }

  repoById(id: number): Repository | undefined {
    for (const r of this.repositories.values()) if (r.id === id) return r
    return undefined
  }

  addApp(opts: Partial<Pick<EmulatedApp, 'slug' | 'name' | 'permissions'>> & { keyBits?: number } = {}): EmulatedApp & { publicKey: crypto.KeyObject } {
    const first = this.apps.length === 0 && !opts.keyBits
    const key = first ? defaultAppKey() : generateAppKey(opts.keyBits ?? 2048)
    const id = this.id()
    const slug = opts.slug ?? (this.apps.length === 0 ? 'ci-app' : `app-${id}`)
    const bot = this.addAccount(`${slug}[bot]`, 'Bot')
    const app = {
      id, slug, name: opts.name ?? slug, clientId: `Iv23li${randomAlnum(14)}`,
      privateKeyPkcs1: key.pkcs1, privateKeyPkcs8: key.pkcs8, publicKey: key.publicKey,
      botUserId: bot.id,
      permissions: opts.permissions ?? ({
        checks: 'write', contents: 'read', metadata: 'read', actions: 'write', statuses: 'write', pull_requests: 'read',
      } as Record<string, PermissionLevel>),
    }
    this.apps.push(app)
    return app
  }

  install(app: EmulatedApp, account: string, opts: { repositories?: string[] | 'all'; permissions?: Record<string, string> } = {}): Installation {
    const acc = this.accounts.get(account.toLowerCase()) ?? this.addAccount(account, 'Organization')
    const selected = opts.repositories && opts.repositories !== 'all'
    const inst: Installation = {
      id: this.id(), appId: app.id, account: acc.login,
      accountType: acc.type === 'User' ? 'User' : 'Organization',
      repositorySelection: selected ? 'selected' : 'all',
      repositories: selected ? (opts.repositories as string[]).map((r) => r.split('/').pop()!) : [],
      permissions: { ...(opts.permissions ?? app.permissions) },
    }
    this.installationList = this.installationList.filter((i) => !(i.appId === app.id && i.account.toLowerCase() === acc.login.toLowerCase()))
    this.installationList.push(inst)
    return inst
  }

  installationFor(appId: number, account: string): Installation | undefined {
    return this.installationList.find((i) => i.appId === appId && i.account.toLowerCase() === account.toLowerCase())
  }

  /** Repositories an installation covers. */
  installationRepos(inst: Installation): Repository[] {
    return [...this.repositories.values()].filter(
      (r) => r.owner.toLowerCase() === inst.account.toLowerCase() &&
        (inst.repositorySelection === 'all' || inst.repositories.some((n) => n.toLowerCase() === r.name.toLowerCase())),
    )
  }

  /**
   * An installation token. GitHub's stateless format (the default here, as after its rollout):
   * `ghs_<app id>_<JWT>`, about 520 characters with two dots, varying with what it holds; the
   * stateful one: `ghs_` + 36 alphanumerics (40 characters, no dot). Sources: GitHub changelog
   * "Notice about upcoming new format for GitHub App installation tokens" (2026-04-24) and
   * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-an-installation-access-token-for-a-github-app
   * (the request header X-GitHub-Stateless-S2S-Token: enabled | disabled picks one per request).
   * The JWT part is not a verifiable JWT here: the emulator looks tokens up, it does not decode them.
   */
  issueToken(inst: Installation, permissions: Record<string, string>, repositories?: string[], format: 'stateless' | 'stateful' = 'stateless'): Token {
    const expiresAt = this.now() + 3600_000
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
    const stateless = () => {
      const payload = {
        iss: 'github.com', sub: `installation:${inst.id}`, app_id: inst.appId, installation_id: inst.id,
        exp: Math.floor(expiresAt / 1000), iat: Math.floor(this.now() / 1000), jti: crypto.randomUUID(),
        ...(repositories ? { repositories: repositories.length } : {}),
      }
      return `ghs_${inst.appId}_${b64({ alg: 'RS256', typ: 'JWT', kid: 'emulator' })}.${b64(payload)}.${crypto.randomBytes(256).toString('base64url')}`
    }
    const t: Token = {
      token: format === 'stateless' ? stateless() : `ghs_${randomAlnum(36)}`, installationId: inst.id, appId: inst.appId,
      expiresAt, permissions, repositories, revoked: false,
    }
    this.tokens.set(t.token, t)
    return t
  }

  newCheckRunIds(): { id: number; node_id: string } {
    const id = this.id()
    const node_id = nodeId('CR', 'check_run', id)
    this.nodes.set(node_id, { kind: 'CheckRun', id })
    return { id, node_id }
  }
}
