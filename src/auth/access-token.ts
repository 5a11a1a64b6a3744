// Installation access tokens: the exchange (app JWT → token) and the revocation.
import { UserError } from '../errors.ts'
import { createGitHubClient, githubMessage, type GitHubClient } from '../github/client.ts'
import { formatPermissions, missingPermissions, permissionInputName, type Permissions } from './permissions.ts'

export interface InstallationToken {
  token: string
  expiresAt: string
  permissions: Record<string, string>
  repositorySelection?: string
  repositories?: string[]
}

export interface TokenRequest {
  installationId: number
  repositories?: string[]
  permissions?: Permissions
  /** What the installation grants (asked only after a 422): names the permission GitHub refused. */
  granted?: () => Promise<Record<string, string> | undefined>
  /** Called with the token before anything else is done with it (core.setSecret). */
  mask: (token: string) => void
}

interface ErrorReply {
  message?: string
  response?: { data?: { errors?: { field?: string; resource?: string }[] } }
}

async function explain422(error: ErrorReply, request: TokenRequest): Promise<UserError> {
  const said = githubMessage(error)
  let lacking: { name: string; requested: string; granted: string }[] = []
  if (request.permissions) {
    const granted = await request.granted?.().catch(() => undefined)
    if (granted) lacking = missingPermissions(request.permissions, granted)
    else {
      // Without the installation's permissions, use the fields GitHub's reply may name.
      const fields = new Set((error.response?.data?.errors ?? []).map((e) => e.field).filter((f): f is string => !!f))
      lacking = Object.entries(request.permissions)
        .filter(([name]) => fields.has(name))
        .map(([name, level]) => ({ name, requested: level ?? '', granted: 'less' }))
    }
  }
  if (lacking.length > 0) {
    return new UserError(
      `The installation does not grant ${lacking.map((l) => `${l.name}: ${l.requested} (it grants ${l.granted})`).join(', ')}. ` +
        `Lower or remove ${lacking.map((l) => permissionInputName(l.name)).join(', ')}, or add the permission in the app's settings ` +
        'and have the installation accept it.',
    )
  }
  if (/permission/i.test(said) && request.permissions) {
    return new UserError(
      `GitHub refused the requested permissions (${formatPermissions(request.permissions)}): ${said} ` +
        'Request only permissions the app has and its installation accepted.',
    )
  }
  if (/repositor/i.test(said) && request.repositories?.length) {
    return new UserError(
      `GitHub refused the repositories (${request.repositories.join(', ')}): ${said} ` +
        'List only repositories the app\'s installation can access (check the names, and the installation\'s repository selection).',
    )
  }
  return new UserError(`GitHub refused the token request (422): ${said}`)
}

/** POST /app/installations/{id}/access_tokens, narrowed to repositories/permissions when given. */
export async function createInstallationToken(client: GitHubClient, request: TokenRequest): Promise<InstallationToken> {
  let data: {
    token: string
    expires_at: string
    permissions?: Record<string, string>
    repository_selection?: string
    repositories?: { name: string }[]
  }
  try {
    ;({ data } = await client.request('POST /app/installations/{installation_id}/access_tokens', {
      installation_id: request.installationId,
      ...(request.repositories?.length ? { repositories: request.repositories } : {}),
      // Levels were checked against GitHub's schema when read (permissions.ts).
      ...(request.permissions ? { permissions: request.permissions as never } : {}),
    }))
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 422) throw await explain422(error as ErrorReply, request)
    if (status === 404) {
      throw new UserError(
        `The app is not installed as installation ${request.installationId} (GitHub answered 404). Check installation-id, ` +
          'or leave it out to look the installation up from owner/repositories.',
      )
    }
    if (status === 403) {
      throw new UserError(`GitHub refused the token request (403): ${githubMessage(error)}`)
    }
    throw error
  }
  request.mask(data.token)
  return {
    token: data.token,
    expiresAt: data.expires_at,
    permissions: data.permissions ?? {},
    repositorySelection: data.repository_selection,
    repositories: data.repositories?.map((r) => r.name),
  }
}

/**
 * DELETE /installation/token, authenticated by the token itself. (The post step does the same
 * with plain fetch, to stay small.) Returns what happened, for the log.
 */
export async function revokeInstallationToken(apiUrl: string, token: string): Promise<'revoked' | 'already invalid'> {
  try {
    await createGitHubClient({ token, apiUrl, retries: 1 }).request('DELETE /installation/token')
    return 'revoked'
  } catch (error) {
    if ((error as { status?: number }).status === 401) return 'already invalid'
    throw error
  }
}
