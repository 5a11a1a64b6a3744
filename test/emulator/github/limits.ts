// Primary rate limits (the x-ratelimit-* headers) and GitHub's secondary limits on content creation.

export const secondaryMessage =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.'

interface Bucket { limit: number; used: number; resetAt: number }

export class RateLimits {
  private buckets = new Map<string, Bucket>()
  private creations = new Map<number, number[]>() // installation id -> times of content-creating requests
  secondary = { perMinute: 80, perHour: 500 }

  bucket(key: string, resource: string, now: number): Bucket {
    const k = `${key}|${resource}`
    let b = this.buckets.get(k)
    if (!b || b.resetAt <= now) {
      b = { limit: key === 'none' ? 60 : 5000, used: 0, resetAt: now + 3600_000 }
      this.buckets.set(k, b)
    }
    return b
  }

  setRemaining(key: string, resource: string, remaining: number, now: number): void {
    const b = this.bucket(key, resource, now)
    b.used = Math.max(0, b.limit - remaining)
  }

  headers(b: Bucket, resource: string): Record<string, string> {
    return {
      'x-ratelimit-limit': String(b.limit),
      'x-ratelimit-remaining': String(Math.max(0, b.limit - b.used)),
      'x-ratelimit-reset': String(Math.floor(b.resetAt / 1000)),
      'x-ratelimit-used': String(b.used),
      'x-ratelimit-resource': resource,
    }
  }

  /** Records `count` content-creating requests of an installation, or answers how long to wait. */
  takeCreations(installationId: number, count: number, now: number): { ok: true } | { ok: false; retryAfter: number } {
    const times = (this.creations.get(installationId) ?? []).filter((t) => t > now - 3600_000)
    this.creations.set(installationId, times)
    const inMinute = times.filter((t) => t > now - 60_000)
    const waitFor = (window: number[], span: number, limit: number): number => {
      // the oldest entries that must leave the window before `count` more fit
      const mustLeave = window.length + count - limit
      const t = window[Math.min(mustLeave, window.length) - 1] ?? now
      return Math.max(1, Math.ceil((t + span - now) / 1000))
    }
    if (inMinute.length + count > this.secondary.perMinute) {
      return { ok: false, retryAfter: count > this.secondary.perMinute ? 60 : waitFor(inMinute, 60_000, this.secondary.perMinute) }
    }
    if (times.length + count > this.secondary.perHour) {
      return { ok: false, retryAfter: count > this.secondary.perHour ? 3600 : waitFor(times, 3600_000, this.secondary.perHour) }
    }
    for (let i = 0; i < count; i++) times.push(now)
    return { ok: true }
  }
}
