// src/vendor/undici-lazy.cjs stands in for the `undici` package in dist/ (tsconfig.json "paths"):
// it must not load undici until a proxy needs it, and with a proxy it must be the real thing.
import http from 'node:http'
import net from 'node:net'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const require = createRequire(import.meta.url)
const undiciPath = require.resolve('undici/index.js')
const lazy = require('../src/vendor/undici-lazy.cjs') as {
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

  test('a ProxyAgent is the real undici ProxyAgent, and a fetch through it goes through the proxy', async () => {
    const agent = new lazy.ProxyAgent(proxyUrl)
    expect(agent).toBeInstanceOf((require('undici/index.js') as { ProxyAgent: new () => object }).ProxyAgent)
    const res = await lazy.fetch(`${target}/proxied`, { dispatcher: agent } as RequestInit)
    expect(await res.text()).toBe('hello /proxied')
    expect(tunnelled).toContain(new URL(target).host)
  })
})
