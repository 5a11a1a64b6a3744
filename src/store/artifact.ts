// `artifact` (default): each write uploads one small fragment as a workflow artifact named
// `github-app-ci-<suite hash>-<run>-<attempt>-<job>-<step>`; readers list the run's artifacts
// (ListArtifacts through the runtime token), keep their suite's and download them. Reconcile
// works across runs through the REST API (`actions: read`, deletes need `actions: write`).
// Within the run it goes through the toolkit's own results-service pieces (results-client.ts),
// imported only when this store is used, to keep the action fast to start.
import type { ResultsClient, RunArtifact } from './results-client.ts'
import type { SuiteKey } from '../checks/types.ts'
import { firstRequestSent, httpFetch } from '../github/http-fetch.ts'
import { describeCause, requireRuntime, StoreError } from './errors.ts'
import { downloadSelector, fragmentName, FRAGMENT_PREFIX, isFragmentName, nameFields, runIdOf, suiteHashOf, suitePrefix } from './naming.ts'
import { listAll, listUntil, statusOf, type RestTarget } from './rest.ts'
import type { Fragment, FragmentFilter, FragmentRef, FragmentTag, RecentListing, StateStore, WriterId } from './store.ts'
import { toolkitCall } from '../log-context.ts'
import { mapLimit, READS_AT_ONCE } from './parallel.ts'

export interface ArtifactStoreOptions {
  /** Retention of fragment artifacts (state-retention-days); the repository's maximum caps it. */
  retentionDays?: number
  /** For reconcile: lists, reads and deletes fragments of every run. */
  rest?: RestTarget
  /** Explanations that are not failures (e.g. artifacts of fork runs skipped). */
  warn?: (message: string) => void
}

/** What GitHub's list-artifacts reply says of an artifact's run (`workflow_run`, nullable). */
interface WorkflowRunOfArtifact {
  id?: number
  repository_id?: number
  head_repository_id?: number
}

const FILE = 'fragment.json'
/** Reconcile's index: one artifact name in every reconcile run (no suite hash, so never a fragment). */
export const INDEX_ARTIFACT = 'github-app-ci-index'

interface Listed {
  id: number
  name: string
  createdAt?: Date | string
  /** from this run's listing: what a download needs without listing again */
  run?: RunArtifact
}

export class ArtifactStore implements StateStore {
  readonly description = 'artifact'
  /** Artifacts expire after state-retention-days; a DELETE is a content-creating GitHub request. */
  readonly selfClearing = true
  /** readFragments lists and downloads this run's artifacts with the runtime token (#listRun). */
  readonly readsWithoutToken = true
  readonly #options: ArtifactStoreOptions
  #client?: Promise<ResultsClient>

  constructor(options: ArtifactStoreOptions = {}) {
    this.#options = options
  }

