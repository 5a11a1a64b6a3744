// The last guard before anything goes to GitHub: the secrets this process holds (the app's
// private key, the JWTs it signed, the installation tokens it minted) never travel in a request
// body or URL. Credentials travel only in the Authorization header, which this guard does not
// look at. A file input that turns out to be /proc/self/environ, or a state fragment that quotes
// a token, is refused here with an error instead of becoming a check run's summary.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { UserError } from '../errors.ts'

/** A slice this long of the key's base64 body counts as the key (24 bytes of key material). */
export const KEY_SLICE_CHARS = 32
/** Shorter values are not tokens (installation tokens are 40 characters, JWTs hundreds). */
const MIN_SECRET_CHARS = 20

const values = new Set<string>()
const keySlices = new Set<string>()
const keysHeld = new WeakSet<KeyObject>()

/** An installation token or JWT this process holds. */
export function holdSecret(value: string): void {
  if (typeof value === 'string' && value.length >= MIN_SECRET_CHARS) values.add(value)
}

/**
 * The app's private key: every KEY_SLICE_CHARS-character slice of its base64 DER (PKCS#1 and
 * PKCS#8, the forms a PEM input comes in), except slices its public key shares (the modulus is
 * not secret, and public key text must not be refused).
 */
export function holdPrivateKey(key: KeyObject): void {
  if (keysHeld.has(key)) return
  keysHeld.add(key)
  const b64 = (export_: () => Buffer | string) => {
    try {
      return Buffer.from(export_()).toString('base64')
    } catch {
      return '' // a form this key has no export to (a non-RSA key has no PKCS#1)
    }
  }
  const pub = createPublicKey(key)
  const windows = (text: string) => Array.from({ length: Math.max(0, text.length - KEY_SLICE_CHARS + 1) }, (_, i) => text.slice(i, i + KEY_SLICE_CHARS))
  const shared = new Set([
    ...windows(b64(() => pub.export({ type: 'spki', format: 'der' }))),
    ...windows(b64(() => pub.export({ type: 'pkcs1', format: 'der' }))),
  ])
  for (const type of ['pkcs1', 'pkcs8'] as const) {
    for (const slice of windows(b64(() => key.export({ type, format: 'der' })))) if (!shared.has(slice)) keySlices.add(slice)
  }
}

/** What secret `text` holds, described without it; undefined when none. */
export function heldSecretIn(text: string): string | undefined {
  for (const v of values) {
    if (text.includes(v)) return v.split('.').length === 3 ? 'a JWT this action signed' : 'an installation token this action holds'
  }
  if (keySlices.size === 0) return undefined
  // Base64 runs only: a PEM's lines stay whole in JSON (its line ends become "\n" escapes).
  for (const run of text.matchAll(/[A-Za-z0-9+/]{32,}/g)) {
    const s = run[0]
    for (let i = 0; i + KEY_SLICE_CHARS <= s.length; i++) {
      if (keySlices.has(s.slice(i, i + KEY_SLICE_CHARS))) return "the app's private key (a slice of it)"
    }
  }
  return undefined
}

/** Refused, never sent: a request whose body or parameters hold a secret. */
export class SecretInRequestError extends UserError {
  constructor(what: string, secret: string) {
    super(
      `Refused to send ${what}: it would carry ${secret}. Nothing was sent. A file input or the state ` +
        'may hold a secret: check the summary-file, text-file and annotations-file inputs.',
    )
    this.name = 'SecretInRequestError'
  }
}

/** Throws SecretInRequestError when `text` holds a secret. */
export function refuseSecrets(what: string, text: string | undefined): void {
  if (!text) return
  const secret = heldSecretIn(text)
  if (secret) throw new SecretInRequestError(what, secret)
}
