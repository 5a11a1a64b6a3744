// The early read (src/state/read.ts startRead): the store's part of a step's first read, started
// while the token is minted, is used by readSuite only when it is the read readSuite would make
// (same suite, builds and job-memory ids), and only once. In process, with the real file store
// (its readFragments calls counted) and the real fragment authenticator and job memory.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emptyServiceData, serializeServiceData } from '../../../src/checks/service-data.ts'
import type { SuiteKey } from '../../../src/checks/types.ts'
import { readSuite, startRead, type StateReader } from '../../../src/state/read.ts'
import { FileStore } from '../../../src/store/file.ts'
import { FragmentAuth } from '../../../src/store/fragment-auth.ts'
import { JobMemory } from '../../../src/state/job-memory.ts'

const key: SuiteKey = { repository: 'octo-org/repo-a', head_sha: 'e'.repeat(40), suite: 'ci' }
const auth = new FragmentAuth(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'early-read-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A reader of a fresh file store holding two suite-wide fragments; `reads` counts its store reads. */
async function readerWithTwoFragments(name: string): Promise<{ reader: StateReader; reads: () => number; warnings: string[] }> {
  const store = new FileStore(path.join(dir, name))
  const text = auth.seal(key, serializeServiceData(emptyServiceData(key)))
  for (const step of ['a', 'b']) await store.writeFragment(key, text, { run_id: 1, run_attempt: 1, job: 'job', step })
  let reads = 0
  const warnings: string[] = []
  const reader: StateReader = {
    store: { description: store.description, readFragments: (k, f) => (reads++, store.readFragments(k, f)) },
    fragmentAuth: auth,
    memory: new JobMemory(undefined, store.description, key, auth),
    policy: { repository: key.repository, nameTemplate: '{suite} / {build}', serverUrl: 'https://github.com' },
    failOnCorruptState: false,
    listCheckRuns: async () => [],
    log: { warning: (m) => warnings.push(m), info: () => {} },
  }
  return { reader, reads: () => reads, warnings }
}

describe('startRead and readSuite', () => {
  it('readSuite takes the early read when it is the same read: the store is read once', async () => {
    const { reader, reads, warnings } = await readerWithTwoFragments('same')
    reader.earlyRead = startRead(reader, key, ['linux'])
    const read = await readSuite(reader, key, { builds: ['linux'] })
    expect(reads()).toBe(1)
    expect(read.readIds).toHaveLength(2)
    expect(read.listed).toHaveLength(2)
    expect(warnings).toEqual([])
    // Only once: a second read reads the store itself.
    await readSuite(reader, key, { builds: ['linux'] })
    expect(reads()).toBe(2)
  })

  it('another filter, another suite or other held ids: readSuite reads the store itself', async () => {
    const other = await readerWithTwoFragments('other-builds')
    other.reader.earlyRead = startRead(other.reader, key, ['linux'])
    const all = await readSuite(other.reader, key)
    expect(other.reads()).toBe(2)
    expect(all.listed).toBeUndefined() // an unfiltered read, as asked

    const suite = await readerWithTwoFragments('other-suite')
    suite.reader.earlyRead = startRead(suite.reader, { ...key, suite: 'lint' }, undefined)
    await readSuite(suite.reader, key)
    expect(suite.reads()).toBe(2)

    // The job's memory changed after the early read started: its held ids are not the read's.
    const held = await readerWithTwoFragments('other-held')
    held.reader.earlyRead = startRead(held.reader, key, undefined)
    held.reader.memory.remember('earlier-fragment', emptyServiceData(key))
    const read = await readSuite(held.reader, key)
    expect(held.reads()).toBe(2)
    expect(read.readIds).toContain('earlier-fragment')
  })
})
