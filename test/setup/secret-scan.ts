// The suite-wide secret scan: after each test (and after each file), everything the action left
// behind since the last check (see test/secrets-registry.ts: logs, outputs but `token`, step
// summaries, workspace, RUNNER_TEMP and `file:` store files, runtime artifacts and cache entries) is searched
// for every token and JWT the GitHub emulator issued or saw and every slice of its apps' keys.
// A hit fails the test it happened in; the message names the place, never the secret.
import { afterAll, afterEach } from 'vitest'
import { enableSecretScan, scanPending } from '../secrets-registry.ts'

enableSecretScan()

async function check(): Promise<void> {
  const problems = await scanPending()
  if (problems.length > 0) throw new Error(`Secret scan: a secret leaked.\n${problems.map((p) => `- ${p}`).join('\n')}`)
}

afterEach(check)
afterAll(check)
