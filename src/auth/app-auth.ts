// A token source for every command: finds the installation once, mints an installation token,
// and mints a new one when the current one has less than 5 minutes left.
import * as core from '@actions/core'
import { createGitHubClient, githubMessage, networkCause, type GitHubClient } from '../github/client.ts'
import { createInstallationToken, revokeInstallationToken, type InstallationToken } from './access-token.ts'
import type { AppInputs } from './inputs.ts'
import { checkAppId, findInstallation, getInstallation, type InstallationInfo } from './installation.ts'
import { createAppJwtSource, isClockSkewError, withClockSkewRetry, type AppJwtSource } from './jwt.ts'
import { UserError } from '../errors.ts'
import { holdPrivateKey, holdSecret } from '../github/secret-guard.ts'

/** A token is replaced when it has less than this left (GitHub's tokens live 1 hour). */
export const REFRESH_WINDOW_MS = 5 * 60_000

export interface AppAuth {
  installationId: number
  /** Known when the installation was looked up, or with `wantAppSlug`. */
  appSlug?: string
  appId?: number
  account?: string
  /** A valid installation token (masked), renewed before it expires. */
  getToken(): Promise<string>
  /** The current token with its expiry and what it may do. */
  getTokenDetails(): Promise<InstallationToken>
  /** The app-JWT client (for /app endpoints). */
  appClient: GitHubClient
}

export interface AppAuthOptions {
  /** With installation-id given, also fetch the installation (one GET, run beside the token request) for its app slug. */
  wantAppSlug?: boolean
  /** Masks each token; core.setSecret by default. */
  mask?: (token: string) => void
  now?: () => number
}

function logSkew(skew: number): void {
  core.info(`GitHub's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} this runner's: signing the app JWT again with that offset.`)
}

/** A clock error that survived the retry: the runner's clock is not merely off by an offset. */
function clockStillOff(error: unknown): UserError | undefined {
  const e = error as { status?: number }
  if (!isClockSkewError(e.status, githubMessage(error))) return undefined
  return new UserError(
    `GitHub refused the app JWT's time claims (${githubMessage(error)}), also after correcting for the clock difference ` +
      'its reply showed. Check the runner\'s clock (NTP).',
  )
}

/**
 * A 5xx or network failure that outlasted the client's retries: Octokit's message alone
 * ("Internal Server Error - https://docs.github.com/rest") does not say which call failed.
 */
function unavailable(error: unknown, what: string): UserError | undefined {
  if (error instanceof UserError) return undefined
  const status = (error as { status?: unknown }).status
  if (typeof status === 'number' && status < 500) return undefined
  return new UserError(
    `Could not ${what}: ${typeof status === 'number' && !networkCause(error) ? `HTTP ${status}, ` : ''}${githubMessage(error)}, also after retrying. ` +
      'GitHub may be unavailable (https://www.githubstatus.com): re-run the job later.',
  )
}

export async function createAppAuth(inputs: AppInputs, options: AppAuthOptions = {}): Promise<AppAuth> {
  const maskOnly = options.mask ?? ((t: string) => core.setSecret(t))
  // Every secret this source holds is also one no request body may carry (secret-guard.ts).
  const mask = (t: string) => {
    holdSecret(t)
    maskOnly(t)
  }
  holdPrivateKey(inputs.privateKey)
  const now = options.now ?? Date.now
  const jwt: AppJwtSource = createAppJwtSource(inputs.issuer, inputs.privateKey)
  const appClient = createGitHubClient({ token: jwt, apiUrl: inputs.apiUrl })
  const viaJwt = <T>(call: () => Promise<T>, what: string) =>
    withClockSkewRetry(jwt, call, logSkew).catch((error: unknown) => {
      throw clockStillOff(error) ?? unavailable(error, what) ?? error
    })

  let info: InstallationInfo | undefined
  let infoPromise: Promise<InstallationInfo> | undefined
  let installationId = inputs.installationId
  if (installationId === undefined) {
    info = await viaJwt(() =>
      findInstallation(appClient, {
        owner: inputs.owner ?? '',
        repositories: inputs.repositories,
        ownerType: inputs.ownerType,
        apiUrl: inputs.apiUrl,
      }), "find the app's installation")
    installationId = info.id
  } else if (options.wantAppSlug) {
    infoPromise = viaJwt(() => getInstallation(appClient, installationId as number, inputs.apiUrl), `read installation ${installationId}`)
    // Settled below; keep an early rejection from counting as unhandled meanwhile.
    infoPromise.catch(() => undefined)
  }
  const id = installationId

  // What the installation grants is needed only to explain a 422: from the lookup, the
  // parallel GET, or one GET made then.
  const granted = async () =>
    (info ?? (await (infoPromise ?? viaJwt(() => getInstallation(appClient, id, inputs.apiUrl), `read installation ${id}`)))).permissions
  const mint = () =>
    viaJwt(() =>
      createInstallationToken(appClient, {
        installationId: id,
        repositories: inputs.repositories,
        permissions: inputs.permissions,
        granted,
        mask,
      }), `mint a token for installation ${id}`)

  let current: InstallationToken
  if (infoPromise) {
    // Both JWT calls at once: the slug costs no extra wait.
    const [tokenResult, infoResult] = await Promise.allSettled([mint(), infoPromise])
    if (tokenResult.status === 'rejected') throw tokenResult.reason
    current = tokenResult.value
    if (infoResult.status === 'fulfilled') info = infoResult.value
    else core.warning(`Could not read installation ${id} (${githubMessage(infoResult.reason)}): the app's slug is unknown.`)
    if (info) {
      try {
        checkAppId(inputs.appId, info, inputs.clientId)
      } catch (error) {
        await revokeInstallationToken(inputs.apiUrl, current.token).catch(() => undefined)
        throw error
      }
    }
  } else {
    if (info) checkAppId(inputs.appId, info, inputs.clientId) // before minting: no token to clean up
    current = await mint()
  }

  let renewing: Promise<InstallationToken> | undefined
  const getTokenDetails = async (): Promise<InstallationToken> => {
    if (Date.parse(current.expiresAt) - now() > REFRESH_WINDOW_MS) return current
    renewing ??= mint().then(
      (t) => {
        current = t
        renewing = undefined
        return t
      },
      (error: unknown) => {
        renewing = undefined
        throw error
      },
    )
    return renewing
  }

  return {
    installationId: id,
    appSlug: info?.appSlug,
    appId: info?.appId ?? inputs.appId,
    account: info?.account,
    getToken: async () => (await getTokenDetails()).token,
    getTokenDetails,
    appClient,
  }
}
