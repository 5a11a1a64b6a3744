// How a failed GitHub request reads in messages; no I/O, so the pure core (src/checks) uses it too.
import { errorText } from '../errors.ts'

/**
 * Why a request got no HTTP reply, or undefined when it got one. @octokit/request reports a
 * network failure as a RequestError with status 500 and no `response`: that is not GitHub's 500.
 */
export function networkCause(error: unknown): string | undefined {
  const e = error as { status?: unknown; response?: unknown; name?: unknown } | undefined
  if (!e || typeof e !== 'object' || e.response !== undefined) return undefined
  const aborted = e.name === 'AbortError' || e.name === 'TimeoutError'
  if (!aborted && !(e.name === 'HttpError' && e.status === 500)) return undefined
  let code: string | undefined
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const x = c as { name?: unknown; code?: unknown }
    if (x.name === 'TimeoutError') return 'no reply in time'
    if (typeof x.code === 'string' && /^(E[A-Z_]+|UND_ERR\w*)$/.test(x.code)) code = x.code
  }
  return code ? `network error ${code}` : 'network error'
}

/** What failed, for messages: `HTTP 502: …` for a reply, `network error ECONNRESET: …` for none. */
export function describeRequestError(error: unknown): string {
  const status = (error as { status?: unknown })?.status
  const message = errorText(error)
  const network = networkCause(error)
  if (network) return `${network}: ${message}`
  return typeof status === 'number' ? `HTTP ${status}: ${message}` : message
}
