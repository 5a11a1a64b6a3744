// Keeps `npm run demo` from rotting: runs test/demo.ts as `npm run demo` does (a child process,
// --experimental-strip-types) and checks what it prints: the fault left a record unsynced, and
// after the scheduled reconcile GitHub shows 6 completed builds and a completed CONCLUSION run.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-strip-types', 'test/demo.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** The table printed after the phase whose heading starts with `heading`: rows of columns. */
function table(stdout: string, heading: string): string[][] {
  const section = stdout.split(/^== /m).find((s) => s.startsWith(heading))
  expect(section, `no "${heading}" section in:\n${stdout}`).toBeDefined()
  return section!.split('\n').slice(2).filter((l) => l.startsWith('  ci / ')).map((l) => l.trim().split(/\s{2,}/))
}

test('npm run demo: the workflow runs, the fault is repaired, the final table is complete', async () => {
  const { code, stdout, stderr } = await runDemo()
  expect(code, `${stdout}\n${stderr}`).toBe(0)
  expect(stdout).not.toMatch(/ghs_|-----BEGIN|eyJ[\w-]+\.eyJ/) // no token, key or JWT printed

  const matrix = table(stdout, 'matrix')
  expect(matrix.filter((r) => r.at(-1)!.includes('UNSYNCED')).map((r) => r[0])).toContain('ci / windows-x64')

  const final = table(stdout, 'reconcile')
  const builds = final.filter((r) => r[0] !== 'ci / CONCLUSION')
  expect(builds).toHaveLength(6)
  for (const [name, status, conclusion, , recorded] of builds) {
    expect(status, name).toBe('completed')
    expect(conclusion, name).toBe(name === 'ci / macos-arm64' ? 'failure' : 'success')
    expect(recorded, name).toBe('built')
  }
  expect(final.find((r) => r[0] === 'ci / CONCLUSION')).toEqual(['ci / CONCLUSION', 'completed', 'failure', '🔴 FAILURE · 6 builds: 1 failed', 'built'])
  expect(stdout).toMatch(/reconciled totals: .*"unsynced":0.*; unsynced=0$/m)
  expect(stdout).toMatch(/^demo finished in [\d.]+ s$/m)
}, 180_000)
