// src/vendor/undici-lazy.cjs stands in for the `undici` package in dist/ (tsconfig.json "paths"):
// it must not load undici until a proxy needs it, and with a proxy it must be the real thing; in
// dist/ undici is a chunk of its own (the stand-in imports it dynamically).
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import os from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startGitHubEmulator } from '../emulator/github/index.ts'
import { runAction } from '../runner.ts'

const require = createRequire(import.meta.url)
const undiciPath = require.resolve('undici/index.js')
const lazy = require('../../src/vendor/undici-lazy.cjs') as {
  fetch: typeof globalThis.fetch
  ProxyAgent: new (url: string) => object
}

let server: http.Server
let proxy: net.Server
let target = ''
let proxyUrl = ''
const tunnelled: string[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => res.end(`hello ${req.url}`))
  // A CONNECT proxy, as undici's ProxyAgent speaks to one.
  proxy = net.createServer((client) => {
    client.once('data', (head) => {
      const [, hostPort] = /^CONNECT (\S+) HTTP/.exec(head.toString()) ?? []
      if (!hostPort) return client.destroy()
      tunnelled.push(hostPort)
      const [host, port] = hostPort.split(':')
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      upstream.on('error', () => client.destroy())
    })
  })
  await Promise.all([
    new Promise<void>((r) => server.listen(0, '127.0.0.1', r)),
    new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r)),
  ])
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(() => {
  server.close()
  proxy.close()
})

describe('the lazy undici stand-in', () => {
  test('a fetch without a proxy dispatcher is Node\'s own fetch and does not load undici', async () => {
    const res = await lazy.fetch(`${target}/plain`)
    expect(await res.text()).toBe('hello /plain')
    expect(require.cache[undiciPath]).toBeUndefined()
  })

  test('making a ProxyAgent does not load undici either (http-client makes one at load time behind a proxy)', () => {
    new lazy.ProxyAgent(proxyUrl)
    expect(require.cache[undiciPath]).toBeUndefined()
  })

  test('a fetch through a ProxyAgent uses the real undici ProxyAgent and goes through the proxy', async () => {
    const agent = new lazy.ProxyAgent(proxyUrl) as { real(): Promise<object> }
    const res = await lazy.fetch(`${target}/proxied`, { dispatcher: agent } as unknown as RequestInit)
    expect(await res.text()).toBe('hello /proxied')
    expect(tunnelled).toContain(new URL(target).host)
    const real = await agent.real()
    expect(real).toBeInstanceOf((require('undici/index.js') as { ProxyAgent: new () => object }).ProxyAgent)
    expect(await agent.real()).toBe(real) // made once
  })
})

// In dist/, undici is a chunk of its own, which a command without a proxy never loads.
describe('the bundle', () => {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..', 'dist')
  const undiciChunks = () =>
    fs.readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      // an error code only undici's sources carry
      .filter((f) => fs.readFileSync(path.join(dist, f), 'utf8').includes('UND_ERR_PRX_TLS'))

  test('undici is in a chunk of its own, without @actions/http-client beside it', () => {
    const chunks = undiciChunks()
    expect(chunks).toHaveLength(1)
    expect(fs.readFileSync(path.join(dist, chunks[0]!), 'utf8')).not.toContain('HttpClient')
  })

  test('the token command (no proxy) does not load it', async () => {
    const gh = await startGitHubEmulator()
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'undici-loads-'))
    try {
      const list = path.join(temp, 'loaded.txt')
      fs.writeFileSync(list, '')
      const hook = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..', 'bench', 'lib', 'loaded-files.mjs')).href
      const result = await runAction({
        inputs: { 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1 },
        env: { GITHUB_API_URL: gh.url, NODE_OPTIONS: `--import=${hook}`, BENCH_LOADED_FILES: list },
      })
      expect(result.exitCode).toBe(0)
      const loaded = fs.readFileSync(list, 'utf8').split('\n').filter(Boolean).map((u) => path.basename(fileURLToPath(u)))
      expect(loaded).toContain('index.js')
      expect(loaded.some((f) => f.endsWith('.index.js'))).toBe(true) // the hook saw the chunks
      for (const chunk of undiciChunks()) expect(loaded).not.toContain(chunk)
    } finally {
      fs.rmSync(temp, { recursive: true, force: true })
      await gh.close()
    }
  })
})
