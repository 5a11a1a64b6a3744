// The app JWT: claims GitHub accepts, verified with the public key; clock-skew detection and retry.
import { generateKeyPairSync } from 'node:crypto'
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose'
import { expect, test } from 'vitest'
import {
  createAppJwtSource,
  isClockSkewError,
  JWT_BACKDATE_SECONDS,
  signAppJwt,
  skewFromDateHeader,
  withClockSkewRetry,
} from '../../../src/auth/jwt.ts'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })

test('RS256, iat 60 s back, exp 9 min ahead (10 minutes apart, GitHub\'s cap), iss the issuer', async () => {
  const nowMs = Date.UTC(2025, 0, 1, 12, 0, 0, 700)
  const { jwt, claims } = await signAppJwt({ issuer: 'Iv23liABC', key: privateKey, nowMs })
  expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT' })
  const now = Math.floor(nowMs / 1000)
  const decoded = decodeJwt(jwt)
  expect(decoded).toEqual({ iat: now - 60, exp: now + 540, iss: 'Iv23liABC' })
  expect(claims).toEqual(decoded)
  expect(decoded.exp! - decoded.iat!).toBeLessThanOrEqual(600)
  await expect(compactVerify(jwt, publicKey)).resolves.toBeTruthy()
  await expect(compactVerify(jwt, other.publicKey)).rejects.toThrow()
})

test('an app id as issuer; a skew moves both times', async () => {
  const nowMs = 1_700_000_000_000
  const { jwt } = await signAppJwt({ issuer: 123456, key: privateKey, nowMs, skewSeconds: -300 })
  const c = decodeJwt(jwt)
  expect(c.iss).toBe('123456')
  expect(c.iat).toBe(1_700_000_000 - 300 - JWT_BACKDATE_SECONDS)
  expect(c.exp).toBe(1_700_000_000 - 300 + 540)
})

test('GitHub\'s clock messages are recognised; other 401s are not', () => {
  expect(isClockSkewError(401, "'Issued at' claim ('iat') must be an Integer representing a time in the past")).toBe(true)
  expect(isClockSkewError(401, "'Expiration time' claim ('exp') is too far in the future")).toBe(true)
  expect(isClockSkewError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")).toBe(true)
  expect(isClockSkewError(401, 'A JSON web token could not be decoded')).toBe(false)
  expect(isClockSkewError(401, 'Bad credentials')).toBe(false)
  expect(isClockSkewError(403, "'Issued at' claim ('iat') must be an Integer representing a time in the past")).toBe(false)
})

test('skew from a Date header, in whole seconds', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0)
  expect(skewFromDateHeader('Wed, 01 Jan 2025 12:05:00 GMT', now)).toBe(300)
  expect(skewFromDateHeader('Wed, 01 Jan 2025 11:58:00 GMT', now)).toBe(-120)
  expect(skewFromDateHeader(undefined, now)).toBeUndefined()
  expect(skewFromDateHeader('yesterday-ish', now)).toBeUndefined()
})

function skewError(dateMs: number, message = "'Issued at' claim ('iat') must be an Integer representing a time in the past") {
  return Object.assign(new Error(message), { status: 401, response: { headers: { date: new Date(dateMs).toUTCString() } } })
}

test('withClockSkewRetry: learns the offset from Date and retries exactly once', async () => {
  const source = createAppJwtSource('1', privateKey)
  const serverBehindMs = -10 * 60_000
  const seen: number[] = []
  const skews: number[] = []
  const result = await withClockSkewRetry(
    source,
    async () => {
      const iat = decodeJwt(await source()).iat!
      seen.push(iat)
      // The "server": its clock is 10 minutes behind; an iat in its future is refused.
      if (iat > Math.floor((Date.now() + serverBehindMs) / 1000)) throw skewError(Date.now() + serverBehindMs)
      return 'ok'
    },
    (s) => skews.push(s),
  )
  expect(result).toBe('ok')
  expect(seen).toHaveLength(2)
  expect(skews).toHaveLength(1)
  expect(Math.abs(skews[0]! + 600)).toBeLessThanOrEqual(1)
  expect(source.skewSeconds).toBe(skews[0])
})

test('withClockSkewRetry: a second clock error, or any other error, is thrown', async () => {
  const source = createAppJwtSource('1', privateKey)
  let calls = 0
  await expect(
    withClockSkewRetry(source, async () => {
      calls++
      throw skewError(Date.now() + 3_600_000)
    }),
  ).rejects.toMatchObject({ status: 401 })
  expect(calls).toBe(2)

  calls = 0
  await expect(
    withClockSkewRetry(source, async () => {
      calls++
      throw Object.assign(new Error('A JSON web token could not be decoded'), { status: 401, response: { headers: { date: new Date().toUTCString() } } })
    }),
  ).rejects.toThrow('could not be decoded')
  expect(calls).toBe(1)
})
