// src/github/http-fetch.ts: the fetch Octokit uses (node:http(s), not Node's undici fetch). The
// whole suite drives it through the GitHub emulator; these cases are the parts of fetch the
// emulator does not exercise: encodings, redirects, aborts, broken replies and proxies.
import http from 'node:http'
import net from 'node:net'
import zlib from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { httpFetch } from '../../../src/github/http-fetch.ts'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  body: string
}

const seen: Seen[] = []
let origin = ''
let other = ''
let proxyUrl = ''
const tunnelled: string[] = []
const servers: net.Server[] = []

function route(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://x')
  const send = (status: number, headers: http.OutgoingHttpHeaders, data: string | Buffer = '') => {
    res.writeHead(status, headers)
    res.end(data)
  }
  switch (url.pathname) {
    case '/echo':
      return send(201, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] }, JSON.stringify({ method: req.method, body }))
    case '/gzip':
      return send(200, { 'content-encoding': 'gzip' }, zlib.gzipSync('zipped ✓'))
    case '/br':
      return send(200, { 'content-encoding': 'br' }, zlib.brotliCompressSync('brotli ✓'))
    case '/deflate':
      return send(200, { 'content-encoding': 'deflate' }, zlib.deflateSync('deflated ✓'))
    case '/to-other':
      return send(302, { location: `${other}/echo` })
    case '/to-self':
      return send(307, { location: '/echo' })
    case '/see-other':
      return send(303, { location: '/echo' })
    case '/loop':
      return send(302, { location: '/loop' })
    case '/second-on-socket-resets': {
      // as a server closing an idle kept-alive connection: the next request on it meets a reset
      const socket = req.socket as net.Socket & { served?: number }
      socket.served = (socket.served ?? 0) + 1
      if (socket.served > 1) return void socket.resetAndDestroy()
      return send(200, {}, 'served')
    }
    case '/hang':
      return // never answers
    case '/cut':
      res.writeHead(200, { 'content-length': '100' })
      res.write('only part')
      setTimeout(() => res.socket?.destroy(), 20)
      return
    default:
      return send(404, {}, 'no such path')
  }
}

function listen(server: net.Server): Promise<string> {
  servers.push(server)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

beforeAll(async () => {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = ''
    req.setEncoding('utf8').on('data', (d: string) => { body += d })
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
      route(req, res, body)
    })
  }
  origin = await listen(http.createServer(handler))
  other = await listen(http.createServer(handler))
  // A CONNECT proxy that sends every host to the first server (the names need not resolve).
  proxyUrl = await listen(net.createServer((client) => {
    client.once('data', (head) => {
      const [, hostPort] = /^CONNECT (\S+) HTTP/.exec(head.toString()) ?? []
      if (!hostPort) return client.destroy()
      tunnelled.push(hostPort)
      const upstream = net.connect(Number(new URL(origin).port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
    })
  }))
})
afterAll(() => {
  for (const s of servers) {
    s.close()
    if (s instanceof http.Server) s.closeAllConnections()
  }
})
afterEach(() => {
  seen.length = 0
  delete process.env.HTTP_PROXY
  delete process.env.http_proxy
})

