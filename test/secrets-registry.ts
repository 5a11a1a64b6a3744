// A process-wide record of the secrets a test file handed out (installation tokens, JWTs, app
// private keys) and of everything the action left behind (logs, outputs, summaries, state files,
// runtime artifacts and cache entries), so test/setup/secret-scan.ts can check that no secret
// reached any of it. Registration is a no-op until the scan is enabled (the demo and the
// benchmarks import the runner and emulators too, and must not keep what they produce).
import { createPrivateKey, createPublicKey } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { unzipText } from '../src/store/unzip.ts'

/** A leaked key is found by any slice this long of its PEM body (40 base64 chars = 30 key bytes). */
export const KEY_SLICE = 40

export interface Leakable { where: string; text: string }
export interface SecretSource { values?: string[]; keys?: string[] }
/** Stored bytes to look into (zip, gzip or zstd archives are opened). */
export interface BlobSource { where: string; bytes: Buffer | undefined }

let enabled = false
const secretValues = new Set<string>()
const keyPems = new Set<string>()
const keySlices = new Set<string>()
const secretSources: (() => SecretSource)[] = []
const blobSources: (() => BlobSource[])[] = []
const seenBlobs = new WeakSet<Buffer>()
let pending: Leakable[] = []

export function enableSecretScan(): void { enabled = true }
export function scanEnabled(): boolean { return enabled }

export function registerSecret(value: string): void {
  if (enabled && value.length >= 20) secretValues.add(value) // real tokens and JWTs are longer; skips toy strings
}

/** A PEM private key: every KEY_SLICE-character slice of its base64 body becomes a secret
 *  (except the slices its public key shares, e.g. the modulus, which is not secret). */
export function registerPrivateKey(pem: string): void {
  if (!enabled || keyPems.has(pem)) return
  keyPems.add(pem)
  const body = pemBody(pem)
  let publicBodies: string[] = []
  try {
    const pub = createPublicKey(createPrivateKey(pem))
    publicBodies = [pub.export({ type: 'spki', format: 'pem' }), ...(pub.asymmetricKeyType === 'rsa' ? [pub.export({ type: 'pkcs1', format: 'pem' })] : [])]
      .map((p) => pemBody(p.toString()))
  } catch { /* not a key Node reads (a damaged fixture): its body is still secret */ }
  for (let i = 0; i + KEY_SLICE <= body.length; i++) {
    const slice = body.slice(i, i + KEY_SLICE)
    if (!publicBodies.some((b) => b.includes(slice))) keySlices.add(slice)
  }
}

/** Secrets read at scan time (e.g. an emulator's issuedSecrets() and its apps' keys). */
export function registerSecretSource(source: () => SecretSource): void {
  if (enabled) secretSources.push(source)
}

/** Stored state read at scan time (e.g. the runtime emulator's artifacts and cache entries). */
export function registerBlobSource(source: () => BlobSource[]): void {
  if (enabled) blobSources.push(source)
}

export function registerLeakable(where: string, text: string): void {
  if (enabled && text) pending.push({ where, text })
}

/** Every file under `dir` (read now, as latin1 so any bytes survive), e.g. a file store or a workspace. */
export function registerTree(where: string, dir: string): void {
  if (!enabled) return
  for (const file of listFiles(dir)) {
    try {
      registerLeakable(`${where}/${path.relative(dir, file)}`, fs.readFileSync(file, 'latin1'))
    } catch { /* vanished or unreadable on purpose (a test's fixture) */ }
  }
}

function listFiles(dir: string, depth = 0): string[] {
  let entries: fs.Dirent[]
  try { entries = fs.readdirSync(dir, { withFileTypes: true }) } catch { return [] }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() && depth < 8 ? listFiles(p, depth + 1) : e.isFile() ? [p] : []
  })
}

function pemBody(pem: string): string {
  return pem.replace(/\\n/g, '\n').split('\n').filter((l) => !l.startsWith('-----') && !l.includes(':')).join('').replace(/\s+/g, '')
}

