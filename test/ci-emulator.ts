// For the self-test job of .github/workflows/ci.yml: GitHub's emulator (test/emulator/github) on
// 127.0.0.1, holding the repository the workflow runs in, with its app installed on the owner,
// so that a real runner can run `uses: ./` (action.yml, dist/index.js, dist/post.js) through a
// whole token step, revocation included, with no secret. The app's key is made here and is
// worth nothing outside this process.
//
//   node --experimental-strip-types test/ci-emulator.ts OUTPUT_FILE
//
// Writes api-url, app-id and private-key (GITHUB_OUTPUT's `name<<DELIMITER` form) to OUTPUT_FILE
// once it listens, then serves until it is killed (the runner ends a job's leftover processes).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { startGitHubEmulator } from './emulator/github/index.ts'

const [outputFile] = process.argv.slice(2)
const repository = process.env.GITHUB_REPOSITORY
if (!outputFile || !repository) throw new Error('usage: GITHUB_REPOSITORY=owner/repo ci-emulator.ts OUTPUT_FILE')

const event = process.env.GITHUB_EVENT_PATH ? JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, 'utf8')) : {}
const ownerType = event.repository?.owner?.type === 'User' ? 'User' : 'Organization'
const gh = await startGitHubEmulator()
gh.addRepository(repository, { ownerType })
gh.install(gh.app, repository.split('/')[0]!)

const delimiter = `EOF_${randomBytes(8).toString('hex')}`
const output = [
  `api-url=${gh.url}`,
  `app-id=${gh.app.id}`,
  `private-key<<${delimiter}`, gh.app.privateKeyPkcs1.trim(), delimiter,
].join('\n')
fs.writeFileSync(`${outputFile}.tmp`, `${output}\n`)
fs.renameSync(`${outputFile}.tmp`, outputFile) // the waiting step never reads half a file
console.log(`GitHub emulator at ${gh.url}: ${repository} (${ownerType}), app ${gh.app.slug} (${gh.app.id})`)

// One line per request, for the log the workflow prints after the action's steps.
let seen = 0
setInterval(() => {
  for (const r of gh.requests.slice(seen)) console.log(`${r.method} ${r.path} -> ${r.status}`)
  seen = gh.requests.length
}, 200)
