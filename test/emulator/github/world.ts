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
  private nextId = 1000
  accounts = new Map<string, Account>() // by lower-case login
  repositories = new Map<string, Repository>() // by lower-case full name
  apps: (EmulatedApp & { publicKey: crypto.KeyObject })[] = []
  installationList: Installation[] = []
  tokens = new Map<string, Token>()
  jwtsSeen = new Set<string>()
  checkRunList: EmulatedCheckRun[] = []
  nodes = new Map<string, { kind: 'CheckRun' | 'Repository'; id: number }>()
  /** Requests GitHub would refuse or ignore (the server's and the check-run rules'): a test expects none. */
  violations: string[] = []

  now(): number { return Date.now() + this.clockOffsetMs }
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

  issueToken(inst: Installation, permissions: Record<string, string>, repositories?: string[]): Token {
    const t: Token = {
      token: `ghs_${randomAlnum(36)}`, installationId: inst.id, appId: inst.appId,
      expiresAt: this.now() + 3600_000, permissions, repositories, revoked: false,
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
