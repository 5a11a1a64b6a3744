// Baseline for bench (1), the post step: revoke the token saved by auth-app-mint, with fetch.
const token = process.env.STATE_token
if (token) {
  const response = await fetch(`${process.env.GITHUB_API_URL}/installation/token`, {
    method: 'DELETE',
    headers: { accept: 'application/vnd.github+json', authorization: `token ${token}`, 'x-github-api-version': '2022-11-28' },
  })
  console.log(response.status === 204 ? 'Token revoked.' : `Revoke answered ${response.status}.`)
}
