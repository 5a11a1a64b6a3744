// The private-key input as users paste it: accepted shapes, and one distinct, key-free message per mistake.
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { normalisePrivateKeyText, parsePrivateKey } from '../../../src/auth/private-key.ts'
import { UserError } from '../../../src/errors.ts'

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 })
const pkcs1 = rsa2048.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const pkcs8 = rsa2048.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const rsa3072 = generateKeyPairSync('rsa', { modulusLength: 3072 })
const rsa3072Pkcs8 = rsa3072.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
const ecSec1 = ecKey.export({ type: 'sec1', format: 'pem' }).toString()
const ecPkcs8 = ecKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
const publicSpki = rsa2048.publicKey.export({ type: 'spki', format: 'pem' }).toString()
const publicPkcs1 = rsa2048.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString()
const encrypted = rsa2048.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString()

// A real self-signed certificate (CN=github-app-ci test, RSA 2048, made once with openssl req -x509).
const certificate = `-----BEGIN CERTIFICATE-----
MIIDGzCCAgOgAwIBAgIUCMdQvZDpnoHnwncNNJUzdtCWiFYwDQYJKoZIhvcNAQEL
BQAwHTEbMBkGA1UEAwwSZ2l0aHViLWFwcC1jaSB0ZXN0MB4XDTI2MTEyNTEyMTA0
NloXDTM2MTEyMjEyMTA0NlowHTEbMBkGA1UEAwwSZ2l0aHViLWFwcC1jaSB0ZXN0
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuJMOLaGcMuYV5FmoMuZh
cL3j/kNPCyTbNSdEwmNSYfF3IAznFhglgKkoCWcq/fBzF9qcZkcS1fqOu+14i3B0
DCGArPy60J+bMWFaItbwotuFiOl7moanYe56hqLE4Gf6lI/kvfYhe3QStTJJENVq
FpEAkEmT8f+Uu+viR9CcRKQrDoY1z0zLZBnuvEVJGQW8TclCwz97qM7WRfSwylOW
AdDaIlMYeBWS9vn+tCAsJmrXUR1WBngMfaJYXJymZTtw+7KEHYu1mD3xVTfIeWMl
YanTXpdYdGyHAbtrOAs51nxzP7czZQxgrHs5iEgQziashfA5/EHl07WH2DRrHFzQ
ywIDAQABo1MwUTAdBgNVHQ4EFgQUcLEnnHwU/+R4iZ08TmHf71EKySMwHwYDVR0j
BBgwFoAUcLEnnHwU/+R4iZ08TmHf71EKySMwDwYDVR0TAQH/BAUwAwEB/zANBgkq
hkiG9w0BAQsFAAOCAQEAobmX9ZhUt8DUJrykQ+leearN+TgFK9c8L3wO1GgvRUEW
QvnVnTLNNzhjGcoN6hvi59u5anQSCMzu71i9bpTbPnGFcx02UObSmq/AOEQ2Xtj+
zpKhKE4Rkw3eCXao17BcMlvvnk181+S3f7JIbCRtaFth7Iigz6zSzcwD2EUrqn20
TToRRtu42y6cF4eguaCuBnDiR6mzjbF5qhaXKp1jzkm7me8P5JPL3E47r6BRSrWI
EDU3s4rB/Fc3J44KN+RSFpRWQZHctIPRCv3rRJYVuZDrOwNDkouaQjKr2bCkUPeY
+94kPEUUsP3FGBqLqFMSvoCYV+o4t1H+ZPu44YwBGQ==
-----END CERTIFICATE-----
`

/** What the user passed, in pieces long enough to be recognisable (never in a message). */
function keyFragments(pem: string): string[] {
  return pem
    .split('\n')
    .filter((l) => l && !l.startsWith('-----'))
    .map((l) => l.slice(0, 24))
}

function messageOf(input: string): string {
  try {
    parsePrivateKey(input)
  } catch (error) {
    expect(error).toBeInstanceOf(UserError)
    const message = (error as Error).message
    for (const fragment of keyFragments(input)) expect(message).not.toContain(fragment)
    return message
  }
  throw new Error('expected parsePrivateKey to throw')
}

