// The inputs that say which app, which installation and what the token may do. Every command
// that talks to GitHub reads these; each bad value gets one message saying what to change.
import * as core from '@actions/core'
import type { KeyObject } from 'node:crypto'
import fs from 'node:fs'
import { quoteValue, UserError } from '../errors.ts'
import { readPermissionInputs, type Permissions } from './permissions.ts'
import { parsePrivateKey } from './private-key.ts'

export interface AppInputs {
  /** The JWT issuer: the client id when given (GitHub's preference), else the app id. */
  issuer: string
  appId?: number
  clientId?: string
  privateKey: KeyObject
  installationId?: number
  /** The installation's account; undefined only when installation-id is given without owner. */
  owner?: string
  /** Repository names (no owner) the token is limited to; empty: every repository of the installation. */
  repositories: string[]
  permissions?: Permissions
  /** REST root without a trailing slash. */
  apiUrl: string
  /** What the event payload says the owner is, when it is the current repository's owner (saves a lookup). */
  ownerType?: 'Organization' | 'User'
}

type GetInput = (name: string) => string
const defaultGetInput: GetInput = (name) => core.getInput(name)

const MAX_REPOSITORIES = 500 // GitHub's limit for one access token request
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/ // GHES allows _ and . in logins
const REPO_NAME = /^[A-Za-z0-9._-]+$/


function readAppId(getInput: GetInput): { issuer: string; appId?: number; clientId?: string } {
  const appIdText = getInput('app-id').trim()
  const clientId = getInput('client-id').trim()
  let appId: number | undefined
  if (appIdText) {
    if (/^Iv/i.test(appIdText)) {
      throw new UserError(`app-id ${quoteValue(appIdText)} is a client ID: pass it as client-id instead.`)
    }
    if (!/^[1-9][0-9]*$/.test(appIdText)) {
      throw new UserError(
        `app-id must be the app's numeric ID (shown as "App ID" on the app's settings page), not ${quoteValue(appIdText)}.`,
      )
    }
    appId = Number(appIdText)
  }
  if (clientId) {
    if (/^[0-9]+$/.test(clientId)) {
      throw new UserError(`client-id ${quoteValue(clientId)} is numeric, like an app ID: pass it as app-id instead.`)
    }
    if (!/^[A-Za-z0-9._-]+$/.test(clientId)) {
      throw new UserError('client-id must be the app\'s client ID (like "Iv23li…", shown on the app\'s settings page).')
    }
  }
  if (appId === undefined && !clientId) {
    throw new UserError(
      'Give app-id or client-id: the GitHub App\'s ID or client ID, from the app\'s settings page ' +
        '(e.g. app-id: ${{ vars.APP_ID }}). Check that the variable or secret is set and available to this workflow.',
    )
  }
  // Both given: the client id signs the JWT; the app id is checked against the installation's
  // app_id, which GitHub's installation reply carries anyway (see checkAppId).
  return { issuer: clientId || String(appId), appId, clientId: clientId || undefined }
}

/** Splits a comma/newline list of `name` or `owner/name`; every owner given must be the same. */
export function parseRepositories(text: string, owner: string | undefined): { owner?: string; names: string[] } {
  const items = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
  let listOwner = owner
  const names: string[] = []
  for (const item of items) {
    const parts = item.split('/')
    if (parts.length > 2 || parts.some((p) => p === '') || (parts.length === 2 && !LOGIN.test(parts[0] ?? ''))) {
      throw new UserError(`repositories: ${quoteValue(item)} is not a repository; give names ("repo") or "owner/repo", separated by commas or newlines.`)
    }
    const name = parts.length === 2 ? (parts[1] ?? '') : item
    if (parts.length === 2) {
      const itemOwner = parts[0] ?? ''
      if (listOwner && listOwner.toLowerCase() !== itemOwner.toLowerCase()) {
        throw new UserError(
          `repositories: ${quoteValue(item)} belongs to ${itemOwner}, but ${owner ? `owner is ${owner}` : `${quoteValue(listOwner ?? '')} was named before`}. ` +
            'One token covers one installation, so one account: list repositories of a single owner (use another step for the others).',
        )
      }
      listOwner = listOwner ?? itemOwner
    }
    if (!REPO_NAME.test(name)) throw new UserError(`repositories: ${quoteValue(item)} is not a valid repository name.`)
    if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name)
  }
  if (names.length > MAX_REPOSITORIES) {
    throw new UserError(`repositories lists ${names.length} repositories; GitHub allows at most ${MAX_REPOSITORIES} per token.`)
  }
  return { owner: listOwner, names }
}

