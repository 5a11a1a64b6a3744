// What a filtered read's listing of fragment names says of the suite (a tagged name carries its
// build's tag, state and generation: src/store/naming.ts), beside the records actually read.
import { stateRank } from '../checks/states.ts'
import type { BuildState, ServiceData } from '../checks/types.ts'
import type { FragmentRef } from '../store/index.ts'
import { buildTag } from '../store/naming.ts'

/** The suite's build count: with a filtered read, builds known only by their fragments' names count too. */
export function countBuilds(data: ServiceData, builds: string[], listed: FragmentRef[] | undefined): number {
  const ids = new Set([...Object.keys(data.check_runs), ...builds])
  if (!listed) return ids.size
  const tags = new Set([...ids].map(buildTag))
  for (const ref of listed) if (ref.tag) tags.add(ref.tag)
  return tags.size
}

/**
 * Each build's best state in its newest generation, from the records read and the fragments'
 * names (a build known only by a tagged name counts too).
 */
function newestStates(data: ServiceData, listed: FragmentRef[]): BuildState[] {
  const newest = new Map<string, { generation: number; state: BuildState }>()
  const see = (tag: string, state: BuildState, generation: number) => {
    const had = newest.get(tag)
    if (!had || generation > had.generation) newest.set(tag, { generation, state })
    else if (generation === had.generation && stateRank(state) > stateRank(had.state)) had.state = state
  }
  for (const [build, record] of Object.entries(data.check_runs)) see(buildTag(build), record.state, record.generation)
  for (const ref of listed) if (ref.tag && ref.state && ref.generation !== undefined) see(ref.tag, ref.state, ref.generation)
  return [...newest.values()].map((b) => b.state)
}

/**
 * From the names (and the records read): whether every build may have ended in its newest
 * generation. Never for a suite no queued step registered: only conclude completes that.
 */
export function mayBeComplete(data: ServiceData, listed: FragmentRef[]): boolean {
  if (!data.registered) return false
  const states = newestStates(data, listed)
  return states.length > 0 && states.every((s) => s === 'built')
}