describe('accepted', () => {
  const der = (k: KeyObject) => k.export({ type: 'pkcs1', format: 'der' })
  test.each([
    ['PKCS#1', pkcs1, rsa2048.privateKey],
    ['PKCS#8', pkcs8, rsa2048.privateKey],
    ['PKCS#8, 3072 bits', rsa3072Pkcs8, rsa3072.privateKey],
    ['literal \\n escapes, on one line', pkcs1.trim().replace(/\n/g, '\\n'), rsa2048.privateKey],
    ['literal \\r\\n escapes', pkcs8.trim().replace(/\n/g, '\\r\\n'), rsa2048.privateKey],
    ['CRLF line ends', pkcs1.replace(/\n/g, '\r\n'), rsa2048.privateKey],
    ['surrounding whitespace and blank lines', `\n\n   ${pkcs8}  \n\t\n`, rsa2048.privateKey],
    ['indented lines (a YAML block)', pkcs1.split('\n').map((l) => `    ${l}`).join('\n'), rsa2048.privateKey],
    ['wrapped in quotes', `"${pkcs1.trim().replace(/\n/g, '\\n')}"`, rsa2048.privateKey],
    ['newlines collapsed to spaces', pkcs8.trim().replace(/\n/g, ' '), rsa2048.privateKey],
  ])('%s', (_name, input, expected) => {
    const key = parsePrivateKey(input)
    expect(key.type).toBe('private')
    expect(der(key).equals(der(expected))).toBe(true)
  })

  test('normalising gives the PEM text back with real newlines', () => {
    expect(normalisePrivateKeyText(`  '${pkcs1.trim().replace(/\n/g, '\\n')}'  `)).toBe(pkcs1.trim())
    expect(normalisePrivateKeyText(pkcs8.replace(/\n/g, '\r\n'))).toBe(pkcs8.trim())
  })
})

describe('refused, each with its own message and never the key', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /private-key is empty.*secrets\.APP_PRIVATE_KEY/],
    ['only whitespace', '  \n\t ', /private-key is empty/],
    ['RSA 1024', rsa1024, /1024-bit RSA key; GitHub requires at least 2048 bits/],
    ['EC (SEC1)', ecSec1, /is an EC key; GitHub Apps sign with RSA keys/],
    ['EC (PKCS#8)', ecPkcs8, /is an EC key \(prime256v1\); GitHub Apps sign with RSA keys/],
    ['Ed25519', ed25519, /is an ED25519 key; GitHub Apps sign with RSA keys/],
    ['public key (SPKI)', publicSpki, /holds a public key; the app needs its private key/],
    ['public key (PKCS#1)', publicPkcs1, /holds a public key; the app needs its private key/],
    ['certificate', certificate, /holds a certificate, not a private key/],
    ['encrypted', encrypted, /encrypted with a passphrase/],
    ['truncated (no END line)', pkcs1.slice(0, Math.floor(pkcs1.length / 2)), /truncated: it has a "-----BEGIN RSA PRIVATE KEY-----" line but no "-----END RSA PRIVATE KEY-----"/],
    ['truncated body (END line kept)', pkcs8.split('\n').filter((_l, i) => i < 8 || i > 20).join('\n'), /damaged or truncated: its BEGIN and END lines are there/],
    ['not PEM at all', 'my-app-key', /not a PEM key: it should start with "-----BEGIN RSA PRIVATE KEY-----"/],
    ['base64 of the PEM', Buffer.from(pkcs1).toString('base64'), /not a PEM key.*base64-encoded: store the decoded \.pem text/],
    ['two keys', pkcs1 + pkcs8, /holds 2 PEM blocks; pass exactly one private key/],
    ['not base64 inside', '-----BEGIN PRIVATE KEY-----\nthis is *not* base64!\n-----END PRIVATE KEY-----', /damaged: the text between its BEGIN and END lines is not base64/],
    ['empty body', '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----', /damaged: the text between its BEGIN and END lines is empty/],
  ]
  test.each(cases)('%s', (_name, input, expected) => {
    expect(messageOf(input)).toMatch(expected)
  })

  test('the messages are distinct', () => {
    const kinds = ['', rsa1024, ecSec1, ed25519, publicSpki, certificate, encrypted, pkcs1.slice(0, 300), 'x', pkcs1 + pkcs8]
    const messages = kinds.map(messageOf)
    expect(new Set(messages).size).toBe(messages.length)
  })
})

test('the fixed certificate is a real certificate, holding an RSA 2048 public key', () => {
  const cert = new X509Certificate(certificate)
  expect(cert.subject).toBe('CN=github-app-ci test')
  expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048)
})
