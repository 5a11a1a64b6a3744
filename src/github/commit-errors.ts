// GitHub answers check runs on a sha the repository does not have with 422 "No commit found for
// SHA: <sha>" (REST; GraphQL's createCheckRun fails the same way). That is a wrong head-sha, not a
// lost write: the step says which input to fix instead of leaving records for reconcile.
import { UserError } from '../errors.ts'

const NO_COMMIT = /\bNo commit found for SHA\b/i

export function isNoCommit(message: string | undefined): boolean {
  return NO_COMMIT.test(message ?? '')
}

export function noCommitError(sha: string, repository: string): UserError {
  return new UserError(
    `head-sha ${sha} is not a commit of ${repository}: GitHub answered "No commit found for SHA" to the check runs on it. ` +
      'Give head-sha a commit this repository has (without head-sha the action uses the event\'s: the pull request\'s head ' +
      'commit on pull_request events, GITHUB_SHA otherwise); a sha from another repository or a fork\'s commit not pushed here cannot carry check runs.',
  )
}
