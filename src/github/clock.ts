// Time as the GitHub client waits for it: the 1 s spacing of writes, rate-limit waits, retry
// backoff and the per-minute mutation budget. Every step uses the real clock; a test passes
// another (createGitHubClient's `clock`) so that those waits cost it no real seconds.
export interface Clock {
  /** milliseconds since the epoch, as Date.now() */
  now(): number
  /** resolves once `ms` milliseconds have passed on this clock */
  sleep(ms: number): Promise<void>
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

// The clock each client of createGitHubClient was made with, for the waits outside its hooks
// (check-runs.ts paces mutations per client).
const clocks = new WeakMap<object, Clock>()
export function setClockOf(client: object, clock: Clock): void {
  clocks.set(client, clock)
}
/** The client's clock; the real one for a client made elsewhere. */
export const clockOf = (client: object): Clock => clocks.get(client) ?? realClock
