// The post step's work: revoke the token minted in main. Kept tiny (no toolkit, no Octokit): it
// runs at the end of every job that used the action, whatever the command. One DELETE over
// node:http(s), not fetch: Node's fetch compiles its WebAssembly HTTP parser in every process.
// main saved token, api-url and expires-at with core.saveState; the caller says how to read them
// back (post.ts: core.getState; post-main.ts, the bundle: the runner's STATE_<name> variables).
// With skip-token-revoke, or for other commands, main saved nothing and this does nothing.
import http from 'node:http'
import https from 'node:https'
import { errorText } from './errors.ts'

function escapeCommand(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Revokes the token main saved, if any; a failure is a warning, never a failed step. */
export async function revokeSavedToken(getState: (name: string) => string): Promise<void> {
  const token = getState('token')
  if (!token) return
  const apiUrl = (getState('api-url') || process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  const expiresAt = Date.parse(getState('expires-at'))
  if (expiresAt <= Date.now()) {
    console.log('The installation token has already expired; nothing to revoke.')
    return
  }
  try {
    const response = await revoke(`${apiUrl}/installation/token`, token)
    if (response.status === 204) console.log('Installation token revoked.')
    else if (response.status === 401) console.log('The installation token was already invalid; nothing to revoke.')
    else console.log(`::warning::${escapeCommand(`Could not revoke the installation token: GitHub answered ${response.status}. It expires by itself within an hour.`)}`)
  } catch (error) {
    const reason = errorText(error)
    console.log(`::warning::${escapeCommand(`Could not revoke the installation token (${reason}). It expires by itself within an hour.`)}`)
  }
}

/** DELETE with the token; resolves with the status once the reply is read, within 30 s. */
function revoke(url: string, token: string): Promise<{ status: number }> {
  const target = new URL(url)
  const transport = target.protocol === 'http:' ? http : https
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `token ${token}`,
    'user-agent': 'github-app-ci',
    'x-github-api-version': '2022-11-28',
  }
  return new Promise((resolve, reject) => {
    const request = transport.request(target, { method: 'DELETE', headers, signal: AbortSignal.timeout(30_000) }, (response) => {
      response.resume() // the body is not needed
      response.on('end', () => resolve({ status: response.statusCode ?? 0 }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end()
  })
}