export function readApiUrl(getInput: GetInput, env: NodeJS.ProcessEnv): string {
  const given = getInput('github-api-url').trim()
  const text = given || env.GITHUB_API_URL || 'https://api.github.com'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UserError(`github-api-url ${quoteValue(text)} is not a URL; use e.g. https://api.github.com or https://HOST/api/v3.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`github-api-url ${quoteValue(text)} must be an http(s) URL.`)
  }
  if (url.hostname === 'github.com' || url.hostname === 'www.github.com') {
    throw new UserError(`github-api-url ${quoteValue(text)} is the web site; the REST API is at https://api.github.com.`)
  }
  return text.replace(/\/+$/, '')
}

function readOwnerType(env: NodeJS.ProcessEnv, owner: string): 'Organization' | 'User' | undefined {
  try {
    if (!env.GITHUB_EVENT_PATH) return undefined
    const payload = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      repository?: { owner?: { login?: string; type?: string } }
    }
    const o = payload.repository?.owner
    if (o?.login?.toLowerCase() !== owner.toLowerCase()) return undefined
    return o.type === 'Organization' || o.type === 'User' ? o.type : undefined
  } catch {
    return undefined
  }
}

/**
 * Reads and checks the app inputs. Scoping follows actions/create-github-app-token: neither
 * owner nor repositories → the current repository only; repositories without owner → the
 * current owner's; owner alone → all of the installation's repositories. With installation-id,
 * the installation is known, so nothing is added: no repositories given → all of them.
 */
export function readAppInputs(getInput: GetInput = defaultGetInput, env: NodeJS.ProcessEnv = process.env): AppInputs {
  const { issuer, appId, clientId } = readAppId(getInput)
  const privateKey = parsePrivateKey(getInput('private-key'))

  const installationText = getInput('installation-id').trim()
  let installationId: number | undefined
  if (installationText) {
    if (!/^[1-9][0-9]*$/.test(installationText)) {
      throw new UserError(`installation-id must be a number (the end of the installation's settings URL), not ${quoteValue(installationText)}.`)
    }
    installationId = Number(installationText)
  }

  const ownerInput = getInput('owner').trim() || undefined
  if (ownerInput !== undefined && !LOGIN.test(ownerInput)) {
    const [o, r] = ownerInput.split('/')
    throw new UserError(
      ownerInput.split('/').length === 2 && o && r && LOGIN.test(o) && REPO_NAME.test(r)
        ? `owner is an account, not a repository: use owner: ${o} and repositories: ${r}.`
        : `owner ${quoteValue(ownerInput)} is not a GitHub user or organization name.`,
    )
  }
  const repos = parseRepositories(getInput('repositories'), ownerInput)
  const [currentOwner, currentRepo] = (env.GITHUB_REPOSITORY ?? '').split('/')

  let owner = repos.owner
  let repositories = repos.names
  if (installationId === undefined) {
    if (!owner && repositories.length === 0) {
      if (!currentOwner || !currentRepo) {
        throw new UserError('Say which installation: set owner (or installation-id); GITHUB_REPOSITORY is not set here.')
      }
      owner = currentOwner
      repositories = [currentRepo]
    } else if (!owner) {
      owner = env.GITHUB_REPOSITORY_OWNER || currentOwner
      if (!owner) throw new UserError('Set owner: the account that owns the repositories; GITHUB_REPOSITORY_OWNER is not set here.')
    }
  }

  return {
    issuer,
    appId,
    clientId,
    privateKey,
    installationId,
    owner,
    repositories,
    permissions: readPermissionInputs(getInput, env),
    apiUrl: readApiUrl(getInput, env),
    ownerType: owner ? readOwnerType(env, owner) : undefined,
  }
}
