// What a transition step's process loads, per store, and when: loading is most of a step's CPU. The
// artifact and cache stores' steps on github.com load no Azure SDK (src/store/results-client.ts,
// src/store/cache-service.ts) and so not Node's own undici (the SDK's FormData check loads it),
// the cache store starts no tar or zstd process, and a store's libraries load after the step's
// first GitHub request is sent (http-fetch.ts firstRequestSent).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { appStep, jobEnv } from '../fault-harness.ts'
import { startStoreHarness, type StoreHarness } from '../store-contract.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const dist = path.join(root, 'dist')
let h: StoreHarness
let temp: string
let hook: string

beforeAll(async () => {
  h = await startStoreHarness()
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'store-loads-'))
  // At exit: Node's own modules loaded (process.moduleLoadList) and the bundle's files (import hook).
  hook = path.join(temp, 'hook.mjs')
  fs.writeFileSync(hook, [
    `import fs from 'node:fs'`,
    `import ${JSON.stringify(pathToFileURL(path.join(root, 'bench', 'lib', 'loaded-files.mjs')).href)}`,
    `import { registerHooks } from 'node:module'`,
    `import dc from 'node:diagnostics_channel'`,
    `process.on('exit', () => fs.writeFileSync(process.env.LOADS_FILE, process.moduleLoadList.join('\\n')))`,
    // every child process (spawn, execFile, exec all start one through ChildProcess#spawn)
    `import { ChildProcess } from 'node:child_process'`,
    `const spawn = ChildProcess.prototype.spawn`,
    `ChildProcess.prototype.spawn = function (o) { fs.appendFileSync(process.env.ORDER_FILE, 'spawn ' + o.file + '\\n'); return spawn.call(this, o) }`,
    // the order of the bundle's file loads and the requests sent
    `registerHooks({ load(url, context, next) { if (url.startsWith('file:')) fs.appendFileSync(process.env.ORDER_FILE, 'load ' + url + '\\n'); return next(url, context) } })`,
    `dc.subscribe('http.client.request.start', ({ request }) => fs.appendFileSync(process.env.ORDER_FILE, 'request ' + request.path + '\\n'))`,
  ].join('\n'))
})
afterAll(async () => {
  await h.close()
  fs.rmSync(temp, { recursive: true, force: true })
})

/** queued, then building of one build; what the building step's process loaded. */
async function buildingLoads(store: string, more: Record<string, string> = {}): Promise<{ native: string[]; files: string[]; order: string[] }> {
  const sha = randomBytes(20).toString('hex')
  const runnerTemp = fs.mkdtempSync(path.join(temp, 'job-'))
  const native = path.join(temp, `native-${store.replace(/\W/g, '-')}.txt`)
  const files = path.join(temp, `files-${store.replace(/\W/g, '-')}.txt`)
  const order = path.join(temp, `order-${store.replace(/\W/g, '-')}.txt`)
  fs.writeFileSync(files, '')
  for (const command of ['queued', 'building']) {
    const { result } = await appStep(h.github, command, {
      sha, store, inputs: { builds: 'linux' },
      env: {
        ...jobEnv(h.runtime, { runId: 300, job: command, sha, runnerTemp }),
        NODE_OPTIONS: `--import=${pathToFileURL(hook).href}`, LOADS_FILE: native, BENCH_LOADED_FILES: files, ORDER_FILE: order,
        ...more,
      },
    })
    expect(result.exitCode, `${store} ${command}\n${result.stdout}\n${result.stderr}`).toBe(0)
    if (command === 'queued') fs.writeFileSync(order, '') // the building step's alone
  }
  return {
    native: fs.readFileSync(native, 'utf8').split('\n'),
    files: fs.readFileSync(files, 'utf8').split('\n').filter(Boolean).map((u) => path.basename(fileURLToPath(u))),
    order: fs.readFileSync(order, 'utf8').split('\n').filter(Boolean)
      .map((l) => (l.startsWith('load ') ? `load ${path.basename(fileURLToPath(l.slice(5)))}` : l)),
  }
}

/** Where in the step's order the first request went out and `chunk` loaded. */
function firstRequestBefore(order: string[], chunk: string): void {
  const request = order.findIndex((l) => l.startsWith('request '))
  const load = order.indexOf(`load ${chunk}`)
  expect(request, order.join('\n')).toBeGreaterThanOrEqual(0)
  expect(load, order.join('\n')).toBeGreaterThan(request)
}

const chunksWith = (text: string) => fs.readdirSync(dist).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(dist, f), 'utf8').includes(text))
// a class only @azure/storage-blob defines
const azureChunks = () => chunksWith('BlockBlobClient')

describe('what a building step loads', () => {
  test('artifact store: no Azure SDK, no undici', async () => {
    const { native, files, order } = await buildingLoads('artifact')
    expect(files.some((f) => f.endsWith('.index.js'))).toBe(true) // the hook saw the chunks
    expect(azureChunks().length).toBeGreaterThan(0) // the cache store still bundles it
    for (const chunk of azureChunks()) expect(files).not.toContain(chunk)
    expect(native.filter((m) => /undici/.test(m))).toEqual([])
    // the store's code loads after the step's first GitHub request is sent, not before
    const [store] = chunksWith('ResultsClient:')
    firstRequestBefore(order, store!)
  })

  test('file store: neither the Azure SDK nor fflate (zip)', async () => {
    const { files } = await buildingLoads(`file:${path.join(temp, 'state')}`)
    expect(files.some((f) => f.endsWith('.index.js'))).toBe(true)
    const zipChunks = chunksWith('invalid zip data') // an error text of fflate
    expect(zipChunks.length).toBeGreaterThan(0)
    for (const chunk of [...azureChunks(), ...zipChunks]) expect(files).not.toContain(chunk)
  })

  test('cache store: no Azure SDK, no undici, no tar or zstd process', async () => {
    const { native, files, order } = await buildingLoads('cache')
    expect(files.some((f) => f.endsWith('.index.js'))).toBe(true)
    for (const chunk of azureChunks()) expect(files).not.toContain(chunk)
    expect(native.filter((m) => /undici/.test(m))).toEqual([])
    expect(order.filter((l) => l.startsWith('spawn '))).toEqual([])
    const [store] = chunksWith('CacheServiceClient')
    firstRequestBefore(order, store!)
  })

  test('cache store on GHES (the legacy service, through @actions/cache): the Azure SDK, loaded after the first request', async () => {
    // GHES: a server that is not github.com, and the runtime's legacy cache service only
    const ghes = { GITHUB_SERVER_URL: h.github.url, ...h.runtime.runtimeEnv({ runId: 300, jobId: 'building', ref: 'refs/heads/main', ghes: true }) }
    const { files, order } = await buildingLoads('cache', ghes)
    expect(azureChunks().some((c) => files.includes(c))).toBe(true)
    for (const chunk of azureChunks().filter((c) => files.includes(c))) firstRequestBefore(order, chunk)
    expect(order.some((l) => l.startsWith('spawn '))).toBe(true) // tar (and zstd --version)
  })
})