  async writeFragment(key: SuiteKey, text: string, writer: WriterId, tag?: FragmentTag): Promise<FragmentRef> {
    const name = fragmentName(key, writer, tag)
    try {
      const client = await this.#artifacts()
      const id = await toolkitCall(() => client.upload(name, { [FILE]: text }, this.#options.retentionDays))
      return { id: String(id), name, ...nameFields(name), created_at: new Date().toISOString() }
    } catch (e) {
      if (/\(409\)/.test(describeCause(e))) {
        throw new StoreError(this.description, 'duplicate', `an artifact named ${name} already exists in this run.`, { cause: e })
      }
      throw this.#failed(`cannot upload fragment ${name}`, e)
    }
  }

  async readFragments(key: SuiteKey, filter?: FragmentFilter): Promise<Fragment[]> {
    const prefix = suitePrefix(key)
    const mine = (await this.#listRun()).filter((a) => a.name.startsWith(prefix))
    filter?.listed?.(mine.map(toRef))
    const selected = downloadSelector(filter)
    return mapLimit(mine.filter((a) => selected({ id: String(a.id), ...nameFields(a.name) })), (a) => this.#downloadFromRun(a), READS_AT_ONCE)
  }

  async listAllFragments(): Promise<FragmentRef[]> {
    const { rest } = this.#options
    if (!rest) return (await this.#listRun()).map(toRef)
    try {
      const all = await listAll<Listed & { expired: boolean; created_at: string; workflow_run?: WorkflowRunOfArtifact | null }>(
        rest, 'GET /repos/{owner}/{repo}/actions/artifacts', 'artifacts',
      )
      const named = all.filter((a) => !a.expired && a.name.startsWith(FRAGMENT_PREFIX) && suiteHashOf(a.name))
      return this.#trusted(named).map((a) => toRef({ id: a.id, name: a.name, createdAt: a.created_at }))
    } catch (e) {
      throw this.#failed(`cannot list artifacts of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e)
    }
  }

  /** The artifacts of cross-run listings whose provenance holds (provenanceProblem); one warning for the rest. */
  #trusted<T extends Listed & { workflow_run?: WorkflowRunOfArtifact | null }>(named: T[]): T[] {
    const trusted = named.filter((a) => provenanceProblem(a.name, a.workflow_run) === undefined)
    const skipped = named.filter((a) => !trusted.includes(a))
    if (skipped.length > 0) {
      const examples = skipped.slice(0, 3).map((a) => `${a.name} (artifact ${a.id}, run ${a.workflow_run?.id ?? '?'}: ${provenanceProblem(a.name, a.workflow_run)})`)
      this.#options.warn?.(
        `artifact store: ${skipped.length} artifact(s) named like state fragments were skipped, not read: ${examples.join('; ')}` +
          `${skipped.length > 3 ? '; …' : ''}. A fork's pull request run can upload artifacts of any name into this repository's list.`,
      )
    }
    return trusted
  }

  async listRecentFragments(since?: string): Promise<RecentListing> {
    const { rest } = this.#options
    if (!rest) return { refs: (await this.#listRun()).map(toRef), complete: false, unread: 0 }
    const before = since === undefined ? undefined : Date.parse(since)
    try {
      // GitHub lists a repository's artifacts newest first (the docs do not say; observed, and the emulator does the same).
      const { items, unread } = await listUntil<Listed & { expired: boolean; created_at: string; workflow_run?: WorkflowRunOfArtifact | null }>(
        rest, 'GET /repos/{owner}/{repo}/actions/artifacts', 'artifacts', {},
        (a) => before !== undefined && Date.parse(a.created_at) < before,
      )
      const refs = this.#trusted(items.filter((a) => !a.expired && a.name.startsWith(FRAGMENT_PREFIX) && suiteHashOf(a.name)))
        .map((a) => toRef({ id: a.id, name: a.name, createdAt: a.created_at }))
      return { refs, complete: before === undefined && unread === 0, unread }
    } catch (e) {
      throw this.#failed(`cannot list artifacts of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e)
    }
  }

  async readIndex(): Promise<string | undefined> {
    const rest = this.#options.rest
    if (!rest) return undefined
    let id: number | undefined
    try {
      const { data } = await rest.octokit.request('GET /repos/{owner}/{repo}/actions/artifacts', {
        owner: rest.owner, repo: rest.repo, name: INDEX_ARTIFACT, per_page: 5,
      })
      id = (data as { artifacts: { id: number; expired: boolean }[] }).artifacts.find((a) => !a.expired)?.id
    } catch (e) {
      throw this.#failed(`cannot list artifacts of ${rest.owner}/${rest.repo} (the token needs actions: read)`, e)
    }
    return id === undefined ? undefined : this.#downloadViaRest(id)
  }

  async writeIndex(text: string): Promise<void> {
    try {
      const client = await this.#artifacts()
      await client.upload(INDEX_ARTIFACT, { [FILE]: text }, this.#options.retentionDays)
    } catch (e) {
      throw this.#failed(`cannot upload reconcile's index ${INDEX_ARTIFACT}`, e)
    }
  }

  async readFragment(ref: FragmentRef): Promise<Fragment> {
    if (!this.#options.rest) return this.#downloadFromRun({ id: Number(ref.id), name: ref.name ?? ref.id, createdAt: ref.created_at })
    return { ...ref, text: await this.#downloadViaRest(Number(ref.id)) }
  }

  async deleteFragments(refs: FragmentRef[]): Promise<void> {
    const { rest } = this.#options
    await mapLimit(refs, async (ref) => {
      try {
        if (rest) {
          await rest.octokit.request('DELETE /repos/{owner}/{repo}/actions/artifacts/{artifact_id}', {
            owner: rest.owner, repo: rest.repo, artifact_id: Number(ref.id),
          })
        } else {
          if (!ref.name) throw new Error('the fragment reference has no artifact name')
          const client = await this.#artifacts()
          await toolkitCall(() => client.delete(ref.name!))
        }
      } catch (e) {
        // already gone: deleting is idempotent
        if (statusOf(e) === 404 || (e as Error)?.name === 'ArtifactNotFoundError') return
        throw this.#failed(`cannot delete artifact ${ref.name ?? ref.id}${rest ? ' (the token needs actions: write)' : ''}`, e)
      }
    })
  }

  #module?: Promise<typeof import('./results-client.ts')>

  warmUp(): void {
    // Once the step's first GitHub request is on its way: loading this module's code blocks the
    // event loop, which then overlaps that request's round trip instead of delaying its start.
    void firstRequestSent().then(() => this.#load().catch(() => {})) // a load failure is reported by the first real use
  }

  #load(): Promise<typeof import('./results-client.ts')> {
    return (this.#module ??= import('./results-client.ts'))
  }

  #artifacts(): Promise<ResultsClient> {
    requireRuntime(this.description)
    this.#client ??= this.#load().then((m) => new m.ResultsClient())
    return this.#client
  }

  async #listRun(): Promise<Listed[]> {
    try {
      const client = await this.#artifacts()
      const artifacts = await toolkitCall(() => client.list())
      return artifacts
        .filter((a) => a.name.startsWith(FRAGMENT_PREFIX) && suiteHashOf(a.name))
        .map((a) => ({ id: a.id, name: a.name, createdAt: a.createdAt, run: a }))
    } catch (e) {
      throw this.#failed("cannot list this run's artifacts", e)
    }
  }

  /** Read in memory with fflate (unzip.ts); the listing's backend ids save the toolkit's ListArtifacts by id. */
  async #downloadFromRun(a: Listed): Promise<Fragment> {
    try {
      const client = await this.#artifacts()
      const zip = await toolkitCall(async () => client.download(a.run ?? (await client.byId(a.id))))
      const text = (await unzip(zip)).get(FILE)
      if (text === undefined) throw new Error(`the artifact has no ${FILE}`)
      return { ...toRef(a), text }
    } catch (e) {
      throw this.#failed(`cannot download fragment ${a.name}`, e, 'restore-failed')
    }
  }

  /** GitHub answers the archive download with a redirect to a signed blob URL; follow it unauthenticated. */
  async #downloadViaRest(id: number): Promise<string> {
    const rest = this.#options.rest!
    try {
      const { status, headers } = await rest.octokit.request(
        'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
        { owner: rest.owner, repo: rest.repo, artifact_id: id, archive_format: 'zip', request: { redirect: 'manual' } },
      )
      const location = headers.location
      if (status !== 302 || typeof location !== 'string') throw new Error(`unexpected reply ${status} without a redirect`)
      const blob = await httpFetch(location)
      if (!blob.ok) throw new Error(`blob storage answered ${blob.status}`)
      const text = (await unzip(Buffer.from(await blob.arrayBuffer()))).get(FILE)
      if (text === undefined) throw new Error(`the artifact has no ${FILE}`)
      return text
    } catch (e) {
      // 410: expired since it was listed (retention); 404: deleted.
      const status = statusOf(e)
      if (status === 404 || status === 410) throw new StoreError(this.description, 'gone', `artifact ${id} is gone (${status === 410 ? 'expired' : 'deleted'}).`, { cause: e })
      throw this.#failed(`cannot download artifact ${id} (the token needs actions: read)`, e, 'restore-failed')
    }
  }

  #failed(what: string, e: unknown, code: 'failed' | 'restore-failed' = 'failed'): StoreError {
    if (e instanceof StoreError) return e
    return new StoreError(this.description, code, `${what}: ${describeCause(e)}`, { cause: e })
  }
}

/**
 * Why a listed artifact is not taken for a fragment of this repository's runs: a fork's run (its
 * head repository is not the repository: a pull request from a fork runs with a runtime token
 * that uploads into this repository's list), a name that is not a whole fragment name, or a name
 * whose run id is not the run that uploaded it. Undefined when it is fine.
 */
export function provenanceProblem(name: string, run: WorkflowRunOfArtifact | null | undefined): string | undefined {
  if (!isFragmentName(name)) return 'not a fragment name'
  if (!run || typeof run.id !== 'number') return 'GitHub names no run for it'
  if (typeof run.repository_id !== 'number' || run.head_repository_id !== run.repository_id) return "a fork's run"
  if (runIdOf(name) !== run.id) return `its name says run ${runIdOf(name)}`
  return undefined
}

/** fflate loads with the first download: a step with another store never needs it. */
async function unzip(zip: Buffer): Promise<Map<string, string>> {
  return (await import('./unzip.ts')).unzipText(zip)
}

function toRef(a: Listed): FragmentRef {
  const created = a.createdAt === undefined ? undefined : new Date(a.createdAt).toISOString()
  return { id: String(a.id), name: a.name, ...nameFields(a.name), ...(created ? { created_at: created } : {}) }
}
