// Finds the app's installation for a repository, an organization or a user (app JWT calls).
import { UserError } from '../errors.ts'
import { githubMessage, type GitHubClient } from '../github/client.ts'
import { isClockSkewError } from './jwt.ts'

export interface InstallationInfo {
  id: number
  appId?: number
  appSlug?: string
  account?: string
  permissions?: Record<string, string>
  repositorySelection?: string
}

interface InstallationReply {
  id: number
  app_id?: number
  app_slug?: string
  account?: { login?: string; slug?: string } | null
  permissions?: Record<string, string>
  repository_selection?: string
}

function toInfo(data: InstallationReply): InstallationInfo {
  return {
    id: data.id,
    appId: data.app_id,
    appSlug: data.app_slug,
    account: data.account?.login ?? data.account?.slug,
    permissions: data.permissions,
    repositorySelection: data.repository_selection,
  }
}

function status(error: unknown): number | undefined {
  return (error as { status?: number }).status
}

/** The app's JWT was refused (other than for its clock: withClockSkewRetry handles that). */
export function jwtRejected(error: unknown): UserError | undefined {
  if (status(error) !== 401) return undefined
  const said = githubMessage(error)
  if (isClockSkewError(401, said)) return undefined
  return new UserError(
    `GitHub refused the app's JWT (401${said ? `: ${said}` : ''}). Check that app-id/client-id and private-key belong to ` +
      'the same app, and that the key has not been deleted from the app\'s settings.',
  )
}

/** A 404 from something that is not GitHub's REST API (a wrong github-api-url) answers with HTML. */
function notTheApi(error: unknown, apiUrl: string): UserError | undefined {
  const type = (error as { response?: { headers?: Record<string, string> } }).response?.headers?.['content-type'] ?? ''
  if (status(error) === 404 && type && !/json/.test(type)) {
    return new UserError(
      `github-api-url ${apiUrl} does not look like GitHub's REST API (a 404 page that is not JSON). ` +
        'Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.',
    )
  }
  return undefined
}

function notInstalled(on: string, hint: string): UserError {
  return new UserError(`The app is not installed on ${on}${hint}`)
}

/**
 * The installation that serves `owner` (and, when repositories are given, the first of them):
 * GET /repos/{owner}/{repo}/installation, or GET /orgs/{owner}/installation falling back to
 * GET /users/{owner}/installation. `ownerType`, when known from the event, skips the wrong one.
 */
export async function findInstallation(
  client: GitHubClient,
  target: { owner: string; repositories: string[]; ownerType?: 'Organization' | 'User'; apiUrl: string },
): Promise<InstallationInfo> {
  const { owner, repositories, ownerType, apiUrl } = target
  const fail = (error: unknown, on: string, hint: string): never => {
    throw jwtRejected(error) ?? notTheApi(error, apiUrl) ?? (status(error) === 404 ? notInstalled(on, hint) : error)
  }
  const first = repositories[0]
  if (first !== undefined) {
    try {
      const { data } = await client.request('GET /repos/{owner}/{repo}/installation', { owner, repo: first })
      return toInfo(data as InstallationReply)
    } catch (error) {
      return fail(
        error,
        `${owner}/${first}`,
        ' (or the repository does not exist). Install the app on the repository (the app\'s public page → Install or Configure), ' +
          'or fix owner/repositories.',
      )
    }
  }
  const hint = ' (no installation on that organization or user). Install the app on the account, or fix owner.'
  if (ownerType !== 'User') {
    try {
      const { data } = await client.request('GET /orgs/{org}/installation', { org: owner })
      return toInfo(data as InstallationReply)
    } catch (error) {
      if (status(error) !== 404 || ownerType === 'Organization') fail(error, owner, hint)
    }
  }
  try {
    const { data } = await client.request('GET /users/{username}/installation', { username: owner })
    return toInfo(data as InstallationReply)
  } catch (error) {
    return fail(error, owner, hint)
  }
}

/** GET /app/installations/{id}: the installation's app slug, account and permissions. */
export async function getInstallation(client: GitHubClient, installationId: number, apiUrl: string): Promise<InstallationInfo> {
  try {
    const { data } = await client.request('GET /app/installations/{installation_id}', { installation_id: installationId })
    return toInfo(data as InstallationReply)
  } catch (error) {
    throw jwtRejected(error) ?? notTheApi(error, apiUrl) ??
      (status(error) === 404 ? notInstalled(`installation ${installationId}`, ': there is no installation with that id for this app. Fix installation-id (the number at the end of the installation\'s settings URL).') : error)
  }
}

/** With both app-id and client-id given, they must name the same app. */
export function checkAppId(expected: number | undefined, info: InstallationInfo, clientId: string | undefined): void {
  if (expected !== undefined && clientId && info.appId !== undefined && info.appId !== expected) {
    throw new UserError(
      `app-id ${expected} and client-id ${clientId} belong to different apps (client-id's app has id ${info.appId}). Pass only one of them.`,
    )
  }
}
