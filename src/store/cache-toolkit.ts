// The cache store's way to GHES's legacy cache service (cache service v1): @actions/cache's
// saveCache and restoreCache, the one client of that service. They archive files on disk with
// tar (and zstd when the runner has it), so each fragment is written to and restored from its own
// path `.github-app-ci-store/<key>.json` (cache-entry.ts, relative to the working directory, the
// workspace in a job): writers in one process never share a file.
import fs from 'node:fs/promises'
import path from 'node:path'
import * as cache from '@actions/cache'
import { toolkitCall } from '../log-context.ts'
import { entryFile, ENTRY_DIR } from './cache-entry.ts'

/** Saves and restores under way in this process: the last one out removes the (then empty) ENTRY_DIR. */
let busy = 0
/** That removal: a save or restore starting meanwhile waits for it, or tar finds ENTRY_DIR gone. */
let removing: Promise<void> = Promise.resolve()

export class ToolkitCacheWay {
  /** saveCache of `text` as entry `cacheKey`: its id, or -1 when it did not save (saveCache says no more). */
  async save(cacheKey: string, text: string): Promise<number> {
    const file = path.resolve(entryFile(cacheKey))
    await enter()
    try {
      await fs.mkdir(path.dirname(file), { recursive: true })
      await fs.writeFile(file, text)
      return await toolkitCall(() => cache.saveCache([entryFile(cacheKey)], cacheKey, undefined, true))
    } finally {
      await tidy(file)
    }
  }

  /** The text of entry `cacheKey`, or undefined when restoreCache missed (it says a failed download so too). */
  async restore(cacheKey: string): Promise<string | undefined> {
    const file = path.resolve(entryFile(cacheKey))
    await enter()
    try {
      await fs.rm(file, { force: true })
      // Made here, not by tar: two tars extracting at once into a missing directory race to make
      // it, and GNU tar then fails the loser's file ("Cannot open: No such file or directory").
      await fs.mkdir(path.dirname(file), { recursive: true })
      const hit = await toolkitCall(() => cache.restoreCache([entryFile(cacheKey)], cacheKey, [], undefined, true))
      return hit === cacheKey ? await fs.readFile(file, 'utf8') : undefined
    } finally {
      await tidy(file)
    }
  }

  /** What @actions/cache compresses with on this runner: zstd when `zstd --quiet --version` runs (cacheUtils.ts getCompressionMethod). */
  async compression(): Promise<'zstd-without-long' | 'gzip'> {
    const { execFile } = await import('node:child_process')
    return new Promise((resolve) => {
      execFile('zstd', ['--quiet', '--version'], { timeout: 10_000, windowsHide: true }, (error, stdout) =>
        resolve(!error && stdout.trim() !== '' ? 'zstd-without-long' : 'gzip'))
    })
  }
}

async function enter(): Promise<void> {
  busy++
  await removing
}

/** Removes a fragment's file, and ENTRY_DIR once no save or restore is under way. */
async function tidy(file: string): Promise<void> {
  await fs.rm(file, { force: true })
  // Set in the same turn as the count reaches 0, so that whoever enters next waits for it.
  if (--busy === 0) await (removing = fs.rmdir(path.resolve(ENTRY_DIR)).catch(() => undefined))
}
