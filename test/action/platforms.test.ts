// What differs on Windows and macOS runners, tested where a Linux machine can test it (see
// docs/platforms.md for what is proven and what is not). Windows paths are built with path.win32.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { repositoryPath } from '../../src/commands/transition-inputs.ts'
import { demoteToDebug } from '../../src/log-context.ts'
import { cacheVersions } from '../../src/store/cache-entry.ts'
import { resolveStoreSpec } from '../../src/store/index.ts'
import { fragmentName } from '../../src/store/naming.ts'
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { mountActionsStorage } from '../emulator/github-actions-storage.ts'
import { startGitHubEmulator, type GitHubEmulator } from '../emulator/github/index.ts'
import { startRuntimeEmulator, type RuntimeEmulator } from '../emulator/runtime/index.ts'
import { jobEnv, REPO } from '../fault-harness.ts'
import { runAction } from '../runner.ts'

const WIN_WORKSPACE = path.win32.join('D:\\', 'a', 'repo', 'repo')

describe('annotation paths from Windows tools are made repository-relative with /', () => {
  test.each([
    [path.win32.join(WIN_WORKSPACE, 'src', 'a.ts'), WIN_WORKSPACE, 'src/a.ts'],
    ['d:\\A\\repo\\REPO\\src\\a.ts', WIN_WORKSPACE, 'src/a.ts'], // drive letters and NTFS names compare case-insensitively
    ['src\\lib\\a.ts', WIN_WORKSPACE, 'src/lib/a.ts'],
    ['D:/a/repo/repo/src/a.ts', `${WIN_WORKSPACE}\\`, 'src/a.ts'],
    ['C:\\elsewhere\\a.ts', WIN_WORKSPACE, 'C:/elsewhere/a.ts'], // outside the workspace: left (GitHub will not link it)
    ['/home/runner/work/repo/repo/src/a.ts', '/home/runner/work/repo/repo', 'src/a.ts'],
    ['/Users/runner/work/repo/repo/src/a.ts', '/Users/runner/work/repo/repo', 'src/a.ts'], // macOS
    ['/home/runner/work/repo/REPO/src/a.ts', '/home/runner/work/repo/repo', '/home/runner/work/repo/REPO/src/a.ts'], // POSIX: case matters
    ['./src/a.ts', '/home/runner/work/repo/repo', 'src/a.ts'],
    ['src/a.ts', '', 'src/a.ts'],
  ])('%s (workspace %s) -> %s', (file, workspace, want) => {
    expect(repositoryPath(file, workspace)).toBe(want)
  })
})

describe('store inputs with Windows paths', () => {
  test.each(['file:C:\\ci-state', 'file:D:/ci-state', 'file:\\\\server\\share\\ci-state'])('%s is kept as given', (spec) => {
    expect(resolveStoreSpec(spec, 'https://github.com')).toBe(spec)
    expect(resolveStoreSpec(`${spec}\r`, 'https://github.com')).toBe(spec) // a CRLF-ended input
  })
})

describe('fragment names are valid file names on Windows, macOS and Linux', () => {
  // NTFS forbids < > : " / \ | ? * and control characters, and a trailing dot or space; a file
  // name has at most 255 UTF-16 units (https://learn.microsoft.com/windows/win32/fileio/naming-a-file);
  // the file store adds `.` + a UUID + `.tmp` to a temporary copy.
  const WINDOWS_BAD = /[<>:"/\\|?*\u0000-\u001f]|[. ]$/
  test('for any job and step id', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), fc.string(), (job, step, suite) => {
      const name = fragmentName({ repository: 'o/r', head_sha: 'a'.repeat(40), suite }, { run_id: 2 ** 40, run_attempt: 99, job, step })
      // as the file store (and the cache store's archived file) names them: with .json
      expect(`${name}.json`).not.toMatch(WINDOWS_BAD)
      expect(`.${name}.${'0'.repeat(36)}.tmp`).not.toMatch(WINDOWS_BAD)
      expect(`.${name}.json.${'0'.repeat(36)}.tmp`.length).toBeLessThanOrEqual(255)
    }), { numRuns: 500 })
  })
})

