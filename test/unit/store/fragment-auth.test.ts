// The fragment tag (src/store/fragment-auth.ts): HMAC-SHA256 under a key derived by HKDF from the
// app's private key, bound to the purpose, the suite and the exact text.
import { createHmac, createPrivateKey, generateKeyPairSync, hkdfSync } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { parsePrivateKey } from '../../../src/auth/private-key.ts'
import { FragmentAuth, splitSealed } from '../../../src/store/fragment-auth.ts'

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pkcs1 = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }) as string
const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
const key = { repository: 'octo-org/repo-a', head_sha: 'a'.repeat(40), suite: 'ci' }
const body = '{"version":1,"repository":"octo-org/repo-a","head_sha":"' + 'a'.repeat(40) + '","suite":"ci","check_runs":{}}'

describe('FragmentAuth', () => {
  test('seal then open gives the text back; the header is one line before it', () => {
    const auth = new FragmentAuth(createPrivateKey(pkcs1))
    const sealed = auth.seal(key, body)
    expect(sealed).toMatch(/^github-app-ci-auth v1 hmac-sha256=[0-9a-f]{64}\n/)
    expect(sealed.endsWith(`\n${body}`)).toBe(true)
    expect(auth.open(key, sealed)).toEqual({ body })
    expect(splitSealed(sealed)).toEqual({ tag: sealed.slice('github-app-ci-auth v1 hmac-sha256='.length, sealed.indexOf('\n')), body })
  })

  test('the MAC key depends on the key only, not on how it was pasted (PKCS#1, PKCS#8, escaped newlines, CRLF)', () => {
    const tag = new FragmentAuth(createPrivateKey(pkcs1)).tag('fragment', key, body)
    for (const text of [pkcs8, pkcs1.replace(/\n/g, '\\n'), pkcs8.replace(/\n/g, '\r\n'), `  "${pkcs1}"  `]) {
      expect(new FragmentAuth(parsePrivateKey(text)).tag('fragment', key, body)).toBe(tag)
    }
    // HKDF-SHA256 over the PKCS#8 DER bytes, then HMAC-SHA256 of the purpose and suite, a newline and the text.
    const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' })
    const macKey = Buffer.from(hkdfSync('sha256', der, 'github-app-ci state authentication', 'fragment-auth v1', 32))
    const expected = createHmac('sha256', macKey).update(JSON.stringify(['fragment', key.repository, key.head_sha, key.suite]) + '\n' + body).digest('hex')
    expect(tag).toBe(expected)
  })

  test('anything else fails: no tag, a changed text, another suite, another purpose, another key', () => {
    const auth = new FragmentAuth(createPrivateKey(pkcs1))
    const sealed = auth.seal(key, body)
    expect(auth.open(key, body)).toEqual({ problem: 'it carries no authentication tag' })
    const wrong = { problem: expect.stringMatching(/^its authentication tag is wrong/) }
    expect(auth.open(key, sealed.replace('"check_runs":{}', '"check_runs":{} '))).toEqual(wrong)
    for (const k of [{ ...key, suite: 'nightly' }, { ...key, head_sha: 'b'.repeat(40) }, { ...key, repository: 'octo-org/repo-b' }]) {
      expect(auth.open(k, sealed)).toEqual(wrong)
    }
    expect(new FragmentAuth(other).open(key, sealed)).toEqual(wrong)
    expect(new FragmentAuth(other).open(key, new FragmentAuth(other).seal(key, body))).toEqual({ body })
    const tag = auth.tag('fragment', key, body)
    expect(auth.verify('job-memory', key, body, tag)).toBe(false)
    expect(auth.verify('fragment', key, body, tag)).toBe(true)
    for (const bad of [undefined, null, 42, '', tag.slice(1), tag.toUpperCase(), `${tag.slice(0, 63)}g`]) {
      expect(auth.verify('fragment', key, body, bad)).toBe(false)
    }
  })

  test('a malformed header is no tag at all', () => {
    const auth = new FragmentAuth(createPrivateKey(pkcs1))
    const sealed = auth.seal(key, body)
    for (const text of [sealed.replace('v1', 'v2'), sealed.replace(/=([0-9a-f]{64})\n/, '=$1 \n'), sealed.replace(/=([0-9a-f]{2})/, '=zz'), sealed.slice(0, 90)]) {
      expect(splitSealed(text)).toBeUndefined()
      expect(auth.open(key, text)).toEqual({ problem: 'it carries no authentication tag' })
    }
  })
})
