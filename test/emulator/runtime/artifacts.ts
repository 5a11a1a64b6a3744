// ArtifactService: the artifact half of the results service, with GitHub's rules: an artifact
// belongs to the run named in the caller's token, names are unique within a run (409), and an
// artifact exists for readers only once finalized and until it expires.
import type { UrlSigner } from './signing.ts'
import type { RunInfo, RuntimeState } from './state.ts'
import type { RuntimeClaims } from './token.ts'
import { str, TwirpError, type TwirpMethod } from './twirp.ts'

export interface Caller {
  claims: RuntimeClaims
  run: RunInfo
}

function ownRun(caller: Caller, body: Record<string, unknown>): void {
  const asked = str(body.workflow_run_backend_id)
  if (asked && asked !== caller.claims.runBackendId) {
    throw new TwirpError('permission_denied', 'the token does not grant access to this workflow run')
  }
}

export function artifactService(state: RuntimeState, signer: UrlSigner): Record<string, TwirpMethod<Caller>> {
  const visible = (caller: Caller) =>
    state.artifacts.filter(
      (a) => a.committed && a.runBackendId === caller.claims.runBackendId && !state.isExpired(a),
    )
  const byName = (caller: Caller, name: string) =>
    state.artifacts.find((a) => a.runBackendId === caller.claims.runBackendId && a.name === name)

  return {
    CreateArtifact(caller, body) {
      ownRun(caller, body)
      const name = str(body.name)
      if (!name) throw new TwirpError('invalid_argument', 'name is required')
      const existing = byName(caller, name)
      if (existing && !state.isExpired(existing)) {
        throw new TwirpError('already_exists', 'an artifact with this name already exists on the workflow run')
      }
      if (existing) state.artifacts.splice(state.artifacts.indexOf(existing), 1)
      const id = state.nextId()
      const now = new Date()
      const expires = str(body.expires_at)
      const blobPath = `/devstoreaccount1/actions-results/${caller.claims.runBackendId}/${id}.zip`
      state.artifacts.push({
        id,
        repository: caller.run.repository,
        runId: caller.run.runId,
        runBackendId: caller.claims.runBackendId,
        jobBackendId: caller.claims.jobBackendId,
        name,
        blobPath,
        size: 0,
        createdAt: now,
        updatedAt: now,
        expiresAt: expires ? new Date(expires) : new Date(now.getTime() + 90 * 86_400_000),
        committed: false,
        run: caller.run,
      })
      return { ok: true, signed_upload_url: signer.sign(blobPath, 'rw') }
    },

    FinalizeArtifact(caller, body) {
      ownRun(caller, body)
      const a = byName(caller, str(body.name))
      if (!a || a.committed) throw new TwirpError('not_found', 'artifact not found or already finalized')
      const blob = state.blobs.get(a.blobPath)
      if (!blob) throw new TwirpError('failed_precondition', 'the artifact blob was not uploaded')
      a.committed = true
      a.size = Number(str(body.size) || blob.length)
      a.digest = str(body.hash) || undefined
      a.updatedAt = new Date()
      return { ok: true, artifact_id: String(a.id) }
    },

    ListArtifacts(caller, body) {
      ownRun(caller, body)
      let list = visible(caller)
      if (body.name_filter != null) list = list.filter((a) => a.name === str(body.name_filter))
      if (body.id_filter != null) list = list.filter((a) => String(a.id) === String(body.id_filter))
      return {
        artifacts: list.map((a) => ({
          workflow_run_backend_id: a.runBackendId,
          workflow_job_run_backend_id: a.jobBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt.toISOString(),
          ...(a.digest ? { digest: a.digest } : {}),
        })),
      }
    },

    GetSignedArtifactURL(caller, body) {
      ownRun(caller, body)
      const a = visible(caller).find((x) => x.name === str(body.name))
      if (!a) throw new TwirpError('not_found', 'artifact not found')
      return { signed_url: signer.sign(a.blobPath, 'r') }
    },

    DeleteArtifact(caller, body) {
      ownRun(caller, body)
      const a = visible(caller).find((x) => x.name === str(body.name))
      if (!a) throw new TwirpError('not_found', 'artifact not found')
      state.artifacts.splice(state.artifacts.indexOf(a), 1)
      state.blobs.delete(a.blobPath)
      return { ok: true, artifact_id: String(a.id) }
    },
  }
}
