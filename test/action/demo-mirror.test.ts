// Keeps `npm run demo:mirror` from rotting: runs test/demo-mirror.ts as the script does and checks
// what it prints: a fork's 6 jobs mirrored, one failing and then re-run into a passing generation 2.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

test('npm run demo:mirror: a fork pull request mirrored through its events and a re-run', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-strip-types', 'test/demo-mirror.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d })
    child.on('error', reject)
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }))
  })
  expect(code, `${stdout}\n${stderr}`).toBe(0)
  expect(stdout).not.toMatch(/ghs_|-----BEGIN|eyJ[\w-]+\.eyJ/)
  const section = (h: string) => stdout.split(/^== /m).find((s) => s.startsWith(h))!.split('\n').filter((l) => l.startsWith('   CI / ')).map((l) => l.trim().split(/\s{2,}/))
  expect(section('completed').find((r) => r[0] === 'CI / CONCLUSION')).toEqual(['CI / CONCLUSION', 'completed', 'failure', '1'])
  const final = section('re-run')
  expect(final).toHaveLength(7)
  expect(final.every((r) => r[1] === 'completed' && r[2] === 'success')).toBe(true)
  expect(final.find((r) => r[0] === 'CI / test (windows)')![3]).toBe('2')
  expect(stdout).toContain('No artifact, cache or log request: true.')
}, 120_000)
