// Authenticated state: every fragment and the job memory carry an HMAC-SHA256 tag that only a
// holder of the app's private key can make. Anyone with a workflow run's runtime token (a fork's
// pull-request run, an untrusted job of our own run) can upload artifacts or cache entries under
// a fragment's name, but not a valid tag, so readers set such fragments aside (docs/security.md).
//
// The MAC key is derived from the private key by HKDF-SHA256 over its PKCS#8 DER bytes: the same
// key pasted as PKCS#1 or PKCS#8, with any line breaks, gives the same MAC key. Each tag binds the
// purpose (fragment, job memory), the suite (repository, head sha, suite name) and the exact body
// text, so a fragment cannot be moved to another suite or read as a memory file. Pure given the key.
import { createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto'
import type { SuiteKey } from '../checks/types.ts'

/** First line of every sealed fragment: the scheme, then the tag. */
const HEADER = 'github-app-ci-auth v1 hmac-sha256='
const TAG_HEX = 64 // lower-case hex digits of the SHA-256 HMAC
const SALT = 'github-app-ci state authentication'
const INFO = 'fragment-auth v1'

export type AuthPurpose = 'fragment' | 'job-memory' | 'reconcile-index'

export interface Sealed {
  tag: string
  body: string
}

/** A sealed text's tag and body, or undefined when it has no well-formed header (written without a tag). */
export function splitSealed(text: string): Sealed | undefined {
  if (typeof text !== 'string' || !text.startsWith(HEADER)) return undefined
  const end = text.indexOf('\n', HEADER.length)
  if (end !== HEADER.length + TAG_HEX) return undefined
  const tag = text.slice(HEADER.length, end)
  if (!/^[0-9a-f]+$/.test(tag)) return undefined
  return { tag, body: text.slice(end + 1) }
}

export class FragmentAuth {
  readonly #key: Buffer

  /** Derives the MAC key from the app's private key (once per step). */
  constructor(privateKey: KeyObject) {
    const der = privateKey.export({ type: 'pkcs8', format: 'der' })
    this.#key = Buffer.from(hkdfSync('sha256', der, SALT, INFO, 32))
  }

  /** The hex tag of `body` for `purpose` in `suite`. */
  tag(purpose: AuthPurpose, suite: SuiteKey, body: string): string {
    const context = JSON.stringify([purpose, suite.repository, suite.head_sha, suite.suite])
    return createHmac('sha256', this.#key).update(context, 'utf8').update('\n').update(body, 'utf8').digest('hex')
  }

  /** Whether `tag` is `body`'s tag (constant-time compare; anything not a tag is false). */
  verify(purpose: AuthPurpose, suite: SuiteKey, body: string, tag: unknown): boolean {
    if (typeof tag !== 'string' || !/^[0-9a-f]{64}$/.test(tag)) return false
    const expected = Buffer.from(this.tag(purpose, suite, body), 'hex')
    const given = Buffer.from(tag, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** A fragment's stored text: the header line with the tag, then the document text unchanged. */
  seal(suite: SuiteKey, body: string, purpose: AuthPurpose = 'fragment'): string {
    return `${HEADER}${this.tag(purpose, suite, body)}\n${body}`
  }

  /**
   * The document text of a sealed fragment of `suite`, or why it cannot be trusted: no tag (written
   * by an older version or by someone without the key) or a wrong one (forged, another suite's, or
   * sealed with another key).
   */
  open(suite: SuiteKey, text: string, purpose: AuthPurpose = 'fragment'): { body: string } | { problem: string } {
    const sealed = splitSealed(text)
    if (!sealed) return { problem: 'it carries no authentication tag' }
    if (!this.verify(purpose, suite, sealed.body, sealed.tag)) {
      return { problem: "its authentication tag is wrong (not written with this app's private key for this suite)" }
    }
    return { body: sealed.body }
  }
}
