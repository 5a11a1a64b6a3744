// Signed blob URLs, like Azure SAS URLs: `sp` (permissions), `se` (expiry) and `sig`, an HMAC
// over path, permissions and expiry with a key only the emulator knows.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export type BlobPermission = 'r' | 'rw'

export class UrlSigner {
  readonly #key = randomBytes(32)
  readonly #base: () => string
  readonly #ttlMs: () => number

  constructor(base: () => string, ttlMs: () => number) {
    this.#base = base
    this.#ttlMs = ttlMs
  }

  sign(blobPath: string, sp: BlobPermission): string {
    const se = new Date(Date.now() + this.#ttlMs()).toISOString()
    const url = new URL(blobPath, this.#base())
    url.searchParams.set('sv', '2025-01-05')
    url.searchParams.set('sr', 'b')
    url.searchParams.set('sp', sp)
    url.searchParams.set('se', se)
    url.searchParams.set('sig', this.#mac(url.pathname, sp, se))
    return url.toString()
  }

  /** Why a request may not touch this blob, or undefined when it may. */
  verify(url: URL, need: 'r' | 'w'): string | undefined {
    const sp = url.searchParams.get('sp') ?? ''
    const se = url.searchParams.get('se') ?? ''
    const sig = Buffer.from(url.searchParams.get('sig') ?? '')
    const expected = Buffer.from(this.#mac(url.pathname, sp, se))
    if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) {
      return 'Signature did not match.'
    }
    if (!(Date.parse(se) > Date.now())) return 'Signed expiry time has passed.'
    if (!sp.includes(need)) return 'This request is not authorized to perform this operation using this permission.'
    return undefined
  }

  #mac(pathname: string, sp: string, se: string): string {
    return createHmac('sha256', this.#key).update(`${pathname}\n${sp}\n${se}`).digest('base64')
  }
}
