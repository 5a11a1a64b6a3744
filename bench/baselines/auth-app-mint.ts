// Baseline for bench (1): an installation token minted the way most actions do it, with
// @octokit/auth-app (actions/create-github-app-token's approach): the installation of the current
// repository looked up with the app's JWT (skipped when installation-id is given), then the token.
// Inputs as the runner passes them; the token is masked, output and saved for the post step.
import * as core from '@actions/core'
import { createAppAuth } from '@octokit/auth-app'
import { request } from '@octokit/request'

const [owner, repo] = process.env.GITHUB_REPOSITORY!.split('/') as [string, string]
const base = request.defaults({ baseUrl: process.env.GITHUB_API_URL })
const auth = createAppAuth({ appId: core.getInput('app-id'), privateKey: core.getInput('private-key'), request: base })

let installationId = Number(core.getInput('installation-id') || 0)
if (!installationId) {
  const { data } = await base('GET /repos/{owner}/{repo}/installation', { owner, repo, request: { hook: auth.hook } })
  installationId = data.id
}
const { token, expiresAt } = await auth({ type: 'installation', installationId, repositoryNames: [repo] })
core.setSecret(token)
core.setOutput('token', token)
core.setOutput('installation-id', String(installationId))
core.setOutput('expires-at', expiresAt)
core.saveState('token', token)
