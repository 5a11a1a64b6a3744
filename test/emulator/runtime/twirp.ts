// Twirp JSON conventions: errors are {code, msg} with the status Twirp maps each code to.
import type { ServerResponse } from 'node:http'

export type TwirpCode =
  | 'already_exists'
  | 'not_found'
  | 'permission_denied'
  | 'unauthenticated'
  | 'invalid_argument'
  | 'failed_precondition'
  | 'bad_route'
  | 'internal'
  | 'unavailable'
  | 'resource_exhausted'

export const twirpStatus: Record<TwirpCode, number> = {
  already_exists: 409,
  not_found: 404,
  permission_denied: 403,
  unauthenticated: 401,
  invalid_argument: 400,
  failed_precondition: 412,
  bad_route: 404,
  internal: 500,
  unavailable: 503,
  resource_exhausted: 429, // https://twitchtv.github.io/twirp/docs/spec_v7.html#error-codes
}

export class TwirpError extends Error {
  readonly code: TwirpCode
  constructor(code: TwirpCode, msg: string) {
    super(msg)
    this.code = code
  }
}

export function sendTwirpError(res: ServerResponse, code: TwirpCode, msg: string, status = twirpStatus[code]): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ code, msg }))
}

export function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A Twirp method: the caller's claims and the JSON body in, the JSON reply out (or a TwirpError). */
export type TwirpMethod<C> = (caller: C, body: Record<string, unknown>) => unknown

export const str = (v: unknown): string => (typeof v === 'string' ? v : '')
