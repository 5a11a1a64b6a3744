// Deleting a suite's merged fragments a round at a time, looking at the clock between rounds:
// GitHub takes one write a second, so a suite of a big matrix (hundreds of fragments) would hold
// a reconcile past its max-duration. What is left is deleted by a later pass.

/** Fragments deleted at once, between looks at the clock (the store runs a round in parallel). */
export const DELETES_PER_ROUND = 8

/**
 * Calls `deleteRound` on consecutive rounds of `items` until all are done or `pastDeadline()`
 * says stop; the first round always runs, so every pass makes progress. Returns how many were
 * deleted; a failing round stops it (the error propagates, with the count so far in `deleted`).
 */
export async function deleteInRounds<T>(
  items: T[],
  deleteRound: (round: T[]) => Promise<void>,
  pastDeadline: () => boolean,
  progress: { deleted: number } = { deleted: 0 },
): Promise<number> {
  while (progress.deleted < items.length) {
    if (progress.deleted > 0 && pastDeadline()) break
    const round = items.slice(progress.deleted, progress.deleted + DELETES_PER_ROUND)
    await deleteRound(round)
    progress.deleted += round.length
  }
  return progress.deleted
}
