// command: token — mint an installation access token for later steps (revoked in the post step).
//
// Requests, at most (a clock-skew retry adds one):
//   installation-id given:  POST access_tokens ‖ GET /app/installations/{id} (at once; for app-slug), GET /users/{slug}[bot]
//   repositories (or none): GET /repos/{owner}/{repo}/installation, POST access_tokens, GET /users/{slug}[bot]
//   owner only:             GET /orgs/{owner}/installation (+ GET /users/{owner}/installation when it is a user
//                           and the event does not say so), POST access_tokens, GET /users/{slug}[bot]
// The access-token reply carries no app slug; the installation reply does, so the lookup path
// gets it free and the installation-id path fetches it beside the token request, costing no wait.
import * as core from '@actions/core'
import { createAppAuth } from '../auth/app-auth.ts'
import { readAppInputs, type AppInputs } from '../auth/inputs.ts'
import { parseBoolean } from '../boolean.ts'
import { formatPermissions } from '../auth/permissions.ts'
import { createGitHubClient, githubMessage } from '../github/client.ts'

/** Names under which main saves what post needs: post.ts reads STATE_token, STATE_api-url, STATE_expires-at. */
const STATE = { token: 'token', apiUrl: 'api-url', expiresAt: 'expires-at' } as const

function describeTarget(inputs: AppInputs): string {
  if (inputs.installationId !== undefined) {
    return `installation ${inputs.installationId}${inputs.repositories.length ? `, repositories ${inputs.repositories.join(', ')}` : ''}`
  }
  return inputs.repositories.length
    ? `${inputs.repositories.map((r) => `${inputs.owner}/${r}`).join(', ')}`
    : `all repositories of ${inputs.owner}'s installation`
}

/** The bot's user id, for the commit e-mail; one GET, with the new token. */
async function botUserId(apiUrl: string, token: string, botName: string): Promise<number | undefined> {
  try {
    const client = createGitHubClient({ token, apiUrl })
    const { data } = await client.request('GET /users/{username}', { username: botName })
    return Number(data.id)
  } catch (error) {
    core.warning(`Could not look up the user ${botName} (${githubMessage(error)}): bot-committer-email is left empty.`)
    return undefined
  }
}

export async function run(): Promise<void> {
  const inputs = readAppInputs()
  const skipRevoke = parseBoolean(core.getInput('skip-token-revoke'), 'skip-token-revoke', false)
  core.info(`Minting an installation token for ${describeTarget(inputs)}.`)

  const auth = await createAppAuth(inputs, { wantAppSlug: true })
  const minted = await auth.getTokenDetails() // masked as soon as GitHub handed it over
  if (!skipRevoke) {
    core.saveState(STATE.token, minted.token)
    core.saveState(STATE.apiUrl, inputs.apiUrl)
    core.saveState(STATE.expiresAt, minted.expiresAt)
  }
  core.setOutput('token', minted.token)
  core.setOutput('installation-id', String(auth.installationId))
  core.setOutput('expires-at', minted.expiresAt)

  const slug = auth.appSlug
  core.setOutput('app-slug', slug ?? '')
  core.info(
    `Token of ${slug ?? 'the app'} for installation ${auth.installationId}${auth.account ? ` on ${auth.account}` : ''}: ` +
      `${minted.repositories ? `repositories ${minted.repositories.join(', ')}` : `${minted.repositorySelection ?? 'all'} repositories`}; ` +
      `permissions ${formatPermissions(minted.permissions) || 'none'}; expires ${minted.expiresAt}` +
      `${skipRevoke ? '; not revoked at the end of the job (skip-token-revoke)' : '; revoked at the end of the job'}.`,
  )
  if (!slug) {
    core.warning('GitHub did not say the app\'s slug: app-slug, bot-username and bot-committer-email are left empty.')
    core.setOutput('bot-username', '')
    core.setOutput('bot-committer-email', '')
    return
  }
  const botName = `${slug}[bot]`
  core.setOutput('bot-username', botName)
  const userId = await botUserId(inputs.apiUrl, minted.token, botName)
  core.setOutput('bot-committer-email', userId === undefined ? '' : `${userId}+${botName}@users.noreply.github.com`)
}
