// The fetch that Octokit (and the artifact store's blob download) use: node:http(s) underneath,
// not Node's built-in fetch. That one is undici, whose HTTP parser is WebAssembly that V8
// compiles afresh in every process: about a quarter of a step's CPU (a cache-store transition
// step: 0.88-0.99 → 0.58-0.69 CPU-s), in an action that runs in every job.
// The runner's proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) apply through the agents of
// @actions/http-client, the same ones the artifact and cache toolkits use.
// What Octokit needs of fetch is kept: status, headers, text/json/arrayBuffer, redirects
// (followed, or returned with `redirect: 'manual'`), gzip/deflate/br bodies, an AbortSignal
// rejecting with its reason, and network errors as TypeError('fetch failed', { cause }).
import http from 'node:http'
import https from 'node:https'
import zlib from 'node:zlib'
import { HttpClient } from '@actions/http-client'
import { refuseSecrets } from './secret-guard.ts'

const MAX_REDIRECTS = 20
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'])

/** One keep-alive HttpClient per protocol: it caches a single agent, made for the first URL's. */
const clients = new Map<string, HttpClient>()
function agentFor(url: URL): http.Agent {
  let client = clients.get(url.protocol)
  if (!client) clients.set(url.protocol, (client = new HttpClient('github-app-ci', [], { keepAlive: true })))
  return client.getAgent(url.href)
}

let markSent: (() => void) | undefined
const firstSent = new Promise<void>((resolve) => (markSent = resolve))
/**
 * Settles once this process's first request has been written to its connection (or failed): work that
 * blocks the event loop (loading a store's libraries) can then run while that reply is on its way,
 * instead of delaying the request.
 */
export const firstRequestSent = (): Promise<void> => firstSent

function sent(): void {
  markSent?.()
  markSent = undefined
}

export interface HttpFetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array | null
  redirect?: 'follow' | 'manual' | 'error'
  signal?: AbortSignal | null
}

/** The part of a fetch Response that Octokit and this action read. */
export interface HttpFetchResponse {
  status: number
  statusText: string
  ok: boolean
  url: string
  redirected: boolean
  headers: ResponseHeaders
  text(): Promise<string>
  json(): Promise<unknown>
  arrayBuffer(): Promise<ArrayBuffer>
}

/** Octokit iterates the headers and asks for content-type; names are lower case, as Node gives them. */
export class ResponseHeaders implements Iterable<[string, string]> {
  readonly #map: Map<string, string>
  constructor(raw: http.IncomingHttpHeaders) {
    this.#map = new Map(
      Object.entries(raw)
        .filter((e): e is [string, string | string[]] => e[1] !== undefined)
        .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
    )
  }
  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#map.entries()
  }
}

export async function httpFetch(input: string | URL, init: HttpFetchInit = {}): Promise<HttpFetchResponse> {
  let url = new URL(String(input))
  let method = (init.method ?? 'GET').toUpperCase()
  let body = init.body ?? undefined
  let headers = { ...init.headers }
  // The client's guard (client.ts) sees Octokit's requests first; this one covers any other caller.
  refuseSecrets(`${method} ${url.origin}${url.pathname}`, typeof body === 'string' ? body : body ? Buffer.from(body).toString('latin1') : undefined)
  for (let redirects = 0; ; redirects++) {
    const reply = await send(url, method, headers, body, init.signal ?? undefined)
    const location = reply.headers.get('location')
    if (!REDIRECTS.has(reply.status) || location === null || init.redirect === 'manual') {
      return respond(reply, url, redirects > 0)
    }
    if (init.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`redirected to ${location}`) })
    if (redirects >= MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('too many redirects') })
    const next = new URL(location, url)
    // As fetch does: 303, and 301/302 after a POST, become a GET without a body; credentials
    // do not follow to another origin.
    if (reply.status === 303 || ((reply.status === 301 || reply.status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      headers = withoutHeaders(headers, ['content-type', 'content-length'])
    }
    if (next.origin !== url.origin) headers = withoutHeaders(headers, ['authorization', 'cookie'])
    url = next
  }
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())))
}

interface Reply {
  status: number
  statusText: string
  headers: ResponseHeaders
  body: Buffer
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined, resent = false): Promise<Reply> {
  if (signal?.aborted) return Promise.reject(signal.reason)
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body
  const outgoing: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...headers }
  if (payload !== undefined) outgoing['content-length'] = String(payload.byteLength)
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined
  if (!transport) return Promise.reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) }))
  return new Promise<Reply>((resolve, reject) => {
    // fetch's errors: the signal's reason when aborted, else a TypeError with the cause.
    const fail = (error: unknown) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }))
    const request = transport.request(url, { method, headers: outgoing, agent: agentFor(url), signal }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', fail)
      response.on('close', () => {
        if (!response.complete) fail(new Error('the connection closed before the reply ended'))
      })
      response.on('end', () => {
        try {
          const decoded = decode(Buffer.concat(chunks), response.headers['content-encoding'])
          resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: new ResponseHeaders(response.headers), body: decoded })
        } catch (error) {
          fail(error)
        }
      })
    })
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed while idle fails the next request on it before
      // any reply (Node's advice: send it again); only idempotent ones, once.
      const stale = request.reusedSocket && error.code === 'ECONNRESET' && !signal?.aborted
      if (stale && !resent && IDEMPOTENT.has(method)) resolve(send(url, method, headers, body, signal, true))
      else fail(error)
      sent() // failed before it was written: what waits on it need not wait longer
    })
    if (markSent) request.once('finish', sent)
    request.end(payload)
  })
}

/** The body as sent before its content-encoding (replies are small JSON: decoding in step is fine). */
function decode(body: Buffer, encoding: string | undefined): Buffer {
  const coding = encoding?.trim().toLowerCase()
  if (!coding || coding === 'identity' || body.length === 0) return body
  if (coding === 'gzip' || coding === 'x-gzip') return zlib.gunzipSync(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH })
  if (coding === 'deflate') {
    try {
      return zlib.inflateSync(body)
    } catch {
      return zlib.inflateRawSync(body) // some servers send raw deflate
    }
  }
  if (coding === 'br') return zlib.brotliDecompressSync(body)
  throw new Error(`unsupported content-encoding ${encoding}`)
}

function respond(reply: Reply, url: URL, redirected: boolean): HttpFetchResponse {
  const { body } = reply
  return {
    status: reply.status,
    statusText: reply.statusText,
    ok: reply.status >= 200 && reply.status < 300,
    url: url.href,
    redirected,
    headers: reply.headers,
    text: async () => body.toString('utf8'),
    json: async () => JSON.parse(body.toString('utf8')),
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  }
}
