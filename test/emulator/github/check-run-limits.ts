// GitHub's rules on check runs that live outside checks-store.ts: commits a repository has, and
// the 1,000 same-name runs a check suite keeps.
import type { EmulatedCheckRun } from './types.ts'
import type { World } from './world.ts'

/**
 * Commits of repositories whose commits a test declared (World.commits); other repositories take
 * any 40-hex sha (most tests make commits up). A sha the repository does not have is answered
 * 422 "No commit found for SHA: <sha>", by check-run creation and by listing check runs of a ref
 * (the message as GitHub gives it: rust-lang/homu#141, yegor256/rultor#1344, NWACus/avy#731; for
 * GraphQL's createCheckRun no source was found: the same message as an UNPROCESSABLE error).
 */
export function missingCommit(world: World, repository: string, sha: string | undefined): string | undefined {
  const known = world.commits.get(repository.toLowerCase())
  if (!known || (sha && known.has(sha.toLowerCase()))) return undefined
  return `No commit found for SHA: ${sha ?? ''}`
}

/**
 * "The Checks API now has a limit of 1,000 check runs with the same name per check suite … If
 * the limit is exceeded, only the most recent 1,000 runs are stored, and older runs are deleted"
 * (https://github.blog/changelog/2020-09-14-new-limits-affecting-the-checks-api; also
 * https://docs.github.com/en/rest/checks/runs#create-a-check-run). A suite is one app's on one
 * commit. Called after a create: deletes the oldest beyond the limit.
 */
export const SAME_NAME_LIMIT = 1000
export function pruneSameName(world: World, run: EmulatedCheckRun): void {
  const same = world.checkRunList.filter((r) => r.app_id === run.app_id && r.repository === run.repository && r.head_sha === run.head_sha && r.name === run.name)
  if (same.length <= SAME_NAME_LIMIT) return
  const drop = new Set(same.sort((a, b) => a.id - b.id).slice(0, same.length - SAME_NAME_LIMIT))
  for (let i = world.checkRunList.length - 1; i >= 0; i--) if (drop.has(world.checkRunList[i]!)) world.checkRunList.splice(i, 1)
}
