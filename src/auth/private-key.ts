// Reads the app's private key as users paste it into secrets, and says exactly what is wrong
// with it otherwise. No message ever contains any part of the key.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { UserError } from '../errors.ts'

const MIN_RSA_BITS = 2048
const WHERE = "Generate a new private key on the app's settings page (Private keys) and store the whole .pem file in the secret."

/** PEM labels that are not an unencrypted RSA private key, with what to tell the user. */
const WRONG_LABELS: Record<string, string> = {
  CERTIFICATE: 'private-key holds a certificate, not a private key.',
  'TRUSTED CERTIFICATE': 'private-key holds a certificate, not a private key.',
  'PUBLIC KEY': 'private-key holds a public key; the app needs its private key.',
  'RSA PUBLIC KEY': 'private-key holds a public key; the app needs its private key.',
  'ENCRYPTED PRIVATE KEY':
    'private-key is encrypted with a passphrase, which GitHub App keys never are; use the key as GitHub gave it.',
  'EC PRIVATE KEY': 'private-key is an EC key; GitHub Apps sign with RSA keys.',
  'OPENSSH PRIVATE KEY': 'private-key is an OpenSSH key, not a GitHub App key.',
  'DSA PRIVATE KEY': 'private-key is a DSA key; GitHub Apps sign with RSA keys.',
}

interface PemBlock {
  label: string
  headers: string
  body: string
}

/**
 * Undoes what secrets and YAML do to a PEM file: surrounding whitespace and quotes, literal
 * `\n` escapes, CRLF line ends, indentation. Returns the text with real newlines.
 */
export function normalisePrivateKeyText(raw: string): string {
  let text = raw.trim()
  if (/^(["']).*\1$/s.test(text)) text = text.slice(1, -1).trim()
  return text
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
}

function pemBlocks(text: string): { blocks: PemBlock[]; unterminated?: string } {
  const blocks: PemBlock[] = []
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)(?:-----END \1-----|(?=-----BEGIN )|$)/g
  for (const match of text.matchAll(re)) {
    const label = match[1] ?? ''
    const inner = match[2] ?? ''
    if (!match[0].includes(`-----END ${label}-----`)) return { blocks, unterminated: label }
    // RFC 1421 header lines (Proc-Type, DEK-Info: only encrypted keys have them) hold a colon,
    // which base64 never does.
    const lines = inner.split('\n')
    const headers = lines.filter((l) => l.includes(':')).join('\n')
    const body = lines.filter((l) => !l.includes(':')).join('').replace(/\s+/g, '')
    blocks.push({ label, headers, body })
  }
  return { blocks }
}

function wrap64(body: string): string {
  return body.match(/.{1,64}/g)?.join('\n') ?? ''
}

/**
 * Parses the `private-key` input into a Node KeyObject: an RSA private key of at least 2048
 * bits, PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`). Anything else is a
 * UserError saying what the input holds instead and what to do.
 */
export function parsePrivateKey(raw: string): KeyObject {
  const text = normalisePrivateKeyText(raw)
  if (text === '') {
    throw new UserError(
      'private-key is empty. Pass the app\'s private key from a secret, e.g. private-key: ${{ secrets.APP_PRIVATE_KEY }}; ' +
        'check that the secret exists and is available here (secrets are not passed to workflows run from forks).',
    )
  }
  const { blocks, unterminated } = pemBlocks(text)
  if (unterminated !== undefined) {
    throw new UserError(
      `private-key is truncated: it has a "-----BEGIN ${unterminated}-----" line but no "-----END ${unterminated}-----" line. ` +
        'Copy the whole .pem file, from its BEGIN line to its END line, into the secret.',
    )
  }
  const first = blocks[0]
  if (!first) {
    const hint = /^[A-Za-z0-9+/=\s]+$/.test(text) && /^LS0tLS1CRUdJTi/.test(text.replace(/\s/g, ''))
      ? ' It looks base64-encoded: store the decoded .pem text instead.'
      : ''
    throw new UserError(
      'private-key is not a PEM key: it should start with "-----BEGIN RSA PRIVATE KEY-----" or ' +
        `"-----BEGIN PRIVATE KEY-----".${hint} ${WHERE}`,
    )
  }
  if (blocks.length > 1) {
    throw new UserError(`private-key holds ${blocks.length} PEM blocks; pass exactly one private key.`)
  }
  const wrong = WRONG_LABELS[first.label]
  if (wrong) throw new UserError(`${wrong} ${WHERE}`)
  if (first.label !== 'RSA PRIVATE KEY' && first.label !== 'PRIVATE KEY') {
    throw new UserError(`private-key is a "${first.label}" block, not an RSA private key. ${WHERE}`)
  }
  if (/ENCRYPTED/i.test(first.headers)) throw new UserError(`${WRONG_LABELS['ENCRYPTED PRIVATE KEY']} ${WHERE}`)
  if (first.body === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(first.body)) {
    throw new UserError(
      `private-key is damaged: the text between its BEGIN and END lines is ${first.body === '' ? 'empty' : 'not base64'}. ${WHERE}`,
    )
  }

  let key: KeyObject
  try {
    key = createPrivateKey({
      key: `-----BEGIN ${first.label}-----\n${wrap64(first.body)}\n-----END ${first.label}-----\n`,
      format: 'pem',
    })
  } catch {
    // Node's message names only the decoder step; still, keep the key's bytes out of it.
    throw new UserError(
      'private-key is damaged or truncated: its BEGIN and END lines are there but the key between them cannot be read. ' +
        WHERE,
    )
  }
  if (key.asymmetricKeyType !== 'rsa') {
    const kind = key.asymmetricKeyType === 'ec'
      ? `an EC key${key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}`
      : `an ${String(key.asymmetricKeyType).toUpperCase()} key`
    throw new UserError(`private-key is ${kind}; GitHub Apps sign with RSA keys. ${WHERE}`)
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0
  if (bits < MIN_RSA_BITS) {
    throw new UserError(
      `private-key is a ${bits}-bit RSA key; GitHub requires at least ${MIN_RSA_BITS} bits. ${WHERE}`,
    )
  }
  return key
}
