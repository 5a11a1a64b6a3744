// Fuzzing what test/unit/checks/inputs.test.ts and test/unit/checks/service-data.test.ts do not: the app inputs
// (app-id/client-id, private key, installation, owner, repositories, permission-<name>, API URL)
// throw nothing but a one-line UserError, a damaged key's error never quotes the key, and every
// parser (those above plus parseBuilds, parseAnnotations, parseServiceData) returns or throws
// within a second on 100 KB inputs built to upset regular expressions (a hang guard, not a timing goal).
import { generateKeyPairSync } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseRepositories, readApiUrl, readAppInputs } from '../../../src/auth/inputs.ts'
import { parseBoolean } from '../../../src/boolean.ts'
import { APP_PERMISSIONS } from '../../../src/auth/permissions.generated.ts'
import { missingPermissions, readPermissionInputs } from '../../../src/auth/permissions.ts'
import { normalisePrivateKeyText, parsePrivateKey } from '../../../src/auth/private-key.ts'
import { parseAnnotations, parseBuilds } from '../../../src/checks/inputs.ts'
import { CorruptStateError, parseServiceData } from '../../../src/checks/service-data.ts'
import { UserError } from '../../../src/errors.ts'
import { registerPrivateKey } from '../../secrets-registry.ts'

// A hang detector, not a speed goal (bench/ has those): catastrophic backtracking on 100 KB takes
// minutes, while a loaded 2-core CI machine can stretch a millisecond parse past one second.
const BOUND_MS = 5000
const SIZE = 100 * 1024

/** Runs `fn`: it may return or throw one of `allowed`, with a one-line message, within BOUND_MS. */
function only(fn: () => unknown, allowed: (new (...a: never[]) => Error)[] = [UserError]): Error | undefined {
  const started = performance.now()
  let thrown: Error | undefined
  try {
    fn()
  } catch (error) {
    if (!allowed.some((t) => error instanceof t)) throw error // vitest shows the unexpected error itself
    thrown = error as Error
    expect(thrown.message).not.toMatch(/[\r\n]/)
  }
  expect(performance.now() - started).toBeLessThan(BOUND_MS)
  return thrown
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const KEYS = [rsa.export({ type: 'pkcs1', format: 'pem' }).toString(), rsa.export({ type: 'pkcs8', format: 'pem' }).toString()]
for (const k of KEYS) registerPrivateKey(k)
const PERMISSION_NAMES = Object.keys(APP_PERMISSIONS)

/** Pieces that matter to the parsers; long inputs are built by repeating a mix of them. */
const PIECES = [
  ',', '/', '\n', '\r\n', ' ', '\t', 'a', 'Z', '0', '9', '-', '_', '.', ':', '"', "'", '\\n', '[', ']', '{', '}', '=',
  '-----BEGIN RSA PRIVATE KEY-----', '-----BEGIN ', '-----END RSA PRIVATE KEY-----', '-----END ', '-----', 'MIIE', 'Proc-Type: 4,ENCRYPTED',
  'Iv23li', 'octo-org', 'repo-a', 'https://', 'api.github.com', '%', '\u0000', '\u2028', 'é', '😀', '\uD800',
]
const piece = fc.constantFrom(...PIECES)
const short = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
  fc.constantFrom('', ' ', '0', '1', '01', '-1', '1e3', '9007199254740993', 'Iv23liABC', 'octo-org', 'octo-org/repo-a', 'read', 'write', 'admin', 'true'),
)
/** ~100 KB: a short mix of pieces repeated. */
const long = fc.tuple(fc.array(piece, { minLength: 1, maxLength: 8 }), fc.string({ maxLength: 3 }))
  .map(([parts, tail]) => (parts.join('').repeat(Math.ceil(SIZE / Math.max(1, parts.join('').length))).slice(0, SIZE) + tail))

