// The Azure-Blob data plane the toolkit's BlobClient talks to: Put Blob, Put Block,
// Put Block List, Get Blob (with ranges) and Get Blob Properties, behind signed URLs.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultTable } from './faults.ts'
import type { UrlSigner } from './signing.ts'
import type { RuntimeState } from './state.ts'

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const now = new Date().toUTCString()
  return {
    etag: `"0x${Date.now().toString(16).toUpperCase()}"`,
    'last-modified': now,
    date: now,
    'x-ms-request-id': randomUUID(),
    'x-ms-version': '2025-01-05',
    ...extra,
  }
}

function fail(res: ServerResponse, status: number, code: string, message: string, head = false): number {
  // a HEAD reply has no body: Azure then reports the error in x-ms-error-code alone
  const body = head ? '' : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
  res.writeHead(status, headers({ 'x-ms-error-code': code, 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) }))
  res.end(body)
  return status
}

function created(res: ServerResponse): number {
  res.writeHead(201, headers({ 'content-length': '0', 'x-ms-request-server-encrypted': 'true' }))
  res.end()
  return 201
}

/** The byte range a Get Blob asks for (x-ms-range wins over Range), clamped to the blob. */
function rangeOf(req: IncomingMessage, size: number): [number, number] | undefined {
  const spec = String(req.headers['x-ms-range'] ?? req.headers.range ?? '')
  const m = /^bytes=(\d+)-(\d*)$/.exec(spec)
  if (!m) return undefined
  const start = Number(m[1])
  const end = m[2] ? Math.min(Number(m[2]), size - 1) : size - 1
  return [start, end]
}

export function handleBlob(
  state: RuntimeState, signer: UrlSigner, faults: FaultTable, contentTypes: Map<string, string>,
  req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse,
): number {
  const p = decodeURIComponent(url.pathname)
  const reading = req.method === 'GET' || req.method === 'HEAD'
  const head = req.method === 'HEAD'
  const denied = signer.verify(url, reading ? 'r' : 'w')
  if (denied) return fail(res, 403, 'AuthenticationFailed', denied, head)
  const injected = faults.take([reading ? 'blob:get' : 'blob:put'], `${req.method} ${url.pathname}?${url.searchParams.get('blockid') ?? ''}`)
  if (injected) return fail(res, injected, 'InternalError', 'Injected fault.', head)

  if (reading) {
    const data = state.blobs.get(p)
    if (!data) return fail(res, 404, 'BlobNotFound', 'The specified blob does not exist.', head)
    const range = rangeOf(req, data.length)
    const slice = range ? data.subarray(range[0], range[1] + 1) : data
    const h = headers({
      'content-length': String(slice.length),
      'content-type': contentTypes.get(p) ?? 'application/octet-stream',
      'x-ms-blob-type': 'BlockBlob',
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${range[0]}-${range[1]}/${data.length}` } : {}),
    })
    res.writeHead(range ? 206 : 200, h)
    res.end(head ? undefined : slice)
    return range ? 206 : 200
  }
  if (req.method !== 'PUT') return fail(res, 405, 'UnsupportedHttpVerb', 'The resource does not support this verb.')

  const comp = url.searchParams.get('comp')
  const type = req.headers['x-ms-blob-content-type']
  if (comp === 'block') {
    const id = url.searchParams.get('blockid') ?? ''
    if (!state.blocks.has(p)) state.blocks.set(p, new Map())
    state.blocks.get(p)!.set(id, body)
    return created(res)
  }
  if (comp === 'blocklist') {
    const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]!)
    const staged = state.blocks.get(p) ?? new Map<string, Buffer>()
    if (ids.some((id) => !staged.has(id))) return fail(res, 400, 'InvalidBlockList', 'The specified block list is invalid.')
    state.blobs.set(p, Buffer.concat(ids.map((id) => staged.get(id)!)))
    state.blocks.delete(p)
    if (typeof type === 'string') contentTypes.set(p, type)
    return created(res)
  }
  if (comp) return fail(res, 400, 'UnsupportedQueryParameter', `comp=${comp} is not supported.`)
  if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
    return fail(res, 400, 'MissingRequiredHeader', 'x-ms-blob-type: BlockBlob is required.')
  }
  state.blobs.set(p, body)
  if (typeof type === 'string') contentTypes.set(p, type)
  return created(res)
}
