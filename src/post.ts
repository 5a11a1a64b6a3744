// Entry of dist/post.js: revoke the token minted in main. Kept tiny (no toolkit, no Octokit):
// it runs at the end of every job that used the action, whatever the command.
// main saved token, api-url and expires-at (core.saveState → STATE_<name>); with
// skip-token-revoke, or for other commands, it saved nothing and this does nothing.

function escapeCommand(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

async function post(env: NodeJS.ProcessEnv): Promise<void> {
  const token = env['STATE_token']
  if (!token) return
  const apiUrl = (env['STATE_api-url'] || env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  const expiresAt = Date.parse(env['STATE_expires-at'] ?? '')
  if (expiresAt <= Date.now()) {
    console.log('The installation token has already expired; nothing to revoke.')
    return
  }
  try {
    const response = await fetch(`${apiUrl}/installation/token`, {
      method: 'DELETE',
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `token ${token}`,
        'user-agent': 'github-app-ci',
        'x-github-api-version': '2022-11-28',
      },
      signal: AbortSignal.timeout(30_000),
    })
    await response.arrayBuffer().catch(() => undefined)
    if (response.status === 204) console.log('Installation token revoked.')
    else if (response.status === 401) console.log('The installation token was already invalid; nothing to revoke.')
    else console.log(`::warning::${escapeCommand(`Could not revoke the installation token: GitHub answered ${response.status}. It expires by itself within an hour.`)}`)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    console.log(`::warning::${escapeCommand(`Could not revoke the installation token (${reason}). It expires by itself within an hour.`)}`)
  }
}

await post(process.env)
