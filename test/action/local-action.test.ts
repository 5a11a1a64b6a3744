// Local runs with @github/local-action (GitHub's tool for running an action on a laptop): it
// imports the action's TypeScript logic (src/run.ts) and its post step (src/post.ts), calls the
// run() each exports, and replaces @actions/core with its own, whose saveState/getState keep
// the state in memory (it sets no STATE_ variables). The runner instead starts the bundled
// dist/index.js and dist/post.js, which must run by themselves.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startGitHubEmulator, type GitHubEmulator } from '../emulator/github/index.ts'
import { runStep } from '../runner.ts'

const root = path.resolve(import.meta.dirname, '../..')
let gh: GitHubEmulator
beforeAll(async () => { gh = await startGitHubEmulator() })
afterAll(async () => { await gh?.close() })

/** Runs `local-action run . src/run.ts ENV --post src/post.ts` as the README shows it. */
async function localAction(dotenv: Record<string, string>): Promise<{ code: number; output: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-action-'))
  const envFile = path.join(dir, '.env')
  fs.mkdirSync(path.join(dir, 'workspace'))
  const all = { LOCAL_ACTION_WORKSPACE: path.join(dir, 'workspace'), ...dotenv }
  fs.writeFileSync(envFile, Object.entries(all).map(([k, v]) => `${k}="${v}"\n`).join(''))
  // Node 24 (the `node` dev dependency) first on PATH: local-action supports 22 and 24 only.
  const env = { PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH}`, HOME: process.env.HOME ?? dir }
  const child = spawn(path.join(root, 'node_modules/.bin/local-action'), ['run', '.', 'src/run.ts', envFile, '--post', 'src/post.ts'], { cwd: root, env })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => { output += d })
  child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d })
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (c) => resolve(c ?? -1))
  })
  fs.rmSync(dir, { recursive: true, force: true })
  return { code, output }
}

describe('@github/local-action', () => {
  test('runs the token command from src/, and the post step revokes the token from the state main saved', async () => {
    const before = gh.requests.length
    const { code, output } = await localAction({
      GITHUB_REPOSITORY: 'octo-org/repo-a',
      INPUT_COMMAND: 'token',
      'INPUT_APP-ID': String(gh.app.id),
      'INPUT_GITHUB-API-URL': gh.url,
      'INPUT_PRIVATE-KEY': gh.app.privateKeyPkcs1.trim(),
    })
    expect({ code, output }).toMatchObject({ code: 0 })
    expect(output).toContain('Token of ci-app for installation')
    expect(output).toContain('Installation token revoked.')
    const requests = gh.requests.slice(before).map((r) => `${r.method} ${decodeURIComponent(r.path)} ${r.status}`)
    expect(requests).toEqual([
      'GET /repos/octo-org/repo-a/installation 200',
      'POST /app/installations/' + gh.installations()[0]!.id + '/access_tokens 201',
      'GET /users/ci-app[bot] 200',
      'DELETE /installation/token 204',
    ])
    // The only token issued was revoked, and local-action's log never shows it.
    const issued = gh.issuedSecrets().filter((s) => s.startsWith('ghs_'))
    expect(issued).toHaveLength(1)
    expect(gh.revokedTokens()).toEqual(issued)
    expect(output).not.toContain(issued[0])
  }, 120_000)
})

describe('the bundled entry points still run by themselves on the runner', () => {
  test('dist/index.js mints, dist/post.js revokes from STATE_ variables; post.js carries no toolkit', async () => {
    const { main, post } = await runStep({
      inputs: { 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1 },
      env: { GITHUB_API_URL: gh.url },
    })
    expect(main.exitCode).toBe(0)
    expect(main.state.token).toBe(main.outputs.token)
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain('Installation token revoked.')
    expect(gh.revokedTokens()).toContain(main.outputs.token)
    expect(fs.statSync(path.join(root, 'dist/post.js')).size).toBeLessThan(10_000)
  })

  test('importing src/run.ts runs nothing; it exports run()', async () => {
    const mod = await import('../../src/run.ts')
    expect(typeof mod.run).toBe('function')
    expect(process.exitCode ?? 0).toBe(0) // a run without inputs would have failed the step
    const post = await import('../../src/post.ts')
    expect(typeof post.run).toBe('function')
  })
})
