// dist/ is committed; it must be what `npm run build` made from the sources as they are now.
// The build records a digest of its inputs and of each file it wrote (dist/BUILD.json).
import fs from 'node:fs'
import { expect, test } from 'vitest'
import { MANIFEST, outputDigests, sourceDigest } from '../../scripts/build-digest.mjs'

const manifest = JSON.parse(fs.readFileSync(`dist/${MANIFEST}`, 'utf8')) as {
  source: string
  files: Record<string, string>
}

test('dist/ was built from the current src/, lock file and build script (else: npm run build, commit dist/)', () => {
  expect(manifest.source).toBe(sourceDigest())
})

test('dist/ holds exactly the files that build wrote, unedited', () => {
  expect(outputDigests('dist')).toEqual(manifest.files)
})
