// App JWT verification with GitHub's claim rules and messages, against the emulator's clock.
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose'
import type { World } from './world.ts'

export const messages = {
  undecodable: 'A JSON web token could not be decoded',
  iatFuture: "'Issued at' claim ('iat') must be an Integer representing a time in the past",
  expPast: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
  expTooFar: "'Expiration time' claim ('exp') is too far in the future",
  issuer: "'Issuer' claim ('iss') must be an Integer",
  noApp: 'Integration not found',
}

export type JwtResult = { ok: true; appId: number } | { ok: false; message: string }

export async function verifyAppJwt(world: World, jwt: string): Promise<JwtResult> {
  let claims: ReturnType<typeof decodeJwt>
  try {
    if (decodeProtectedHeader(jwt).alg !== 'RS256') return { ok: false, message: messages.undecodable }
    claims = decodeJwt(jwt)
  } catch {
    return { ok: false, message: messages.undecodable }
  }
  const iss = claims.iss as unknown
  if (iss === undefined || iss === null || iss === '') return { ok: false, message: messages.issuer }
  const app = world.apps.find((a) => String(a.id) === String(iss) || a.clientId === iss)
  if (!app) return { ok: false, message: messages.noApp }
  try {
    await compactVerify(jwt, app.publicKey, { algorithms: ['RS256'] })
  } catch {
    return { ok: false, message: messages.undecodable }
  }
  const now = Math.floor(world.now() / 1000)
  const { iat, exp } = claims
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now) return { ok: false, message: messages.iatFuture }
  if (typeof exp !== 'number' || exp <= now) return { ok: false, message: messages.expPast }
  // "exp … must be no more than 10 minutes into the future":
  // https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app
  // With iat ≤ now (checked above) the lifetime rule below implies this one; this is the documented
  // rule, the lifetime one (exp - iat over 10 minutes, same message) has no documented source found.
  if (exp - now > 600) return { ok: false, message: messages.expTooFar }
  if (exp - iat > 600) return { ok: false, message: messages.expTooFar }
  return { ok: true, appId: app.id }
}
