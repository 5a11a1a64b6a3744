// What a dist/ build is made from, and what it made: dist/BUILD.json records both, so a test can
// tell in milliseconds whether dist/ is stale (sources changed) or was edited by hand.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Every file whose change changes the bundle: sources, the build script, the locked dependencies. */
const BUILD_INPUTS = ['src', 'scripts/build.mjs', 'scripts/build-digest.mjs', 'scripts/chunk-report.mjs', 'package-lock.json', 'tsconfig.json']
export const MANIFEST = 'BUILD.json'

function filesUnder(root, entry) {
  const full = path.join(root, entry)
  if (!fs.statSync(full).isDirectory()) return [entry]
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex')

/** One hash of every build input (paths and contents, in a fixed order). */
export function sourceDigest(root = '.') {
  const hash = createHash('sha256')
  const files = BUILD_INPUTS.flatMap((entry) => filesUnder(root, entry)).map((f) => f.split(path.sep).join('/')).sort()
  for (const file of files) hash.update(`${file}\0${sha256(fs.readFileSync(path.join(root, file)))}\n`)
  return hash.digest('hex')
}

/** file -> sha256 of every file in a dist folder but the manifest itself. */
export function outputDigests(dir) {
  return Object.fromEntries(
    filesUnder(dir, '.')
      .map((f) => f.split(path.sep).join('/'))
      .filter((f) => f !== MANIFEST)
      .sort()
      .map((f) => [f, sha256(fs.readFileSync(path.join(dir, f)))]),
  )
}
