// A private copy of dist/, taken when the bench starts: other work may rebuild dist/ meanwhile
// (the build swaps the folder), and every run of one bench should start the same bundle.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist')

export interface DistSnapshot { dir: string; main: string; post: string; remove(): void }

/** BENCH_DIST=<dir> benchmarks another build (e.g. an earlier commit's dist/, for before/after). */
export function snapshotDist(from = process.env.BENCH_DIST || distDir): DistSnapshot {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'github-app-ci-dist-'))
  fs.cpSync(from, dir, { recursive: true })
  return {
    dir, main: path.join(dir, 'index.js'), post: path.join(dir, 'post.js'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}
