// `file:<dir>`: a directory with one JSON file per fragment, for self-hosted runners, local use and
// tests. A directory (not one shared JSON file) so concurrent writers, in any number of
// processes, never touch the same file: each fragment is written to a temporary file and then
// linked to its final name, which fails instead of overwriting if that name already exists.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { SuiteKey } from '../checks/types.ts'
import { describeCause, StoreError } from './errors.ts'
import { downloadSelector, fragmentName, FRAGMENT_PREFIX, nameFields, suitePrefix } from './naming.ts'
import type { Fragment, FragmentFilter, FragmentRef, FragmentTag, RecentListing, StateStore, WriterId } from './store.ts'

const EXT = '.json'
/** Reconcile's index; a leading dot keeps it out of the fragment listing. */
const INDEX = '.github-app-ci-index.json'

export class FileStore implements StateStore {
  readonly description: string
  /** Nothing clears a directory, and deleting a file costs no GitHub request. */
  readonly selfClearing = false
  /** Reading is the file system's. */
  readonly readsWithoutToken = true
  readonly #dir: string

  constructor(dir: string) {
    this.#dir = path.resolve(dir)
    this.description = `file:${dir}`
  }

  async writeFragment(key: SuiteKey, text: string, writer: WriterId, tag?: FragmentTag): Promise<FragmentRef> {
    const name = fragmentName(key, writer, tag)
    const final = path.join(this.#dir, name + EXT)
    const temp = path.join(this.#dir, `.${name}.${randomUUID()}.tmp`)
    try {
      await fs.mkdir(this.#dir, { recursive: true })
      await fs.writeFile(temp, text, { flag: 'wx' })
      await publish(temp, final)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new StoreError(this.description, 'duplicate', `fragment ${name} already exists; it was not overwritten.`)
      }
      throw new StoreError(this.description, 'failed', `cannot write ${final}: ${describeCause(e)}`, { cause: e })
    } finally {
      await fs.rm(temp, { force: true })
    }
    return this.#ref(name + EXT, new Date())
  }

  async readFragments(key: SuiteKey, filter?: FragmentFilter): Promise<Fragment[]> {
    const prefix = suitePrefix(key)
    const names = (await this.#names()).filter((n) => n.startsWith(prefix))
    // The listing gives names only (no stat): a ref's created_at comes with its read.
    filter?.listed?.(names.map((n) => ({ id: n, name: n.slice(0, -EXT.length), ...nameFields(n) })))
    const selected = downloadSelector(filter)
    const read = await Promise.all(names.filter((n) => selected({ id: n, ...nameFields(n) })).map((n) => this.#read(n, true)))
    return read.filter((f): f is Fragment => f !== undefined)
  }

  async listAllFragments(): Promise<FragmentRef[]> {
    const refs = await Promise.all(
      (await this.#names()).map(async (n) => {
        const stat = await fs.stat(path.join(this.#dir, n)).catch(() => undefined)
        return stat && this.#ref(n, stat.mtime)
      }),
    )
    return refs.filter((r): r is FragmentRef => r !== undefined)
  }

  /** The directory is read whole: listing it costs no request. */
  async listRecentFragments(): Promise<RecentListing> {
    return { refs: await this.listAllFragments(), complete: true, unread: 0 }
  }

  async readIndex(): Promise<string | undefined> {
    try {
      return await fs.readFile(path.join(this.#dir, INDEX), 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new StoreError(this.description, 'failed', `cannot read ${INDEX}: ${describeCause(e)}`, { cause: e })
    }
  }

  /** Replaces the index atomically (a rename), so a reader sees the old one or the new one. */
  async writeIndex(text: string): Promise<void> {
    const temp = path.join(this.#dir, `.index.${randomUUID()}.tmp`)
    try {
      await fs.mkdir(this.#dir, { recursive: true })
      await fs.writeFile(temp, text, { flag: 'wx' })
      await fs.rename(temp, path.join(this.#dir, INDEX))
    } catch (e) {
      await fs.rm(temp, { force: true })
      throw new StoreError(this.description, 'failed', `cannot write ${INDEX}: ${describeCause(e)}`, { cause: e })
    }
  }

  async readFragment(ref: FragmentRef): Promise<Fragment> {
    return (await this.#read(ref.id, false))!
  }

  async deleteFragments(refs: FragmentRef[]): Promise<void> {
    await Promise.all(refs.map((r) => fs.rm(this.#path(r.id), { force: true })))
  }

  #ref(file: string, created: Date): FragmentRef {
    const name = file.slice(0, -EXT.length)
    return { id: file, name, ...nameFields(name), created_at: created.toISOString() }
  }

  #path(id: string): string {
    // ids are file names this store listed; refuse anything that would leave the directory
    if (path.basename(id) !== id || !id.endsWith(EXT)) {
      throw new StoreError(this.description, 'failed', `"${id}" is not a fragment of this store.`)
    }
    return path.join(this.#dir, id)
  }

  async #names(): Promise<string[]> {
    try {
      return (await fs.readdir(this.#dir)).filter((n) => n.startsWith(FRAGMENT_PREFIX) && n.endsWith(EXT)).sort()
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new StoreError(this.description, 'failed', `cannot list ${this.#dir}: ${describeCause(e)}`, { cause: e })
    }
  }

  /** Reads one fragment; a file deleted meanwhile is skipped when `optional`. */
  async #read(id: string, optional: boolean): Promise<Fragment | undefined> {
    try {
      const file = this.#path(id)
      const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)])
      return { ...this.#ref(id, stat.mtime), text }
    } catch (e) {
      if (e instanceof StoreError) throw e
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        if (optional) return undefined
        throw new StoreError(this.description, 'gone', `fragment ${id} is gone (deleted since it was listed).`, { cause: e })
      }
      throw new StoreError(this.description, 'failed', `cannot read fragment ${id}: ${describeCause(e)}`, { cause: e })
    }
  }
}

/** Gives `temp` the name `final` atomically, failing with EEXIST rather than overwriting. */
async function publish(temp: string, final: string): Promise<void> {
  try {
    await fs.link(temp, final)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw e
    // file systems without hard links: rename is atomic too, but only checks existence first
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') {
      if (await fs.access(final).then(() => true, () => false)) throw Object.assign(new Error('exists'), { code: 'EEXIST' })
      await fs.rename(temp, final)
      return
    }
    throw e
  }
}

