import { startGitHubEmulator } from './emulator/github/index.ts'
import { appStep } from './fault-harness.ts'
import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path'
const gh = await startGitHubEmulator()
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-'))
gh.faults.add({ match: process.argv[2]!, kind: 'delay', delayMs: 30000 })
const t = Date.now()
const s = await appStep(gh, 'queued', { sha: 'c'.repeat(40), store: `file:${dir}`, inputs: { builds: 'b' }, env: { RUNNER_DEBUG: '1' } })
console.log(Date.now() - t, s.result.exitCode)
console.log(s.result.stdout.split('\n').filter(l => !l.includes('add-mask')).join('\n').slice(0, 3000))
console.log(s.requests.map(q => `${(q.at - t)} ${q.method} ${q.path} ${q.status}`))
process.exit(0)
