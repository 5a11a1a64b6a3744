// store: none — no state kept anywhere. For command: mirror, whose state is what GitHub already
// holds: the app's check runs on the commit (rebuilt by src/state/read.ts readSuite when a build has no record)
// and the workflow run's jobs. Reads find nothing; writes keep nothing.
import { suiteHash } from '../checks/service-data.ts'
import type { SuiteKey } from '../checks/types.ts'
import type { Fragment, FragmentFilter, FragmentRef, RecentListing, StateStore } from './store.ts'

export class NoStore implements StateStore {
  readonly description = 'none'
  /** Nothing is kept, so there is nothing to clear. */
  readonly selfClearing = true
  async readFragments(_key: SuiteKey, filter?: FragmentFilter): Promise<Fragment[]> {
    filter?.listed?.([])
    return []
  }
  async writeFragment(key: SuiteKey): Promise<FragmentRef> {
    return { id: 'none', suite_hash: suiteHash(key) }
  }
  async listAllFragments(): Promise<FragmentRef[]> {
    return []
  }
  async readFragment(ref: FragmentRef): Promise<Fragment> {
    throw new Error(`store: none holds no fragment (asked for ${ref.id})`)
  }
  async deleteFragments(): Promise<void> {}
  async listRecentFragments(): Promise<RecentListing> {
    return { refs: [], complete: true, unread: 0 }
  }
  async readIndex(): Promise<string | undefined> {
    return undefined
  }
  async writeIndex(): Promise<void> {}
}