describe('the toolkit\'s lines end with the runner\'s line end', () => {
  test('CRLF (Windows os.EOL) lines are demoted line by line, workflow commands are not', () => {
    expect(demoteToDebug('Cache saved successfully\r\n')).toBe('::debug::Cache saved successfully\r\n')
    expect(demoteToDebug('a\r\n::warning::w\r\n100% done\r\n')).toBe('::debug::a\r\n::warning::w\r\n::debug::100%25 done\r\n')
  })
})

describe('the cache store shares entries across operating systems', () => {
  // @actions/cache names an entry's version after its paths, the compression and, on Windows
  // unless enableCrossOsArchive, 'windows-only' (cacheUtils.ts getCacheVersion). The store passes
  // the same relative path with '/' everywhere and enableCrossOsArchive, so the version depends
  // on the compression alone. Evaluated with process.platform set to each runner's value.
  let getCacheVersion: (paths: string[], compression?: string, crossOs?: boolean) => string
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!
  beforeAll(async () => {
    const utils = (await import(path.join(process.cwd(), 'node_modules/@actions/cache/lib/internal/cacheUtils.js'))) as { getCacheVersion: typeof getCacheVersion }
    getCacheVersion = utils.getCacheVersion
  })
  afterAll(() => Object.defineProperty(process, 'platform', platform))
  const on = (p: string, f: () => string) => {
    Object.defineProperty(process, 'platform', { ...platform, value: p })
    try { return f() } finally { Object.defineProperty(process, 'platform', platform) }
  }
  const paths = ['.github-app-ci-store/github-app-ci-0123456789abcdef-1-1-build-app-12345678.json']

  test.each(['zstd-without-long', 'zstd', 'gzip'])('%s: the same version on win32, darwin and linux', (compression) => {
    const linux = on('linux', () => getCacheVersion(paths, compression, true))
    expect(on('win32', () => getCacheVersion(paths, compression, true))).toBe(linux)
    expect(on('darwin', () => getCacheVersion(paths, compression, true))).toBe(linux)
    // without enableCrossOsArchive a Windows job would not see a Linux job's entry
    expect(on('win32', () => getCacheVersion(paths, compression, false))).not.toBe(linux)
  })

  test('but a runner with zstd and one without it (gzip) make different versions: they do not see each other\'s entries', () => {
    expect(getCacheVersion(paths, 'zstd-without-long', true)).not.toBe(getCacheVersion(paths, 'gzip', true))
  })

  test('the store computes the same versions as the toolkit (to say which compression an entry was saved with)', () => {
    const key = 'github-app-ci-0123456789abcdef-1-1-build-app-12345678'
    const mine = cacheVersions(key)
    for (const c of ['zstd-without-long', 'zstd', 'gzip'] as const) expect(mine[c]).toBe(getCacheVersion([`.github-app-ci-store/${key}.json`], c, true))
  })
})

