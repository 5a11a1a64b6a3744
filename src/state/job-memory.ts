// What earlier steps of this job read from and wrote to the store, kept in RUNNER_TEMP (the
// runner empties it for every job). A matrix job's `built` step then downloads only the fragments
// its `building` step did not already hold: fragments never change once written, and the join
// merge makes "held ∪ newly read" the same as reading everything again. Service data only: no
// token is ever in it. Anything wrong with the file just means reading the store as usual. It
// carries a tag of the app's key (src/store/fragment-auth.ts), so an earlier step of the job that runs
// untrusted code cannot plant records in it.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import * as core from '@actions/core'
import { mergeServiceData, parseServiceData, sameSuite, serializeServiceData } from '../checks/service-data.ts'
import type { ServiceData, SuiteKey } from '../checks/types.ts'
import type { FragmentAuth } from '../store/fragment-auth.ts'
import { fragmentSuiteHash } from '../store/naming.ts'
import { errorText } from '../errors.ts'

// 2: with `tag`; a version 1 file (no tag) is ignored like any other unusable one.
const VERSION = 2

interface MemoryFile {
  version: number
  store: string
  ids: string[]
  state: string
  /** FragmentAuth tag of memoryBody(store, ids, state) for the suite. */
  tag: string
}

/** What the tag covers: everything the file says. */
function memoryBody(store: string, ids: readonly string[], state: string): string {
  return JSON.stringify([store, ids, state])
}

export class JobMemory {
  readonly #file: string | undefined
  readonly #store: string
  readonly #key: SuiteKey
  readonly #auth: FragmentAuth
  readonly #ids = new Set<string>()
  #data: ServiceData | undefined

  /** `dir` is RUNNER_TEMP; without it nothing is remembered. */
  constructor(dir: string | undefined, store: string, key: SuiteKey, auth: FragmentAuth) {
    this.#store = store
    this.#key = key
    this.#auth = auth
    const name = createHash('sha256').update(store).digest('hex').slice(0, 12)
    this.#file = dir ? path.join(dir, 'github-app-ci', `${name}-${fragmentSuiteHash(key)}.json`) : undefined
    this.#load()
  }

  /** Whether this memory is about `key`'s suite. */
  covers(key: SuiteKey): boolean {
    return sameSuite(key, this.#key)
  }

  /** Ids of the fragments whose content `data` holds. */
  get ids(): ReadonlySet<string> {
    return this.#ids
  }

  get data(): ServiceData | undefined {
    return this.#data
  }

  /** Notes a fragment read or written in this step (not yet saved). */
  remember(id: string, data: ServiceData): void {
    this.#ids.add(id)
    this.#data = this.#data ? mergeServiceData(this.#data, data) : data
  }

  /** Writes the memory for the job's next steps; a failure only costs them a download. */
  save(): void {
    if (!this.#file || !this.#data) return
    const ids = [...this.#ids]
    const state = serializeServiceData(this.#data)
    const tag = this.#auth.tag('job-memory', this.#key, memoryBody(this.#store, ids, state))
    const body: MemoryFile = { version: VERSION, store: this.#store, ids, state, tag }
    const scratch = `${this.#file}.${process.pid}`
    try {
      fs.mkdirSync(path.dirname(this.#file), { recursive: true })
      fs.writeFileSync(scratch, JSON.stringify(body))
      fs.renameSync(scratch, this.#file)
    } catch (error) {
      core.debug(`Could not keep the state for the job's next steps: ${errorText(error)}`)
      fs.rmSync(scratch, { force: true })
    }
  }

  #load(): void {
    if (!this.#file) return
    let text: string
    try {
      text = fs.readFileSync(this.#file, 'utf8')
    } catch {
      return // the job's first step
    }
    try {
      const body = JSON.parse(text) as Partial<MemoryFile>
      if (body.version !== VERSION || body.store !== this.#store || !Array.isArray(body.ids) || typeof body.state !== 'string') {
        throw new Error('not a state memory of this version and store')
      }
      if (!body.ids.every((id) => typeof id === 'string')) throw new Error('its fragment ids are not all strings')
      if (!this.#auth.verify('job-memory', this.#key, memoryBody(this.#store, body.ids, body.state), body.tag)) {
        // Something other than this action wrote it (or with another key): say so, then read the store.
        core.warning(`Ignoring the job's state memory ${this.#file}: its authentication tag is wrong or missing (not written with this app's private key). The state is read from the store.`)
        return
      }
      const data = parseServiceData(body.state)
      if (!sameSuite(data, this.#key)) throw new Error('it is about another suite')
      for (const id of body.ids) this.#ids.add(id)
      this.#data = data
    } catch (error) {
      core.debug(`Ignoring ${this.#file}: ${errorText(error)}`)
    }
  }
}