/** A real key, damaged the ways a secret gets damaged: cut, a byte changed, lines lost or swapped, escaped. */
const damagedKey = fc.tuple(fc.constantFrom(...KEYS), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 4 })).map(([pem, a, b, how, junk]) => {
  const lines = pem.trim().split('\n')
  const i = 1 + (a % (lines.length - 2))
  const j = 1 + (b % (lines.length - 2))
  switch (how) {
    case 0: return pem.slice(0, a % pem.length)
    case 1: return pem.slice(0, a % pem.length) + junk + pem.slice((a % pem.length) + 1)
    case 2: return lines.filter((_, k) => k !== i).join('\n')
    case 3: { const l = [...lines]; [l[i], l[j]] = [l[j]!, l[i]!]; return l.join('\n') }
    case 4: return lines.join('\\n').replace('MII', junk)
    case 5: return `${lines.slice(0, i).join('\n')}\n${lines.slice(i).join('\n').replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'))}`
    default: return lines.map((l) => `  ${l}  `).join('\r\n').replace('PRIVATE', junk.toUpperCase() || 'PUBLIC')
  }
})

/** No 24-character stretch of a key's base64 lines may reach a message. */
function quotesKey(message: string, pem: string): boolean {
  const body = normalisePrivateKeyText(pem).split('\n').filter((l) => /^[A-Za-z0-9+/=]+$/.test(l)).join('')
  for (let i = 0; i + 24 <= body.length; i += 12) if (message.includes(body.slice(i, i + 24))) return true
  return false
}

describe('the app inputs throw nothing but one-line UserErrors', () => {
  it('readAppInputs on arbitrary inputs and environments', () => {
    const inputs = fc.record({
      'app-id': short, 'client-id': short, 'installation-id': short, owner: short, repositories: short,
      'github-api-url': fc.oneof(short, fc.constantFrom('http://127.0.0.1:9', 'https://ghe.example/api/v3', 'ftp://x')),
      'private-key': fc.oneof(short, fc.constantFrom(...KEYS), damagedKey),
      permission: fc.tuple(fc.constantFrom(...PERMISSION_NAMES, 'superpowers', 'pull-requests'), short),
    }, { requiredKeys: [] })
    const env = fc.record({
      GITHUB_REPOSITORY: fc.oneof(short, fc.constant('octo-org/repo-a')),
      GITHUB_REPOSITORY_OWNER: short,
      GITHUB_API_URL: short,
      extra: fc.tuple(fc.string({ maxLength: 20 }), short),
    }, { requiredKeys: [] })
    fc.assert(fc.property(inputs, env, (i, e) => {
      const values: Record<string, string> = { ...i, permission: '' } as Record<string, string>
      if (i.permission) values[`permission-${i.permission[0].replace(/_/g, '-')}`] = i.permission[1]
      const environment: NodeJS.ProcessEnv = { ...e, extra: undefined }
      if (e.extra) environment[`INPUT_PERMISSION-${e.extra[0]}`] = e.extra[1]
      const error = only(() => readAppInputs((name) => values[name] ?? '', environment))
      if (error && i['private-key']) expect(quotesKey(error.message, i['private-key'])).toBe(false)
    }), { numRuns: 400 })
  })

  it('parsePrivateKey on damaged real keys: a UserError that never quotes the key, or an RSA key of 2048 bits', () => {
    fc.assert(fc.property(damagedKey, (pem) => {
      let key: ReturnType<typeof parsePrivateKey> | undefined
      const error = only(() => { key = parsePrivateKey(pem) })
      if (error) expect(quotesKey(error.message, pem)).toBe(false)
      else {
        expect(key!.asymmetricKeyType).toBe('rsa')
        expect(key!.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048)
      }
    }), { numRuns: 300 })
  })

  it('parseRepositories, the permission inputs, booleans and the API URL on arbitrary text', () => {
    fc.assert(fc.property(short, fc.option(fc.constantFrom('octo-org', 'Octo-Org', 'x'), { nil: undefined }), short, (text, owner, url) => {
      const parsed = only(() => parseRepositories(text, owner)) ? undefined : parseRepositories(text, owner)
      if (parsed) {
        // every name is kept once (case-insensitively), without a slash or a separator
        expect(new Set(parsed.names.map((n) => n.toLowerCase())).size).toBe(parsed.names.length)
        for (const n of parsed.names) expect(n).toMatch(/^[A-Za-z0-9._-]+$/)
      }
      only(() => parseBoolean(text, 'skip-token-revoke', false))
      only(() => readApiUrl((name) => (name === 'github-api-url' ? text : ''), { GITHUB_API_URL: url }))
    }), { numRuns: 1000 })
    const permissionInputs = fc.dictionary(fc.oneof(fc.constantFrom(...PERMISSION_NAMES).map((n) => `permission-${n.replace(/_/g, '-')}`), fc.string({ maxLength: 30 })), short, { maxKeys: 6 })
    const permissionEnv = fc.dictionary(fc.string({ maxLength: 30 }).map((s) => `INPUT_PERMISSION${s}`), short, { maxKeys: 4 })
    fc.assert(fc.property(permissionInputs, permissionEnv, (values, env) => {
      let read: ReturnType<typeof readPermissionInputs>
      if (only(() => { read = readPermissionInputs((n) => values[n] ?? '', env) }) === undefined && read) {
        for (const [name, level] of Object.entries(read)) {
          expect((APP_PERMISSIONS as Record<string, readonly string[]>)[name]).toContain(level)
        }
        expect(missingPermissions(read, {})).toHaveLength(Object.keys(read).length)
      }
    }), { numRuns: 1000 })
  })
})