describe('a Windows runner\'s inputs and files with CRLF line ends (real dist/, RUNNER_OS=Windows)', () => {
  let gh: GitHubEmulator
  let dir: string
  beforeAll(async () => {
    gh = await startGitHubEmulator()
    gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platforms-'))
  })
  afterAll(async () => {
    await gh.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('builds, summary-file and annotations-file: no stray \\r in names, paths made relative', async () => {
    const workspace = path.join(dir, 'workspace')
    fs.mkdirSync(workspace)
    fs.writeFileSync(path.join(workspace, 'summary.md'), '## Tests\r\n\r\n12 passed\r\n')
    fs.writeFileSync(path.join(workspace, 'lint.json'), JSON.stringify([
      { path: 'src\\win.ts', start_line: 3, end_line: 3, annotation_level: 'warning', message: 'unused' },
    ], null, 2).replace(/\n/g, '\r\n'))
    const sha = 'c'.repeat(40)
    const common = { 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1.replace(/\n/g, '\r\n'), store: `file:${path.join(dir, 'state')}\r` }
    const env = { GITHUB_API_URL: gh.url, GITHUB_SHA: sha, RUNNER_OS: 'Windows', GITHUB_APP_CI_RETRY_BASE_MS: '10' }
    const queued = await runAction({ inputs: { ...common, command: 'queued', builds: 'linux\r\nwindows\r\n' }, env, workdir: workspace })
    expect(queued.exitCode, queued.stdout).toBe(0)
    const built = await runAction({
      inputs: { ...common, command: 'built', builds: 'windows\r\n', conclusion: 'success\r\n', 'summary-file': 'summary.md', 'annotations-file': 'lint.json' },
      env, workdir: workspace,
    })
    expect(built.exitCode, built.stdout).toBe(0)
    expect(built.warnings).toEqual([])
    const runs = gh.checkRuns('octo-org/repo-a').filter((r) => r.head_sha === sha)
    expect(runs.map((r) => r.name).sort()).toEqual(['ci / CONCLUSION', 'ci / linux', 'ci / windows'])
    const win = runs.find((r) => r.name === 'ci / windows')!
    expect(win).toMatchObject({ status: 'completed', conclusion: 'success' })
    expect(win.output.summary).toContain('12 passed')
    expect(win.annotations).toEqual([expect.objectContaining({ path: "src/win.ts" })])
  }, 60_000)
})

/** A directory to be a PATH with tar and gzip but no zstd: @actions/cache then compresses with gzip. */
function pathWithoutZstd(): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'no-zstd-'))
  for (const tool of ['tar', 'gzip']) {
    const found = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, tool)).find((f) => fs.existsSync(f))
    if (!found) throw new Error(`${tool} is needed on PATH for this test`)
    fs.symlinkSync(found, path.join(bin, tool))
  }
  return bin
}

// On github.com the cache store makes its archives itself (src/store/cache-service.ts): the
// tar + zstd @actions/cache makes on a runner with zstd, and it reads an entry under the version
// the listing names, so a runner without zstd (self-hosted; @actions/cache then uses gzip) and one
// with it read each other's entries, and @actions/cache reads ours.
describe('the cache store and @actions/cache, on runners with zstd and without', () => {
  let gh: GitHubEmulator
  let runtime: RuntimeEmulator
  let bin: string
  let work: string
  beforeAll(async () => {
    ;[gh, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
    mountActionsStorage(gh, runtime)
    gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
    bin = pathWithoutZstd()
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'toolkit-cache-'))
  })
  afterAll(async () => {
    await Promise.all([gh.close(), runtime.close()])
    fs.rmSync(bin, { recursive: true, force: true })
    fs.rmSync(work, { recursive: true, force: true })
  })

  /** @actions/cache itself, in a process of its own: restore or save `key`'s file (relative to `work`). */
  async function toolkit(op: 'restore' | 'save', key: string, env: Record<string, string>): Promise<string> {
    const script = path.join(work, 'toolkit.mjs')
    fs.writeFileSync(script, [
      `import * as cache from ${JSON.stringify(pathToFileURL(path.resolve('node_modules/@actions/cache/lib/cache.js')).href)}`,
      `const [op, key] = process.argv.slice(2), file = '.github-app-ci-store/' + key + '.json'`,
      `const r = op === 'restore' ? await cache.restoreCache([file], key, [], undefined, true) : await cache.saveCache([file], key, undefined, true)`,
      `process.stdout.write('\\n=' + String(r))`,
    ].join('\n'))
    // not execFileSync: the emulators answering it run in this process
    const { stdout: out } = await promisify(execFile)(process.execPath, [script, op, key], { cwd: work, env: { ...process.env, ...env, RUNNER_TEMP: work }, encoding: 'utf8' })
    return out.slice(out.lastIndexOf('\n=') + 2)
  }

  test('@actions/cache restores what the action saved; the action restores what @actions/cache saved with gzip', async () => {
    const sha = randomBytes(20).toString('hex')
    const env = (job: string) => ({ ...jobEnv(runtime, { runId: 4000, job, sha }), GITHUB_API_URL: gh.url, GITHUB_APP_CI_RETRY_BASE_MS: '10' })
    const step = (job: string, command: string, inputs: Record<string, string>, more: Record<string, string> = {}) => runAction({
      inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: 'cache', ...inputs },
      env: { ...env(job), ...more },
      timeoutMs: 60_000,
    })
    // the action needs no zstd (nor tar): it makes its archives itself
    const queued = await step('queue', 'queued', { builds: 'linux' }, { PATH: bin })
    expect(queued.exitCode, queued.stdout).toBe(0)
    expect(queued.warnings).toEqual([])
    const [entry] = runtime.cacheEntries(REPO).filter((e) => e.key.startsWith('github-app-ci-'))
    expect(entry!.version).toBe(cacheVersions(entry!.key)['zstd-without-long'])

    // @actions/cache on a runner with zstd finds and extracts it
    expect(await toolkit('restore', entry!.key, env('other'))).toBe(entry!.key)
    const text = fs.readFileSync(path.join(work, '.github-app-ci-store', `${entry!.key}.json`), 'utf8')
    expect(text.length).toBeGreaterThan(0)

    // the same fragment saved again by @actions/cache without zstd: a gzip entry
    runtime.deleteCache(entry!.key)
    expect(Number(await toolkit('save', entry!.key, { ...env('queue'), PATH: bin }))).toBeGreaterThan(0)
    expect(runtime.cacheEntries(REPO).find((e) => e.key === entry!.key)!.version).toBe(cacheVersions(entry!.key).gzip)

    const building = await step('linux', 'building', { builds: 'linux' })
    expect(building.exitCode, building.stdout).toBe(0)
    expect(building.warnings).toEqual([])
    expect(gh.checkRuns(REPO).find((r) => r.head_sha === sha && r.name === 'ci / linux')?.status).toBe('in_progress')
  }, 120_000)
})