describe('httpFetch', () => {
  test('sends method, headers and body; reads status, every header, and the body as text, JSON and bytes', async () => {
    const res = await httpFetch(`${origin}/echo?x=1`, { method: 'POST', headers: { authorization: 'token t', 'content-type': 'application/json' }, body: '{"a":"ü"}' })
    expect(res.status).toBe(201)
    expect(res.ok).toBe(true)
    expect(res.url).toBe(`${origin}/echo?x=1`)
    expect(res.headers.get('Content-Type')).toBe('application/json')
    expect(Object.fromEntries(res.headers)).toMatchObject({ 'content-type': 'application/json', 'x-multi': 'a, b' })
    expect(await res.json()).toEqual({ method: 'POST', body: '{"a":"ü"}' })
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('{"method":"POST","body":"{\\"a\\":\\"ü\\"}"}')
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/echo?x=1', body: '{"a":"ü"}' })
    expect(seen[0]!.headers).toMatchObject({ authorization: 'token t', 'content-length': String(Buffer.byteLength('{"a":"ü"}')) })
  })

  test.each([['gzip', 'zipped ✓'], ['br', 'brotli ✓'], ['deflate', 'deflated ✓']])('decodes a %s body', async (coding, text) => {
    const res = await httpFetch(`${origin}/${coding}`)
    expect(await res.text()).toBe(text)
    expect(seen[0]!.headers['accept-encoding']).toContain(coding)
  })

  test('follows a redirect to another origin without the authorization header', async () => {
    const res = await httpFetch(`${origin}/to-other`, { headers: { authorization: 'token secret-ish' } })
    expect(res.status).toBe(201)
    expect(res.redirected).toBe(true)
    expect(res.url).toBe(`${other}/echo`)
    expect(seen.map((s) => s.url)).toEqual(['/to-other', '/echo'])
    expect(seen[0]!.headers.authorization).toBe('token secret-ish')
    expect(seen[1]!.headers.authorization).toBeUndefined()
  })

  test('keeps the method, body and authorization on a same-origin 307; a 303 after POST becomes a GET', async () => {
    await httpFetch(`${origin}/to-self`, { method: 'POST', headers: { authorization: 'token a' }, body: 'payload' })
    expect(seen.map((s) => [s.method, s.url, s.body, s.headers.authorization])).toEqual([
      ['POST', '/to-self', 'payload', 'token a'],
      ['POST', '/echo', 'payload', 'token a'],
    ])
    seen.length = 0
    await httpFetch(`${origin}/see-other`, { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } })
    expect(seen.map((s) => [s.method, s.body, s.headers['content-type']])).toEqual([['POST', 'payload', 'text/plain'], ['GET', '', undefined]])
  })

  test("returns the redirect itself with redirect: 'manual'", async () => {
    const res = await httpFetch(`${origin}/to-other`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe(`${other}/echo`)
    expect(seen).toHaveLength(1)
  })

  test('gives up on a redirect loop with a TypeError', async () => {
    await expect(httpFetch(`${origin}/loop`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { message: 'too many redirects' } })
  })

  test("rejects with the signal's reason when it aborts, as fetch does", async () => {
    const started = performance.now()
    const error = await httpFetch(`${origin}/hang`, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'TimeoutError' })
    expect(performance.now() - started).toBeLessThan(5_000)
    const controller = new AbortController()
    controller.abort(new Error('caller gave up'))
    await expect(httpFetch(`${origin}/echo`, { signal: controller.signal })).rejects.toThrow('caller gave up')
  })

  test('network failures are TypeError("fetch failed") with the cause, as Octokit expects of fetch', async () => {
    const closed = http.createServer()
    const url = await listen(closed)
    await new Promise((r) => closed.close(r))
    await expect(httpFetch(`${url}/x`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed', cause: { code: 'ECONNREFUSED' } })
    await expect(httpFetch(`${origin}/cut`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' })
  })

  test('sends a GET again on a fresh connection when the kept-alive one was reset, a POST not', async () => {
    expect(await (await httpFetch(`${origin}/second-on-socket-resets`)).text()).toBe('served')
    expect(await (await httpFetch(`${origin}/second-on-socket-resets`)).text()).toBe('served')
    expect(seen.filter((s) => s.url === '/second-on-socket-resets')).toHaveLength(3) // the reset one, then a fresh socket
    // the fresh connection, kept alive, has served one: a POST on it meets the reset and is not sent again
    await expect(httpFetch(`${origin}/second-on-socket-resets`, { method: 'POST', body: 'x' })).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNRESET' } })
    expect(seen.filter((s) => s.url === '/second-on-socket-resets')).toHaveLength(4)
  })

  test('goes through the proxy of HTTP_PROXY, as the toolkit does', async () => {
    process.env.HTTP_PROXY = proxyUrl
    const res = await httpFetch('http://api.github.test:8080/echo', { method: 'POST', body: 'via proxy' })
    expect(await res.json()).toEqual({ method: 'POST', body: 'via proxy' })
    expect(tunnelled).toContain('api.github.test:8080')
  })
})
