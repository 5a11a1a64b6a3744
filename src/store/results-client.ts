// The artifact store's calls within this run, made with the pieces of @actions/artifact that do
// the work (its Twirp client of the results service with its retries and error texts, its
// backend ids from the runtime token, its name check and retention rule) instead of its
// DefaultArtifactClient, whose module loads the Azure storage SDK, archiver and unzip-stream:
// most of a transition step's CPU. A fragment is a few hundred bytes, so what the SDK gave is
// one request here:
// - an upload is one Put Blob (Azure's "Put Blob" REST call: PUT with x-ms-blob-type: BlockBlob,
//   https://learn.microsoft.com/rest/api/storageservices/put-blob) of a zip made in memory
//   (fflate), not Put Block + Put Block List;
// - a download asks the signed URL of the artifact the listing already named, without the
//   toolkit's ListArtifacts by id before every download.
// The package exports only its root, so these come by their file paths in node_modules (ncc
// bundles them like any module); they are the toolkit's own code, pinned by package-lock.json.
import { createHash } from 'node:crypto'
import * as core from '@actions/core'
import { zipSync, strToU8 } from 'fflate'
import { internalArtifactTwirpClient } from '../../node_modules/@actions/artifact/lib/internal/shared/artifact-twirp-client.js'
import { getBackendIdsFromToken } from '../../node_modules/@actions/artifact/lib/internal/shared/util.js'
import { getExpiration } from '../../node_modules/@actions/artifact/lib/internal/upload/retention.js'
import { validateArtifactName } from '../../node_modules/@actions/artifact/lib/internal/upload/path-and-artifact-name-validation.js'
import { ArtifactNotFoundError, InvalidResponseError } from '../../node_modules/@actions/artifact/lib/internal/shared/errors.js'
import { Int64Value, StringValue, Timestamp } from '../../node_modules/@actions/artifact/lib/generated/index.js'
import type { CreateArtifactRequest, ListArtifactsResponse_MonolithArtifact } from '../../node_modules/@actions/artifact/lib/generated/index.js'
import { blobCall } from './blob.ts'

/** An artifact of this run as ListArtifacts gives it, with the backend ids its download needs. */
export interface RunArtifact {
  id: number
  name: string
  createdAt?: Date
  runBackendId: string
  jobBackendId: string
}

export class ResultsClient {
  readonly #twirp = internalArtifactTwirpClient()

  /** Every artifact of this run (one ListArtifacts). */
  async list(): Promise<RunArtifact[]> {
    const { workflowRunBackendId, workflowJobRunBackendId } = getBackendIdsFromToken()
    const { artifacts } = await this.#twirp.ListArtifacts({ workflowRunBackendId, workflowJobRunBackendId })
    return artifacts.map(runArtifact)
  }

  /** One artifact by id (ListArtifacts with an id filter), as the toolkit's download finds it. */
  async byId(id: number): Promise<RunArtifact> {
    const { workflowRunBackendId, workflowJobRunBackendId } = getBackendIdsFromToken()
    const { artifacts } = await this.#twirp.ListArtifacts({
      workflowRunBackendId, workflowJobRunBackendId, idFilter: Int64Value.create({ value: String(id) }),
    })
    if (!artifacts[0]) throw new ArtifactNotFoundError(`No artifacts found for ID: ${id}`)
    return runArtifact(artifacts[0])
  }

  /** The zip of an artifact (GetSignedArtifactURL, then Get Blob). */
  async download(a: RunArtifact): Promise<Buffer> {
    const { signedUrl } = await this.#twirp.GetSignedArtifactURL({ workflowRunBackendId: a.runBackendId, workflowJobRunBackendId: a.jobBackendId, name: a.name })
    const reply = await blobCall('GET', signedUrl)
    return Buffer.from(await reply.arrayBuffer())
  }

  /** Uploads `files` (name -> text) as artifact `name`, zipped: CreateArtifact, Put Blob, FinalizeArtifact. */
  async upload(name: string, files: Record<string, string>, retentionDays?: number): Promise<number> {
    validateArtifactName(name)
    const { workflowRunBackendId, workflowJobRunBackendId } = getBackendIdsFromToken()
    const create: CreateArtifactRequest = {
      workflowRunBackendId, workflowJobRunBackendId, name,
      mimeType: StringValue.create({ value: 'application/zip' }),
      version: 7, // what @actions/artifact 6 sends (upload-artifact.js)
    }
    const expiresAt = getExpiration(retentionDays)
    if (expiresAt) create.expiresAt = expiresAt
    const created = await this.#twirp.CreateArtifact(create)
    if (!created.ok) throw new InvalidResponseError('CreateArtifact: response from backend was not ok')
    const zip = zipSync(Object.fromEntries(Object.entries(files).map(([f, text]) => [f, strToU8(text)])))
    await blobCall('PUT', created.signedUploadUrl, zip, { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/zip' })
    const digest = createHash('sha256').update(zip).digest('hex')
    core.debug(`SHA256 digest of uploaded artifact is ${digest}`) // the toolkit's line, for a debug log
    const finalized = await this.#twirp.FinalizeArtifact({
      workflowRunBackendId, workflowJobRunBackendId, name,
      size: String(zip.byteLength),
      hash: StringValue.create({ value: `sha256:${digest}` }),
    })
    if (!finalized.ok) throw new InvalidResponseError('FinalizeArtifact: response from backend was not ok')
    return Number(finalized.artifactId)
  }

  /** Deletes this run's newest artifact called `name` (ListArtifacts by name, DeleteArtifact), as the toolkit does. */
  async delete(name: string): Promise<void> {
    const { workflowRunBackendId, workflowJobRunBackendId } = getBackendIdsFromToken()
    const { artifacts } = await this.#twirp.ListArtifacts({ workflowRunBackendId, workflowJobRunBackendId, nameFilter: StringValue.create({ value: name }) })
    const newest = [...artifacts].sort((a, b) => Number(b.databaseId) - Number(a.databaseId))[0]
    if (!newest) throw new ArtifactNotFoundError(`Artifact not found for name: ${name}`)
    await this.#twirp.DeleteArtifact({ workflowRunBackendId: newest.workflowRunBackendId, workflowJobRunBackendId: newest.workflowJobRunBackendId, name: newest.name })
  }
}

function runArtifact(a: ListArtifactsResponse_MonolithArtifact): RunArtifact {
  return {
    id: Number(a.databaseId),
    name: a.name,
    createdAt: a.createdAt ? Timestamp.toDate(a.createdAt) : undefined,
    runBackendId: a.workflowRunBackendId,
    jobBackendId: a.workflowJobRunBackendId,
  }
}
