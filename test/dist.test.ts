// dist/ is committed; it must be exactly what `npm run build` makes from src/ now.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from 'vitest'

const run = promisify(execFile)

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()
}

test('dist/ is rebuilt from the current src/ (run npm run build and commit dist/)', async () => {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'dist-'))
  await run(process.execPath, ['scripts/build.mjs', fresh], { maxBuffer: 64 << 20 })
  const committed = 'dist'
  expect(listFiles(committed)).toEqual(listFiles(fresh))
  for (const file of listFiles(fresh)) {
    const same = fs.readFileSync(path.join(fresh, file)).equals(fs.readFileSync(path.join(committed, file)))
    expect(same, `dist/${file} is stale`).toBe(true)
  }
}, 180_000)