describe('no parser hangs on 100 KB inputs', () => {
  it('the app inputs', () => {
    fc.assert(fc.property(long, (text) => {
      only(() => parseRepositories(text, undefined))
      only(() => parseRepositories(text, 'octo-org'))
      only(() => parsePrivateKey(text))
      only(() => readPermissionInputs((n) => (n === 'permission-contents' ? text : ''), { [`INPUT_PERMISSION-${text.slice(0, 1000)}`]: 'x' }))
      only(() => readApiUrl(() => text, {}))
      only(() => readAppInputs((n) => (n === 'app-id' ? '1' : text), { GITHUB_REPOSITORY: 'octo-org/repo-a' }))
    }), { numRuns: 40 })
  })

  it('builds, annotations and the state document', () => {
    fc.assert(fc.property(long, (text) => {
      only(() => parseBuilds(text, 'ci'))
      only(() => parseBuilds(`[${JSON.stringify(text)}]`, 'ci'))
      only(() => parseAnnotations(text))
      only(() => parseAnnotations(JSON.stringify([{ path: text, start_line: 1, end_line: 1, annotation_level: 'warning', message: text, title: text }])))
      only(() => parseServiceData(text), [CorruptStateError])
      only(() => parseServiceData(JSON.stringify({ version: 1, repository: 'o/r', head_sha: 'a'.repeat(40), suite: text, check_runs: { [text.slice(0, 200)]: text } })), [CorruptStateError])
    }), { numRuns: 40 })
  })

  it('large but valid inputs parse (100 KB of builds, annotations, state)', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `build-${i}`)
    expect(only(() => parseBuilds(ids.join(','), 'ci'))).toBeUndefined()
    const annotations = Array.from({ length: 800 }, (_, i) => ({ path: `src/f${i}.ts`, start_line: i + 1, end_line: i + 1, annotation_level: 'notice', message: 'm'.repeat(64) }))
    expect(JSON.stringify(annotations).length).toBeGreaterThan(SIZE)
    expect(only(() => parseAnnotations(JSON.stringify(annotations)))).toBeUndefined()
    const check_runs = Object.fromEntries(ids.slice(0, 800).map((id, i) => [id, { name: `ci / ${id}`, state: 'built', generation: 1, check_run_id: i + 1, state_synced: true, conclusion: 'success', updated_at: '2026-01-01T00:00:00.000Z' }]))
    const doc = JSON.stringify({ version: 1, repository: 'o/r', head_sha: 'a'.repeat(40), suite: 'ci', check_runs })
    expect(doc.length).toBeGreaterThan(SIZE)
    expect(only(() => parseServiceData(doc), [CorruptStateError])).toBeUndefined()
  })
})
