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

type ViaJwt = <T>(call: () => Promise<T>, what: string) => Promise<T>

export async function createAppAuth(inputs: AppInputs, options: AppAuthOptions = {}): Promise<AppAuth> {
  const maskOnly = options.mask ?? ((t: string) => core.setSecret(t))
  // Every secret this source holds is also one no request body may carry (secret-guard.ts).
  const mask = (t: string) => {
    holdSecret(t)
    maskOnly(t)
  }
  holdPrivateKey(inputs.privateKey)
  const jwt: AppJwtSource = createAppJwtSource(inputs.issuer, inputs.privateKey)
  const appClient = createGitHubClient({ token: jwt, apiUrl: inputs.apiUrl })
  const viaJwt: ViaJwt = (call, what) =>
    withClockSkewRetry(jwt, call, logSkew).catch((error: unknown) => {
      throw clockStillOff(error) ?? unavailable(error, what) ?? error
    })

  const found = await locateInstallation(appClient, inputs, viaJwt, !!options.wantAppSlug)
  const { id } = found
  // What the installation grants is needed only to explain a 422: from the lookup, the
  // parallel GET, or one GET made then.
  const granted = async () =>
    (found.info ?? (await (found.reading ?? viaJwt(() => getInstallation(appClient, id, inputs.apiUrl), `read installation ${id}`)))).permissions
  const mint = () =>
    viaJwt(() =>
      createInstallationToken(appClient, {
        installationId: id,
        repositories: inputs.repositories,
        permissions: inputs.permissions,
        granted,
        mask,
      }), `mint a token for installation ${id}`)

  const { token, info } = await firstToken(found, mint, inputs)
  const getTokenDetails = renewedBeforeExpiry(token, mint, options.now ?? Date.now)
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

interface FoundInstallation {
  id: number
  /** From the lookup by owner / repositories. */
  info?: InstallationInfo
  /** With installation-id and wantAppSlug: the installation's GET, run beside the token request. */
  reading?: Promise<InstallationInfo>
}

/** The installation: looked up by owner and repositories, or given (then read only if its slug is wanted). */
async function locateInstallation(appClient: GitHubClient, inputs: AppInputs, viaJwt: ViaJwt, wantAppSlug: boolean): Promise<FoundInstallation> {
  const given = inputs.installationId
  if (given === undefined) {
    const info = await viaJwt(() =>
      findInstallation(appClient, {
        owner: inputs.owner ?? '',
        repositories: inputs.repositories,
        ownerType: inputs.ownerType,
        apiUrl: inputs.apiUrl,
      }), "find the app's installation")
    return { id: info.id, info }
  }
  if (!wantAppSlug) return { id: given }
  const reading = viaJwt(() => getInstallation(appClient, given, inputs.apiUrl), `read installation ${given}`)
  // Settled in firstToken; keep an early rejection from counting as unhandled meanwhile.
  reading.catch(() => undefined)
  return { id: given, reading }
}

/**
 * The first token, checked to be the app's the inputs name: before minting when the installation
 * is known, else once its parallel read lands (then a token of the wrong app is revoked).
 */
async function firstToken(found: FoundInstallation, mint: () => Promise<InstallationToken>, inputs: AppInputs): Promise<{ token: InstallationToken; info?: InstallationInfo }> {
  if (!found.reading) {
    if (found.info) checkAppId(inputs.appId, found.info, inputs.clientId) // before minting: no token to clean up
    return { token: await mint(), info: found.info }
  }
  // Both JWT calls at once: the slug costs no extra wait.
  const [tokenResult, infoResult] = await Promise.allSettled([mint(), found.reading])
  if (tokenResult.status === 'rejected') throw tokenResult.reason
  const token = tokenResult.value
  if (infoResult.status === 'rejected') {
    core.warning(`Could not read installation ${found.id} (${githubMessage(infoResult.reason)}): the app's slug is unknown.`)
    return { token }
  }
  try {
    checkAppId(inputs.appId, infoResult.value, inputs.clientId)
  } catch (error) {
    await revokeInstallationToken(inputs.apiUrl, token.token).catch(() => undefined)
    throw error
  }
  return { token, info: infoResult.value }
}

/** The current token, or a new one (one mint at a time) once it has less than REFRESH_WINDOW_MS left. */
function renewedBeforeExpiry(first: InstallationToken, mint: () => Promise<InstallationToken>, now: () => number): () => Promise<InstallationToken> {
  let current = first
  let renewing: Promise<InstallationToken> | undefined
  return async () => {
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
}
