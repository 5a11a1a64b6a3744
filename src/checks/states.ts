// The build states in their order, and the GitHub check-run status each shows: the one home of
// both (docs/design.md "State model"). A later state wins within a generation.
import type { BuildState } from './types.ts'

export const BUILD_STATES: readonly BuildState[] = ['queued', 'building', 'built']

/** 0, 1, 2 for queued, building, built: later states rank higher. */
export function stateRank(state: BuildState): number {
  return BUILD_STATES.indexOf(state)
}

export function isBuildState(value: unknown): value is BuildState {
  return (BUILD_STATES as readonly unknown[]).includes(value)
}

/** GitHub's check-run status for a build state. */
export function githubStatus(state: BuildState): 'queued' | 'in_progress' | 'completed' {
  return state === 'queued' ? 'queued' : state === 'building' ? 'in_progress' : 'completed'
}

/** The build state a check run's GitHub status shows (the inverse of githubStatus). */
export function stateOfStatus(status: string): BuildState {
  return status === 'queued' ? 'queued' : status === 'in_progress' ? 'building' : 'built'
}
