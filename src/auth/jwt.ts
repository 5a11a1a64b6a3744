// The app's JSON Web Token (RS256), as GitHub wants it:
// https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
import type { KeyObject } from 'node:crypto'
import { SignJWT } from 'jose'
import { holdSecret } from '../github/secret-guard.ts'

/** Back-dated against clock drift, as GitHub recommends. */
export const JWT_BACKDATE_SECONDS = 60
/** GitHub refuses an `exp` more than 10 minutes after `iat`; now + 9 min with iat = now - 60 s is exactly 10. */
export const JWT_LIFETIME_SECONDS = 9 * 60

export interface AppJwtClaims {
  iat: number
  exp: number
  iss: string
}

/**
 * Signs an app JWT. `skewSeconds` is how far GitHub's clock is ahead of ours (negative when
 * behind); `nowMs` is ours.
 */
export async function signAppJwt(opts: {
  issuer: string | number
  key: KeyObject
  nowMs?: number
  skewSeconds?: number
}): Promise<{ jwt: string; claims: AppJwtClaims }> {
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000) + Math.round(opts.skewSeconds ?? 0)
  const claims: AppJwtClaims = {
    iat: now - JWT_BACKDATE_SECONDS,
    exp: now + JWT_LIFETIME_SECONDS,
    iss: String(opts.issuer), // GitHub accepts the app id as a string too
  }
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .setIssuer(claims.iss)
    .sign(opts.key)
  return { jwt, claims }
}

/**
 * GitHub's 401 replies when the JWT's time claims are off, e.g. "'Issued at' claim ('iat')
 * must be an Integer representing a time in the past" or "'Expiration time' claim ('exp') is
 * too far in the future".
 */
export function isClockSkewError(status: number | undefined, message: string | undefined): boolean {
  return status === 401 && /\('?(iat|exp)'?\)|issued at|expiration time/i.test(message ?? '')
}

/** GitHub's clock minus ours, in whole seconds, from a reply's `Date` header; undefined if unreadable. */
export function skewFromDateHeader(date: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (!date) return undefined
  const server = Date.parse(date)
  if (Number.isNaN(server)) return undefined
  return Math.round((server - nowMs) / 1000)
}

/** A JWT maker that remembers the clock skew GitHub told it about. */
export interface AppJwtSource {
  (): Promise<string>
  skewSeconds: number
}

export function createAppJwtSource(issuer: string | number, key: KeyObject): AppJwtSource {
  const source = (async () => {
    const { jwt } = await signAppJwt({ issuer, key, skewSeconds: source.skewSeconds })
    holdSecret(jwt) // no request body may carry it (secret-guard.ts)
    return jwt
  }) as AppJwtSource
  source.skewSeconds = 0
  return source
}

/**
 * Runs a JWT-authenticated call; if GitHub answers 401 about `iat`/`exp`, learns the skew from
 * the reply's `Date` header and retries once.
 */
export async function withClockSkewRetry<T>(
  source: AppJwtSource,
  call: () => Promise<T>,
  onRetry?: (skewSeconds: number) => void,
): Promise<T> {
  try {
    return await call()
  } catch (error) {
    const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } }
    if (!isClockSkewError(e.status, e.message)) throw error
    const skew = skewFromDateHeader(e.response?.headers?.date)
    if (skew === undefined) throw error
    source.skewSeconds = skew
    onRetry?.(skew)
    return await call()
  }
}