function refreshSecrets(): void {
  for (const source of secretSources) {
    const s = source()
    for (const v of s.values ?? []) registerSecret(v)
    for (const k of s.keys ?? []) registerPrivateKey(k)
  }
}

/** What leaked into `text`, described without the secret itself (a report must not leak it again). */
export function findLeaks(text: string): string[] {
  const found: string[] = []
  for (const v of secretValues) {
    if (text.includes(v)) found.push(`${v.startsWith('ghs_') ? 'an installation token' : v.split('.').length === 3 ? 'a JWT' : 'a secret'} (${v.length} chars, starting ${v.slice(0, 4)}…)`)
  }
  if (keySlices.size > 0) {
    for (const run of text.matchAll(/[A-Za-z0-9+/]{40,}/g)) {
      const s = run[0]
      let hit = false
      for (let i = 0; i + KEY_SLICE <= s.length && !hit; i++) hit = keySlices.has(s.slice(i, i + KEY_SLICE))
      if (hit) { found.push(`a private key's body (at offset ${run.index})`); break }
    }
  }
  return found
}

/** Throws when `text` holds a registered secret (the proof that the scan can fail). */
export function scan(where: string, text: string): void {
  refreshSecrets()
  const leaks = findLeaks(text)
  if (leaks.length > 0) throw new Error(`Secret scan: ${where} contains ${leaks.join(', ')}.`)
}

async function openBlob(bytes: Buffer): Promise<string[]> {
  try {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) return [...(await unzipText(bytes)).values()]
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return [zlib.gunzipSync(bytes).toString('latin1')]
    const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync
    if (bytes.readUInt32LE(0) === 0xfd2fb528 && zstd) return [zstd(bytes).toString('latin1')]
  } catch { /* not the archive it looked like: the raw bytes are scanned anyway */ }
  return []
}

/** Leaks in everything registered since the last call (texts and new blobs); clears the queue. */
export async function scanPending(): Promise<string[]> {
  refreshSecrets()
  const items = pending
  pending = []
  for (const source of blobSources) {
    for (const { where, bytes } of source()) {
      if (!bytes || seenBlobs.has(bytes)) continue
      seenBlobs.add(bytes)
      items.push({ where, text: bytes.toString('latin1') })
      for (const text of await openBlob(bytes)) items.push({ where: `${where} (unpacked)`, text })
    }
  }
  const problems: string[] = []
  for (const item of items) {
    const leaks = findLeaks(item.text)
    if (leaks.length > 0) problems.push(`${item.where} contains ${leaks.join(', ')}`)
  }
  return problems
}

export function secretCounts(): { values: number; keys: number } {
  refreshSecrets()
  return { values: secretValues.size, keys: keyPems.size }
}

/** What one run of the action left behind, as test/runner.ts sees it before deleting its files. */
export interface RunTrace {
  stdout: string
  stderr: string
  outputs: Record<string, string>
  exportedEnv: Record<string, string>
  summary: string
}

/** Registers a run's logs (less the ::add-mask:: lines), outputs but `token`, exported variables,
 *  step summary, and the files of its workspace and of a `file:` store. */
export function registerRunResult(label: string, r: RunTrace, dirs: { workspace: string; runnerTemp?: string; store?: string }): void {
  if (!enabled) return
  registerLeakable(`${label} stdout`, r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n'))
  registerLeakable(`${label} stderr`, r.stderr)
  for (const [name, value] of Object.entries(r.outputs)) if (name !== 'token') registerLeakable(`${label} output ${name}`, value)
  for (const [name, value] of Object.entries(r.exportedEnv)) registerLeakable(`${label} GITHUB_ENV ${name}`, value)
  registerLeakable(`${label} step summary`, r.summary)
  registerTree(`${label} workspace`, dirs.workspace)
  if (dirs.runnerTemp) registerTree(`${label} RUNNER_TEMP`, dirs.runnerTemp) // the job memory lives there
  const store = dirs.store?.trim()
  if (store?.toLowerCase().startsWith('file:')) {
    const dir = path.resolve(dirs.workspace, store.slice(5).trim())
    if (!dir.startsWith(dirs.workspace + path.sep)) registerTree(`${label} store`, dir)
  }
}