// GHES has only the legacy cache service, where the action saves through @actions/cache, which
// looks an entry up under the version of its own runner's compression.
describe('on GHES, the cache store between a runner with zstd and one without (self-hosted)', () => {
  let gh: GitHubEmulator
  let runtime: RuntimeEmulator
  let bin: string
  beforeAll(async () => {
    ;[gh, runtime] = await Promise.all([startGitHubEmulator(), startRuntimeEmulator()])
    mountActionsStorage(gh, runtime)
    gh.setSecondaryLimits({ perMinute: 100_000, perHour: 100_000 })
    bin = pathWithoutZstd()
  })
  afterAll(async () => {
    await Promise.all([gh.close(), runtime.close()])
    fs.rmSync(bin, { recursive: true, force: true })
  })

  test('an entry saved with gzip does not restore where zstd is found, and the warning says why', async () => {
    const sha = randomBytes(20).toString('hex')
    const step = (job: string, command: string, inputs: Record<string, string>, env: Record<string, string> = {}) => runAction({
      inputs: { command, 'app-id': String(gh.app.id), 'private-key': gh.app.privateKeyPkcs1, store: 'cache', ...inputs },
      env: {
        ...runtime.runtimeEnv({ runId: 4000, jobId: job, ref: 'refs/heads/main', repository: REPO, headSha: sha, ghes: true }),
        GITHUB_RUN_ID: '4000', GITHUB_JOB: job, GITHUB_SHA: sha, GITHUB_SERVER_URL: gh.url, GITHUB_API_URL: gh.ghesApiUrl,
        GITHUB_APP_CI_RETRY_BASE_MS: '10', ...env,
      },
      timeoutMs: 60_000,
    })
    const queued = await step('queue', 'queued', { builds: 'linux' }, { PATH: bin })
    expect(queued.exitCode, queued.stdout).toBe(0)
    expect(queued.warnings).toEqual([])
    const building = await step('linux', 'building', { builds: 'linux' })
    expect(building.exitCode, building.stdout).toBe(0)
    // the transition still reaches GitHub (rebuilt from the check runs), with one warning that names the cause
    expect(gh.checkRuns(REPO).find((r) => r.head_sha === sha && r.name === 'ci / linux')?.status).toBe('in_progress')
    expect(building.warnings.join('\n')).toMatch(/saved with gzip \(a runner without zstd\) compression.*install zstd on every runner of this suite/)
  }, 120_000)
})
