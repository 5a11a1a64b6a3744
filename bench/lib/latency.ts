// Network latency for the benchmarks: every request an emulator receives waits `ms` before the
// emulator sees it, and its arrival time is recorded. Applied from outside, by wrapping the
// request listener the emulators hand to http.createServer while they start (both create their
// server synchronously, before their first await), so the emulators stay untouched and every
// request counts: REST, GraphQL, Twirp and the blob data plane alike.
import http from 'node:http'

export interface Latency {
  /** Delay added to each request, in milliseconds (may change between runs). */
  ms: number
  /** performance.now() at each request's arrival, before the delay. */
  arrivals: number[]
  /** When set, each request's method and path (without the query) with its arrival time. */
  log?: Array<{ at: number; what: string }>
}

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** Runs `start` with http.createServer wrapped so the server it creates obeys `latency`. */
export async function withLatency<T>(latency: Latency, start: () => Promise<T>): Promise<T> {
  const original = http.createServer
  let wrapped = 0
  const patched = (...args: unknown[]) => {
    const listener = args.find((a): a is Listener => typeof a === 'function')
    const options = (args.find((a) => typeof a === 'object' && a !== null) ?? {}) as http.ServerOptions
    if (!listener) return original(options)
    wrapped++
    return original(options, (req, res) => {
      const at = performance.now()
      latency.arrivals.push(at)
      latency.log?.push({ at, what: `${req.method} ${(req.url ?? '').split('?')[0]}` })
      if (latency.ms > 0) setTimeout(() => listener(req, res), latency.ms)
      else listener(req, res)
    })
  }
  http.createServer = patched as typeof http.createServer
  let pending: Promise<T>
  try {
    pending = start() // the server is created in start's synchronous part
  } finally {
    http.createServer = original
  }
  const result = await pending
  if (wrapped === 0) throw new Error('withLatency: the server was not created synchronously; latency would not apply')
  return result
}
