/** Runs `fn` over `items`, a few at a time (stores read many small fragments), keeping the order. */
export async function mapLimit<T, R>(items: T[], fn: (item: T) => Promise<R>, limit = 8): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/**
 * Downloads at once when a step reads a whole suite: each is mostly waiting (three small requests,
 * and the toolkit's seconds-long pause after a failed one), so the suite's last step, which reads
 * every fragment, waits less with more under way.
 */
export const READS_AT_ONCE = 16
