// A clock for in-process tests of the GitHub client (createGitHubClient's `clock`): its time
// stands still while requests run and jumps to the next wake-up when one is due, so the client's
// 1 s spacing of writes, its rate-limit waits and its mutation budget are kept, in order, without
// the seconds. Give the GitHub emulator the same clock (startGitHubEmulator({ clock })) and what
// it records (request times, its rate-limit windows) is on that time too. It starts at the real time.
import type { Clock } from '../src/github/clock.ts'

export class VirtualClock implements Clock {
  #now: number
  #sleepers: { at: number; wake: () => void }[] = []
  #due = false
  /** how much time all sleeps together skipped */
  skippedMs = 0

  constructor(start = Date.now()) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      const at = this.#now + Math.max(0, ms)
      // In wake-up order; equal times in the order they were asked for.
      const i = this.#sleepers.findIndex((s) => s.at > at)
      this.#sleepers.splice(i === -1 ? this.#sleepers.length : i, 0, { at, wake })
      this.#advanceSoon()
    })
  }

  // A real millisecond first: replies already on their way over loopback land before time moves.
  #advanceSoon(): void {
    if (this.#due) return
    this.#due = true
    setTimeout(() => {
      this.#due = false
      const next = this.#sleepers.shift()
      if (!next) return
      if (next.at > this.#now) {
        this.skippedMs += next.at - this.#now
        this.#now = next.at
      }
      next.wake()
      if (this.#sleepers.length > 0) this.#advanceSoon()
    }, 1)
  }
}
