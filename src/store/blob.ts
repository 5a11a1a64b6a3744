// Calls to a signed blob storage URL (Azure Blob Storage, which the results service's signed
// URLs point at) for the artifact and cache stores: a fragment is a few hundred bytes, so an
// upload is one Put Blob (PUT with x-ms-blob-type: BlockBlob,
// https://learn.microsoft.com/rest/api/storageservices/put-blob) and a download one Get Blob.
import { retryBaseMs } from '../github/client.ts'
import { realClock } from '../github/clock.ts'
import { httpFetch, type HttpFetchResponse } from '../github/http-fetch.ts'

/** Tries in all; the wait before the second is retryBaseMs (a second), doubled after each. */
const BLOB_TRIES = 5

/**
 * A call to a signed blob URL, tried again after a network error, 429 or 5xx (the Azure SDK's
 * retry policy does the same for the toolkit's uploads; its downloads retry 5 times too).
 */
export async function blobCall(method: 'GET' | 'PUT', url: string, body?: Uint8Array, headers: Record<string, string> = {}): Promise<HttpFetchResponse> {
  let problem = ''
  for (let attempt = 1; ; attempt++) {
    let reply: HttpFetchResponse | undefined
    try {
      reply = await httpFetch(url, { method, headers, body })
    } catch (e) {
      const cause = (e as Error).cause as Error | undefined
      problem = `${(e as Error).message}${cause ? ` (${cause.message ?? String(cause)})` : ''}`
    }
    if (reply?.ok) return reply
    if (reply) {
      problem = `blob storage answered ${reply.status} ${reply.statusText}`.trim()
      if (reply.status !== 429 && reply.status < 500) throw new Error(problem)
    }
    if (attempt >= BLOB_TRIES) throw new Error(`${method === 'PUT' ? 'Put Blob' : 'Get Blob'} failed after ${attempt} tries: ${problem}`)
    await realClock.sleep(retryBaseMs() * 2 ** (attempt - 1))
  }
}
